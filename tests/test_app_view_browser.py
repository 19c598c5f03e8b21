"""A link is the screen, in a real browser: Pause then the address bar, the replay's ▶, a drawing's link.

Each opens the page's own address in a fresh browser context (no cookies, no session) and compares
what the two screens say."""

from __future__ import annotations

import re
import time

import pytest
from app_helpers import (
    ARTIFACTS,
    BROWSER,
    IDLE,
    app_started,
    chromium,
    page_kept_on_timeout,
    page_text,
    served_app,
    steady_box,
)

from scratchnet.app.playground.draw import Drawing, snap

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER
PORTS = range(8520, 8530)
METRIC = "[data-testid=stMetric]"
FIGURES = ("Final loss", "Train accuracy", "Held-out loss", "Test accuracy", "Epochs")


@pytest.fixture(scope="module")
def server():
    with served_app(ports=PORTS) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def fresh_page(browser, url: str):
    """``url`` in a new browser context (a new session, as another student's browser), its first run ended."""
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(url)
    app_started(page)
    return page


def tiles(page) -> dict[str, str]:
    """The figures the page shows, by label (the run's time and speed left out: they are the machine's)."""
    found = {}
    for cell in page.locator(METRIC).all():
        label = cell.locator("[data-testid=stMetricLabel]").inner_text().strip()
        found[label] = cell.locator("[data-testid=stMetricValue]").inner_text().strip()
    return {label: value for label, value in found.items() if label in FIGURES}


def settled(page, text: str, name: str) -> None:
    with page_kept_on_timeout(page, name, f"the page showing {text!r}"):
        page.get_by_text(text).first.wait_for(timeout=90_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        page.locator(METRIC).first.wait_for(timeout=30_000)


def test_a_paused_runs_address_opens_the_same_run_in_a_fresh_browser(server, browser):
    page = fresh_page(browser, f"{server}/?epochs=100000")  # about 14 s on a quiet machine: paused on a busy one too
    with page_kept_on_timeout(page, "view-pause", "the Pause button"):
        page.get_by_role("button", name="Pause").wait_for(timeout=60_000)
    time.sleep(1.0)  # some hundreds of epochs
    page.get_by_role("button", name="Pause").click()
    settled(page, "Stopped at epoch", "view-paused")
    shown = tiles(page)
    epochs = shown["Epochs"].replace(",", "")
    assert 0 < int(epochs) < 100_000
    page.wait_for_function(f"window.location.search.includes('epochs={epochs}')", timeout=10_000)
    other = fresh_page(browser, page.url)
    settled(other, "Final loss", "view-paused-link")
    assert tiles(other) == shown


def _play(page):
    return page.locator("button:visible").filter(
        has_text=re.compile(r"^\s*play_arrow icon\s*play_arrow\s*$")
    )  # the replay's icon-only button


def _pause(page):
    return page.locator("button:visible").filter(has_text=re.compile(r"^\s*pause icon\s*pause\s*$"))


def _replay_epoch(page) -> str:
    return page.locator("[data-testid=stSliderThumbValue]").last.inner_text()


def test_the_replay_plays_several_frames_and_pauses(server, browser):
    page = fresh_page(browser, f"{server}/?epochs=600&seed=3")
    settled(page, "Trained 600 epochs", "view-replay")
    _play(page).click()
    with page_kept_on_timeout(page, "view-playing", "the ▶ turning to pause"):
        _pause(page).wait_for(timeout=10_000)
    deadline = time.monotonic() + 30
    while _replay_epoch(page) == "600" and time.monotonic() < deadline:  # the first frame not yet drawn: ▶ starts
        time.sleep(0.1)  # from the beginning, and the slider still shows the end until that frame arrives
    seen, deadline = [], time.monotonic() + 30  # its pace is the benchmark's (replay_frame.py); here: it plays
    while len(set(seen)) < 4 and time.monotonic() < deadline:
        seen.append(int(_replay_epoch(page).replace(",", "")))
        time.sleep(0.3)
    assert len(set(seen)) >= 4, seen  # it plays on, frame after frame
    assert seen == sorted(seen), seen  # forwards
    label = page.locator(METRIC).first.locator("[data-testid=stMetricLabel]").inner_text()
    assert label.startswith("Loss at epoch"), label  # the figures follow the replay
    _pause(page).click()
    _play(page).wait_for(timeout=10_000)
    page.wait_for_selector(IDLE, timeout=30_000)
    stopped = _replay_epoch(page)
    time.sleep(1.0)
    assert _replay_epoch(page) == stopped  # paused: it stays where it was


def test_a_drawing_link_trains_on_the_drawing_in_a_fresh_browser(server, browser):
    cells = [(snap(-1 + 0.1 * i), snap(-1), 0) for i in range(6)] + [(snap(1 - 0.1 * i), snap(1), 1) for i in range(6)]
    drawing = Drawing(tuple(cells))
    page = fresh_page(browser, f"{server}/?epochs=100&classes=2&draw={drawing.encode()}")
    settled(page, "Trained 100 epochs", "view-drawing")
    text = page.inner_text("body")
    assert "Press Train" not in text and "settings have changed" not in text
    assert page.locator("[data-testid=stAlert]").count() == 1  # one banner says what is happening
    assert page.get_by_role("button", name="Points (.csv)", exact=True).count() == 1  # it trained on the drawn points
    assert f"draw={drawing.encode()}" in page.url


def _drawn(panel) -> int:
    found = re.search(r"(\d+) points? drawn", panel.inner_text())
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_quick_clicks_on_the_canvas_each_add_a_point(server, browser, viewport):
    """Twenty clicks 0.1 s apart, none waiting for the canvas to redraw, draw twenty points."""
    page = browser.new_context(viewport=dict(zip(("width", "height"), viewport))).new_page()
    page.goto(server)
    app_started(page)
    panel = page.locator("[data-testid=stExpander]").filter(has_text="Draw your points")
    panel.wait_for(timeout=60_000)  # the run has ended and drawn its result, the panel below it
    steady_box(page, panel)  # a click aimed at a summary that then moves lands on what moved under it
    panel.locator("summary").click()
    canvas = panel.locator("[data-testid=stVegaLiteChart]").first
    with page_kept_on_timeout(page, f"view-draw-{viewport[0]}", "the drawing canvas"):
        canvas.locator("canvas, svg").first.wait_for(timeout=30_000)
        canvas.scroll_into_view_if_needed()
        page.wait_for_selector(IDLE, timeout=60_000)
    steady_box(page, canvas)
    clicks = [(0.3 + 0.12 * (k % 5), 0.12 + 0.11 * (k // 5)) for k in range(20)]  # well inside the plot
    for across, down in clicks:
        box = canvas.bounding_box()  # aimed at the canvas where it is now, as a hand does
        page.mouse.click(box["x"] + across * box["width"], box["y"] + down * box["height"])
        page.wait_for_timeout(100)
    deadline = time.monotonic() + 60
    while _drawn(panel) < len(clicks) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"view-draw-{viewport[0]}.png"), full_page=True)
    assert _drawn(panel) == len(clicks), page_text(page)[:3000]

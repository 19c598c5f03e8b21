"""The real app in a real browser: `streamlit run` on a local port, driven in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from app_helpers import ARTIFACTS, BROWSER, IDLE, ROOT, app_started, chromium, page_kept_on_timeout, served_app

from scratchnet.app.ui import nav

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER
CHART = "[data-testid=stVegaLiteChart]"


@pytest.fixture(scope="module")
def server():
    with served_app() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def open_page(browser, url: str, *, width: int = 1280, height: int = 900):
    """A new page on ``url``, its first script run ended. ``page.elsewhere`` collects every request
    it makes to another host than the app's (the app makes no network calls)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    app_host = urlparse(url).hostname
    page.elsewhere = []
    page.on(
        "request",
        lambda request: (
            urlparse(request.url).scheme in ("http", "https", "ws", "wss")
            and urlparse(request.url).hostname != app_host
            and page.elsewhere.append(request.url)
        ),
    )
    page.goto(url)
    app_started(page)
    return page


def wait_trained(page, epochs: str, timeout: float = 90_000) -> None:
    """Wait until the run of ``epochs`` epochs has finished and the page has settled."""
    name = f"timeout-{epochs.replace(',', '')}-epochs"
    with page_kept_on_timeout(page, name, f"the page of the {epochs}-epoch run showing its result"):
        page.get_by_text(f"Trained {epochs} epochs").wait_for(timeout=timeout)
        page.wait_for_selector(IDLE, timeout=60_000)
        page.locator("[data-testid=stMetric]").first.wait_for(timeout=30_000)


def drawn_charts(page) -> int:
    """How many charts have actually been drawn (an svg or a canvas inside)."""
    return page.locator(f"{CHART} svg, {CHART} canvas").count()


def assert_no_exception(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0, page.locator(
        "[data-testid=stException]"
    ).inner_text()


def test_the_playground_trains_and_draws(server, browser):
    page = open_page(browser, f"{server}/?epochs=400", width=1280, height=900)
    wait_trained(page, "400")
    page.wait_for_function(f"document.querySelectorAll('{CHART} svg, {CHART} canvas').length >= 2", timeout=30_000)
    assert_no_exception(page)
    assert drawn_charts(page) >= 2
    assert page.elsewhere == []  # nothing fetched from the internet: fonts, icons, scripts are the app's own
    cut = page.evaluate(  # a label cut short ("Sh…") hides what a button does
        """[...document.querySelectorAll('[data-testid=stMain] button')].filter(b => b.offsetWidth)
           .flatMap(b => [b, ...b.querySelectorAll('*')]).filter(e => e.scrollWidth > e.clientWidth + 1
           && getComputedStyle(e).textOverflow === 'ellipsis').map(e => e.innerText)"""
    )
    assert cut == [], f"button labels cut short at 1280 px: {cut}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "playground.png"))
    page.close()


def test_training_from_the_sidebar_in_the_browser(server, browser):
    page = open_page(browser, f"{server}/?epochs=300&seed=4")
    wait_trained(page, "300")
    page.locator("[data-testid=stSidebar] summary", has_text="Presets").click()
    button = page.get_by_role("button", name="Load preset and train")
    button.wait_for()
    page.wait_for_selector(IDLE, timeout=60_000)
    button.click()
    wait_trained(page, "2,000")
    assert_no_exception(page)
    assert "epochs" not in page.url  # the default preset's link has no differences to spell out
    page.close()


def test_a_shared_link_opens_the_same_run_in_another_browser(server, browser):
    first = open_page(browser, f"{server}/?epochs=350&lr=0.02&seed=9")
    wait_trained(first, "350")
    final_loss = first.locator("[data-testid=stMetric]", has_text="Final loss").inner_text()
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # another student: no shared cookies
    second = context.new_page()
    second.goto(first.url)
    app_started(second)
    wait_trained(second, "350", timeout=30_000)
    assert second.locator("[data-testid=stMetric]", has_text="Final loss").inner_text() == final_loss
    assert_no_exception(second)
    context.close()
    first.close()


@pytest.mark.parametrize("page_file", sorted(p.name for p in (ROOT / "pages").glob("*.py")))
def test_every_page_opens_without_an_exception(server, browser, page_file):
    path = re.sub(r"^\d+_", "", Path(page_file).stem)
    page = open_page(browser, f"{server}/{path}")
    page.wait_for_timeout(1500)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert_no_exception(page)
    assert page.locator("[data-testid=stMain]").inner_text().strip()
    menu = page.locator("[data-testid=stSidebar] [data-testid=stPageLink]").all_inner_texts()
    assert [text.strip().splitlines()[-1] for text in menu] == [
        label for _, label, *_ in nav.PAGES
    ]  # every page, home = Playground
    assert page.get_attribute("link[rel='shortcut icon']", "href").startswith("data:")  # the tab's icon
    assert page.elsewhere == []
    page.close()


def test_the_replay_slider_moves_the_boundary_in_the_browser(server, browser):
    page = open_page(browser, f"{server}/?epochs=600&seed=12")
    wait_trained(page, "600")
    charts_drawn(page)
    board = page.locator(CHART).nth(0)  # the decision map: first in its row (map, loss, network)
    before = board.screenshot()
    thumb = page.get_by_role("slider", name=re.compile("Replay"))
    thumb.focus()
    thumb.press("Home")  # back to epoch 0: an untrained network
    page.wait_for_selector(IDLE, timeout=60_000)
    for _ in range(20):  # a busy machine may take a while to draw it
        page.wait_for_timeout(500)
        if board.screenshot() != before:
            break
    assert_no_exception(page)
    assert board.screenshot() != before
    page.close()


#: Each page's main action, as a student would take it: (its URL path, what to click, by role and name).
PAGE_ACTIONS = {
    "Experiments": ("tab", "Optimizers", "button", "Compare"),  # six optimizers on one spiral
    "Under_the_hood": ("tab", "Gradient check"),  # analytic against numeric gradients
    "Sweep": ("button", "Run sweep"),  # the default 5 x 5 grid of learning rate x decay
}


@pytest.mark.parametrize("path", list(PAGE_ACTIONS))
def test_every_page_draws_its_charts_after_its_main_action(server, browser, path):
    page = open_page(browser, f"{server}/{path}")
    steps = PAGE_ACTIONS[path]
    for role, name in zip(steps[::2], steps[1::2]):
        page.get_by_role(role, name=name, exact=True).first.click()
        page.wait_for_timeout(500)
        page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_function(  # training pages redraw until their runs finish: wait for the charts, then settle
        f"document.querySelectorAll('{CHART}').length > 0 && "
        f"[...document.querySelectorAll('{CHART}')].every(c => c.querySelector('svg, canvas'))",
        timeout=120_000,
    )
    page.wait_for_selector(IDLE, timeout=120_000)
    assert_no_exception(page)
    charts = page.locator(CHART).count()
    assert charts >= 1 and drawn_charts(page) >= charts  # every chart on the page has been drawn
    page.close()


# ---- the layout: a projector and a phone (issue 11) ----------------------------------------------
BOX = """selector => [...document.querySelectorAll(selector)].map(e => {
    const b = e.getBoundingClientRect();
    return {x: b.x, y: b.y, right: b.right, bottom: b.bottom, width: b.width, height: b.height};
})"""


def charts_drawn(page, count: int = 3) -> None:
    page.wait_for_function(
        f"[...document.querySelectorAll('{CHART}')].filter(c => c.querySelector('svg, canvas')).length >= {count}",
        timeout=30_000,
    )
    page.wait_for_timeout(500)


def test_a_projector_shows_the_map_the_network_and_the_loss_on_its_first_screen(server, browser):
    page = open_page(browser, f"{server}/?epochs=400&seed=21", width=1280, height=720)
    wait_trained(page, "400")
    charts_drawn(page)
    assert_no_exception(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "playground-1280x720.png"))
    sidebar = page.locator("[data-testid=stSidebar]").bounding_box()
    assert sidebar["width"] > 200 and sidebar["x"] >= 0  # the sidebar is open
    the_map, loss, network = page.evaluate(BOX, CHART)[:3]
    for name, box in (("map", the_map), ("loss", loss), ("network", network)):
        # the step buttons sit above the charts: most of each chart (its plot) is on the first screen, as on a projector
        assert box["y"] >= 0 and box["y"] + 0.6 * box["height"] <= 720, (
            f"the {name} chart is off the first screen: {box}"
        )
        assert box["x"] >= sidebar["x"] + sidebar["width"] - 1 and box["right"] <= 1280, (
            f"the {name} chart is off the side: {box}"
        )
    assert the_map["right"] <= loss["x"] + 1 and loss["right"] <= network["x"] + 1  # side by side: map, loss, network
    metrics = page.evaluate(BOX, "[data-testid=stMetric]")
    assert len(metrics) == 7  # loss, train accuracy, held-out loss, test accuracy, epochs, time, epochs/s
    assert max(m["y"] for m in metrics) - min(m["y"] for m in metrics) < 5  # one row ...
    assert all(m["bottom"] <= the_map["y"] for m in metrics)  # ... above the charts
    assert max(m["height"] for m in metrics) < 110  # compact
    page.close()


def test_a_phone_shows_the_map_first_then_the_loss_and_nothing_overflows(server, browser):
    page = open_page(browser, f"{server}/?epochs=400&seed=22", width=390, height=844)
    wait_trained(page, "400")
    charts_drawn(page)
    assert_no_exception(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "playground-390x844.png"))
    main = page.locator("[data-testid=stMain]")
    status = page.get_by_text("Trained 400 epochs").bounding_box()
    the_map, loss, network = page.evaluate(BOX, CHART)[:3]
    assert status["y"] < the_map["y"] < loss["y"] < network["y"]  # the result, the map, the loss, then the rest
    train = page.locator("[data-testid=stMain] [data-testid=stButton]").filter(has_text="Train").first.bounding_box()
    assert train["y"] + train["height"] <= 844 and status["y"] < 844  # Train and the run's status on the first screen
    for selector in (CHART, "[data-testid=stMetric]", "[data-testid=stButton]", "[data-testid=stAlert]"):
        for box in page.evaluate(BOX, f"[data-testid=stMain] {selector}"):  # the closed sidebar lies to the left
            assert box["x"] >= -1 and box["right"] <= 391, f"{selector} sticks out sideways: {box}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert main.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    main.evaluate("(e, y) => e.scrollTo(0, y)", the_map["y"] - 60)  # the map, then the loss, as a student scrolls
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "playground-390x844-map.png"))
    page.close()

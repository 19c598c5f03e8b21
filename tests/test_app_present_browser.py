"""In front of a class and in a student's hand, in a real browser (issue 22): the presentation view and the
normal view at 1280x720, a phone at 390x844. Asserted by element boxes and font sizes; each screen is kept
in ``artifacts/`` to look at."""

from __future__ import annotations

import pytest
from app_helpers import ARTIFACTS, BROWSER, IDLE, app_started, chromium, served_app

from scratchnet.app.ui import nav, session

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER
PORTS = range(8645, 8655)
PROJECTOR, PHONE = {"width": 1280, "height": 720}, {"width": 390, "height": 844}
CHART = "[data-testid=stVegaLiteChart]"
SHORT_RUN = "epochs=300"  # trains in well under a second: the tests look at the finished run


@pytest.fixture(scope="module")
def server():
    with served_app(ports=PORTS) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def opened(browser, url: str, viewport: dict, name: str):
    """``url`` in a fresh context of ``viewport``'s size, its runs ended and its charts drawn; kept as
    ``artifacts/<name>.png``."""
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(url)
    app_started(page)
    page.wait_for_timeout(1500)  # the run's result redraws the page once more
    page.wait_for_selector(IDLE, timeout=60_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    return page


def box(page, selector: str, text: str | None = None) -> dict:
    found = page.locator(selector)
    if text is not None:
        found = found.filter(has_text=text)
    return found.first.bounding_box()


def on_screen(found: dict | None, viewport: dict) -> bool:
    """True when the whole box lies in the first screen."""
    return (
        found is not None
        and found["x"] >= 0
        and found["y"] >= 0
        and found["x"] + found["width"] <= viewport["width"] + 1
        and found["y"] + found["height"] <= viewport["height"] + 1
    )


def chart_font_sizes(page, index: int) -> list[float]:
    """The font sizes (px) of every text the ``index``-th chart draws (svg), its axes, legends and labels."""
    return page.evaluate(
        """([selector, index]) => [...document.querySelectorAll(selector)[index].querySelectorAll('svg text')]
            .filter(t => t.textContent.trim()).map(t => parseFloat(getComputedStyle(t).fontSize))""",
        [CHART, index],
    )


def test_the_presentation_view_fits_the_charts_and_the_buttons_on_one_large_screen(server, browser):
    page = opened(browser, f"{server}/?present=1&{SHORT_RUN}", PROJECTOR, "present_1280x720")
    charts = page.locator(CHART)
    assert charts.count() == 3  # the map, the loss curve, the network: nothing else
    boxes = [charts.nth(i).bounding_box() for i in range(3)]
    assert all(on_screen(found, PROJECTOR) for found in boxes), boxes
    assert boxes[0]["width"] >= 330 and boxes[2]["width"] >= 330  # large: the normal view's map is 220 px
    for label in ("Train", "Step +1", "Step +10", "Continue"):
        assert on_screen(box(page, "button", label), PROJECTOR), label
    assert on_screen(box(page, "[data-testid=stSlider]"), PROJECTOR)  # the replay
    assert not page.locator("[data-testid=stSidebar] [data-testid=stButton]").count()  # no sidebar to open
    for index in (0, 1):  # the map's and the loss curve's axes and legends
        assert min(chart_font_sizes(page, index)) >= 16
    assert min(chart_font_sizes(page, 2)) >= 12  # the network's bias labels
    # Streamlit draws a widget's words at its theme's small size (14 px): only the theme's base size
    # (for every page) would raise them; the view keeps them at least that large
    words = page.evaluate(
        "[...document.querySelectorAll('[data-testid=stMain] :is(button, label) p')]"
        ".map(p => parseFloat(getComputedStyle(p).fontSize))"
    )
    assert words and min(words) >= 14


def test_the_normal_first_screen_holds_the_map_the_loss_curve_and_the_step_buttons(server, browser):
    page = opened(browser, f"{server}/?{SHORT_RUN}", PROJECTOR, "playground_1280x720")
    charts = page.locator(CHART)
    for index in (0, 1):  # the map and the loss curve: at least their plots are in the first screen
        found = charts.nth(index).bounding_box()
        assert found["y"] + 0.6 * found["height"] <= PROJECTOR["height"], found
    for label in ("Step +1", "Step +10", "Continue", "Back to epoch 0"):
        assert on_screen(box(page, "button", label), PROJECTOR), label


def test_a_phone_trains_from_its_first_screen_and_never_scrolls_sideways(server, browser):
    page = opened(browser, f"{server}/?{SHORT_RUN}", PHONE, "playground_390x844")
    train = page.locator(f".st-key-{session.HEADER_TRAIN} button:visible").first  # the page's own, not the sidebar's
    assert on_screen(train.bounding_box(), PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    train.click()
    page.wait_for_selector(IDLE, timeout=60_000)
    status = page.locator("[data-testid=stAlert], [data-testid=stProgress]").first
    assert on_screen(status.bounding_box(), PHONE)  # the run's status, without opening the sidebar


@pytest.mark.parametrize("path", [path for path, *_ in nav.PAGES[1:]])
def test_every_page_fits_a_phones_width(server, browser, path):
    address = path.removeprefix("pages/").removesuffix(".py").split("_", 1)[1]
    page = opened(browser, f"{server}/{address}", PHONE, f"{address.lower()}_390x844")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_maps_fullscreen_keeps_it_square_with_its_axes_on_screen(server, browser):
    page = opened(browser, f"{server}/?{SHORT_RUN}", PROJECTOR, "playground_fullscreen_before")
    chart = page.locator(CHART).first
    chart.hover()
    page.locator("[data-testid=stElementToolbar] button[aria-label=Fullscreen]:visible").first.click()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "map_fullscreen_1280x720.png"))
    drawn = chart.locator("svg, canvas").first.bounding_box()
    assert on_screen(drawn, PROJECTOR), drawn  # its axes and legend inside the screen
    assert drawn["height"] >= 0.8 * PROJECTOR["height"]  # it did grow to the screen
    plot = page.evaluate(  # the map picture's own box: square, as the plane is
        """() => { const i = document.querySelector('[data-testid=stVegaLiteChart] svg image');
                   const r = i.getBoundingClientRect(); return [r.width, r.height]; }"""
    )
    assert plot[0] == pytest.approx(plot[1], rel=0.03)


def fullscreen(page, chart) -> dict:
    """Open ``chart``'s own fullscreen (its toolbar's button) and return what it then draws: the box of its
    svg/canvas, the text and box of each axis title and of each text mark, and the box of each picture (an svg's)."""
    chart.scroll_into_view_if_needed()
    chart.hover()
    chart.locator("xpath=..").locator("[data-testid=stElementToolbar] button[aria-label=Fullscreen]").click()
    page.wait_for_timeout(1500)
    return chart.evaluate(
        """chart => {
            const box = r => ({x: r.x, y: r.y, width: r.width, height: r.height});
            const drawn = chart.querySelector('svg, canvas');
            const texts = selector => [...chart.querySelectorAll(selector)]
                .map(t => ({text: t.textContent, ...box(t.getBoundingClientRect())}));
            const images = [...chart.querySelectorAll('svg .mark-image image')].map(i => box(i.getBoundingClientRect()));
            return {
                tag: drawn.tagName.toLowerCase(), box: box(drawn.getBoundingClientRect()),
                titles: texts('svg .role-axis-title text'), names: texts('svg .mark-text.role-mark text'), images,
            };
        }"""
    )


def opened_with(page, url: str, action: str) -> None:
    """Go to ``url``, do ``action`` there (what makes the chart appear) and wait for its charts."""
    page.goto(url)
    app_started(page)
    if action == "gradient check":
        page.get_by_role("tab", name="Gradient check").click()
    elif action == "inside":
        page.get_by_role("tab", name="Inside a trained network").click()
    elif action == "compare":  # the fewest epochs: the curves are few enough points to be drawn as svg
        thumb = page.locator("[data-testid=stSlider] input").first
        thumb.focus()
        page.keyboard.press("Home")
        page.locator("button", has_text="Compare").first.click()
    elif action == "sweep":
        page.locator("[data-testid=stSidebar] button", has_text="Run sweep").click()
    page.wait_for_selector(CHART, timeout=120_000)
    page.wait_for_function(  # every run has ended: no progress bar, no cell or row still training
        "!document.querySelector('[data-testid=stProgress]') && !/training, \\d/.test(document.body.innerText)",
        timeout=180_000,
    )
    page.wait_for_timeout(1500)  # the finished runs' redraw
    page.wait_for_selector(IDLE, timeout=60_000)


FULLSCREENS = {  # a chart on each page that has one: (address, what shows it, which chart, its axis titles)
    "loss curve": (f"/?{SHORT_RUN}", "", 1, {"epoch", "cross-entropy loss", "learning rate"}),
    "experiments": ("/Experiments?section=Optimizers", "compare", 0, {"epoch", "training loss"}),
    "sweep": ("/Sweep", "sweep", 0, None),  # its axes are named after the settings swept
    "gradient check": ("/Under_the_hood", "gradient check", 0, {"numeric (finite differences)", "analytic (backward)"}),
    "gradient norms": ("/Under_the_hood", "inside", -1, {"epoch", "gradient norm ‖∂J/∂W‖"}),
    # the default network's 64 × 3 matrix into the class scores, drawn across (64 columns wide)
    "weight matrix": ("/Under_the_hood", "inside", -2, {"to", "from: h₁ … h₆₄"}),
    "unit maps": ("/Under_the_hood", "inside", 1, None),  # no axes: each unit's name above its map
}


@pytest.mark.parametrize("name", list(FULLSCREENS))
def test_a_charts_fullscreen_keeps_it_and_its_axis_titles_on_the_screen(server, browser, name):
    address, action, index, titles = FULLSCREENS[name]
    page = browser.new_context(viewport=PROJECTOR).new_page()
    opened_with(page, f"{server}{address}", action)
    charts = page.locator(CHART)
    if name == "experiments":  # its small maps beside the curves: each as large as the page asks (220 px)
        maps = [image.bounding_box() for image in charts.nth(1).locator("svg image").all()]
        assert len(maps) == 7 and min(found["width"] for found in maps) >= 200, maps
    drawn = fullscreen(page, charts.nth(index if index >= 0 else charts.count() + index))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"fullscreen_{name.replace(' ', '_')}_1280x720.png"))
    assert drawn["tag"] == "svg"  # its axis titles can be read (a canvas draws them as pixels)
    assert on_screen(drawn["box"], PROJECTOR), drawn["box"]
    assert drawn["box"]["width"] >= 0.9 * PROJECTOR["width"]  # it did grow to the screen
    if name == "unit maps":  # every unit's name and its map on the screen, each map square
        maps, names = drawn["images"], drawn["names"]
        assert len(maps) == len(names) > 8 and all(on_screen(found, PROJECTOR) for found in maps + names), drawn
        assert all(found["width"] == pytest.approx(found["height"], abs=1) for found in maps), maps
        grid = max(found["y"] + found["height"] for found in maps) - min(found["y"] for found in names)
        assert grid >= 0.8 * PROJECTOR["height"]  # the grid did grow to the screen's height
        return
    assert len(drawn["titles"]) >= 2 and all(on_screen(title, PROJECTOR) for title in drawn["titles"]), drawn
    if titles is not None:
        assert {title["text"] for title in drawn["titles"]} == titles
    if name == "gradient check":  # analytic = numeric stays the diagonal: the plot stays square
        line = charts.first.locator("svg .mark-line path").first.bounding_box()
        assert line["width"] == pytest.approx(line["height"], rel=0.03), line


@pytest.mark.parametrize("key", ["neuron", "units"])  # a lesson done on the page, one done in the Playground
def test_next_on_a_phone_lands_on_the_next_lessons_title(server, browser, key):
    from scratchnet.app.lessons.view import ALL, PATH

    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{server}/Lessons?lesson={key}")
    app_started(page)
    page.wait_for_selector(IDLE, timeout=60_000)
    following = PATH[PATH.index(ALL[key]) + 1]
    page.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 1e6)")  # the page's bottom
    button = page.locator("button", has_text="Next lesson")
    button.scroll_into_view_if_needed()  # scrolled up to it, as a thumb does
    assert page.evaluate("document.querySelector('[data-testid=stMain]').scrollTop") > PHONE["height"]
    button.click()
    title = page.get_by_role("heading", name=f"{PATH.index(following) + 1}. {following.title}")
    title.wait_for(timeout=30_000)
    after = PATH[PATH.index(following) + 1]
    page.get_by_text(f"Next: {PATH.index(after) + 1}. {after.title}").wait_for(timeout=30_000)  # the whole lesson
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / f"lesson_next_{key}_390x844.png"))
    assert on_screen(title.bounding_box(), PHONE), title.bounding_box()

"""Lessons walked in a real browser, as a student would: open the lesson, miss once, read the feedback
where the work happens (the Playground's lesson bar, or the hands-on panel), meet the goal, and see it met
on the Lessons page. One server for the module; a screenshot of each stage kept in ``artifacts/``
(1280x720, and two lessons at a phone's 390x844)."""

from __future__ import annotations

import pytest
from app_helpers import (
    ARTIFACTS,
    AS_DEPLOYED,
    BROWSER,
    IDLE,
    app_started,
    chromium,
    page_kept_on_timeout,
    served_app,
)

from scratchnet.app.lessons.view import ALL, PATH

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER
PORTS = range(8560, 8570)
WIDE, PHONE = {"width": 1280, "height": 720}, {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def served():
    with served_app(options=AS_DEPLOYED, ports=PORTS) as url, chromium() as browser:
        yield url, browser


def settled(page) -> None:
    page.wait_for_timeout(300)  # the last action's rerun has started
    page.wait_for_selector(IDLE, timeout=90_000)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"lesson-{name}.png"), full_page=True)


def open_lesson(served, key: str, viewport: dict):
    url, browser = served
    page = browser.new_page(viewport=viewport)
    page.goto(f"{url}/Lessons?lesson={key}")
    app_started(page)
    lesson = ALL[key]
    page.get_by_role("heading", name=f"{PATH.index(lesson) + 1}. {lesson.title}").wait_for(timeout=30_000)
    return page


def wait_text(page, text: str, name: str, what: str, timeout: float = 90_000) -> None:
    with page_kept_on_timeout(page, name, what):
        page.get_by_text(text).first.wait_for(timeout=timeout)
        settled(page)


def press(page, slider, keys: list[str]) -> None:
    slider.focus()
    for key in keys:
        slider.press(key)
    settled(page)  # each key sends a value; the last one is the one that stays


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280x720", "390x844"])
def test_a_neuron_by_hand(served, viewport):
    page = open_lesson(served, "neuron", viewport)
    sliders = page.locator("[data-testid=stMain] [data-testid=stSlider] input[type=range]")
    press(page, sliders.nth(0), ["ArrowRight"] * 3)  # the wrong way: a miss, and the hint
    wait_text(page, "Hint.", "neuron-miss", "the hint after a miss")
    shot(page, f"neuron-missed-{viewport['width']}")
    press(page, sliders.nth(0), ["Home"])
    press(page, sliders.nth(0), ["ArrowRight"] * 29)  # -5 + 2.9 = -2.1
    press(page, sliders.nth(1), ["Home"])
    press(page, sliders.nth(1), ["ArrowRight"] * 33)  # -1.7
    wait_text(page, "Goal met", "neuron-met", "the neuron's goal met by hand")
    assert page.get_by_text("Why it worked.").count() == 1
    shot(page, f"neuron-met-{viewport['width']}")
    page.reload()
    app_started(page)
    assert page.locator("[data-testid=stException]").count() == 0


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280x720", "390x844"])
def test_which_way_is_downhill(served, viewport):
    page = open_lesson(served, "downhill", viewport)
    step = page.get_by_role("button", name="Take one step")
    press(
        page, page.locator("[data-testid=stMain] [data-testid=stSlider] input[type=range]").nth(0), ["End"]
    )  # η = 100
    step.click()
    wait_text(page, "took the loss up", "downhill-up", "the too-large step's warning")
    shot(page, f"downhill-too-large-{viewport['width']}")
    page.get_by_role("button", name="Start again").click()
    settled(page)
    rate = page.locator("[data-testid=stMain] [data-testid=stSlider] input[type=range]").nth(0)
    for _ in range(3):  # η = 100 → 30 → 10 → 3, one key at a time: a key lost would leave η too large
        press(page, rate, ["ArrowLeft"])
    for _ in range(8):  # steps until the goal is met (five at η = 3), no click after: the page moves then
        if page.get_by_text("Goal met").count():
            break
        step.click()
        settled(page)
    wait_text(page, "Goal met", "downhill-met", "the goal met by the student's steps")
    shot(page, f"downhill-met-{viewport['width']}")


def test_one_point_through_the_network(served):
    page = open_lesson(served, "one_point", WIDE)
    step = page.get_by_role("button", name="Take one step")
    step.click()
    settled(page)
    assert page.get_by_text("Hint.").count() == 1  # one step is not enough
    for _ in range(10):
        step.click()
        settled(page)
    wait_text(page, "Goal met", "one-point-met", "p(true class) ≥ 0.92 after the student's steps")
    shot(page, "one-point-met")


def playground_walk(served, key: str, miss, meet) -> None:
    """Open ``key`` in the Playground, miss with ``miss(page)``, read the bar, meet with ``meet(page)``,
    and come back to see it met."""
    page = open_lesson(served, key, WIDE)
    page.get_by_role("button", name="Open in the Playground").click()
    wait_text(page, "This is the lesson's starting run", f"{key}-setup", "the lesson's starting run")
    sidebar = page.locator("[data-testid=stSidebar]")
    miss(page, sidebar)
    sidebar.get_by_role("button", name="Train").click()
    wait_text(page, "Why didn't this count?", f"{key}-missed", "the lesson bar's feedback on a miss")
    assert page.get_by_text("This run:").count() >= 1  # this run's value beside the goal
    shot(page, f"{key}-missed-on-the-playground")
    meet(page, sidebar)
    sidebar.get_by_role("button", name="Train").click()
    wait_text(page, "This run meets the goal", f"{key}-met", "the goal met on the Playground")
    shot(page, f"{key}-met-on-the-playground")
    page.get_by_role("link", name="Back to the lesson").click()
    wait_text(page, "Goal met", f"{key}-met-lessons", "the goal shown met on the Lessons page", 60_000)
    assert page.locator("[data-testid=stException]").count() == 0
    shot(page, f"{key}-met-on-the-lessons-page")


def _activation(name: str):
    def choose(page, sidebar) -> None:
        sidebar.locator("[data-testid=stSelectbox]").filter(has_text="Activation").click()
        page.get_by_role("option", name=name, exact=True).click()
        settled(page)

    return choose


def _batch_size(keys: list[str]):
    def choose(page, sidebar) -> None:
        slider = sidebar.locator("[data-testid=stSlider]").filter(has_text="Batch size").locator("input[type=range]")
        press(page, slider, keys)

    return choose


def test_the_relu_lesson_on_the_playground(served):
    playground_walk(served, "relu_bug", _activation("linear (none)"), _activation("ReLU"))


def test_the_batch_lesson_on_the_playground(served):
    playground_walk(
        served, "batches", _batch_size(["End"]), _batch_size(["Home", "ArrowRight", "ArrowRight", "ArrowRight"])
    )


def _slider(label: str, keys: list[str]):
    def move(page, sidebar) -> None:
        slider = sidebar.locator("[data-testid=stSlider]").filter(has_text=label).locator("input[type=range]")
        press(page, slider, keys)

    return move


def _pills(*names: str):
    def click(page, sidebar) -> None:
        for name in names:
            sidebar.get_by_role("button", name=name, exact=True).click()
            settled(page)

    return click


def _both(*changes):
    def change(page, sidebar) -> None:
        for one in changes:
            one(page, sidebar)

    return change


WALKS = {  # lesson: (a miss, then the change that meets the goal), each by the controls the lesson leaves
    "spiral": (
        _both(_slider("Hidden layers", ["ArrowRight"]), _slider("Units in layer 1", ["Home"])),
        _slider("Units in layer 1", ["End"]),
    ),
    "units": (_slider("Units in layer 1", ["ArrowRight"] * 8), _slider("Units in layer 1", ["ArrowRight"] * 16)),
    "learning_rate": (_slider("Learning rate", ["ArrowRight"] * 2), _slider("Learning rate", ["ArrowRight"] * 6)),
    "decay": (_slider("Decay", ["ArrowRight"]), _slider("Decay", ["ArrowLeft"] * 3)),
    "overfitting": (_slider("Epochs", ["ArrowRight"]), _slider("Epochs", ["ArrowLeft"] * 3)),
    "features": (_pills("x₁·x₂"), _pills("x₁·x₂", "x₁²", "x₂²")),
    "momentum_adam": (_slider("Momentum", ["ArrowRight"] * 50), _slider("Momentum", ["ArrowRight"] * 40)),
}


@pytest.mark.parametrize("key", list(WALKS))
def test_more_lessons_on_the_playground(served, key):
    playground_walk(served, key, *WALKS[key])


def _xor_copied(page, sidebar) -> None:
    """The tour's route: XOR, *Start from XOR* in the drawing panel, *Train on these points*."""
    sidebar.locator("[data-testid=stSelectbox]").filter(has_text="Dataset").click()
    page.get_by_role("option", name="XOR", exact=True).click()
    settled(page)
    page.get_by_text("Draw your points").click()
    settled(page)
    page.get_by_role("button", name="Start from XOR").click()
    settled(page)
    page.get_by_role("button", name="Train on these points").click()
    settled(page)


def test_own_points_xor_copied_then_uploaded(served, tmp_path):
    from scratchnet.app.lessons.measures import xor_points
    from scratchnet.app.runs.points import points_csv

    mine = tmp_path / "mine.csv"
    mine.write_bytes(points_csv(xor_points()))

    def upload(page, sidebar) -> None:
        sidebar.locator("input[type=file]").set_input_files(str(mine))
        settled(page)

    playground_walk(served, "own_points", _xor_copied, upload)

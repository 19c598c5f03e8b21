"""A lesson walked end to end in a real browser: open it from a link, open the Playground set up for it,
change the one control it leaves, train, and come back to see the goal met."""

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

from scratchnet.app.lessons.logic import BY_KEY, LESSONS

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER
LESSON = BY_KEY["relu_bug"]


def settled(page) -> None:
    page.wait_for_timeout(300)  # the click's rerun has started
    page.wait_for_selector(IDLE, timeout=60_000)


def test_a_lesson_from_its_link_to_its_goal_met():
    with served_app(options=AS_DEPLOYED) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"{url}/Lessons?lesson={LESSON.key}")
        app_started(page)
        page.get_by_role("heading", name=f"4. {LESSON.title}").wait_for(timeout=30_000)
        page.get_by_text(f"0 of {len(LESSONS)} lessons done").wait_for(timeout=30_000)

        page.get_by_role("button", name="Open in the Playground").click()
        with page_kept_on_timeout(page, "lesson-setup", "the lesson's setup run on the Playground"):
            page.get_by_text("Trained 2,000 epochs").wait_for(timeout=90_000)
            settled(page)
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.get_by_text("Learning rate").count() == 0  # the lesson keeps it fixed: hidden
        sidebar.locator("[data-testid=stSelectbox]").filter(has_text="Activation").click()
        page.get_by_role("option", name="ReLU", exact=True).click()
        settled(page)
        sidebar.get_by_role("button", name="Train").click()
        with page_kept_on_timeout(page, "lesson-solution", "the run with the correct ReLU"):
            page.get_by_text("Trained 2,000 epochs").wait_for(timeout=90_000)
            settled(page)
            page.locator("[data-testid=stMetric]").first.wait_for(timeout=30_000)

        sidebar.get_by_role("link", name="Lessons").click()
        with page_kept_on_timeout(page, "lesson-met", "the lesson's goal shown as met"):
            page.get_by_text("Goal met").wait_for(timeout=60_000)
            settled(page)
        page.get_by_text(f"1 of {len(LESSONS)} lessons done").wait_for(timeout=30_000)
        assert page.locator("[data-testid=stException]").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "lesson-goal-met.png"))

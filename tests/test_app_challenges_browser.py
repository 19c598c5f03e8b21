"""A class challenge in a real browser: the teacher creates it, a student submits from the Playground,
and the teacher's board, left open as on a projector, shows the entry by itself."""

from __future__ import annotations

import pytest
from app_helpers import ARTIFACTS, BROWSER, IDLE, app_started, chromium, page_kept_on_timeout, served_app

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER
NAME = "<b>Ann</b> **x**"  # shown as typed, never as bold or HTML


def test_a_teacher_creates_a_student_submits_and_the_board_shows_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRATCHNET_BOARD_URL", f"sqlite:///{tmp_path / 'board.sqlite'}")
    ARTIFACTS.mkdir(exist_ok=True)
    with served_app() as url, chromium() as browser:
        teacher = browser.new_page(viewport={"width": 1280, "height": 1000})
        teacher.goto(f"{url}/Challenges")
        app_started(teacher)
        teacher.get_by_label("Title", exact=True).fill("Spiral, 8 units at most")
        teacher.get_by_role("button", name="Create challenge").click()
        with page_kept_on_timeout(teacher, "challenges-timeout-create", "the new challenge's board"):
            teacher.get_by_text("No submissions yet").wait_for(timeout=30_000)
        student_link = teacher.locator("[data-testid=stCode]").first.inner_text().strip()
        assert "challenge=" in student_link and "key=" not in student_link and "key=" not in teacher.url

        student = browser.new_context().new_page()  # another browser session
        student.set_viewport_size({"width": 1280, "height": 1000})
        student.goto(student_link)
        app_started(student)
        with page_kept_on_timeout(student, "challenges-timeout-train", "the student's first run finishing"):
            student.get_by_text("Trained 2,000 epochs").wait_for(timeout=90_000)
            student.wait_for_selector(IDLE, timeout=60_000)
        student.get_by_label("Your name on the board", exact=True).fill(NAME)
        student.get_by_label("Your name on the board", exact=True).press("Enter")
        student.wait_for_selector(IDLE, timeout=30_000)
        student.get_by_role("button", name="Submit to the challenge").click()
        with page_kept_on_timeout(student, "challenges-timeout-submit", "the submission's confirmation"):
            student.get_by_text("Submitted as").wait_for(timeout=30_000)
        confirmation = student.get_by_text("Submitted as").inner_text()
        assert NAME in confirmation and "number 1 of 1" in confirmation  # as typed: no bold, no HTML
        assert student.locator("[data-testid=stMarkdownContainer] b").count() == 0
        student.screenshot(path=str(ARTIFACTS / "challenges-student.png"), full_page=True)

        with page_kept_on_timeout(teacher, "challenges-timeout-board", "the board refreshing by itself"):
            teacher.get_by_text("1 on the board, 1 submissions").wait_for(timeout=30_000)  # no reload, no click
        teacher.screenshot(path=str(ARTIFACTS / "challenges-board.png"), full_page=True)
        assert teacher.locator("[data-testid=stException]").count() == 0
        assert student.locator("[data-testid=stException]").count() == 0

"""Two servers, one class: two ``streamlit run`` servers on one PostgreSQL, as a class outgrows one
machine (or a host runs several replicas). A student joins on one server; the teacher's view, open
on the other, shows them within its refresh; then a goal met (written as server one writes it) and
the entry the student submits from server one's Playground.

Needs Chromium (``-m browser``) and ``SCRATCHNET_TEST_POSTGRES_URL`` (``.ci/run`` starts PostgreSQL
and sets it); its board tables are dropped first: point it at a throwaway database."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from app_helpers import BROWSER, IDLE, app_started, chromium, page_kept_on_timeout, served_app

from scratchnet.app.board import logic, store
from scratchnet.app.board.logic import ChallengeSpec
from scratchnet.app.challenges.classroom import view as class_view

playwright = pytest.importorskip("playwright.sync_api")
POSTGRES_URL = os.environ.get("SCRATCHNET_TEST_POSTGRES_URL")
pytestmark = [
    *BROWSER,
    pytest.mark.skipif(not POSTGRES_URL, reason="SCRATCHNET_TEST_POSTGRES_URL is not set (.ci/run sets it)"),
]
PORTS = range(8570, 8590)  # this test's servers
WITHIN = int(class_view.CLASS_SECONDS * 1000) + 15_000  # the teacher view's refresh, and room for a busy machine


def test_a_student_on_one_server_appears_on_the_teachers_view_on_another(monkeypatch):
    monkeypatch.setenv("SCRATCHNET_BOARD_URL", POSTGRES_URL)  # both servers inherit it
    engine = sa.create_engine(POSTGRES_URL, **store.engine_options(POSTGRES_URL))
    store.metadata.drop_all(engine)
    db = store.Store(engine)
    class_id, key = db.create_class("Two servers")
    spec = ChallengeSpec("Two servers' challenge", max_epochs=50)  # a run that trains in a moment
    challenge_id, _ = db.create(spec, class_id=class_id, key_hash=db.classroom(class_id).key_hash)
    try:
        with served_app(ports=PORTS) as one, served_app(ports=PORTS) as two, chromium() as browser:
            assert one != two
            teacher = browser.new_page(viewport={"width": 1280, "height": 1000})
            teacher.goto(f"{two}/Challenges?class={class_id}&key={key}")
            app_started(teacher)
            with page_kept_on_timeout(teacher, "classroom-timeout-teacher", "the teacher's view"):
                teacher.get_by_text("0 students · 0 goals met").wait_for(timeout=60_000)

            student = browser.new_context().new_page()
            student.goto(f"{one}/Challenges?class={class_id}")
            app_started(student)
            student.get_by_label("Your name", exact=True).fill("Ann")
            student.get_by_role("button", name="Join the class").click()
            with page_kept_on_timeout(student, "classroom-timeout-join", "joining on server one"):
                student.get_by_text("bookmark this to come back").wait_for(timeout=60_000)
            with page_kept_on_timeout(teacher, "classroom-timeout-joined", "the join showing on server two"):
                teacher.get_by_text("1 students · 0 goals met").wait_for(timeout=WITHIN)  # no reload, no click

            [ann] = db.students(class_id)
            db.record_goal(class_id, ann.id, "spiral", True)  # what server one writes when Ann meets a goal
            with page_kept_on_timeout(teacher, "classroom-timeout-goal", "the goal showing on server two"):
                teacher.get_by_text("1 students · 1 goals met").wait_for(timeout=WITHIN)
            token = parse_qs(urlsplit(student.url).query)["me"][0]  # the personal address, in the address bar
            query = logic.student_query(challenge_id, spec) | {"class": class_id, "me": token}
            student.goto(f"{one}/?{urlencode(query)}")
            app_started(student)
            with page_kept_on_timeout(student, "classroom-timeout-train", "the student's run finishing on server one"):
                student.get_by_text("Trained 50 epochs").wait_for(timeout=90_000)
                student.wait_for_selector(IDLE, timeout=60_000)
            student.get_by_role("button", name="Submit to the challenge").click()
            with page_kept_on_timeout(student, "classroom-timeout-submit", "the submission on server one"):
                student.get_by_text("Submitted as Ann").wait_for(timeout=30_000)
            with page_kept_on_timeout(teacher, "classroom-timeout-entry", "the entry showing on server two"):
                teacher.get_by_text("1 on the board, 1 submissions").wait_for(timeout=WITHIN)
            assert teacher.locator("[data-testid=stException]").count() == 0
            assert student.locator("[data-testid=stException]").count() == 0
    finally:
        engine.dispose()

"""A monkey on every page: seeded random actions drawn from what each page offers (every widget set to
random allowed values, every button pressed, page switches, the page's own address reopened), and
never an exception shown, a failure caught by the page's guard, or a page that no longer draws its
main part. The actions are described in ``tests/app_monkey.py``; ``benchmarks/monkey.py`` runs it at
length. The in-suite budget is small: ``SEEDS`` x ``ACTIONS`` per page, with tiny training runs."""

from __future__ import annotations

import pytest
from app_monkey import NAMES, PAGES, Monkey, Tally, drawn

SEEDS = (1, 2)
ACTIONS = 40
#: Seeds that once found a failure, each with the page it started on, its number of actions and
#: what it found (fixed since): run again on every test run.
REGRESSIONS = [
    # (page, seed, actions, what it found)
]


@pytest.fixture
def board(tmp_path, monkeypatch, fresh_caches):
    """A throwaway class board: the monkey creates challenges."""
    monkeypatch.setenv("SCRATCHNET_BOARD_URL", f"sqlite:///{tmp_path / 'board.sqlite'}")


def romp(page: str, seed: int, actions: int, tally: Tally) -> Monkey:
    monkey = Monkey(seed)
    monkey.romp(page, actions, tally)
    return monkey


@pytest.mark.parametrize("page", PAGES, ids=lambda path: NAMES[path])
def test_the_monkey_breaks_nothing_and_every_page_still_draws(page, board):
    tally = Tally()
    for seed in SEEDS:
        monkey = romp(page, seed, ACTIONS, tally)
    assert tally.actions == len(SEEDS) * ACTIONS
    assert not tally.failures, "\n".join(map(str, tally.failures))
    at = monkey.at  # the session the last romp left, after everything it did
    for other in PAGES:
        at.switch_page(other)
        at.run()
        assert not at.exception, (other, [e.value for e in at.exception])
        assert drawn(at, other), f"{other} no longer draws its main part after the monkey"


@pytest.mark.parametrize(("page", "seed", "actions", "found"), REGRESSIONS, ids=lambda value: str(value)[:30])
def test_a_seed_that_once_failed_no_longer_does(page, seed, actions, found, board):
    tally = Tally()
    romp(page, seed, actions, tally)
    assert not tally.failures, f"seed {seed} on {page} (once: {found}):\n" + "\n".join(map(str, tally.failures))


def test_lesson_10s_route_through_drawn_xor_points_leaves_the_lessons_page_working(board, caplog):
    """The route a student found: lesson 10, the XOR dataset, *Start from XOR* in the drawing panel,
    train on those points, back to the Lessons page (once a ValueError on every return)."""
    import logging

    from app_helpers import app, settle

    from scratchnet.app.ui import failure, session

    caplog.set_level(logging.ERROR, logger=failure.LOG.name)
    lessons = "pages/4_Lessons.py"
    at = app(lessons, {"lesson": "own_points"}).run()
    at.button(key=session.lesson_open_key("own_points")).click().run()
    at.switch_page("streamlit_app.py")
    settle(at)
    at.selectbox(key=session.control_key("dataset")).set_value("xor").run()
    next(b for b in at.button if b.label == "Start from XOR").click().run()
    next(b for b in at.button if b.label == "Train on these points").click().run()
    next(b for b in at.sidebar.button if b.label == "Train").click()
    settle(at)
    assert at.session_state[session.RUN].result.config.data_id, "trained on the drawn points"
    for _ in range(2):  # every return, not only the first
        at.switch_page(lessons).run()
        assert not at.exception
        assert not caplog.records, caplog.text
        assert "Your own points" in at.title[0].value and drawn(at, lessons)


def test_the_monkey_reports_a_failure_a_page_caught(board, monkeypatch):
    """The monkey can fail: a lessons view that breaks on its third draw is found, with its type."""
    from scratchnet.app.lessons import view

    class Boom(RuntimeError):
        pass

    original, draws = view.standings, []

    def flaky():
        draws.append(1)
        if len(draws) == 3:
            raise Boom("the third draw")
        return original()

    monkeypatch.setattr(view, "standings", flaky)
    tally = Tally()
    romp("pages/4_Lessons.py", 0, 8, tally)
    assert [(f.page, f.kind, f.text) for f in tally.failures] == [("pages/4_Lessons.py", "Boom", "the third draw")]

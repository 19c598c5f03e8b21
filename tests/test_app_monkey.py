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

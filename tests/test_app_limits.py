"""Bounded memory and bounded work: what a classroom of sessions can make the server hold or do.

The figures for a real server (resident memory after 200 configurations, response times under a
heavy run) are in ``benchmarks/memory.py`` and ``benchmarks/responsiveness.py``; these tests check
the bounds that make them hold.
"""

from __future__ import annotations

import logging
import threading

import numpy as np
import pytest
import streamlit as st

from scratchnet.app.runs import trainer
from scratchnet.app.runs.config import MAX_UNITS, RunConfig
from scratchnet.app.runs.cost import cost_verdict, estimate_seconds
from scratchnet.app.runs.result import SNAPSHOT_BUDGET_BYTES, make_data, make_network, planned_nbytes, snapshot_count
from scratchnet.app.ui import cache


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    cache.clear_runs()
    yield
    cache.clear_runs()


def test_the_cache_is_bounded_by_bytes_as_well_as_entries(monkeypatch) -> None:
    configs = [RunConfig(epochs=30, hidden=(64, 64), seed=seed) for seed in range(5)]
    size = planned_nbytes(configs[0], make_data(configs[0]))
    monkeypatch.setattr(cache, "MAX_CACHED_BYTES", int(2.5 * size))
    jobs = [cache.start_run(config) for config in configs]
    for job in jobs:
        assert job.wait(60) and job.result is not None
    assert cache.cached_bytes() <= 2.5 * size
    assert cache.start_run(configs[-1]) is jobs[-1]  # the newest are still shared ...
    assert cache.start_run(configs[-2]) is jobs[-2]
    again = cache.start_run(configs[0])  # ... the oldest were let go (a new request trains again)
    assert again is not jobs[0]
    again.wait(60)
    assert again.result.train_loss == jobs[0].result.train_loss  # and gets the same numbers


def test_a_job_knows_about_how_much_memory_it_holds() -> None:
    for config in (RunConfig(epochs=200), RunConfig(epochs=40, hidden=(128, 128, 128), samples=10)):
        job = cache.start_run(config)
        planned = job.nbytes
        assert job.wait(60)
        result = job.result
        actual = (
            sum(a.nbytes for a in (result.data.X_train, result.data.X_test))
            + sum(c.nbytes for c in result.history.columns().values())
            + sum(v.nbytes for s in result.history.snapshots for v in s.params.values())
        )
        assert 0.5 * actual <= planned <= 2 * actual
        assert 0.5 * actual <= job.nbytes <= 2 * actual


@pytest.mark.parametrize("hidden", [(64,), (128, 128), (MAX_UNITS,) * 4])
def test_snapshots_of_big_networks_are_thinned_to_the_budget(hidden) -> None:
    config = RunConfig(hidden=hidden, samples=10)
    net = make_network(config, config.classes)
    count = snapshot_count(net)
    assert count >= 2
    assert count * net.flat_params.nbytes <= max(SNAPSHOT_BUDGET_BYTES, 2 * net.flat_params.nbytes)


def test_the_biggest_allowed_run_holds_a_bounded_amount() -> None:
    """The most memory any one run may hold: the largest history and network the controls allow."""
    worst = RunConfig(samples=1000, classes=10, hidden=(MAX_UNITS,) * 4, epochs=100_000)
    assert cost_verdict(worst).level == "refuse"  # far too costly to train anyway
    data = make_data(RunConfig(samples=1000, classes=10))
    assert planned_nbytes(worst, data) < 12_000_000
    assert np.isfinite(planned_nbytes(worst, data))


# ---- whose turn: the trainer pool ---------------------------------------------------------------
def heavy_config(seed: int) -> RunConfig:
    """A run the app calls long (estimated over ``HEAVY_SECONDS``), within the cost limit."""
    config = RunConfig(samples=1000, hidden=(128, 128), epochs=600, seed=seed)
    assert estimate_seconds(config) > trainer.HEAVY_SECONDS and cost_verdict(config).level != "refuse"
    return config


class Recorder:
    """A listener that notes the order in which runs start, and when each ends."""

    def __init__(self, name: str, starts: list[str]) -> None:
        self.name, self.starts = name, starts
        self.ended = threading.Event()

    def on_start(self) -> None:
        self.starts.append(self.name)

    def on_progress(self, rows, params, seconds) -> None:
        pass

    def on_done(self, history, params) -> None:
        self.ended.set()

    def on_error(self, message: str) -> None:
        self.ended.set()


def submit(pool, starts: list[str], name: str, config: RunConfig, owner: str) -> tuple[int, Recorder]:
    recorder = Recorder(name, starts)
    return pool.submit(config, make_data(config), recorder, owner), recorder


def test_turns_go_round_the_students() -> None:
    """One student queues eight runs, then another presses Train once: the second student's run is
    handed the next free worker, not the ninth."""
    pool = trainer.TrainerPool(workers=2, use_processes=False)
    starts: list[str] = []
    first = [submit(pool, starts, f"a{i}", RunConfig(epochs=300, seed=i), "sweeper") for i in range(8)]
    _, other = submit(pool, starts, "b", RunConfig(epochs=300, seed=99), "student")
    for _, recorder in [*first, (None, other)]:
        assert recorder.ended.wait(120)
    assert starts.index("b") == 2, starts  # first come, first served would have made it the ninth


def test_a_short_run_never_waits_behind_long_runs() -> None:
    """Three long runs, then a short one: the long runs take turns on one worker, so the short one
    starts at once on the other."""
    pool = trainer.TrainerPool(workers=2, use_processes=False)
    starts: list[str] = []
    heavy = [submit(pool, starts, f"long{i}", heavy_config(i), f"h{i}") for i in range(3)]
    _, short = submit(pool, starts, "short", RunConfig(epochs=100, seed=5), "s")
    try:
        assert short.ended.wait(180)
    finally:
        for job_id, _ in heavy:
            pool.cancel(job_id)
    for _, recorder in heavy:
        assert recorder.ended.wait(60)
    assert starts[:2] == ["long0", "short"], starts  # the second worker stayed free for the short run


def _remember_big_runs() -> None:
    """An app script: six finished runs of a big network (about 4 MB of snapshots each) into "My runs"."""
    import streamlit as st

    import scratchnet as sn
    from scratchnet.app.runs.config import RunConfig
    from scratchnet.app.runs.result import make_data, make_network, make_optimizer, snapshot_count, summarize
    from scratchnet.app.ui import session

    for seed in range(6):
        config = RunConfig(hidden=(128, 128, 128), samples=10, epochs=20, seed=seed)
        data, net = make_data(config), make_network(config, 3)
        history = sn.train(net, data.X_train, data.y_train, make_optimizer(config), 20, snapshots=snapshot_count(net))
        session.remember(summarize(config, data, net, history))
    runs = session.my_runs()
    st.write(f"{len(runs)} runs, {sum(run.nbytes for run in runs)} bytes, newest seed {runs[-1].config.seed}")


def test_my_runs_are_bounded_by_memory_as_well_as_count() -> None:
    from streamlit.testing.v1 import AppTest

    from scratchnet.app.ui import session

    at = AppTest.from_function(_remember_big_runs, default_timeout=120).run()
    assert not at.exception
    count, size, newest = at.markdown[0].value.replace(" runs,", "").replace(" bytes, newest seed", "").split()
    assert 1 <= int(count) < 6 and int(size) <= session.MY_RUNS_BYTES
    assert newest == "5"  # the newest is kept, the oldest let go


def test_a_run_stopped_by_the_time_limit_is_kept_not_trained_again(monkeypatch) -> None:
    """A run cut off by the time limit shows what it learned; asking for it again must not start it
    again (it would only be cut off again, on every redraw)."""
    from scratchnet.app.runs.jobs import TrainingJob

    monkeypatch.setattr(trainer, "TIME_LIMIT_SECONDS", 0.3)
    config = RunConfig(epochs=100_000, hidden=(64, 64))
    job = TrainingJob(config, pool=trainer.TrainerPool(workers=1, use_processes=False))
    assert job.wait(60) and job.result is not None
    assert 0 < job.result.history.epochs_run < config.epochs
    assert job.result.status == "cancelled" and "Stopped at epoch" in job.result.message
    assert not job.stopped_early


def test_letting_a_run_go_never_changes_what_a_session_holds(monkeypatch) -> None:
    """The shared store drops its reference to the oldest run; a session still showing it keeps it
    whole (the same object, the same numbers), and a new request for it trains a new one."""
    monkeypatch.setattr(cache, "MAX_CACHED_RUNS", 2)
    configs = [RunConfig(epochs=30, seed=seed) for seed in (41, 42, 43)]
    held = cache.start_run(configs[0])  # a session holds this one
    assert held.wait(60)
    result, loss = held.result, held.result.train_loss
    for config in configs[1:]:
        assert cache.start_run(config).wait(60)
    assert len(cache.shared_runs()) == 2  # the oldest was let go ...
    assert held.done and held.result is result and result.train_loss == loss  # ... and is unchanged
    assert cache.start_run(configs[0]) is not held


def _polling_script() -> None:
    """An app script: a fragment that follows a flag through ``live.poll``."""
    import streamlit as st

    from scratchnet.app.ui import live

    st.session_state.setdefault("draws", 0)

    def draw() -> None:
        st.session_state["draws"] += 1
        st.write("live" if st.session_state.get("live") else "done")

    live.poll(lambda: bool(st.session_state.get("live")), draw, key="follow")
    st.write("the rest of the page")


def test_polling_redraws_while_live_then_the_whole_page_once_then_stops(monkeypatch) -> None:
    from app_helpers import FragmentTimers
    from streamlit.testing.v1 import AppTest

    from scratchnet.app.ui.live import POLL_SECONDS

    timers = FragmentTimers(monkeypatch)
    at = AppTest.from_function(_polling_script)
    at.session_state["live"] = True
    at.run()
    ((fragment, interval),) = timers.timers[-1].items()
    assert interval == POLL_SECONDS and timers.whole[-1]
    timers.rerun_fragment(fragment)  # a tick while live: the fragment alone
    at.run()
    assert not timers.whole[-1] and at.session_state["draws"] == 2
    at.session_state["live"] = False
    timers.rerun_fragment(fragment)  # the first tick after it ended: the whole page, once, and no timer
    at.run()
    assert timers.whole[-1] and timers.timers[-1] == {}
    assert "the rest of the page" in [m.value for m in at.markdown] and "done" in [m.value for m in at.markdown]


class Broken(Recorder):
    """A listener with a bug: it raises on the first progress report."""

    def __init__(self, starts: list[str]) -> None:
        super().__init__("broken", starts)
        self.errors: list[str] = []

    def on_progress(self, rows, params, seconds) -> None:
        raise KeyError("a bug in the listener")

    def on_error(self, message: str) -> None:
        self.errors.append(message)
        super().on_error(message)


def test_a_listener_that_raises_ends_its_run_with_the_error_logged_and_shown(caplog) -> None:
    """A bug in one run's listener is logged with its traceback, ends that run with the error (it
    does not wait for reports that will never be taken), and every other run still trains."""
    pool = trainer.TrainerPool(workers=1, use_processes=False)
    starts: list[str] = []
    broken = Broken(starts)
    with caplog.at_level(logging.ERROR, logger=trainer.__name__):
        pool.submit(RunConfig(epochs=3000, seed=5), make_data(RunConfig()), broken, "a")
        _, other = submit(pool, starts, "other", RunConfig(epochs=100, seed=6), "b")
        assert broken.ended.wait(120) and other.ended.wait(120)
    assert (
        len(broken.errors) == 1
        and "progress report" in broken.errors[0]
        and "a bug in the listener" in broken.errors[0]
    )
    assert any("listener failed" in record.getMessage() and record.exc_info for record in caplog.records)
    assert starts == ["broken", "other"]

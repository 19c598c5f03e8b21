"""Training under the student's hand: Step, Pause, Continue, the best epoch, early stopping, and the
expected wait of a queued run. Pure tests of the jobs and the trainer pool first, then the Playground
through AppTest."""

from __future__ import annotations

import re
import threading
import time

import numpy as np
import pytest
from app_helpers import (
    IDLE,
    app,
    app_started,
    browser,
    charts,
    chromium,
    dataset_with,
    metric,
    page_kept_on_timeout,
    served_app,
    settle,
)

from scratchnet.app.runs import continuing, trainer
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.cost import estimate_seconds, steps_per_epoch
from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.runs.result import (
    RunResult,
    make_data,
    planned_snapshots,
    replay_snapshots,
    resumes,
    snapshots_for,
    untrained,
)
from scratchnet.app.runs.trainer import get_pool
from scratchnet.app.ui import session

SMALL = RunConfig(hidden=(16,), epochs=60)
CONFIGS = {
    "adam, full batch": SMALL,
    "sgd, momentum, decay, L2, mini-batches, float32": SMALL.replace(
        optimizer="sgd", lr=0.5, momentum=0.9, decay=1e-3, l2=1e-3, batch_size=32, dtype="float32"
    ),
    "rmsprop, mini-batches, no held-out points": SMALL.replace(
        optimizer="rmsprop", lr=0.01, batch_size=50, test_share=0
    ),
}


@pytest.fixture
def pool():
    return trainer.TrainerPool(workers=2, use_processes=False)


def trained_job(config: RunConfig, pool, parent: RunResult | None = None) -> TrainingJob:
    """``config`` trained by ``pool`` (from ``parent`` when given), waited for."""
    job = TrainingJob(config, pool=pool, parent=parent)
    assert job.wait(60), "training did not finish in time"
    assert job.error is None, job.error
    return job


def assert_same_run(a: RunResult, b: RunResult) -> None:
    """Bit for bit: the parameters, every history column, the status."""
    np.testing.assert_array_equal(a.network.flat_params, b.network.flat_params)
    for name, column in b.history.columns().items():
        np.testing.assert_array_equal(a.history.columns()[name], column, err_msg=name)
    assert a.status == b.status and a.history.epochs_run == b.history.epochs_run
    assert a.best_epoch == b.best_epoch


# ---- continue: the longer configuration, trained on from the parent's end -----------------------------
@pytest.mark.parametrize("name", list(CONFIGS))
def test_continuing_trains_only_the_new_epochs_and_equals_the_longer_run(name: str, pool) -> None:
    config = CONFIGS[name]
    parent = trained_job(config, pool).result
    assert parent.resume is not None
    before = pool.epochs_trained
    continued = trained_job(continuing.continued_config(parent, 25), pool, parent=parent)
    assert continued.config == config.replace(epochs=85) and continued.first_epoch == 60
    assert pool.epochs_trained - before == 25  # the pool trained only the new epochs
    fresh = trained_job(config.replace(epochs=85), pool)
    assert pool.epochs_trained - before == 25 + 85
    assert_same_run(continued.result, fresh.result)
    # the parent is shared and immutable: continuing it changed nothing in it
    assert parent.history.epochs_run == 60 and parent.resume.optimizer.iterations == steps_per_epoch(config) * 60


def test_continuing_twice_from_the_same_parent_gives_the_same_run(pool) -> None:
    """A shared result is read by many sessions: resuming it must copy its network and optimizer."""
    parent = trained_job(SMALL, pool).result
    params = {name: value.copy() for name, value in parent.resume.params.items()}
    state = {name: value.copy() for name, value in parent.resume.optimizer.state["all"].items()}
    steps = parent.resume.optimizer.iterations
    first = trained_job(SMALL.replace(epochs=70), pool, parent=parent).result
    second = trained_job(SMALL.replace(epochs=70), pool, parent=parent).result
    assert_same_run(first, second)
    for name, value in params.items():
        np.testing.assert_array_equal(parent.resume.params[name], value)
    for name, value in state.items():
        np.testing.assert_array_equal(parent.resume.optimizer.state["all"][name], value)
    assert parent.resume.optimizer.iterations == steps and parent.history.epochs_run == 60


def test_a_paused_run_continues_from_where_it_paused(pool) -> None:
    """Pause at epoch e of E, continue by k: the run of e + k epochs, from the paused state."""
    config = RunConfig(hidden=(32,), epochs=100_000, seed=4)
    job = TrainingJob(config, pool=pool)
    deadline = time.monotonic() + 30
    while job.progress().epoch < 50 and time.monotonic() < deadline:
        time.sleep(0.02)
    paused = job.cancel("me")
    assert paused.status == "cancelled" and 50 <= paused.history.epochs_run < config.epochs
    assert paused.resume is not None
    e = paused.history.epochs_run
    before = pool.epochs_trained
    continued = trained_job(continuing.continued_config(paused, 30), pool, parent=paused)
    assert continued.config.epochs == e + 30 and pool.epochs_trained - before == 30
    assert_same_run(continued.result, trained_job(config.replace(epochs=e + 30), pool).result)


def test_a_run_paused_while_others_watch_it_is_trained_again_to_the_same_result(pool) -> None:
    """Another session still watches the shared run, so Pause keeps only a copy of its progress (no
    optimizer state to go on from): continuing trains the longer run from the start — the same run."""
    config = RunConfig(hidden=(16,), epochs=100_000, seed=8)
    job = TrainingJob(config, pool=pool)
    deadline = time.monotonic() + 30
    while job.progress().epoch < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    job.watch("someone else")
    paused = job.cancel("me")
    pool.cancel(job.job_id)  # (the other session leaves too)
    assert job.wait(30) and paused.resume is None
    e = paused.history.epochs_run
    config_k = continuing.continued_config(paused, 10)
    assert continuing.parent(paused, config_k) is None and continuing.epochs_to_train(paused, config_k) == e + 10
    before = pool.epochs_trained
    continued = trained_job(config_k, pool, parent=paused)
    assert continued.first_epoch == 0 and pool.epochs_trained - before == e + 10
    np.testing.assert_array_equal(continued.result.history.loss[:e], paused.history.loss)


def test_which_runs_a_continued_config_may_grow_from(pool) -> None:
    parent = trained_job(SMALL.replace(patience=0), pool).result
    assert resumes(parent, SMALL.replace(epochs=61))
    assert not resumes(parent, SMALL.replace(epochs=60))  # not longer
    assert not resumes(parent, SMALL.replace(epochs=50))
    assert not resumes(parent, SMALL.replace(epochs=80, lr=0.01))  # another run
    assert not resumes(parent, SMALL.replace(epochs=80, patience=5))  # it might have stopped sooner
    assert not resumes(untrained(SMALL, parent.data), SMALL.replace(epochs=5))  # nothing to go on from


# ---- early stopping and the best epoch ----------------------------------------------------------------
def test_early_stopping_stops_after_patience_epochs_without_a_better_held_out_loss(pool) -> None:
    config = RunConfig(patience=100)  # the default run: its held-out loss rises long before 2 000 epochs
    result = trained_job(config, pool).result
    best = result.best_epoch
    assert result.status == "stopped_early"
    assert best == int(np.argmin(result.history.val_loss)) + 1
    assert result.history.epochs_run == best + 100
    assert f"epoch {result.history.epochs_run:,}" in result.message and f"epoch {best:,}" in result.message
    snapshots = {snapshot.epoch: snapshot for snapshot in result.history.snapshots}
    assert best in snapshots  # the replay can go exactly there
    # the best snapshot is the network at that epoch: its held-out loss is the lowest one
    net = result.network.with_params(snapshots[best].params)
    from scratchnet.app.runs.result import inputs

    held_out = float(
        np.mean(
            -np.log(
                net.predict_proba(inputs(config, result.data.X_test))[
                    np.arange(len(result.data.y_test)), result.data.y_test
                ]
            )
        )
    )
    assert held_out == pytest.approx(result.history.val_loss.min(), rel=1e-9)
    # continuing a run that stopped early trains on without early stopping, from where it stopped
    continued_config = continuing.continued_config(result, 50)
    assert continued_config.patience == 0 and continued_config.epochs == best + 150
    before = pool.epochs_trained
    continued = trained_job(continued_config, pool, parent=result)
    assert pool.epochs_trained - before == 50
    assert_same_run(continued.result, trained_job(continued_config, pool).result)


def test_the_replay_keeps_its_snapshots_few_whatever_the_steps(pool) -> None:
    """Stepping a run one epoch at a time must not pile up snapshots: they stay about as many as a run
    trained in one go keeps, always with the first, the last and the best."""
    result = trained_job(SMALL.replace(epochs=30), pool).result
    count = snapshots_for(result.network.flat_params.nbytes)
    for _ in range(40):
        result = trained_job(continuing.continued_config(result, 1), pool, parent=result).result
    epochs = [snapshot.epoch for snapshot in result.history.snapshots]
    assert epochs == sorted(set(epochs)) and len(epochs) <= count + 2
    assert epochs[0] == 0 and epochs[-1] == 70 and result.best_epoch in epochs
    assert planned_snapshots(100, 5, after=50) == [75, 100]
    assert [s.epoch for s in replay_snapshots(result.history, 5)][-1] == 70


# ---- Step and Continue refused, with messages ----------------------------------------------------------
@pytest.mark.parametrize(
    ("epochs", "words"),
    [
        (0, "1 to 99,940 epochs"),
        (-5, "1 to 99,940 epochs"),
        (99_941, "at most 100,000"),
        (10**9, "got 1,000,000,000"),
        (2.5, "whole number"),
        ("ten", "whole number"),
        (None, "whole number"),
        (True, "whole number"),
        (float("nan"), "whole number"),
    ],
)
def test_continue_by_a_number_out_of_range_is_refused_with_what_is_allowed(epochs, words, pool) -> None:
    result = trained_job(SMALL, pool).result
    message = continuing.refusal(result, epochs)
    assert message is not None and words in message, message
    assert continuing.refusal(result, 10) is None and continuing.refusal(result, 10.0) is None


def test_continuing_what_cannot_be_continued_is_refused(pool, monkeypatch) -> None:
    assert "Train" in continuing.refusal(None, 10)
    diverged = trained_job(SMALL.replace(optimizer="sgd", lr=100.0), pool).result
    assert diverged.status == "diverged" and diverged.resume is None
    assert "blew up" in continuing.refusal(diverged, 10)
    result = trained_job(SMALL, pool).result
    assert continuing.continue_limit(result) == 100_000 - 60
    monkeypatch.setattr(continuing, "MAX_EPOCHS", 60)  # as if it had the most epochs a run may have
    assert "already has 60 epochs" in continuing.refusal(result, 1)
    monkeypatch.undo()
    # a continue that costs more than a run may is refused like Train is
    big = trained_job(RunConfig(samples=1000, hidden=(128, 128), epochs=2), pool).result
    message = continuing.refusal(big, 90_000)
    assert message is not None and "limit" in message


# ---- the expected wait of a queued run (issue 15, item 8) ----------------------------------------------
class Listener:
    def __init__(self) -> None:
        self.ended = threading.Event()

    def on_start(self) -> None: ...

    def on_progress(self, rows, params, seconds) -> None: ...

    def on_done(self, history, params) -> None:
        self.ended.set()

    def on_error(self, message) -> None:
        self.ended.set()


def test_a_queued_run_knows_about_how_long_it_waits() -> None:
    pool = trainer.TrainerPool(workers=1, use_processes=False)
    configs = [RunConfig(epochs=100_000, seed=1), RunConfig(epochs=3000, seed=2), RunConfig(epochs=500, seed=3)]
    listeners = [Listener() for _ in configs]
    ids = [
        pool.submit(config, make_data(config), listener, f"student {i}")
        for i, (config, listener) in enumerate(zip(configs, listeners, strict=True))
    ]
    try:
        deadline = time.monotonic() + 10
        while pool.busy == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool.wait_estimate(ids[0]) is None  # it is training
        second, third = pool.wait_estimate(ids[1]), pool.wait_estimate(ids[2])
        # the first run holds the worker for its estimate, but never past the time limit
        first_estimate = min(estimate_seconds(configs[0]), trainer.TIME_LIMIT_SECONDS)
        assert first_estimate - 5 < second <= first_estimate + 1e-9
        assert third == pytest.approx(second + estimate_seconds(configs[1]), abs=0.05)  # (moments apart)
    finally:
        for job_id in ids:
            pool.cancel(job_id)
    for listener in listeners:
        assert listener.ended.wait(60)
    assert pool.wait_estimate(ids[2]) is None


def test_progress_of_a_queued_job_carries_its_expected_wait() -> None:
    pool = trainer.TrainerPool(workers=1, use_processes=False)
    long = TrainingJob(RunConfig(epochs=100_000, seed=11), pool=pool)
    queued = TrainingJob(RunConfig(epochs=100, seed=12), pool=pool)
    try:
        progress = queued.progress()
        assert progress.state == "queued" and progress.wait_seconds is not None
        assert 0 < progress.wait_seconds <= estimate_seconds(long.config) + 1e-9
    finally:
        long.cancel("me")
        queued.cancel("me")


def test_a_continued_run_waiting_for_a_trainer_shows_its_parents_epochs(pool) -> None:
    parent = trained_job(SMALL, pool).result
    busy = trainer.TrainerPool(workers=1, use_processes=False)
    long = TrainingJob(RunConfig(epochs=100_000, seed=13), pool=busy)
    continued = TrainingJob(continuing.continued_config(parent, 20), pool=busy, parent=parent)
    try:
        progress = continued.progress()
        assert progress.state == "queued" and progress.epoch == 60 and progress.epochs == 80
        np.testing.assert_array_equal(progress.history.loss, parent.history.loss)
        assert progress.seconds_left is None  # nothing of its own trained yet: no rate to go by
    finally:
        long.cancel("me")
    assert continued.wait(60) and continued.result.history.epochs_run == 80


# ---- the Playground ------------------------------------------------------------------------------------
def loss_curve(at) -> object:
    chart = next(c for c in charts(at) if "vconcat" in c["spec"])
    return dataset_with(chart, "epoch", "series", "loss"), chart


@pytest.mark.usefixtures("fresh_caches")
def test_step_advances_by_exactly_1_and_10_epochs_and_the_curves_extend() -> None:
    at = settle(app(query={"epochs": "100", "seed": "21"}))
    for epochs, expected in ((1, 101), (10, 111), (10, 121), (1, 122)):
        before = get_pool().epochs_trained
        at.button(key=session.step_key(epochs)).click()
        settle(at)
        assert not at.exception
        job = at.session_state[session.RUN]
        assert job.result.history.epochs_run == expected and job.config.epochs == expected
        assert get_pool().epochs_trained - before == epochs  # only the new epochs were trained
        curve, _ = loss_curve(at)
        assert curve.loc[curve["series"] == "training", "epoch"].max() == expected
        assert metric(at, "Epochs") == f"{expected:,}"
        assert at.session_state[session.control_key("epochs")] == expected  # the sidebar shows this run
        assert at.query_params["epochs"] == str(expected)  # and so does its link


@pytest.mark.usefixtures("fresh_caches")
def test_a_stepped_run_stays_one_entry_in_my_runs() -> None:
    """Each Step or Continue grows the newest run of "My runs" (same settings, more epochs): it takes
    that entry's place instead of adding one. Another run, shorter or with other settings, adds one."""
    at = settle(app(query={"epochs": "100", "seed": "26"}))
    for epochs in (1, 10, 1, 1):
        at.button(key=session.step_key(epochs)).click()
        settle(at)
    at.number_input(key=session.CONTINUE_EPOCHS).set_value(20)
    at.button(key=session.CONTINUE).click()
    settle(at)
    assert [run.history.epochs_run for run in at.session_state[session.MY_RUNS]] == [133]
    at.select_slider(key=session.control_key("epochs")).set_value(50)  # a shorter run of the same settings
    next(b for b in at.sidebar.button if b.label == "Train").click()
    settle(at)
    at.button(key=session.step_key(1)).click()
    settle(at)
    assert [run.history.epochs_run for run in at.session_state[session.MY_RUNS]] == [133, 51]
    at.number_input(key=session.control_key("seed")).set_value(27)  # other settings, a little longer
    next(b for b in at.sidebar.button if b.label == "Train").click()
    settle(at)
    runs = at.session_state[session.MY_RUNS]
    assert [(run.config.seed, run.history.epochs_run) for run in runs] == [(26, 133), (26, 51), (27, 51)]
    assert not at.exception


@pytest.mark.usefixtures("fresh_caches")
def test_step_from_an_untrained_network() -> None:
    at = settle(app(query={"epochs": "100", "seed": "22"}))
    at.button(key=session.RESET).click().run()
    job = at.session_state[session.RUN]
    assert job.done and job.result.status == "untrained" and job.result.history.epochs_run == 0
    assert metric(at, "Epochs") == "0" and not at.exception
    at.button(key=session.step_key(1)).click()
    settle(at)
    result = at.session_state[session.RUN].result
    assert result.history.epochs_run == 1 and result.config == RunConfig(epochs=1, seed=22)
    at.button(key=session.step_key(10)).click()
    settle(at)
    assert at.session_state[session.RUN].result.history.epochs_run == 11
    curve, _ = loss_curve(at)
    assert sorted(curve.loc[curve["series"] == "training", "epoch"]) == list(range(1, 12))


@pytest.mark.usefixtures("fresh_caches")
def test_continue_reuses_the_run_it_grows_from_and_equals_a_fresh_longer_run() -> None:
    at = settle(app(query={"epochs": "150", "seed": "23"}))
    parent = at.session_state[session.RUN].result
    at.number_input(key=session.CONTINUE_EPOCHS).set_value(75)
    before = get_pool().epochs_trained
    at.button(key=session.CONTINUE).click()
    settle(at)
    job = at.session_state[session.RUN]
    assert job.config == parent.config.replace(epochs=225) and job.first_epoch == 150
    assert get_pool().epochs_trained - before == 75
    fresh = TrainingJob(parent.config.replace(epochs=225), pool=trainer.TrainerPool(1, use_processes=False))
    assert fresh.wait(60)
    assert_same_run(job.result, fresh.result)
    # a continued run is cached and shared like any: another session asking for it trains nothing
    other = settle(app(query={"epochs": "225", "seed": "23"}))
    assert other.session_state[session.RUN] is job and get_pool().epochs_trained - before == 75


@pytest.mark.usefixtures("fresh_caches")
def test_continue_out_of_range_is_refused_with_a_message() -> None:
    at = settle(app(query={"epochs": "100", "seed": "24"}))
    job = at.session_state[session.RUN]
    for typed, words in ((0, "1 to 99,900 epochs"), (250_000, "at most 100,000"), (-7, "got -7")):
        at.number_input(key=session.CONTINUE_EPOCHS).set_value(typed)
        at.button(key=session.CONTINUE).click().run()
        assert not at.exception
        assert any(words in error.value for error in at.error), [e.value for e in at.error]
        assert at.session_state[session.RUN] is job  # nothing started


@pytest.mark.usefixtures("fresh_caches")
def test_pause_keeps_what_was_learned_and_continue_goes_on_from_there() -> None:
    at = app(query={"epochs": "20000", "hidden": "16", "seed": "25"})
    at.run()
    job = at.session_state[session.RUN]
    deadline = time.monotonic() + 30
    while job.progress().epoch < 100 and time.monotonic() < deadline:
        time.sleep(0.05)
    pause = at.button(key=session.CANCEL)
    assert pause.label == "Pause"
    pause.click().run()
    paused = at.session_state[session.RUN]
    assert paused.done and paused.result.status == "cancelled" and paused.result.resume is not None
    e = paused.result.history.epochs_run
    assert 100 <= e < 20_000 and metric(at, "Epochs") == f"{e:,}"
    assert any(header.value == "Take it home" for header in at.subheader)  # the page redrew once, with downloads
    at.number_input(key=session.CONTINUE_EPOCHS).set_value(40)
    before = get_pool().epochs_trained
    at.button(key=session.CONTINUE).click()
    settle(at)
    continued = at.session_state[session.RUN]
    assert continued.config.epochs == e + 40 and get_pool().epochs_trained - before == 40
    fresh = TrainingJob(continued.config, pool=trainer.TrainerPool(1, use_processes=False))
    assert fresh.wait(60)
    assert_same_run(continued.result, fresh.result)


@pytest.mark.usefixtures("fresh_caches")
def test_the_best_epoch_is_marked_at_the_argmin_and_the_replay_goes_there() -> None:
    at = settle(app(query={"epochs": "1500"}))
    result = at.session_state[session.RUN].result
    best = int(np.argmin(result.history.val_loss)) + 1
    assert result.best_epoch == best and best < 1500  # the default run starts to memorise early
    _, chart = loss_curve(at)
    marker = dataset_with(chart, "epoch", "marker")
    assert marker["epoch"].tolist() == [best] and marker["marker"].tolist() == ["best"]
    at.button(key=session.best_epoch_key(session.RESULT)).click().run()
    assert not at.exception
    assert at.session_state[session.view_key(session.RESULT, "replay")] == best
    _, chart = loss_curve(at)
    replay_rules = [frame for frame in chart["datasets"].values() if list(frame.columns) == ["epoch"]]
    assert [frame["epoch"].tolist() for frame in replay_rules] == [[best]]  # the replay marker moved there


@pytest.mark.usefixtures("fresh_caches")
def test_stop_early_from_a_link_says_where_and_why() -> None:
    at = settle(app(query={"patience": "100"}))
    assert not at.exception
    result = at.session_state[session.RUN].result
    assert result.status == "stopped_early" and result.history.epochs_run == result.best_epoch + 100
    text = " ".join(element.value for kind in (at.info, at.success, at.warning) for element in kind)
    assert f"Stopped early at epoch {result.history.epochs_run:,}" in text
    assert metric(at, "Epochs") == f"{result.history.epochs_run:,}"


@pytest.mark.usefixtures("fresh_caches")
def test_a_run_that_blew_up_offers_no_step() -> None:
    at = settle(app(query={"preset": "explode"}))
    assert at.session_state[session.RUN].result.status == "diverged"
    for key in (session.step_key(1), session.step_key(10), session.CONTINUE):
        assert at.button(key=key).disabled
    assert not at.button(key=session.RESET).disabled  # starting again from epoch 0 is fine


# ---- in a real browser (issue 15, item 1: after Pause the page settles, offers the downloads, stops polling) --
@browser
def test_pause_then_step_in_the_browser_and_the_page_stops_polling() -> None:
    pytest.importorskip("playwright.sync_api")

    def script_states(page, seconds: float) -> set[str]:
        """Every script state the page shows over ``seconds`` (sampled each 50 ms): a page that
        still polls shows "running" twice a second."""
        return set(
            page.evaluate(
                """seconds => new Promise(resolve => {
                    const seen = new Set(), app = document.querySelector('[data-testid=stApp]');
                    const timer = setInterval(() => seen.add(app.getAttribute('data-test-script-state')), 50);
                    setTimeout(() => { clearInterval(timer); resolve([...seen]); }, seconds * 1000);
                })""",
                seconds,
            )
        )

    with served_app() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/?epochs=40000&hidden=16&seed=31")
        app_started(page)
        with page_kept_on_timeout(page, "pause-training", "the run training, with a Pause button"):
            page.get_by_text(re.compile(r"Epoch [\d,]+ of 40,000")).wait_for(timeout=60_000)
        # the live view redraws its button twice a second: Playwright's click waits for a steady one, so
        # press it the way a hand does, at once
        page.evaluate("() => [...document.querySelectorAll('button')].find(b => b.innerText.includes('Pause')).click()")
        with page_kept_on_timeout(page, "pause-settled", "the paused run drawn with its downloads"):
            page.get_by_text("Take it home").wait_for(timeout=30_000)
            page.wait_for_selector(IDLE, timeout=30_000)
        stopped = page.get_by_text(re.compile(r"Stopped at epoch [\d,]+ of 40,000")).inner_text()
        assert script_states(page, 3.0) == {"notRunning"}  # no more redraws: the tab costs nothing now
        epoch = int(re.search(r"Stopped at epoch ([\d,]+)", stopped).group(1).replace(",", ""))
        page.get_by_role("button", name="Step +10").click()
        with page_kept_on_timeout(page, "step-after-pause", "the run stepped 10 epochs on from the pause"):
            page.get_by_text(f"Trained {epoch + 10:,} epochs").wait_for(timeout=30_000)
            page.wait_for_selector(IDLE, timeout=30_000)
        assert script_states(page, 2.0) == {"notRunning"}
        assert page.locator("[data-testid=stException]").count() == 0

"""The training-time estimate: one verdict for runs and sweeps, messages that name the cause, an
estimate that grows with every cost driver, real runs near it, and a limit every lesson fits in."""

from __future__ import annotations

import itertools

import pytest

from scratchnet.app.runs import cost
from scratchnet.app.runs.config import MAX_UNITS, RunConfig
from scratchnet.app.runs.cost import COST_LIMIT_SECONDS, COST_WARN_SECONDS, Verdict, cost_verdict, estimate_seconds
from scratchnet.app.sweep import logic as sw


# ---- one verdict type -----------------------------------------------------------------------------
def test_runs_and_sweeps_are_judged_in_one_verdict_type() -> None:
    run = cost_verdict(RunConfig())
    sweep = sw.sweep_cost(sw.make_sweep(sw.default_base(), "lr", (0.01, 0.1), "decay", (0.0, 0.01)))
    assert type(run) is Verdict and type(sweep) is Verdict
    assert run.level == "ok" and not run.refused and run.seconds == pytest.approx(estimate_seconds(RunConfig()))
    with pytest.raises(ValueError, match="level"):
        Verdict("maybe", "", 0.0)


BIG = RunConfig(samples=1000, classes=10, hidden=(MAX_UNITS,) * 2)  # the costliest data, a wide network


def test_each_level_says_the_expected_time_and_what_to_do() -> None:
    ok = cost_verdict(RunConfig())
    assert ok.level == "ok" and f"Expected training time: about {ok.seconds:.1f} s" in ok.message
    assert "at most" not in ok.message  # the central value, not an allowance for a busy server
    warn = next(v for e in range(100, 100_001, 100) if (v := cost_verdict(BIG.replace(epochs=e))).level == "warn")
    assert COST_WARN_SECONDS < warn.seconds <= COST_LIMIT_SECONDS and "long for a demo" in warn.message
    refuse = cost_verdict(BIG.replace(epochs=5000))
    assert refuse.refused and refuse.seconds > COST_LIMIT_SECONDS
    assert f"{COST_LIMIT_SECONDS:.0f} s limit" in refuse.message and "fewer epochs" in refuse.message


def test_the_limit_is_about_a_minute_of_training_and_the_stop_a_guard_beyond_it() -> None:
    from scratchnet.app.runs.trainer import TIME_LIMIT_SECONDS

    assert 45 <= COST_LIMIT_SECONDS <= 75 and TIME_LIMIT_SECONDS > COST_LIMIT_SECONDS


@pytest.mark.parametrize("config", [RunConfig(), BIG, RunConfig(batch_size=1), RunConfig(hidden=(), samples=5)])
def test_max_epochs_is_the_most_the_limit_lets_train(config: RunConfig) -> None:
    most = cost.max_epochs(config)
    assert not cost_verdict(config.replace(epochs=min(most, 100_000))).refused
    if most < 100_000:
        assert cost_verdict(config.replace(epochs=most + 1)).refused


def test_the_queue_is_said_apart_from_the_training_time() -> None:
    assert cost.queue_note(0, None) == ""
    assert cost.queue_note(1, 0.2) == "1 run ahead of yours, about 1.0 s to wait"
    assert cost.queue_note(2, 9.44) == "2 runs ahead of yours, about 9.4 s to wait"
    assert cost.queue_note(3, 42.0) == "3 runs ahead of yours, about 42 s to wait"


def test_a_batch_size_of_one_is_refused_because_of_the_batch_size() -> None:
    verdict = cost_verdict(RunConfig(batch_size=1, epochs=20_000))
    assert verdict.refused
    assert "batch size" in verdict.message and "240 steps an epoch" in verdict.message  # 240 training points
    assert "bigger batch size" in verdict.message
    assert cost_verdict(RunConfig(batch_size=0)).level == "ok"  # the same run, full batch, is fine


def test_a_run_refused_for_its_size_names_epochs_points_and_units() -> None:
    verdict = cost_verdict(BIG.replace(epochs=5000))
    assert verdict.refused and "fewer epochs, points or hidden units" in verdict.message
    assert "batch size" not in verdict.message


# ---- it grows with every cost driver ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("classes", range(2, 11)),
        ("samples", (5, 50, 100, 300, 600, 1000)),
        ("epochs", (1, 10, 100, 1000, 10_000)),
        ("hidden", ((), (4,), (16,), (64,), (128,), (128, 128), (128,) * 4)),
    ],
)
def test_the_estimate_grows_with_each_cost_driver(field: str, values) -> None:
    estimates = [estimate_seconds(RunConfig(**{field: value})) for value in values]
    assert all(a < b for a, b in itertools.pairwise(estimates)), estimates


def test_smaller_batches_cost_more() -> None:
    estimates = [estimate_seconds(RunConfig(batch_size=b)) for b in (1, 4, 16, 64, 240)]
    assert all(a > b for a, b in itertools.pairwise(estimates)), estimates


def test_more_input_features_cost_more() -> None:
    two = RunConfig(features=("x1", "x2"))
    seven = RunConfig(features=("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"))
    assert cost.inputs(seven) == 7 and estimate_seconds(seven) > estimate_seconds(two)


def test_ten_classes_cost_more_than_three_on_the_same_points() -> None:
    """The miss the estimate once had: classes count, not only points per class."""
    three, ten = RunConfig(samples=1000, classes=3), RunConfig(samples=1000, classes=10)
    assert estimate_seconds(ten) > 3 * estimate_seconds(three)

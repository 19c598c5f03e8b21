"""The training-time estimate against training itself: fit its costs, and print how far off it is.

    python benchmarks/cost_fit.py            # the check: measured / estimated over a sample (minutes)
    python benchmarks/cost_fit.py --fit      # time the grid and random runs, print fitted costs (longer)
    python benchmarks/cost_fit.py --refit    # fit again from the times the last --fit saved
    python benchmarks/cost_fit.py --recheck  # the check again from the times it saved (after a refit)

Runs are timed the way the app's trainers train them: ``runs.result.train_run`` with the trainer's
own callback (a clock read every epoch, the parameters copied every ``PUBLISH_SECONDS``), one BLAS
thread. Each run is timed ``--repeats`` times on the wall clock and on the process's CPU clock and
the medians kept: the CPU time is the work itself (what a quiet server takes, and what the costs are
fitted to), the wall time adds whatever else the machine was doing.

The estimate is the fit's central value (the app shows it as "about N s"), so the check prints the
spread of measured / estimated (min, median, max; within 0.5-2 is the target) over a sample across
the controls' range: the runs the app meets most, the corners (2-10 classes, up to 1 000 points per
class, 0-4 hidden layers of up to 128 units, full batch and batches down to 1, 2-7 input features)
and random runs between them. Each run trains for the epochs that make its estimate about ``--seconds``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import pickle
import sys
import time
from pathlib import Path

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"  # as the trainer's workers run: one BLAS thread each

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

import numpy as np  # noqa: E402

import scratchnet as sn  # noqa: E402
from scratchnet.app.runs import cost  # noqa: E402
from scratchnet.app.runs.config import RunConfig  # noqa: E402
from scratchnet.app.runs.result import DataSplit, make_data, make_network, train_run  # noqa: E402
from scratchnet.app.runs.trainer import PUBLISH_SECONDS  # noqa: E402

FEATURE_SETS = (("x1", "x2"), ("x1", "x2", "x1^2", "x2^2"), ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"))


def expanded(X: np.ndarray, inputs: int) -> np.ndarray:
    """``X`` with as many input columns as ``inputs`` features give (the cost depends on the count only)."""
    columns = [X[:, 0], X[:, 1], X[:, 0] ** 2, X[:, 1] ** 2, X[:, 0] * X[:, 1], np.sin(X[:, 0]), np.sin(X[:, 1])]
    return np.column_stack(columns[:inputs])


def with_features(config: RunConfig, features: tuple[str, ...]) -> RunConfig:
    """``config`` with its input features, where ``RunConfig`` has them."""
    return config.replace(features=features) if hasattr(config, "features") else config


def timed(config: RunConfig, features: tuple[str, ...], repeats: int = 1) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of training ``config`` as a trainer does: medians of ``repeats`` runs
    (the machine is shared: one slow run says little)."""
    walls, cpus = zip(*(_timed_once(config, features) for _ in range(repeats)))
    return float(np.median(walls)), float(np.median(cpus))


def _timed_once(config: RunConfig, features: tuple[str, ...]) -> tuple[float, float]:
    data = make_data(config)
    if hasattr(config, "features"):  # train_run expands the points into the config's features itself
        net = make_network(config, data.classes)
    else:
        inputs = len(features)
        data = DataSplit(
            expanded(data.X_train, inputs), data.y_train, expanded(data.X_test, inputs), data.y_test, data.class_names
        )
        net = sn.mlp([inputs, *config.hidden, config.classes], activation=config.activation, seed=config.seed)
    last = time.perf_counter()

    def callback(epoch: int, history: sn.History) -> bool:  # what the trainer's callback costs
        nonlocal last
        now = time.perf_counter()
        if now - last >= PUBLISH_SECONDS:
            net.get_params()
            last = now
        return False

    wall, cpu = time.perf_counter(), time.process_time()
    train_run(config, data, net, callback)
    return time.perf_counter() - wall, time.process_time() - cpu


def epochs_for(config: RunConfig, seconds: float) -> int:
    """The epochs that make ``config``'s estimate about ``seconds``."""
    one, two = (cost.estimate_seconds(config.replace(epochs=epochs)) for epochs in (1, 2))
    return int(max(1, min(100_000, (seconds - (2 * one - two)) / (two - one))))  # less the once-per-run part


#: Runs the app meets most, and the one its estimate once missed (10 classes x 1 000 points).
ANCHORS = (RunConfig(), RunConfig(classes=10, samples=1000), RunConfig(classes=10, samples=1000, hidden=(128, 128)))


def grid() -> list[tuple[RunConfig, tuple[str, ...]]]:
    """Configurations across every cost driver, the costliest corners included."""
    rows = []
    for classes, samples, hidden, batch, features in itertools.product(
        (2, 10),
        (50, 1000),
        ((), (8,), (128,), (32, 32, 32, 32), (128, 128, 128, 128)),
        (0, 1, 32),
        (FEATURE_SETS[0], FEATURE_SETS[-1]),
    ):
        if batch == 1 and samples * classes > 1000:
            continue  # a few points per epoch: enough to time the per-step cost
        rows.append((RunConfig(classes=classes, samples=samples, hidden=hidden, batch_size=batch), features))
    for classes in range(3, 10):  # every class count on the run
        rows.append((RunConfig(classes=classes, samples=1000, hidden=(64,)), FEATURE_SETS[0]))
    return rows


SHORT_RUNS = (  # the default run, ten classes, a deep net on small batches, batches of one point
    RunConfig(epochs=150),
    RunConfig(classes=10, samples=100, epochs=60),
    RunConfig(hidden=(32, 32, 32), batch_size=8, epochs=8),
    RunConfig(hidden=(), batch_size=1, samples=20, epochs=10),
)


def short_runs() -> None:
    """Short real runs, trained as a trainer trains them (``train_run``) and timed on the CPU clock (the
    work itself, whatever else the machine is doing), against the estimate: the ratio should be 0.5-2."""
    for config in SHORT_RUNS:
        data = make_data(config)
        net = make_network(config, data.classes)
        start = time.process_time()
        train_run(config, data, net)
        taken = time.process_time() - start
        estimate = cost.estimate_seconds(config)
        shape = "x".join(map(str, config.hidden)) or "none"
        print(
            f"{config.points:5} points, {shape:>8}, batch {config.batch_size or 'all':>3}, {config.epochs:4} epochs: "
            f"CPU {taken:6.3f} s, estimate {estimate:6.3f} s, ratio {taken / estimate:4.2f}"
        )


def random_runs(count: int, seed: int) -> list[tuple[RunConfig, tuple[str, ...]]]:
    """``count`` runs drawn across the controls' range, a third of them on the costliest data."""
    rng = np.random.default_rng(seed)
    runs = []
    for i in range(count):
        depth = int(rng.integers(0, 5))
        hidden = tuple(int(rng.choice([2, 4, 8, 16, 32, 64, 96, 128])) for _ in range(depth))
        big = i % 3 == 0  # a third of the runs on the costliest data: many classes, many points
        classes = int(rng.integers(6, 11) if big else rng.integers(2, 11))
        samples = int(rng.choice([600, 1000] if big else [10, 50, 100, 300, 600, 1000]))
        batch = int(rng.choice([0, 0, 0, 1, 8, 16, 64, 256]))
        if batch == 1:  # a few points per epoch: enough to time the per-step cost
            samples = min(samples, 1000 // classes)
        config = RunConfig(classes=classes, samples=samples, hidden=hidden, batch_size=batch)
        runs.append((config, FEATURE_SETS[int(rng.integers(0, 3))]))
    return runs


def spread(ratios: list[float] | np.ndarray) -> str:
    low, mid, high = np.min(ratios), np.median(ratios), np.max(ratios)
    return f"min {low:.2f}, median {mid:.2f}, max {high:.2f}"


CHECK_FILE = ROOT / "artifacts" / "cost_check.pkl"


def corners() -> list[tuple[RunConfig, tuple[str, ...]]]:
    """The runs the app meets most, and the costliest and cheapest corners of the controls' range."""
    rows = [(config, FEATURE_SETS[0]) for config in ANCHORS]
    for hidden, batch in itertools.product(((), (128, 128, 128, 128)), (0, 32)):
        rows.append((RunConfig(classes=10, samples=1000, hidden=hidden, batch_size=batch), FEATURE_SETS[-1]))
        rows.append((RunConfig(classes=2, samples=50, hidden=hidden, batch_size=batch), FEATURE_SETS[0]))
    rows += [(RunConfig(classes=10, samples=100, hidden=(128,) * 4, batch_size=1), FEATURE_SETS[-1])]
    return rows


def check(seconds: float, count: int, seed: int, repeats: int) -> None:
    """Time the corners and ``count`` random runs (seeds apart from the fit's) against their estimates;
    the timings are saved, so ``--recheck`` can hold them against costs fitted later."""
    timings = []
    for config, features in corners() + random_runs(count, seed + 1):
        config = with_features(config, features)
        config = config.replace(epochs=epochs_for(config, seconds))
        wall, cpu = timed(config, features, repeats)
        timings.append((config, features, wall, cpu))
        print(f"{len(timings):3}: {describe(config, features)}: cpu {cpu:.2f} s, wall {wall:.2f} s", flush=True)
    CHECK_FILE.parent.mkdir(exist_ok=True)
    CHECK_FILE.write_bytes(pickle.dumps((repeats, timings)))
    spreads(repeats, timings)


def describe(config: RunConfig, features: tuple[str, ...]) -> str:
    shape = "x".join(map(str, config.hidden)) or "no hidden layer"
    batch = f"batches of {config.batch_size}" if config.batch_size else "full batch"
    return f"{config.classes} classes, {config.points} points, {shape}, {batch}, {len(features)} inputs, {config.epochs} epochs"


def spreads(repeats: int, timings: list) -> None:
    """Measured / estimated over the timed runs, on the CPU clock and on the wall clock."""
    cpu_ratios = np.array([cpu / cost.estimate_seconds(config) for config, _, _, cpu in timings])
    wall_ratios = np.array([wall / cost.estimate_seconds(config) for config, _, wall, _ in timings])
    for i in np.argsort(np.abs(np.log(cpu_ratios)))[::-1][:5]:
        config, features, _, cpu = timings[i]
        print(
            f"  off the most: {cpu_ratios[i]:.2f} ({describe(config, features)}; estimate "
            f"{cost.estimate_seconds(config):.2f} s, cpu {cpu:.2f} s)"
        )
    print(f"measured / estimated over {len(timings)} runs across the controls' range (medians of {repeats} timings):")
    print(f"  CPU clock (the work itself, as on a quiet server): {spread(cpu_ratios)}")
    print(f"  wall clock (this machine as it was): {spread(wall_ratios)}")
    inside = cpu_ratios.min() >= 0.5 and cpu_ratios.max() <= 2
    print("within a factor of 2 either way" if inside else "OUTSIDE A FACTOR OF 2 somewhere")


def fit(count: int, seconds: float, seed: int, repeats: int) -> None:
    """Time the check's grid and ``count`` random runs, and fit the cost terms to their CPU time."""
    rows, times, runs = [], [], []
    plan = [(config, FEATURE_SETS[0]) for config in ANCHORS] + grid() + random_runs(count, seed)
    for config, features in plan:
        config = with_features(config, features)
        probe = 30 if cost.estimate_seconds(config.replace(epochs=30)) < 5 else 5
        config = config.replace(epochs=probe)
        wall, cpu = timed(config, features)
        if cpu < seconds / 2:  # long enough that a run's own set-up is a small part of it
            config = config.replace(epochs=int(min(100_000, probe * seconds / max(cpu, 1e-3))))
        wall, cpu = timed(config, features, repeats)
        rows.append((*cost.cost_terms(config), 1 / config.epochs))  # the last: once per run
        times.append(cpu / config.epochs)
        runs.append((config, len(features), wall, cpu))
    A, b = np.array(rows), np.array(times)
    (ROOT / "artifacts").mkdir(exist_ok=True)
    np.savez(ROOT / "artifacts" / "cost_fit.npz", terms=A, seconds_per_epoch=b)  # to fit again without timing
    coefficients, ratios = fit_costs(A, b)
    report(coefficients, ratios)
    for i in np.argsort(np.abs(np.log(ratios)))[::-1][:8]:
        config, inputs, wall, cpu = runs[i]
        print(
            f"  {ratios[i]:.2f}: {config.classes} classes, {config.points} points, hidden {config.hidden}, "
            f"batch {config.batch_size}, {inputs} inputs, {config.epochs} epochs: cpu {cpu:.2f} s, wall {wall:.2f} s"
        )


def fit_costs(A: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative costs for the terms ``A`` (runs x terms) that fit the times ``b`` centrally: least
    squares on relative errors, then scaled so that the median run is met exactly. Returns the costs
    and measured / fitted per run."""
    coefficients = _nnls(A / b[:, None], np.ones(len(b)))
    coefficients *= np.median(b / (A @ coefficients))
    return coefficients, b / (A @ coefficients)


def report(coefficients: np.ndarray, ratios: np.ndarray) -> None:
    for name, value in zip((*cost.TERMS, "per run"), coefficients):
        print(f"{name:>28} = {value:.3g}")
    print(f"measured / fitted over {len(ratios)} runs: {spread(ratios)}")


def refit(path: Path) -> None:
    """Fit again from the times a ``--fit`` saved."""
    saved = np.load(path)
    report(*fit_costs(saved["terms"], saved["seconds_per_epoch"]))


def _nnls(A: np.ndarray, b: np.ndarray, iterations: int = 20_000) -> np.ndarray:
    """Least squares with non-negative coefficients, by projected gradient on a scaled problem."""
    scale = np.linalg.norm(A, axis=0)
    scale[scale == 0] = 1.0
    As = A / scale
    x = np.maximum(np.linalg.lstsq(As, b, rcond=None)[0], 0)
    step = 1.0 / np.linalg.norm(As, 2) ** 2
    for _ in range(iterations):
        x = np.maximum(x - step * As.T @ (As @ x - b), 0)
    return x / scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fit", action="store_true", help="time random short runs and fit the costs")
    parser.add_argument("--refit", action="store_true", help="fit again from the last --fit's saved times")
    parser.add_argument("--recheck", action="store_true", help="the check again on its saved times (new costs)")
    parser.add_argument("--runs", type=int, default=40, help="random runs beside the grid")
    parser.add_argument("--seconds", type=float, default=1.0, help="each run's estimated length")
    parser.add_argument("--repeats", type=int, default=3, help="timings per run (their median is kept)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--short", action="store_true", help="short real runs' CPU time against the estimate")
    args = parser.parse_args()
    if args.short:
        short_runs()
    elif args.refit:
        refit(ROOT / "artifacts" / "cost_fit.npz")
    elif args.recheck:
        spreads(*pickle.loads(CHECK_FILE.read_bytes()))
    elif args.fit:
        fit(args.runs, args.seconds, args.seed, args.repeats)
    else:
        check(args.seconds, args.runs, args.seed, args.repeats)


if __name__ == "__main__":
    main()

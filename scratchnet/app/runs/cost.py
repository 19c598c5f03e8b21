"""How long a run will take to train, and whether the app lets it start.

The estimate is the expected training time on a quiet server: the central value of costs fitted
to runs timed as the app's trainers run them (``benchmarks/cost_fit.py`` fits them and prints how
far measured times fall from it). It is what the app shows ("about 9 s"); the wait for a free
trainer is said apart. A run is refused when its estimate is over ``COST_LIMIT_SECONDS`` (about
a minute of training); the trainer's time limit stops a run that takes much longer than expected.
Runs and sweeps are judged in one type, ``Verdict``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .config import RunConfig

COST_WARN_SECONDS = 15.0
COST_LIMIT_SECONDS = 60.0
LEVELS = ("ok", "warn", "refuse")


@dataclass(frozen=True)
class Verdict:
    """Whether a run (or a sweep) may start: ``level`` "ok", "warn" or "refuse", a sentence for the
    user, and the estimated seconds it was judged on."""

    level: str
    message: str
    seconds: float

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}; got {self.level!r}")

    @property
    def refused(self) -> bool:
        return self.level == "refuse"


#: What one epoch costs, term by term (``cost_terms`` counts each term's units for a config).
TERMS = (
    "per step",  # a mini-batch: slicing it out, the loss, the loop, the optimizer's bookkeeping
    "per step and layer",  # the calls into NumPy, once per mini-batch and layer
    "per step and parameter",  # the optimizer's update
    "per point and class",  # softmax, log, argmax, the loss and accuracy over every class
    "per point and unit",  # the activations, both ways
    "per point and weight",  # the matrix products, both ways (held-out points: forward only)
)
#: CPU seconds per unit of each term, the central fit (``benchmarks/cost_fit.py --fit``: relative
#: least squares, scaled so that the median run is met) to the median CPU time of three timings of
#: each of 134 runs timed as the trainers train them (Adam, one BLAS thread; 2-10 classes, 10-1 000
#: points per class, 0-4 layers of 2-128 units, full batch or batches of 1-256, 2-7 inputs). The
#: check (``benchmarks/cost_fit.py``) timed 42 other runs across the range: measured / estimated
#: 0.56-1.41, median 0.77, on the CPU clock (what a quiet server takes).
SECONDS = (2.7e-5, 1.27e-5, 5.83e-9, 8.99e-9, 3.85e-9, 1.59e-10)
RUN_SECONDS = 0.073  # once per run: the network, the history, the first epoch's warm-up


def inputs(config: RunConfig) -> int:
    """The network's input count: one per input feature."""
    return len(config.features)


def steps_per_epoch(config: RunConfig) -> int:
    return 1 if not config.batch_size else math.ceil(config.train_points / config.batch_size)


def cost_terms(config: RunConfig) -> tuple[float, ...]:
    """How many units of each of ``TERMS`` one epoch of ``config`` takes."""
    train, held_out = config.train_points, config.points - config.train_points
    steps = steps_per_epoch(config)
    n_params = config.n_params
    return (
        steps,
        steps * (len(config.hidden) + 1),
        steps * n_params,
        config.points * config.classes,
        train * sum(config.hidden),
        (train + held_out / 3) * n_params,
    )


def term_seconds(config: RunConfig) -> dict[str, float]:
    """The estimate split by term: what makes ``config`` costly."""
    return {name: config.epochs * units * seconds for name, units, seconds in zip(TERMS, cost_terms(config), SECONDS)}


def estimate_seconds(config: RunConfig) -> float:
    """The expected training time on a quiet server, from the fitted costs above."""
    return RUN_SECONDS + sum(term_seconds(config).values())


def about(seconds: float) -> str:
    """``about 9 s`` (tenths under 10 s, where they tell runs apart)."""
    return f"about {seconds:.1f} s" if seconds < 10 else f"about {seconds:,.0f} s"


def cost_driver(config: RunConfig) -> str:
    """What to reduce, the biggest cost first: the batch size when small batches are what costs."""
    terms = term_seconds(config)
    per_step = terms["per step"] + terms["per step and layer"] + terms["per step and parameter"]
    if config.batch_size and per_step > sum(terms.values()) / 2:
        return (
            f"Most of it is the batch size: batches of {config.batch_size:,} make {steps_per_epoch(config):,} "
            "steps an epoch. Use a bigger batch size (0 = all points at once) or fewer epochs."
        )
    return "Use fewer epochs, points or hidden units."


def cost_verdict(config: RunConfig) -> Verdict:
    """Whether ``config`` may train: refused over ``COST_LIMIT_SECONDS``, a warning over ``COST_WARN_SECONDS``."""
    seconds = estimate_seconds(config)
    text = f"Expected training time: {about(seconds)}"
    if seconds > COST_LIMIT_SECONDS:
        return Verdict(
            "refuse",
            f"{text}, over the {COST_LIMIT_SECONDS:.0f} s limit for one run. {cost_driver(config)}",
            seconds,
        )
    if seconds > COST_WARN_SECONDS:
        return Verdict("warn", f"{text}. That is long for a demo; fewer epochs or units would be quicker.", seconds)
    return Verdict("ok", text + ".", seconds)


def max_epochs(config: RunConfig) -> int:
    """The most epochs ``config``'s network may train on its data (at least 1)."""
    one, two = estimate_seconds(config.replace(epochs=1)), estimate_seconds(config.replace(epochs=2))
    per_epoch = two - one
    return max(1, int((COST_LIMIT_SECONDS - (one - per_epoch)) / per_epoch)) if per_epoch > 0 else 10**9


def queue_note(ahead: int, wait_seconds: float | None) -> str:
    """What is queued before a new run, said apart from its training time ("" when a trainer is free)."""
    if ahead <= 0:
        return ""
    runs = f"{ahead} run{'s' if ahead != 1 else ''} ahead of yours"
    return f"{runs}, {about(max(wait_seconds, 1.0))} to wait" if wait_seconds is not None else runs

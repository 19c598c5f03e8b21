"""How long a run will take to train, and whether the app lets it start.

The estimate is fitted to runs timed as the app's trainers run them (``benchmarks/cost_fit.py``)
and errs on the long side: a run the app lets start must finish well inside the trainer's time
limit. Runs and sweeps are judged in one type, ``Verdict``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .config import RunConfig

COST_WARN_SECONDS = 10.0
COST_LIMIT_SECONDS = 30.0
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
#: CPU seconds per unit of each term, fitted (``benchmarks/cost_fit.py --fit``) to the CPU time of
#: 400 runs timed as the trainers train them (Adam, one BLAS thread; 2-10 classes, 10-1 000 points
#: per class, 0-4 layers of 2-128 units, full batch or batches of 1-256, 2-7 inputs; the check's
#: grid of corners among them), with the smallest worst miss (1.01 on those runs). A cost per epoch
#: or per point came out 0 in the fit: the terms above hold them.
SECONDS = (5.0e-5, 1.8e-5, 8.2e-9, 7.7e-9, 1.1e-8, 2.4e-10)
RUN_CPU_SECONDS = 0.13  # once per run: the network, the history, the first epoch's warm-up
#: Fitted to part of those runs, the costs missed the rest by at most 1.1; the same run timed again
#: in another process can take longer still (the check's worst, a 4 x 128 network on batches of 1).
FIT_MISS = 1.3
#: A trainer shares the machine's two cores with the server drawing pages (and the browser, when it
#: runs there too) and with the other trainer: in the app a run took about twice its CPU time
#: (the default run: 0.9 s, against 0.43 s of CPU; 10 classes x 1 000 points: 31.5 s for 2 000 epochs,
#: against 1.45 s of CPU per 200).
CONTENTION = 2.0
ESTIMATE_MARGIN = FIT_MISS * CONTENTION


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
    """The estimate split by term (margin included): what makes ``config`` costly."""
    return {
        name: ESTIMATE_MARGIN * config.epochs * units * seconds
        for name, units, seconds in zip(TERMS, cost_terms(config), SECONDS)
    }


def estimate_seconds(config: RunConfig) -> float:
    """A deliberately generous estimate of the training time, from the fitted costs above."""
    return ESTIMATE_MARGIN * RUN_CPU_SECONDS + sum(term_seconds(config).values())


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
    # The estimate allows for a busy server (two runs and the pages sharing the cores): on a quiet
    # machine a run takes a fraction of it, so the text says "at most".
    text = f"Estimated training time: at most about {seconds:.1f} s"
    if seconds > COST_LIMIT_SECONDS:
        return Verdict("refuse", f"{text}, over the {COST_LIMIT_SECONDS:.0f} s limit. {cost_driver(config)}", seconds)
    if seconds > COST_WARN_SECONDS:
        return Verdict("warn", f"{text}. That is long for a demo; fewer epochs or units would be quicker.", seconds)
    return Verdict("ok", text + ".", seconds)

"""The notebook's held-out test: a trained network on new points from the same dataset.

The notebook closed by testing its last model on 3 000 new spiral points (1 000 a class). Here
that test is one function for every page: ``fresh_points`` draws them (the run's dataset, its
classes and noise, the next data seed), ``fresh_accuracy`` scores a finished run's network on
them. The app caches the figure per run (``ui/cache.py``): many students ask for the same one.
"""

from __future__ import annotations

import numpy as np

import scratchnet as sn
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.result import RunResult, inputs
from scratchnet.notebook import HELD_OUT_SAMPLES

__all__ = ["HELD_OUT_SAMPLES", "fresh_accuracy", "fresh_points"]


def fresh_points(config: RunConfig, samples: int = HELD_OUT_SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """``samples`` new points per class of ``config``'s dataset, from another seed (``data_seed + 1``)."""
    return sn.make_dataset(config.dataset, samples, config.classes, config.noise, seed=config.data_seed + 1)


def fresh_accuracy(result: RunResult, samples: int = HELD_OUT_SAMPLES) -> float:
    """The share of ``fresh_points`` that ``result``'s network (the parameters it shows) classifies right."""
    X, y = fresh_points(result.config, samples)
    with np.errstate(all="ignore"):
        return float(np.mean(result.network.predict(inputs(result.config, X)) == y))

"""How the lessons' facts are measured, and the points their own-data lesson needs.

Small functions the catalogue in ``logic`` names in its ``Fact``s and ``Rule``s: each reads one
number off a run or off the engine. No Streamlit here.
"""

from __future__ import annotations

import functools

import numpy as np

import scratchnet as sn
from scratchnet.app.runs import points as own_points
from scratchnet.app.runs import upload
from scratchnet.app.runs.config import DATASET_LABELS
from scratchnet.app.runs.points import Points


def final(read):
    """A reader of a run's last value of one history column (``read`` picks the column)."""
    return lambda result: read(result.history)[-1]


def gradient_error(activation) -> float:
    """The first layer's relative gradient error, backprop against finite differences, on a
    2 → 64 → 3 network (He's start, seed 0) and 20 spiral points (none at the origin, where ReLU kinks)."""
    X, y = sn.spiral_data(samples=100, classes=3, seed=0)
    net = sn.mlp([2, 64, 3], activation=activation, init="he", seed=0)
    return sn.gradient_check_report(net, X[1::15], y[1::15])["W1"]


def falls(result) -> float:
    """In how many epochs the training loss went down."""
    return float(np.sum(np.diff(result.history.loss) < 0))


def rises(result) -> float:
    """In how many epochs the training loss went up."""
    return float(np.sum(np.diff(result.history.loss) > 0))


@functools.cache
def sample_fingerprint() -> str:
    """The fingerprint of the sample file the app offers (it is a spiral: not the student's own)."""
    return upload.read_points(own_points.sample_csv()).fingerprint


@functools.cache
def xor_points() -> Points:
    """Four blobs in a checkerboard: points no straight line can split (the solution's own points)."""
    X, y = sn.make_dataset("xor", 60, 2, 0.1, seed=0)
    return own_points.make_points(X, y, ("a", "b"))


@functools.lru_cache(maxsize=256)
def _start_fingerprint(dataset: str, classes: int, noise: float, seed: int) -> str | None:
    """The fingerprint of the drawing "Start from <dataset>" gives with these settings (None: the
    dataset takes another number of classes)."""
    from scratchnet.app.runs import drawing as draw  # the drawing panel's own start: the lesson and the panel agree

    try:
        return draw.from_dataset(dataset, classes, noise, seed).to_points().fingerprint
    except ValueError:
        return None


def origin(config) -> str:
    """Where a run's points came from, in plain words: "a built-in dataset", "the sample file", a
    built-in dataset copied unchanged into the drawing ("Start from …" with no point changed), or
    "your own"."""
    if not config.data_id:
        return "a built-in dataset"
    if config.data_id == sample_fingerprint():
        return "the sample file"
    for name, info in sn.datasets.DATASETS.items():
        for noise in {config.noise, info.noise, 0.2}:  # the controls' noise, or a dataset's default
            for seed in {config.data_seed, 0}:
                if config.data_id == _start_fingerprint(name, config.classes, noise, seed):
                    return f"the {DATASET_LABELS[name]} dataset's points, copied unchanged into the drawing"
    return "your own"

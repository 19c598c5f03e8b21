"""Toy 2-D classification datasets, each seeded with a ``numpy.random.Generator``.

Every generator returns ``X`` with shape ``(samples * classes, 2)`` (float64) and
``y`` with shape ``(samples * classes,)`` (int64 labels ``0..classes-1``), with the
points of class 0 first, then class 1, and so on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .checks import check_choice, check_float, check_int, check_seed

MAX_SAMPLES = 100_000
MAX_CLASSES = 10
MAX_NOISE = 10.0

Dataset = tuple[np.ndarray, np.ndarray]


def _checked(samples: object, classes: object, noise: object, *, min_classes: int = 2, max_classes: int = MAX_CLASSES):
    return (
        check_int("samples", samples, low=1, high=MAX_SAMPLES),
        check_int("classes", classes, low=min_classes, high=max_classes),
        check_float("noise", noise, low=0.0, high=MAX_NOISE),
    )


def _labels(samples: int, classes: int) -> np.ndarray:
    return np.repeat(np.arange(classes, dtype=np.int64), samples)


def spiral_data(samples: int = 100, classes: int = 3, noise: float = 0.2, seed: int | None = 0) -> Dataset:
    """The nnfs spiral: for class c, ``r = linspace(0, 1)``, ``t = linspace(4c, 4(c+1)) + noise * randn``,
    points ``(r sin 2.5t, r cos 2.5t)``."""
    samples, classes, noise = _checked(samples, classes, noise)
    rng = np.random.default_rng(check_seed(seed))
    X = np.zeros((samples * classes, 2))
    for c in range(classes):
        rows = slice(samples * c, samples * (c + 1))
        r = np.linspace(0.0, 1.0, samples)
        t = np.linspace(c * 4, (c + 1) * 4, samples) + rng.standard_normal(samples) * noise
        X[rows] = np.c_[r * np.sin(t * 2.5), r * np.cos(t * 2.5)]
    return X, _labels(samples, classes)


def moons_data(samples: int = 100, classes: int = 2, noise: float = 0.1, seed: int | None = 0) -> Dataset:
    """Two interleaving half circles (two classes only), with Gaussian noise of std ``noise``."""
    samples, classes, noise = _checked(samples, classes, noise, max_classes=2)
    rng = np.random.default_rng(check_seed(seed))
    angle = np.linspace(0.0, np.pi, samples)
    upper = np.c_[np.cos(angle), np.sin(angle)]
    lower = np.c_[1.0 - np.cos(angle), 0.5 - np.sin(angle)]
    X = np.vstack([upper, lower]) - [0.5, 0.25]
    X += rng.standard_normal(X.shape) * noise
    return X, _labels(samples, classes)


def circles_data(samples: int = 100, classes: int = 2, noise: float = 0.05, seed: int | None = 0) -> Dataset:
    """Concentric rings: class c at radius ``(c + 0.5) / classes``, uniform angle, Gaussian noise of std ``noise``."""
    samples, classes, noise = _checked(samples, classes, noise)
    rng = np.random.default_rng(check_seed(seed))
    radius = np.repeat((np.arange(classes) + 0.5) / classes, samples)
    angle = rng.uniform(0.0, 2 * np.pi, samples * classes)
    X = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    X += rng.standard_normal(X.shape) * noise
    return X, _labels(samples, classes)


def xor_data(samples: int = 100, classes: int = 2, noise: float = 0.1, seed: int | None = 0) -> Dataset:
    """Two classes in opposite quadrants: class 0 where ``x1 * x2 > 0``, class 1 where it is < 0."""
    samples, classes, noise = _checked(samples, classes, noise, max_classes=2)
    rng = np.random.default_rng(check_seed(seed))
    signs = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=float)
    quadrant = np.r_[rng.integers(0, 2, samples), rng.integers(2, 4, samples)]
    X = signs[quadrant] * rng.uniform(0.05, 1.0, (2 * samples, 2))
    X += rng.standard_normal(X.shape) * noise
    return X, _labels(samples, classes)


def blobs_data(samples: int = 100, classes: int = 3, noise: float = 0.3, seed: int | None = 0) -> Dataset:
    """Gaussian blobs: class c centred at angle ``2πc / classes`` on the unit circle, std ``noise``."""
    samples, classes, noise = _checked(samples, classes, noise)
    rng = np.random.default_rng(check_seed(seed))
    angle = 2 * np.pi * np.arange(classes) / classes
    centres = np.repeat(np.c_[np.cos(angle), np.sin(angle)], samples, axis=0)
    return centres + rng.standard_normal(centres.shape) * noise, _labels(samples, classes)


@dataclass(frozen=True)
class DatasetInfo:
    """What the app needs to know to offer a dataset: its generator, default noise and class range."""

    make: Callable[..., Dataset]
    noise: float
    min_classes: int
    max_classes: int
    default_classes: int


DATASETS: dict[str, DatasetInfo] = {
    "spiral": DatasetInfo(spiral_data, 0.2, 2, MAX_CLASSES, 3),
    "moons": DatasetInfo(moons_data, 0.1, 2, 2, 2),
    "circles": DatasetInfo(circles_data, 0.05, 2, MAX_CLASSES, 2),
    "xor": DatasetInfo(xor_data, 0.1, 2, 2, 2),
    "blobs": DatasetInfo(blobs_data, 0.3, 2, MAX_CLASSES, 3),
}


def make_dataset(
    name: str, samples: int = 100, classes: int | None = None, noise: float | None = None, seed: int | None = 0
) -> Dataset:
    """Any dataset by name, with that dataset's default classes and noise where not given."""
    info = DATASETS[check_choice("dataset", name, DATASETS)]
    return info.make(
        samples=samples,
        classes=info.default_classes if classes is None else classes,
        noise=info.noise if noise is None else noise,
        seed=seed,
    )


def train_test_split(X: np.ndarray, y: np.ndarray, test_share: float = 0.2, seed: int | None = 0):
    """Stratified, seeded split: about ``test_share`` of each class held out, at least one point kept for training.

    Returns ``X_train, X_test, y_train, y_test``; each part keeps the original order of its rows.
    """
    test_share = check_float("test_share", test_share, low=0.0, high=0.9)
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of rows; got X {X.shape} and y {y.shape}")
    rng = np.random.default_rng(check_seed(seed))
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        held = min(round(test_share * len(rows)), len(rows) - 1)
        test[rng.permutation(rows)[:held]] = True
    return X[~test], X[test], y[~test], y[test]

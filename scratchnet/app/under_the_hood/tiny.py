"""The tiny network and batch of the step-through: ``inputs → hidden → 3``, a handful of spiral points.

A session's step-through is a ``TinyState``: the spec, the parameters now, and the loss before
each step taken. States are immutable; taking a step gives a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import scratchnet as sn
from scratchnet.app.runs.config import check_feature_choice
from scratchnet.app.runs.step_trace import trace_step
from scratchnet.app.runs.trace_stages import StepTrace
from scratchnet.checks import check_choice, check_int
from scratchnet.features import input_names

HIDDEN_CHOICES = (2, 3, 4, 5, 6, 8)
MIN_POINTS, MAX_POINTS = 3, 12
LR_CHOICES = (0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0)
CLASSES = 3
DEFAULT_FEATURES = sn.DEFAULT_FEATURES
MIN_RADIUS = 0.3  # the spiral's innermost points crowd the origin, where ReLU has a kink; stay clear of it


@dataclass(frozen=True)
class TinySpec:
    """The step-through's network and batch: ``inputs → hidden → 3``, ``points`` spiral points, one seed.

    ``features`` are what the network sees of each point (``sn.FEATURES`` names; x₁ and x₂ by default).
    """

    hidden: int = 4
    activation: str = "relu"
    points: int = 6
    seed: int = 0
    features: tuple[str, ...] = DEFAULT_FEATURES

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", check_int("hidden units", self.hidden, low=1, high=max(HIDDEN_CHOICES)))
        object.__setattr__(self, "activation", check_choice("activation", self.activation, sn.ACTIVATION_CHOICES))
        object.__setattr__(self, "points", check_int("points", self.points, low=MIN_POINTS, high=MAX_POINTS))
        object.__setattr__(self, "seed", check_int("seed", self.seed, low=0, high=999_999))
        object.__setattr__(self, "features", check_feature_choice(self.features))

    @property
    def sizes(self) -> list[int]:
        return [len(self.features), self.hidden, CLASSES]

    @property
    def input_names(self) -> tuple[str, ...]:
        """The inputs as they are written (x₁, x₂, x₁², …), one per network input."""
        return input_names(self.features)


def tiny_batch(points: int, seed: int, classes: int = CLASSES) -> tuple[np.ndarray, np.ndarray]:
    """``points`` spiral points (classes taking turns), drawn with ``seed`` from those at radius ≥ ``MIN_RADIUS``."""
    points = check_int("points", points, low=MIN_POINTS, high=MAX_POINTS)
    X, y = sn.spiral_data(samples=50, classes=classes, noise=0.2, seed=seed)
    rng = np.random.default_rng(seed)
    counts = np.bincount(np.arange(points) % classes, minlength=classes)
    rows = []
    for c, count in enumerate(counts):
        allowed = np.flatnonzero((y == c) & (np.hypot(X[:, 0], X[:, 1]) >= MIN_RADIUS))
        rows.extend(sorted(rng.choice(allowed, size=count, replace=False)))
    rows = np.asarray(rows)
    return X[rows].copy(), y[rows].copy()


def tiny_network(spec: TinySpec) -> sn.Network:
    """The seeded ``inputs → hidden → 3`` network of ``spec`` (He initialisation, float64)."""
    return sn.mlp(spec.sizes, activation=sn.ACTIVATION_CHOICES[spec.activation].engine, init="he", seed=spec.seed)


@dataclass(frozen=True)
class TinyState:
    """A session's step-through: the spec, the parameters now, and the batch loss before each step taken."""

    spec: TinySpec
    params: dict[str, np.ndarray] = field(repr=False)
    losses: tuple[float, ...] = ()

    @classmethod
    def start(cls, spec: TinySpec) -> TinyState:
        return cls(spec, tiny_network(spec).get_params())

    @property
    def steps(self) -> int:
        return len(self.losses)

    def network(self) -> sn.Network:
        """A fresh network holding this state's parameters (the caller's to use as it likes)."""
        net = tiny_network(self.spec)
        net.set_params(self.params)
        return net

    def batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The batch's points (their two coordinates) and classes."""
        return tiny_batch(self.spec.points, self.spec.seed)

    def inputs(self) -> tuple[np.ndarray, np.ndarray]:
        """The batch as the network sees it: one column per feature of the spec, and the classes."""
        X, y = self.batch()
        return sn.expand_features(X, self.spec.features), y

    def trace(self, lr: float) -> StepTrace:
        return trace_step(self.network(), *self.inputs(), lr, inputs=self.spec.input_names)

    def step(self, lr: float) -> TinyState:
        """The state after one gradient-descent step with learning rate ``lr``."""
        trace = self.trace(lr)
        return TinyState(self.spec, trace.params_after, (*self.losses, trace.loss_before))

"""The learner's notebook this project grew from, replayable *as it was written*.

The notebook trained ``Dense(2, 64) → ReLU → Dense(64, 3) → softmax`` with full-batch gradient
descent and a learning-rate decay on the 3-class spiral. Two of its bugs change what it learns,
and both are kept here on purpose, clearly labelled, so a learner can see what each one costs:

1. **ReLU derivative.** Its backward was ``np.where(inputs > 0, inputs, 0) * dvalues``: it multiplies
   the gradient by the input, where the slope of ReLU is 1. Units with large inputs get their
   gradient inflated, small ones nearly none.
2. **Decay never applied.** It computed ``lr / (1 + decay · iterations)`` once, in ``__init__``, when
   ``iterations`` was 0, so every run was plain constant-lr gradient descent.

(Its other bugs — a one-hot that crashes when a class is absent, ``log(0)`` without clipping, and
per-sample Python loops — only crash it or slow it down; the engine fixes them everywhere.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ReLU
from .network import Network, mlp
from .optimizers import SGD


class NotebookReLU(ReLU):
    """ReLU with the notebook's derivative — **wrong on purpose**."""

    kind = "notebook_relu"

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """As written: ∂L/∂x = dout · max(x, 0) (the correct slope is 1[x > 0])."""
        x, _ = self.cached_forward()
        return np.where(x > 0, x, 0) * dout


class NotebookGD(SGD):
    """Gradient descent whose decay is computed once and never applied — **as written**."""

    name = "notebook_gd"

    def __init__(self, lr: float = 1.0, decay: float = 0.0) -> None:
        super().__init__(lr=lr, decay=decay)

    @property
    def current_lr(self) -> float:
        """Always ``lr / (1 + decay · 0) = lr``: the notebook computed it before the first step."""
        return self.lr


VARIANTS = {
    "as written": "its ReLU derivative and its never-applied decay",
    "ReLU fixed": "the correct ReLU derivative; the decay still not applied (constant lr)",
    "decay applied": "the correct ReLU derivative and the decay applied every step",
}


def notebook_network(variant: str = "as written", seed: int | None = 0) -> Network:
    """Dense(2, 64) → ReLU → Dense(64, 3) with the notebook's ``0.01 · randn`` weights."""
    activation = NotebookReLU if variant == "as written" else ReLU
    return mlp([2, 64, 3], activation=activation, init="notebook", seed=seed)


def notebook_optimizer(lr: float, decay: float, variant: str = "as written") -> SGD:
    """The notebook's optimizer: decay never applied unless ``variant == "decay applied"``."""
    return SGD(lr=lr, decay=decay) if variant == "decay applied" else NotebookGD(lr=lr, decay=decay)


@dataclass(frozen=True)
class Experiment:
    """One of the notebook's runs and what it recorded (``None`` where it saved no number)."""

    lr: float
    decay: float
    epochs: int
    recorded_min_loss: float | None = None
    recorded_final_loss: float | None = None
    recorded_accuracy: float | None = None
    recorded_note: str = ""


EXPERIMENTS = (
    Experiment(0.5, 0.01, 10_000, recorded_note="loss decreasing very slightly and slowly"),
    Experiment(2.0, 0.01, 10_000, 0.699, 0.751, 0.633),
    Experiment(1.0, 0.1, 30_000, 0.460, 0.536, 0.760),
)

#: The notebook's held-out test: its last model on ``spiral_data(1000, 3)`` (3 000 new points).
HELD_OUT_SAMPLES = 1000
HELD_OUT_RECORDED_ACCURACY = 0.704

"""One epoch of training: its steps over the full batch or over mini-batches, and what is checked
after each loss (``DivergenceCheck``: is it still sane?) and each epoch (``BestEpoch``: the lowest
held-out loss so far). ``training.train`` runs the epochs and writes them into a ``History``.

Each step: forward → fused softmax cross-entropy → backward (with the L2 term) → optimizer step.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .history import History
from .losses import loss_and_gradient
from .network import Network
from .optimizers import Optimizer

Step = Callable[[np.ndarray], None]


class DivergenceCheck:
    """Is the loss still sane? Not when it is not a finite number, nor past ``blowup`` times the
    reference: the run's first loss (of its first epoch, or of its first mini-batch)."""

    def __init__(self, blowup: float | None, reference: float | None = None) -> None:
        self.blowup = blowup
        self.reference: float | None = None
        self.limit = math.inf
        if reference is not None:
            self.offer(reference)

    def offer(self, loss: float) -> None:
        """Take ``loss`` as the reference unless one giving a finite limit is already set."""
        if self.reference is None or (self.blowup is not None and self.limit == math.inf):
            self.reference = loss
            if self.blowup is not None:
                self.limit = self.blowup * max(loss, 1e-3)

    def allows(self, loss: float) -> bool:
        return loss <= self.limit  # false for NaN too


def gradient_step(net: Network, optimizer: Optimizer, l2: float) -> Step:
    """One step from ∂L/∂logits: backward, the L2 term ``l2 · W`` on each weight matrix's
    gradient, then the optimizer's update of the network's one flat parameter vector."""
    params, grads = {"all": net.flat_params}, {"all": net.flat_grads}
    weights = [(layer.params["W"], layer.grads["W"]) for layer in net.dense_layers]

    def step(dlogits: np.ndarray) -> None:
        net.backward(dlogits)
        if l2:
            for weight, grad in weights:
                grad += l2 * weight
        optimizer.step(params, grads)

    return step


def full_batch_epoch(
    net: Network, X: np.ndarray, y: np.ndarray, target: np.ndarray, step: Step, check: DivergenceCheck
) -> tuple[float, int]:
    """One step on all the points; the loss and number of correct points before it. No step is
    taken once the loss has blown up."""
    logits = net.forward(X)
    loss, dlogits = loss_and_gradient(logits, target)
    correct = np.count_nonzero(np.argmax(logits, axis=1) == y)
    check.offer(loss)
    if check.allows(loss):
        step(dlogits)
    return loss, correct


def mini_batch_epoch(
    net: Network,
    X: np.ndarray,
    y: np.ndarray,
    target: np.ndarray,
    step: Step,
    check: DivergenceCheck,
    order: np.ndarray,
    batch_size: int,
) -> tuple[float, int]:
    """One step per batch of rows, taken in ``order``; the epoch's loss is the mean of the batch
    losses weighted by batch size, each before its own step. A batch that blows up ends the
    epoch, and its loss is the epoch's."""
    n = len(order)
    loss, correct = 0.0, 0
    for rows in np.array_split(order, -(-n // batch_size)):
        logits = net.forward(X[rows])
        batch_loss, dlogits = loss_and_gradient(logits, target[rows])
        check.offer(batch_loss)
        if not check.allows(batch_loss):
            return batch_loss, correct
        loss += batch_loss * len(rows) / n
        correct += np.count_nonzero(np.argmax(logits, axis=1) == y[rows])
        step(dlogits)
    return loss, correct


class BestEpoch:
    """The epoch of the lowest held-out loss so far, and a copy of the parameters after it."""

    def __init__(self, net: Network, history: History) -> None:
        self.net = net
        self.epoch = history.best_epoch or 0  # 0: nothing finite yet, so patience counts from the start
        self.loss = float(history.val_loss[self.epoch - 1]) if self.epoch else math.inf
        self.params = history.best_params
        self.vector: np.ndarray | None = None  # allocated at the first improvement, then reused

    def offer(self, epoch: int, val_loss: float) -> None:
        if val_loss < self.loss:  # false for NaN
            if self.vector is None:
                self.vector = np.empty_like(self.net.flat_params)
                self.params = self.net.params_in(self.vector)
            np.copyto(self.vector, self.net.flat_params)
            self.epoch, self.loss = epoch, val_loss

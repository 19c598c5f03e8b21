"""The training loop, and the ``History`` it writes as it goes.

One epoch = one pass over the training data, full batch by default. For each batch:
forward → fused softmax cross-entropy → backward → optimizer step. The loss and accuracy
recorded for an epoch are those of the parameters *before* that epoch's steps.

A run ends in one of three ways, recorded in ``History.status``: ``"completed"``,
``"cancelled"`` (the callback returned ``True``) or ``"diverged"``; ``History.diverged_at`` says
at which epoch. A run diverges when its loss stops being a finite number or blows up past
``blowup`` times its first epoch's loss. (The log-sum-exp loss rarely overflows, so a learning
rate far too big shows as a loss that leaps by orders of magnitude rather than as NaN.)
Divergence is data, not an error.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .checks import _shown, check_features, check_float, check_int, check_labels, check_seed
from .losses import _softmax_cross_entropy, one_hot
from .network import Network
from .optimizers import Optimizer

MAX_EPOCHS = 1_000_000
MAX_SNAPSHOTS = 1_000

Callback = Callable[[int, "History"], bool | None]


@dataclass(frozen=True)
class Snapshot:
    """The parameters after ``epoch`` epochs (epoch 0 = before training)."""

    epoch: int
    params: dict[str, np.ndarray]


class History:
    """Per-epoch records of a run, readable while it is being written.

    The arrays are preallocated; ``epochs_run`` is raised only after an epoch's values are
    written, so a reader in another thread always sees complete epochs.
    """

    def __init__(self, epochs: int, validation: bool = False) -> None:
        self.epochs_planned = epochs
        self.epochs_run = 0
        self.status = "running"
        self.diverged_at: int | None = None
        self.seconds = 0.0
        self.snapshots: list[Snapshot] = []
        self._columns = {name: np.full(epochs, np.nan) for name in ("loss", "accuracy", "lr")}
        if validation:
            self._columns |= {name: np.full(epochs, np.nan) for name in ("val_loss", "val_accuracy")}

    def _column(self, name: str) -> np.ndarray:
        column = self._columns.get(name)
        return np.empty(0) if column is None else column[: self.epochs_run]

    @property
    def loss(self) -> np.ndarray:
        """Mean training cross-entropy per epoch."""
        return self._column("loss")

    @property
    def accuracy(self) -> np.ndarray:
        """Training accuracy per epoch."""
        return self._column("accuracy")

    @property
    def lr(self) -> np.ndarray:
        """The learning rate at each epoch's first step."""
        return self._column("lr")

    @property
    def val_loss(self) -> np.ndarray:
        """Held-out cross-entropy per epoch (empty without validation data)."""
        return self._column("val_loss")

    @property
    def val_accuracy(self) -> np.ndarray:
        """Held-out accuracy per epoch (empty without validation data)."""
        return self._column("val_accuracy")

    @property
    def has_validation(self) -> bool:
        return "val_loss" in self._columns

    @property
    def done(self) -> bool:
        return self.status != "running"

    def extend(self, rows: dict[str, np.ndarray]) -> None:
        """Append recorded epochs, one array per column (e.g. to follow a run trained elsewhere)."""
        start = self.epochs_run
        count = len(rows["loss"])
        if set(rows) != set(self._columns) or start + count > self.epochs_planned:
            raise ValueError(f"rows must hold {sorted(self._columns)} for at most {self.epochs_planned - start} epochs")
        for name, column in self._columns.items():
            column[start : start + count] = rows[name]
        self.epochs_run = start + count

    def copy(self) -> History:
        """A frozen copy of what has been recorded so far (safe to keep while training goes on)."""
        twin = History(self.epochs_run, validation=self.has_validation)
        n = twin.epochs_run = self.epochs_run
        twin._columns = {name: column[:n].copy() for name, column in self._columns.items()}
        twin.epochs_planned = self.epochs_planned
        twin.status, twin.diverged_at, twin.seconds = self.status, self.diverged_at, self.seconds
        twin.snapshots = list(self.snapshots)
        return twin

    def columns(self) -> dict[str, np.ndarray]:
        """Every recorded column, with ``epoch`` (1-based) first: ready for a table."""
        n = self.epochs_run
        return {"epoch": np.arange(1, n + 1), **{name: column[:n].copy() for name, column in self._columns.items()}}

    def __repr__(self) -> str:
        last = f", loss={self.loss[-1]:.4g}" if self.epochs_run else ""
        return f"History({self.status}, {self.epochs_run}/{self.epochs_planned} epochs{last})"


def snapshot_epochs(epochs: int, snapshots: int | Sequence[int] | None) -> list[int]:
    """Which epochs to snapshot: ``k`` evenly spaced from 0 to ``epochs``, or the listed ones."""
    if snapshots is None:
        return []
    if isinstance(snapshots, (int, np.integer)) and not isinstance(snapshots, bool):
        count = check_int("snapshots", snapshots, low=0, high=MAX_SNAPSHOTS)
        if count == 0:
            return []
        if count == 1:
            return [epochs]
        return sorted({round(e) for e in np.linspace(0, epochs, count)})
    try:
        chosen = sorted({check_int("snapshot epoch", e, low=0, high=epochs) for e in snapshots})
    except TypeError:
        raise ValueError(f"snapshots must be a count or a list of epochs; got {snapshots!r}") from None
    if len(chosen) > MAX_SNAPSHOTS:
        raise ValueError(f"snapshots may list at most {MAX_SNAPSHOTS} epochs; got {len(chosen)}")
    return chosen


def evaluate(net: Network, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``net`` on ``(X, y)``. Pure."""
    X = check_features(X, features=net.n_inputs)
    y = check_labels(y, rows=X.shape[0], classes=net.n_classes)
    with np.errstate(over="ignore", invalid="ignore"):
        logits = net.logits(X)
        loss, _ = _softmax_cross_entropy(logits, one_hot(y, net.n_classes, logits.dtype))
    return loss, float(np.mean(np.argmax(logits, axis=1) == y))


def train(
    net: Network,
    X: np.ndarray,
    y: np.ndarray,
    optimizer: Optimizer,
    epochs: int = 1000,
    *,
    batch_size: int | None = None,
    seed: int | None = 0,
    callback: Callback | None = None,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    snapshots: int | Sequence[int] | None = None,
    l2: float = 0.0,
    blowup: float | None = 100.0,
) -> History:
    """Train ``net`` in place and return its ``History``.

    - ``batch_size``: ``None`` (or ≥ the number of rows) for full-batch gradient descent;
      otherwise mini-batches in an order shuffled each epoch by a generator seeded with ``seed``.
    - ``callback(epoch, history)`` runs after each epoch (``epoch`` counts from 1); returning
      ``True`` stops the run with status ``"cancelled"``, keeping what was learned.
    - ``validation=(X_val, y_val)`` records held-out loss and accuracy every epoch.
    - ``snapshots``: a count of evenly spaced epochs, or a list of epochs, at which to keep a
      copy of the parameters (``History.snapshots``); a cancelled run also keeps its last state.
    - ``l2``: adds the penalty ``½ · l2 · Σ‖W‖²`` on the weight matrices (not the biases) to the
      objective, so each step also shrinks the weights by ``l2 · W``. The recorded ``loss`` is the
      cross-entropy alone, comparable with the held-out loss.
    - ``blowup``: stop as diverged when the loss exceeds this multiple of the first epoch's loss
      (``None``: only a non-finite loss stops the run).
    """
    if not isinstance(net, Network):
        raise ValueError(f"net must be a scratchnet Network; got {type(net).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            f"optimizer must be a scratchnet optimizer such as SGD or Adam (see scratchnet.OPTIMIZERS); "
            f"got {type(optimizer).__name__} {_shown(optimizer)}"
        )
    epochs = check_int("epochs", epochs, low=1, high=MAX_EPOCHS)
    X = np.asarray(check_features(X, features=net.n_inputs), dtype=net.dtype)
    y = check_labels(y, rows=X.shape[0], classes=net.n_classes)
    n = X.shape[0]
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, low=1, high=10**9)
    full_batch = batch_size is None or batch_size >= n
    rng = np.random.default_rng(check_seed(seed))
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError(f"validation must be a pair (X_val, y_val); got {type(validation).__name__}")
        X_val = np.asarray(check_features(validation[0], name="X_val", features=net.n_inputs), dtype=net.dtype)
        y_val = check_labels(validation[1], rows=X_val.shape[0], classes=net.n_classes, name="y_val")
        val_target = one_hot(y_val, net.n_classes, net.dtype)
    l2 = check_float("l2", l2, low=0.0, high=1e3)
    if blowup is not None:
        blowup = check_float("blowup", blowup, low=1.0, high=1e12, low_open=True)
    limit = math.inf
    keep = set(snapshot_epochs(epochs, snapshots))
    target = one_hot(y, net.n_classes, net.dtype)

    params, grads = {"all": net.flat_params}, {"all": net.flat_grads}
    weights = [(layer.params["W"], layer.grads["W"]) for layer in net.dense_layers]

    def step(dlogits: np.ndarray) -> None:
        net.backward(dlogits)
        if l2:
            for weight, grad in weights:
                grad += l2 * weight
        optimizer.step(params, grads)

    history = History(epochs, validation=validation is not None)
    columns = history._columns
    started = time.perf_counter()

    def snapshot(epoch: int) -> None:
        history.snapshots.append(Snapshot(epoch, net.get_params()))

    if 0 in keep:
        snapshot(0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(epochs):
            columns["lr"][epoch] = optimizer.current_lr
            if full_batch:
                logits = net.forward(X)
                loss, dlogits = _softmax_cross_entropy(logits, target)
                correct = np.count_nonzero(np.argmax(logits, axis=1) == y)
                if epoch == 0 and blowup is not None:
                    limit = blowup * max(loss, 1e-3)
                if loss <= limit:  # false for NaN too
                    step(dlogits)
            else:
                loss, correct = 0.0, 0
                for rows in np.array_split(rng.permutation(n), -(-n // batch_size)):
                    logits = net.forward(X[rows])
                    batch_loss, dlogits = _softmax_cross_entropy(logits, target[rows])
                    if limit == math.inf and blowup is not None:
                        limit = blowup * max(batch_loss, 1e-3)
                    if not batch_loss <= limit:
                        loss = batch_loss  # the epoch is marked by the batch that blew up
                        break
                    loss += batch_loss * len(rows) / n
                    correct += np.count_nonzero(np.argmax(logits, axis=1) == y[rows])
                    step(dlogits)
            columns["loss"][epoch] = loss
            columns["accuracy"][epoch] = correct / n
            if not loss <= limit:  # true for NaN too
                history.status, history.diverged_at = "diverged", epoch + 1
                history.epochs_run = epoch + 1
                break
            if validation is not None:
                val_loss, val_correct = _validation(net, X_val, y_val, val_target)
                columns["val_loss"][epoch] = val_loss
                columns["val_accuracy"][epoch] = val_correct
            history.epochs_run = epoch + 1
            history.seconds = time.perf_counter() - started
            if epoch + 1 in keep:
                snapshot(epoch + 1)
            if callback is not None and callback(epoch + 1, history):
                history.status = "cancelled"
                if (not history.snapshots or history.snapshots[-1].epoch != epoch + 1) and keep:
                    snapshot(epoch + 1)
                break
        else:
            history.status = "completed"
    history.seconds = time.perf_counter() - started
    return history


def _validation(net: Network, X: np.ndarray, y: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    logits = net.apply(X)
    loss, _ = _softmax_cross_entropy(logits, target)
    return loss, float(np.count_nonzero(np.argmax(logits, axis=1) == y) / len(y))

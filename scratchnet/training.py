"""The training loop: epochs over the full batch or over mini-batches, written into a ``History``.

One epoch = one pass over the training data, full batch by default. For each batch:
forward → fused softmax cross-entropy → backward → optimizer step. The loss and accuracy
recorded for an epoch are those of the parameters *before* that epoch's steps; the held-out
loss and accuracy are those *after* them.

A run ends in one of four ways, recorded in ``History.status``: ``"completed"``,
``"cancelled"`` (the callback returned ``True``), ``"stopped_early"`` (the held-out loss stopped
improving, with ``early_stopping``) or ``"diverged"``; ``History.diverged_at`` says at which
epoch. A run diverges when its loss stops being a finite number or blows up past ``blowup``
times its first loss. (The log-sum-exp loss rarely overflows, so a learning rate far too big
shows as a loss that leaps by orders of magnitude rather than as NaN.) Divergence is data, not
an error.

A finished run can be continued (``resume=history``): with the same network and optimizer
objects, the shuffle generator's state kept in the history and the divergence check's reference,
continuing E epochs by k computes exactly what training E + k epochs in one go computes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .checks import check_features, check_float, check_int, check_labels, check_seed, short_repr
from .epochs import BestEpoch, DivergenceCheck, full_batch_epoch, gradient_step, mini_batch_epoch
from .history import History, Snapshot
from .losses import loss_and_gradient, one_hot
from .network import Network
from .optimizers import Optimizer

MAX_EPOCHS = 1_000_000
MAX_SNAPSHOTS = 1_000

Callback = Callable[[int, History], bool | None]

__all__ = ["MAX_EPOCHS", "MAX_SNAPSHOTS", "DivergenceCheck", "History", "Snapshot", "evaluate", "train"]


def snapshot_epochs(epochs: int, snapshots: int | Sequence[int] | None, start: int = 0) -> list[int]:
    """Which epochs to snapshot in a run from epoch ``start`` to ``start + epochs``: ``k`` evenly
    spaced over it, or those of the listed epochs (each from 0 to ``start + epochs``) it covers."""
    if snapshots is None:
        return []
    if isinstance(snapshots, (int, np.integer)) and not isinstance(snapshots, bool):
        count = check_int("snapshots", snapshots, low=0, high=MAX_SNAPSHOTS)
        if count == 0:
            return []
        if count == 1:
            return [start + epochs]
        return sorted({start + round(e) for e in np.linspace(0, epochs, count)})
    end = start + epochs
    try:
        chosen = sorted({check_int("snapshot epoch", e, low=0, high=end) for e in snapshots})
    except TypeError:
        raise ValueError(f"snapshots must be a count or a list of epochs; got {snapshots!r}") from None
    if len(chosen) > MAX_SNAPSHOTS:
        raise ValueError(f"snapshots may list at most {MAX_SNAPSHOTS} epochs; got {len(chosen)}")
    return [epoch for epoch in chosen if epoch >= start]


def evaluate(net: Network, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``net`` on ``(X, y)``. Pure."""
    X = check_features(X, features=net.n_inputs)
    y = check_labels(y, rows=X.shape[0], classes=net.n_classes)
    with np.errstate(over="ignore", invalid="ignore"):
        logits = net.logits(X)
        loss, _ = loss_and_gradient(logits, one_hot(y, net.n_classes, logits.dtype))
    return loss, float(np.mean(np.argmax(logits, axis=1) == y))


def _held_out(net: Network, X: np.ndarray, y: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    logits = net.apply(X)
    loss, _ = loss_and_gradient(logits, target)
    return loss, float(np.count_nonzero(np.argmax(logits, axis=1) == y) / len(y))


def _starting_history(run: _Run, resume: History | None, validation: object, net: Network) -> History:
    """The history ``train`` writes into: a new one, or the continuation of ``resume`` (its shuffle
    carried on from where that run left it)."""
    if resume is None:
        return History(run.epochs, validation=validation is not None)
    history = _resumable(resume, validation, net).continuation(run.epochs)
    run.rng.bit_generator.state = history.rng_state
    return history


def _resumable(resume: object, validation: object, net: Network) -> History:
    if not isinstance(resume, History):
        raise ValueError(
            f"resume must be a History returned by scratchnet.train; got {type(resume).__name__} {short_repr(resume)}"
        )
    if resume.status == "running":
        raise ValueError("resume must be a finished run; this history is still running")
    if resume.status == "diverged":
        raise ValueError(
            f"cannot resume a run that diverged (at epoch {resume.diverged_at}): its parameters are not usable"
        )
    if resume.rng_state is None:
        raise ValueError("resume needs a history returned by scratchnet.train (this one holds no generator state)")
    if resume.has_validation != (validation is not None):
        raise ValueError(
            "resume: the run was trained with validation data; pass validation=(X_val, y_val) again"
            if resume.has_validation
            else "resume: the run was trained without validation data; pass no validation"
        )
    best = resume.best_params
    if best is not None and any(best[name].shape != value.shape for name, value in net.params.items() if name in best):
        raise ValueError("resume: net is not the network this history was trained with (other parameter shapes)")
    return resume


def _held_out_data(net: Network, validation: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The held-out points, labels and one-hot targets, checked and in the network's dtype."""
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise ValueError(f"validation must be a pair (X_val, y_val); got {type(validation).__name__}")
    X_val = np.asarray(check_features(validation[0], name="X_val", features=net.n_inputs), dtype=net.dtype)
    y_val = check_labels(validation[1], rows=X_val.shape[0], classes=net.n_classes, name="y_val")
    return X_val, y_val, one_hot(y_val, net.n_classes, net.dtype)


def _checked_stopping(early_stopping: object, restore_best: object, has_validation: bool) -> int | None:
    """The patience (or ``None``), once both options are known to be valid and to have held-out data."""
    if early_stopping is not None:
        early_stopping = check_int("early_stopping", early_stopping, low=1, high=MAX_EPOCHS)
    if not isinstance(restore_best, (bool, np.bool_)):
        raise ValueError(f"restore_best must be True or False; got {short_repr(restore_best)}")
    for name, wanted in (("early_stopping", early_stopping is not None), ("restore_best", restore_best)):
        if wanted and not has_validation:
            raise ValueError(f"{name} needs held-out data: pass validation=(X_val, y_val)")
    return early_stopping


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
    resume: History | None = None,
    early_stopping: int | None = None,
    restore_best: bool = False,
) -> History:
    """Train ``net`` in place and return its ``History``.

    - ``batch_size``: ``None`` (or ≥ the number of rows) for full-batch gradient descent;
      otherwise mini-batches in an order shuffled each epoch by a generator seeded with ``seed``.
    - ``callback(epoch, history)`` runs after each epoch (``epoch`` counts from 1); returning
      ``True`` stops the run with status ``"cancelled"``, keeping what was learned.
    - ``validation=(X_val, y_val)`` records held-out loss and accuracy every epoch, and
      ``history.best_epoch`` / ``history.best_params``: the epoch of the lowest held-out loss.
    - ``snapshots``: a count of evenly spaced epochs, or a list of epochs, at which to keep a
      copy of the parameters (``History.snapshots``); a cancelled or stopped run also keeps its last state.
    - ``l2``: adds the penalty ``½ · l2 · Σ‖W‖²`` on the weight matrices (not the biases) to the
      objective, so each step also shrinks the weights by ``l2 · W``. The recorded ``loss`` is the
      cross-entropy alone, comparable with the held-out loss.
    - ``blowup``: stop as diverged when the loss exceeds this multiple of the first loss
      (``None``: only a non-finite loss stops the run).
    - ``resume=history``: continue that run for ``epochs`` more epochs. Pass the same ``net`` and
      ``optimizer`` it left (or copies of both, taken together), the same data and settings; the
      shuffle continues from ``history.rng_state`` (``seed`` is not used). Returns a new History of
      all the epochs (earlier snapshots kept, new ones appended; a count spaces them over the new
      epochs); the one passed is never changed. Identical to one longer run, bit for bit.
    - ``early_stopping=patience``: stop with status ``"stopped_early"`` once the held-out loss has
      not improved for ``patience`` epochs (``epochs_run == best_epoch + patience``). Needs validation.
    - ``restore_best``: leave ``net`` at the parameters of ``history.best_epoch``. Needs validation.
    """
    run = _checked_run(net, X, y, optimizer, epochs, batch_size, seed, validation, l2, blowup)
    early_stopping = _checked_stopping(early_stopping, restore_best, validation is not None)
    history = _starting_history(run, resume, validation, net)
    held = {snapshot.epoch for snapshot in history.snapshots}
    keep = set(snapshot_epochs(run.epochs, snapshots, history.epochs_run)) - held
    check = DivergenceCheck(run.blowup, history.reference_loss)
    best = BestEpoch(net, history)
    earlier_seconds = history.seconds
    started = time.perf_counter()
    status = _run_epochs(net, optimizer, run, history, keep, check, best, callback, early_stopping, started)
    history.best_params = best.params
    history.rng_state = run.rng.bit_generator.state
    history.reference_loss = check.reference
    if restore_best and best.params is not None:
        net.set_params(best.params)
    history.seconds = earlier_seconds + time.perf_counter() - started
    history.status = status
    return history


@dataclass
class _Run:
    """What ``train`` trains on, checked: the epochs to train, the data in the network's dtype, the batching, the shuffle's
    generator, the held-out data (``None`` without) and the penalty and blow-up settings."""

    epochs: int
    X: np.ndarray
    y: np.ndarray
    target: np.ndarray
    batch_size: int | None
    full_batch: bool
    rng: np.random.Generator
    held_out: tuple[np.ndarray, np.ndarray, np.ndarray] | None
    l2: float
    blowup: float | None


def _checked_run(
    net: object,
    X: object,
    y: object,
    optimizer: object,
    epochs: object,
    batch_size: object,
    seed: object,
    validation: object,
    l2: object,
    blowup: object,
) -> _Run:
    """``train``'s arguments checked in the order they are given (the first wrong one is the one named)."""
    if not isinstance(net, Network):
        raise ValueError(f"net must be a scratchnet Network; got {type(net).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            f"optimizer must be a scratchnet optimizer such as SGD or Adam (see scratchnet.OPTIMIZERS); "
            f"got {type(optimizer).__name__} {short_repr(optimizer)}"
        )
    epochs = check_int("epochs", epochs, low=1, high=MAX_EPOCHS)
    X = np.asarray(check_features(X, features=net.n_inputs), dtype=net.dtype)
    y = check_labels(y, rows=X.shape[0], classes=net.n_classes)
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, low=1, high=10**9)
    full_batch = batch_size is None or batch_size >= X.shape[0]
    rng = np.random.default_rng(check_seed(seed))
    held_out = _held_out_data(net, validation) if validation is not None else None
    l2 = check_float("l2", l2, low=0.0, high=1e3)
    if blowup is not None:
        blowup = check_float("blowup", blowup, low=1.0, high=1e12, low_open=True)
    return _Run(epochs, X, y, one_hot(y, net.n_classes, net.dtype), batch_size, full_batch, rng, held_out, l2, blowup)


def _run_epochs(
    net: Network,
    optimizer: Optimizer,
    run: _Run,
    history: History,
    keep: set[int],
    check: DivergenceCheck,
    best: BestEpoch,
    callback: Callback | None,
    early_stopping: int | None,
    started: float,
) -> str:
    """Train from ``history.epochs_run`` to the epochs planned, writing each epoch into ``history``
    (and a snapshot at each epoch in ``keep``); the run's status."""
    n = run.X.shape[0]
    step = gradient_step(net, optimizer, run.l2)
    loss_column, accuracy_column, lr_column = (history.storage(name) for name in History.TRAINING_COLUMNS)
    if run.held_out is not None:
        val_loss_column, val_accuracy_column = (history.storage(name) for name in History.VALIDATION_COLUMNS)
    earlier_seconds = history.seconds

    def snapshot(epoch: int) -> None:
        history.snapshots.append(Snapshot(epoch, net.get_params()))

    if history.epochs_run in keep:
        snapshot(history.epochs_run)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(history.epochs_run + 1, history.epochs_planned + 1):  # from 1, as the callback sees it
            lr_column[epoch - 1] = optimizer.current_lr
            if run.full_batch:
                loss, correct = full_batch_epoch(net, run.X, run.y, run.target, step, check)
            else:
                order = run.rng.permutation(n)
                loss, correct = mini_batch_epoch(net, run.X, run.y, run.target, step, check, order, run.batch_size)
            loss_column[epoch - 1] = loss
            accuracy_column[epoch - 1] = correct / n
            if not check.allows(loss):
                history.diverged_at = history.epochs_run = epoch
                return "diverged"
            if run.held_out is not None:
                val_loss, val_accuracy = _held_out(net, *run.held_out)
                val_loss_column[epoch - 1], val_accuracy_column[epoch - 1] = val_loss, val_accuracy
                best.offer(epoch, val_loss)
            history.epochs_run = epoch
            history.seconds = earlier_seconds + time.perf_counter() - started
            if epoch in keep:
                snapshot(epoch)
            status = "completed"
            if callback is not None and callback(epoch, history):
                status = "cancelled"
            elif early_stopping is not None and epoch - best.epoch >= early_stopping:
                status = "stopped_early"
            if status != "completed":
                if keep and (not history.snapshots or history.snapshots[-1].epoch != epoch):
                    snapshot(epoch)
                return status
    return "completed"

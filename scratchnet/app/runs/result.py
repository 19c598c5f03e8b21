"""What a run is: its data, its network and optimizer, and its frozen result.

Plain NumPy and the engine — no Streamlit, no threads — so the trainer's worker processes
import this module and nothing heavier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import scratchnet as sn
from scratchnet.app.runs.config import SNAPSHOTS, RunConfig
from scratchnet.notebook import NotebookGD, NotebookReLU

SNAPSHOT_BUDGET_BYTES = 4_000_000  # per run: thins the replay snapshots of big networks


@dataclass(frozen=True)
class DataSplit:
    """The points a run trains and tests on, in training units, and how to show them.

    Points are shown as ``X * scale + center`` (identity for the built-in datasets; an uploaded
    file is standardised for training and shown in its own units).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    center: np.ndarray = field(default_factory=lambda: np.zeros(2))
    scale: np.ndarray = field(default_factory=lambda: np.ones(2))

    @property
    def classes(self) -> int:
        return len(self.class_names)

    def shown(self, X: np.ndarray) -> np.ndarray:
        return X * self.scale + self.center

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.X_train, self.y_train, self.X_test, self.y_test, self.center, self.scale))


def make_data(config: RunConfig) -> DataSplit:
    """The built-in dataset ``config`` names, split into training and held-out points."""
    X, y = sn.make_dataset(config.dataset, config.samples, config.classes, config.noise, seed=config.data_seed)
    X_train, X_test, y_train, y_test = sn.train_test_split(X, y, config.test_share, seed=config.data_seed)
    return DataSplit(X_train, y_train, X_test, y_test, tuple(f"class {c}" for c in range(config.classes)))


def make_network(config: RunConfig, classes: int) -> sn.Network:
    activation = NotebookReLU if config.activation == "notebook_relu" else config.activation
    return sn.mlp(
        [2, *config.hidden, classes], activation=activation, init=config.init, seed=config.seed, dtype=config.dtype
    )


def make_optimizer(config: RunConfig) -> sn.Optimizer:
    if config.optimizer == "notebook_gd":
        return NotebookGD(lr=config.lr, decay=config.decay)
    if config.optimizer == "sgd":
        return sn.SGD(lr=config.lr, decay=config.decay, momentum=config.momentum)
    return sn.OPTIMIZERS[config.optimizer](lr=config.lr, decay=config.decay)


def train_run(
    config: RunConfig,
    data: DataSplit,
    net: sn.Network,
    callback: Callable[[int, sn.History], bool | None] | None = None,
) -> sn.History:
    """Train ``net`` (from ``make_network(config, ...)``) on ``data`` as the app does: the optimizer,
    batches, L2 and seed of ``config``, the held-out points as validation, snapshots for the replay."""
    return sn.train(
        net,
        data.X_train,
        data.y_train,
        make_optimizer(config),
        config.epochs,
        batch_size=config.batch_size or None,
        seed=config.seed,
        callback=callback,
        validation=(data.X_test, data.y_test) if len(data.y_test) else None,
        snapshots=snapshot_count(net),
        l2=config.l2,
    )


def columns_nbytes(epochs: int, validation: bool) -> int:
    """The memory of a history's columns for ``epochs`` epochs: loss, accuracy and rate, and the
    held-out loss and accuracy with ``validation`` (float64 each)."""
    return epochs * (5 if validation else 3) * 8


def history_nbytes(history: sn.History) -> int:
    """At most the memory a history holds: its columns (for every planned epoch) and its snapshots."""
    snapshots = sum(value.nbytes for snapshot in history.snapshots for value in snapshot.params.values())
    return columns_nbytes(history.epochs_planned, history.has_validation) + snapshots


def snapshot_count(net: sn.Network) -> int:
    """``SNAPSHOTS``, fewer for a network so big that they would pass the memory budget."""
    return snapshots_for(net.flat_params.nbytes)


def snapshots_for(param_bytes: int) -> int:
    """How many snapshots a network with ``param_bytes`` of parameters keeps."""
    return int(max(2, min(SNAPSHOTS, SNAPSHOT_BUDGET_BYTES // (param_bytes or 1))))


def planned_nbytes(config: RunConfig, data: DataSplit) -> int:
    """About the most memory a run of ``config`` on ``data`` will hold once trained."""
    param_bytes = config.n_params * np.dtype(config.dtype).itemsize
    columns = columns_nbytes(config.epochs, validation=len(data.y_test) > 0)
    return data.nbytes + columns + (snapshots_for(param_bytes) + 2) * param_bytes


@dataclass(frozen=True)
class RunResult:
    """A finished (or stopped) run: immutable, so any number of sessions may read it at once."""

    config: RunConfig
    data: DataSplit
    history: sn.History
    network: sn.Network  # the parameters shown: the last finite ones if the run diverged
    shown_epoch: int  # the epoch those parameters are from
    train_loss: float
    train_accuracy: float
    test_loss: float | None
    test_accuracy: float | None

    @property
    def status(self) -> str:
        return self.history.status

    @property
    def seconds(self) -> float:
        return self.history.seconds

    @property
    def epochs_per_second(self) -> float:
        return self.history.epochs_run / self.history.seconds if self.history.seconds > 0 else float("nan")

    @property
    def message(self) -> str:
        """One plain sentence about how the run ended."""
        history = self.history
        if history.status == "diverged":
            first, last = history.loss[0], history.loss[-1]
            blew = f"blew up from {first:.3g} to {last:.3g}" if np.isfinite(last) else "stopped being a number"
            return (
                f"The loss {blew} at epoch {history.diverged_at}: the steps were too big and threw the weights "
                f"around. Showing the network as it was at epoch {self.shown_epoch}. Try a learning rate ten times "
                "smaller, a decay, or Adam."
            )
        if history.status == "cancelled":
            return (
                f"Stopped at epoch {history.epochs_run:,} of {history.epochs_planned:,} after {history.seconds:.1f} s; "
                "this is what it had learned."
            )
        return f"Trained {history.epochs_run:,} epochs in {history.seconds:.2f} s."

    @property
    def nbytes(self) -> int:
        """About how much memory this result holds (data, history, snapshots, network)."""
        return self.data.nbytes + history_nbytes(self.history) + self.network.flat_params.nbytes

    def network_at(self, epoch_index: int) -> tuple[int, sn.Network]:
        """The network as it was at snapshot ``epoch_index`` (clamped), and that snapshot's epoch."""
        snapshots = self.history.snapshots
        if not snapshots:
            return self.shown_epoch, self.network
        snapshot = snapshots[min(max(epoch_index, 0), len(snapshots) - 1)]
        return snapshot.epoch, self.network.with_params(snapshot.params)


def _finite(params: dict[str, np.ndarray]) -> bool:
    return all(np.isfinite(value).all() for value in params.values())


def summarize(config: RunConfig, data: DataSplit, net: sn.Network, history: sn.History) -> RunResult:
    """Freeze a run into a ``RunResult``, falling back to the last finite snapshot after a blow-up."""
    shown_epoch = history.epochs_run
    params = net.get_params()
    if history.status == "diverged" or not _finite(params):
        finite = [snapshot for snapshot in history.snapshots if _finite(snapshot.params)]
        shown_epoch, params = (finite[-1].epoch, finite[-1].params) if finite else (0, params)
    network = net.with_params(params)
    with np.errstate(all="ignore"):
        train_loss, train_accuracy = sn.evaluate(network, data.X_train, data.y_train)
        test_loss, test_accuracy = sn.evaluate(network, data.X_test, data.y_test) if len(data.y_test) else (None, None)
    return RunResult(config, data, history, network, shown_epoch, train_loss, train_accuracy, test_loss, test_accuracy)

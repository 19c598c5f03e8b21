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
from scratchnet.app.text import plural
from scratchnet.training import snapshot_epochs

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


def inputs(config: RunConfig, X: np.ndarray) -> np.ndarray:
    """What the network of ``config`` sees of points ``X`` (n × 2, training units): one column per
    feature of ``config.features``. Every place where a network meets points goes through here."""
    return sn.expand_features(X, config.features)


def make_network(config: RunConfig, classes: int) -> sn.Network:
    return sn.mlp(
        [len(config.features), *config.hidden, classes],
        activation=sn.ACTIVATION_CHOICES[config.activation].engine,
        init=config.init,
        seed=config.seed,
        dtype=config.dtype,
    )


def make_optimizer(config: RunConfig) -> sn.Optimizer:
    """The optimizer ``config`` names, with its learning rate, decay and the settings its record uses."""
    return sn.OPTIMIZER_CHOICES[config.optimizer].build(config.lr, config.decay, config.as_dict())


def train_run(
    config: RunConfig,
    data: DataSplit,
    net: sn.Network,
    callback: Callable[[int, sn.History], bool | None] | None = None,
    *,
    optimizer: sn.Optimizer | None = None,
    resume: sn.History | None = None,
) -> sn.History:
    """Train ``net`` (from ``make_network(config, ...)``) on ``data`` as the app does: the optimizer,
    batches, L2 and seed of ``config``, the held-out points as validation, snapshots for the replay,
    and early stopping when ``config.patience`` asks for it (the network stays where it stopped).

    With ``resume`` (the history of a run of the same config with fewer epochs, and ``net`` and
    ``optimizer`` as that run left them) it trains only the epochs from there to ``config.epochs``."""
    validation = (inputs(config, data.X_test), data.y_test) if len(data.y_test) else None
    done = resume.epochs_run if resume is not None else 0
    count = snapshot_count(net)
    history = sn.train(
        net,
        inputs(config, data.X_train),
        data.y_train,
        optimizer if optimizer is not None else make_optimizer(config),
        config.epochs - done,
        batch_size=config.batch_size or None,
        seed=config.seed,
        callback=callback,
        validation=validation,
        snapshots=count if resume is None else planned_snapshots(config.epochs, count, after=done),
        l2=config.l2,
        resume=resume,
        # without held-out points there is nothing to stop on; the network stays where it stopped
        early_stopping=config.patience if config.patience and validation is not None else None,
        restore_best=False,
    )
    history.snapshots = replay_snapshots(history, count)
    return history


def planned_snapshots(epochs: int, count: int, *, after: int = 0) -> list[int]:
    """The snapshot epochs a run of ``epochs`` keeps (the engine's ``count`` evenly spaced), those
    after ``after``: a continued run asks for these, so its replay is spaced like a run trained in one go."""
    return [epoch for epoch in snapshot_epochs(epochs, count) if epoch > after]


def replay_snapshots(history: sn.History, count: int) -> list[sn.Snapshot]:
    """The snapshots the replay slider offers: at most about ``count``, spread over the run as
    evenly as the kept ones allow (a continued run holds its parent's too), always the first and
    the last, and the best epoch's parameters (the lowest held-out loss) so the slider can go there."""
    by_epoch = {snapshot.epoch: snapshot for snapshot in history.snapshots}
    best, best_params = history.best_epoch, history.best_params
    if best is not None and best_params is not None and best not in by_epoch:
        by_epoch[best] = sn.Snapshot(best, best_params)
    epochs = sorted(by_epoch)
    if len(epochs) > count + 1:
        kept = {epochs[0], epochs[-1]} | ({best} if best in by_epoch else set())
        available = np.array(epochs)
        for target in np.linspace(epochs[0], epochs[-1], count):
            kept.add(int(available[np.abs(available - target).argmin()]))
        epochs = sorted(kept)
    return [by_epoch[epoch] for epoch in epochs]


def columns_nbytes(epochs: int, validation: bool) -> int:
    """The memory of a history's columns for ``epochs`` epochs (float64 each): the engine's training
    columns, and its held-out ones with ``validation``."""
    return epochs * len(sn.History.column_names(validation)) * 8


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
class Resume:
    """Where a run ended, as training on from there needs it: its history (with the shuffle's state),
    the parameters it ended with and its optimizer (step count, decay, moments). Shared read-only
    like the result it belongs to: ``start`` hands out copies to train."""

    history: sn.History
    params: dict[str, np.ndarray]
    optimizer: sn.Optimizer

    @property
    def epoch(self) -> int:
        return self.history.epochs_run

    def start(self, config: RunConfig, classes: int) -> tuple[sn.Network, sn.Optimizer]:
        """A network and an optimizer as this run left them, free to train (copies)."""
        net = make_network(config, classes)
        net.set_params(self.params)
        return net, self.optimizer.copy()

    @property
    def nbytes(self) -> int:
        """What it holds beyond the history: the final parameters and the optimizer's state."""
        state = sum(value.nbytes for slots in self.optimizer.state.values() for value in slots.values())
        return sum(value.nbytes for value in self.params.values()) + state


#: Status of a network that has not trained yet (the start of Step); the engine's are "completed",
#: "cancelled", "diverged" and "stopped_early".
UNTRAINED = "untrained"


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
    resume: Resume | None = None  # what training on needs (None: it cannot be resumed, only retrained)

    @property
    def best_epoch(self) -> int | None:
        """The epoch with the lowest held-out loss (None without held-out points)."""
        return self.history.best_epoch if self.history.epochs_run else None

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
    def divergence_advice(self) -> str:
        """What to try after a blow-up; it never suggests the optimizer the run already uses."""
        if self.config.optimizer == "adam":
            return "Try a learning rate ten times smaller, or a decay."
        return "Try a learning rate ten times smaller, a decay, or Adam."

    @property
    def message(self) -> str:
        """One plain sentence about how the run ended."""
        history = self.history
        if history.status == "diverged":
            first, last = history.loss[0], history.loss[-1]
            blew = f"blew up from {first:.3g} to {last:.3g}" if np.isfinite(last) else "stopped being a number"
            return (
                f"The loss {blew} at epoch {history.diverged_at}: the steps were too big and threw the weights "
                f"around. Showing the network as it was at epoch {self.shown_epoch}. {self.divergence_advice}"
            )
        if history.status == "cancelled":
            return (
                f"Stopped at epoch {history.epochs_run:,} of {history.epochs_planned:,} after {history.seconds:.1f} s; "
                "this is what it had learned. **Continue** trains on from here."
            )
        if history.status == "stopped_early":
            return (
                f"Stopped early at epoch {history.epochs_run:,}: the held-out loss had not improved for "
                f"{self.config.patience:,} epochs since its lowest, at epoch {self.best_epoch:,}. The network is as "
                "it was when it stopped; **Go to best epoch** shows it at its best."
            )
        if history.status == UNTRAINED:
            return "An untrained network, as its seed starts it: **Step** trains it one epoch, or ten, at a time."
        return f"Trained {plural(history.epochs_run, 'epoch')} in {history.seconds:.2f} s."

    @property
    def nbytes(self) -> int:
        """About how much memory this result holds (data, history, snapshots, network)."""
        resume = self.resume.nbytes if self.resume is not None else 0
        return self.data.nbytes + self.history.nbytes + self.network.flat_params.nbytes + resume

    def network_at(self, epoch_index: int) -> tuple[int, sn.Network]:
        """The network as it was at snapshot ``epoch_index`` (clamped), and that snapshot's epoch."""
        snapshots = self.history.snapshots
        if not snapshots:
            return self.shown_epoch, self.network
        snapshot = snapshots[min(max(epoch_index, 0), len(snapshots) - 1)]
        return snapshot.epoch, self.network.with_params(snapshot.params)


def _finite(params: dict[str, np.ndarray]) -> bool:
    return all(np.isfinite(value).all() for value in params.values())


def summarize(
    config: RunConfig, data: DataSplit, net: sn.Network, history: sn.History, optimizer: sn.Optimizer | None = None
) -> RunResult:
    """Freeze a run into a ``RunResult``, falling back to the last finite snapshot after a blow-up.

    With the ``optimizer`` the run ended with, the result keeps what training on needs (unless the
    run blew up: there is nothing to go on from)."""
    shown_epoch = history.epochs_run
    params = net.get_params()
    resume = None
    if optimizer is not None and history.status != "diverged" and history.epochs_run and _finite(params):
        resume = Resume(history, params, optimizer)
    if history.status == "diverged" or not _finite(params):
        finite = [snapshot for snapshot in history.snapshots if _finite(snapshot.params)]
        shown_epoch, params = (finite[-1].epoch, finite[-1].params) if finite else (0, params)
    network = net.with_params(params)
    with np.errstate(all="ignore"):
        train_loss, train_accuracy = sn.evaluate(network, inputs(config, data.X_train), data.y_train)
        test_loss, test_accuracy = (
            sn.evaluate(network, inputs(config, data.X_test), data.y_test) if len(data.y_test) else (None, None)
        )
    return RunResult(
        config, data, history, network, shown_epoch, train_loss, train_accuracy, test_loss, test_accuracy, resume
    )


def untrained(config: RunConfig, data: DataSplit) -> RunResult:
    """The network of ``config`` before any training, as a result of 0 epochs (where Step starts).

    Not a config of its own (a config trains at least one epoch): continuing it trains a fresh run
    of the epochs asked for, which is the same thing."""
    net = make_network(config, data.classes)
    history = sn.History(config.epochs, validation=len(data.y_test) > 0)
    history.status = UNTRAINED
    history.snapshots = [sn.Snapshot(0, net.get_params())]
    return summarize(config, data, net, history)


def resumes(parent: RunResult, config: RunConfig) -> bool:
    """True when ``parent``'s end state is exactly where a run of ``config`` passes on its way: the
    same run but longer (the learning-rate schedule depends on steps only, so a stopped run is a
    bit-identical prefix). Early stopping never changes the path, only where it ends: a patience
    other than the parent's (or 0) might have stopped a fresh run sooner, so then it is not reused."""
    if parent.resume is None or parent.history.epochs_run >= config.epochs:
        return False
    if parent.config.replace(epochs=config.epochs, patience=config.patience) != config:
        return False
    return config.patience == 0 or (config.patience == parent.config.patience and parent.status != "stopped_early")


def grew_from(later: RunResult, earlier: RunResult) -> bool:
    """True when ``later`` is ``earlier`` trained on further (a Step or Continue): the same settings
    apart from the epochs, and more epochs trained. The patience may differ too: a run that stopped
    early goes on without it."""
    if later.history.epochs_run <= earlier.history.epochs_run:
        return False
    return earlier.config.replace(epochs=later.config.epochs, patience=later.config.patience) == later.config


def keep_run(runs: list[RunResult], result: RunResult, count: int) -> bool:
    """Add ``result`` to ``runs`` (once; the newest last, at most ``count``): a run that grew from the
    newest (Step, Continue) takes its place. False when it was there already."""
    if any(run is result for run in runs):
        return False
    if runs and grew_from(result, runs[-1]):
        runs.pop()
    runs.append(result)
    del runs[:-count]
    return True

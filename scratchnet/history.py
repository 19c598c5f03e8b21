"""The record of a training run: one value per epoch in each column, copies of the parameters at
chosen epochs, how the run ended, and what is needed to continue it.

The column names are declared here, once (``History.COLUMNS``); everything that shows or saves a
history reads them from here.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Snapshot:
    """The parameters after ``epoch`` epochs (epoch 0 = before training)."""

    epoch: int
    params: dict[str, np.ndarray]


class History:
    """Per-epoch records of a run, readable while it is being written.

    The columns are preallocated for every planned epoch; ``epochs_run`` is raised only after an
    epoch's values are written, so a reader in another thread always sees complete epochs.
    """

    #: Recorded every epoch: mean training cross-entropy, training accuracy, learning rate.
    TRAINING_COLUMNS = ("loss", "accuracy", "lr")
    #: Recorded every epoch when the run has held-out (validation) points.
    VALIDATION_COLUMNS = ("val_loss", "val_accuracy")
    COLUMNS = TRAINING_COLUMNS + VALIDATION_COLUMNS
    #: ``"running"`` until the run ends one of the four other ways.
    STATUSES = ("running", "completed", "cancelled", "diverged", "stopped_early")

    def __init__(self, epochs: int, validation: bool = False) -> None:
        self.epochs_planned = epochs
        self.epochs_run = 0
        self.status = "running"
        self.diverged_at: int | None = None
        self.seconds = 0.0
        self.snapshots: list[Snapshot] = []
        #: The parameters after ``best_epoch`` epochs (kept by ``train`` when there is validation).
        self.best_params: dict[str, np.ndarray] | None = None
        #: The mini-batch shuffle's generator state after the last epoch: where a resumed run goes on.
        self.rng_state: dict | None = None
        #: The loss the divergence check scales by ``blowup``: the run's first epoch's (or batch's).
        self.reference_loss: float | None = None
        self._storage = {name: np.full(epochs, np.nan) for name in self.column_names(validation)}

    @classmethod
    def column_names(cls, validation: bool) -> tuple[str, ...]:
        """The columns a history has, in order: the training ones, then the held-out ones if any."""
        return cls.COLUMNS if validation else cls.TRAINING_COLUMNS

    @property
    def names(self) -> tuple[str, ...]:
        """This history's column names, in order."""
        return self.column_names(self.has_validation)

    def column(self, name: str) -> np.ndarray:
        """The recorded epochs of column ``name`` (empty when this history has no such column)."""
        storage = self._storage.get(name)
        return np.empty(0) if storage is None else storage[: self.epochs_run]

    def storage(self, name: str) -> np.ndarray:
        """The whole preallocated column ``name``, for the one who writes it (NaN past ``epochs_run``)."""
        return self._storage[name]

    @property
    def loss(self) -> np.ndarray:
        """Mean training cross-entropy per epoch, of the parameters before that epoch's steps."""
        return self.column("loss")

    @property
    def accuracy(self) -> np.ndarray:
        """Training accuracy per epoch (same parameters as ``loss``)."""
        return self.column("accuracy")

    @property
    def lr(self) -> np.ndarray:
        """The learning rate at each epoch's first step."""
        return self.column("lr")

    @property
    def val_loss(self) -> np.ndarray:
        """Held-out cross-entropy per epoch, after that epoch's steps (empty without validation data)."""
        return self.column("val_loss")

    @property
    def val_accuracy(self) -> np.ndarray:
        """Held-out accuracy per epoch (empty without validation data)."""
        return self.column("val_accuracy")

    @property
    def has_validation(self) -> bool:
        return "val_loss" in self._storage

    @property
    def done(self) -> bool:
        return self.status != "running"

    @property
    def best_epoch(self) -> int | None:
        """The epoch (from 1) of the lowest finite held-out loss, the first one on ties; ``None``
        without validation or before any finite held-out loss."""
        val_loss = self.val_loss
        finite = np.isfinite(val_loss)
        if not finite.any():
            return None
        return int(np.argmin(np.where(finite, val_loss, np.inf))) + 1

    @property
    def nbytes(self) -> int:
        """The memory this history holds: its columns (for every planned epoch), snapshots and best parameters."""
        snapshots = sum(value.nbytes for snapshot in self.snapshots for value in snapshot.params.values())
        best = sum(value.nbytes for value in self.best_params.values()) if self.best_params else 0
        return sum(column.nbytes for column in self._storage.values()) + snapshots + best

    def rows(self, start: int = 0) -> dict[str, np.ndarray]:
        """Copies of every column from epoch index ``start`` to the last recorded: what ``extend`` takes."""
        return {name: column[start : self.epochs_run].copy() for name, column in self._storage.items()}

    def extend(self, rows: dict[str, np.ndarray]) -> None:
        """Append recorded epochs, one array per column (e.g. to follow a run trained elsewhere)."""
        start = self.epochs_run
        count = len(rows["loss"])
        if set(rows) != set(self._storage) or start + count > self.epochs_planned:
            raise ValueError(f"rows must hold {sorted(self._storage)} for at most {self.epochs_planned - start} epochs")
        for name, column in self._storage.items():
            column[start : start + count] = rows[name]
        self.epochs_run = start + count

    def copy(self) -> History:
        """A frozen copy of what has been recorded so far (safe to keep while training goes on)."""
        twin = self.continuation(0)
        twin.epochs_planned = self.epochs_planned
        twin.status, twin.diverged_at = self.status, self.diverged_at
        return twin

    def continuation(self, more_epochs: int) -> History:
        """A new running history holding this one's epochs, with room for ``more_epochs`` more (what
        ``train(resume=...)`` writes). Shares nothing writable with this one: snapshots and best
        parameters are never changed once made, so they are shared; columns are copied."""
        n = self.epochs_run
        twin = History(n + more_epochs, validation=self.has_validation)
        for name, column in self._storage.items():
            twin._storage[name][:n] = column[:n]
        twin.epochs_run = n
        twin.seconds = self.seconds
        twin.snapshots = list(self.snapshots)
        twin.best_params = self.best_params
        twin.rng_state = copy.deepcopy(self.rng_state)
        twin.reference_loss = self.reference_loss
        return twin

    def columns(self) -> dict[str, np.ndarray]:
        """Every recorded column, with ``epoch`` (1-based) first: ready for a table."""
        return {"epoch": np.arange(1, self.epochs_run + 1), **self.rows()}

    def __repr__(self) -> str:
        last = f", loss={self.loss[-1]:.4g}" if self.epochs_run else ""
        return f"History({self.status}, {self.epochs_run}/{self.epochs_planned} epochs{last})"

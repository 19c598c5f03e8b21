"""A training run as the app sees it: submitted to the trainer pool, read by any session.

A ``TrainingJob`` is shared by every session that asks for the same configuration (the app
caches it), so it follows one rule: only the pool's dispatcher writes to it. Readers get
copies — ``progress()`` while it trains, the immutable ``RunResult`` once it is done.

A job may grow from a ``parent``: a finished or stopped run of the same configuration with fewer
epochs. Training on from where the parent ended gives bit for bit the run trained in one go, so
the job is simply the longer configuration, and the pool trains only the epochs it adds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

import scratchnet as sn
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.result import (
    DataSplit,
    RunResult,
    make_data,
    make_network,
    planned_nbytes,
    resumes,
    summarize,
)
from scratchnet.app.runs.trainer import TrainerPool, get_pool

WATCHER_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class Progress:
    """A reader's copy of a running job's state."""

    state: str  # "queued", "running" or "done"
    epoch: int
    epochs: int
    seconds: float
    history: sn.History | None  # a frozen copy of what is recorded so far
    params: dict[str, np.ndarray] | None  # the most recently reported parameters
    ahead: int = 0  # runs waiting ahead of this one
    first_epoch: int = 0  # where training started (a continued run starts at its parent's end)
    wait_seconds: float | None = None  # while queued: about how long until it starts (errs long)

    @property
    def fraction(self) -> float:
        return self.epoch / self.epochs if self.epochs else 0.0

    @property
    def seconds_left(self) -> float | None:
        trained = self.epoch - self.first_epoch  # ``seconds`` is the time these took
        if trained <= 0 or self.seconds <= 0:
            return None
        return self.seconds / trained * (self.epochs - self.epoch)


class TrainingJob:
    """One configuration, trained once by the pool; read by any number of sessions."""

    def __init__(
        self,
        config: RunConfig,
        data: DataSplit | None = None,
        *,
        pool: TrainerPool | None = None,
        owner: str = "",
        parent: RunResult | TrainingJob | None = None,
    ) -> None:
        if isinstance(parent, TrainingJob):
            parent = parent.result
        # the run this one trains on from (None: trained from the start, e.g. when the parent cannot
        # be resumed; the result is the same, it only costs the parent's epochs again). Let go once
        # done: a cached job must not keep its parent's memory too.
        self._parent = parent if parent is not None and resumes(parent, config) else None
        #: the epoch training started from: the parent's last (0 for a run trained from the start)
        self.first_epoch = self._parent.history.epochs_run if self._parent is not None else 0
        self.config = config
        if data is None and parent is not None and parent.config.data_id == config.data_id:
            data = parent.data  # the same points (uploaded ones too)
        self.data = data if data is not None else make_data(config)
        self._optimizer: sn.Optimizer | None = None
        self.state = "queued"
        self.result: RunResult | None = None
        self.error: str | None = None
        self._history: sn.History | None = None
        self._params: dict[str, np.ndarray] | None = None
        self._seconds = 0.0
        self._done = threading.Event()
        self._cancel_requested = False
        self._watchers: dict[str, float] = {}
        self._watchers_lock = threading.Lock()
        self._pool = pool or get_pool()
        resume = None
        if self._parent is not None:  # readers see the whole run from epoch 1, the parent's epochs first
            self._history = sn.History(config.epochs, validation=len(self.data.y_test) > 0)
            self._history.extend(self._parent.history.rows())
            self._params, resume = self._parent.resume.params, self._parent.resume
        self.job_id = self._pool.submit(config, self.data, self, owner, resume)  # owner: whose turn it counts towards

    @classmethod
    def finished(cls, result: RunResult, *, whole: bool = False) -> TrainingJob:
        """A job that is already done, holding ``result`` (a run stopped by Cancel, or one reopened
        from "My runs"): nothing is submitted, so a session's run is always a ``TrainingJob``.
        ``whole``: ``result`` is the whole run of the job's configuration (a paused run, kept as the
        run of the epochs it reached), so asking for it again does not train it again."""
        job = cls.__new__(cls)
        job.config, job.data, job.state = result.config, result.data, "done"
        job.result, job.error = result, None
        job._history, job._params, job._seconds = result.history, result.network.get_params(), result.seconds
        job._done = threading.Event()
        job._done.set()
        job._cancel_requested = result.status == "cancelled" and not whole
        job._watchers, job._watchers_lock = {}, threading.Lock()
        job._pool, job.job_id = None, 0
        job._parent, job.first_epoch, job._optimizer = None, 0, None
        return job

    # ---- reports from the pool (its dispatcher thread is the only caller) ----------------------------
    def on_start(self) -> None:
        if self._history is None:  # (a continued run holds its parent's epochs already)
            self._history = sn.History(self.config.epochs, validation=len(self.data.y_test) > 0)
        self.state = "running"

    def on_progress(self, rows: dict[str, np.ndarray], params: dict[str, np.ndarray], seconds: float) -> None:
        if self._history is not None:
            self._history.extend(rows)
        self._params, self._seconds = params, seconds

    def on_final(self, optimizer: sn.Optimizer) -> None:
        """The optimizer as training left it (reported just before ``on_done``): kept in the result,
        so the run can be continued."""
        self._optimizer = optimizer

    def on_done(self, history: sn.History, params: dict[str, np.ndarray]) -> None:
        net = make_network(self.config, self.data.classes)
        net.set_params(params)
        self.result = summarize(self.config, self.data, net, history, self._optimizer)
        self._history, self._params, self._seconds = history, params, history.seconds
        self._finish()

    def on_error(self, message: str) -> None:
        self.error = message
        self._finish()

    def _finish(self) -> None:
        self._parent = None
        self.state = "done"
        self._done.set()

    # ---- readers ------------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the run ends (or ``timeout`` seconds pass); True when it has ended."""
        return self._done.wait(timeout)

    def progress(self) -> Progress:
        history = self._history
        copy = history.copy() if history is not None else None
        return Progress(
            self.state,
            copy.epochs_run if copy is not None else 0,
            self.config.epochs,
            self._seconds,
            copy,
            self._params,
            self._pool.ahead_of(self.job_id) if self.state == "queued" else 0,
            self.first_epoch,
            self._pool.wait_estimate(self.job_id) if self.state == "queued" else None,
        )

    def watch(self, watcher: str) -> None:
        """Note that session ``watcher`` is looking at this run (called on every redraw)."""
        with self._watchers_lock:
            self._watchers[watcher] = time.monotonic()

    def cancel(self, watcher: str) -> RunResult:
        """Stop this run for ``watcher`` and return what it had learned so far.

        The shared run itself stops only when no other session has looked at it in the last few
        seconds: one student's Cancel never stops another student's identical run.
        """
        with self._watchers_lock:
            self._watchers.pop(watcher, None)
            now = time.monotonic()
            others = any(now - seen < WATCHER_TIMEOUT_SECONDS for seen in self._watchers.values())
        if not others and not self.done:
            self._cancel_requested = True
            self._pool.cancel(self.job_id)
            self.wait(timeout=5.0)
        if self.result is not None and (self.result.status == "cancelled" or not others):
            return self.result
        return self._frozen()

    @property
    def nbytes(self) -> int:
        """About how much memory this job holds once trained (what it will hold, while it trains)."""
        result = self.result
        return result.nbytes if result is not None else planned_nbytes(self.config, self.data)

    @property
    def stopped_early(self) -> bool:
        """True when the run was cancelled or failed: a new request for this config should train again.

        A run stopped by the time limit is not: training it again would only stop at the limit again."""
        return self.error is not None or self._cancel_requested

    def _frozen(self) -> RunResult:
        progress = self.progress()
        history = progress.history or sn.History(self.config.epochs)
        history.status = "cancelled"
        net = make_network(self.config, self.data.classes)
        if progress.params is not None:
            net.set_params(progress.params)
        return summarize(self.config, self.data, net, history)

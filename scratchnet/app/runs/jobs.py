"""A training run as the app sees it: submitted to the trainer pool, read by any session.

A ``TrainingJob`` is shared by every session that asks for the same configuration (the app
caches it), so it follows one rule: only the pool's dispatcher writes to it. Readers get
copies — ``progress()`` while it trains, the immutable ``RunResult`` once it is done.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

import scratchnet as sn
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.result import DataSplit, RunResult, make_data, make_network, planned_nbytes, summarize
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

    @property
    def fraction(self) -> float:
        return self.epoch / self.epochs if self.epochs else 0.0

    @property
    def seconds_left(self) -> float | None:
        if self.epoch == 0 or self.seconds <= 0:
            return None
        return self.seconds / self.epoch * (self.epochs - self.epoch)


class TrainingJob:
    """One configuration, trained once by the pool; read by any number of sessions."""

    def __init__(
        self, config: RunConfig, data: DataSplit | None = None, *, pool: TrainerPool | None = None, owner: str = ""
    ) -> None:
        self.config = config
        self.data = data if data is not None else make_data(config)
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
        self.job_id = self._pool.submit(config, self.data, self, owner)  # owner: whose turn it counts towards

    # ---- reports from the pool (its dispatcher thread is the only caller) ----------------------------
    def on_start(self) -> None:
        self._history = sn.History(self.config.epochs, validation=len(self.data.y_test) > 0)
        self.state = "running"

    def on_progress(self, rows: dict[str, np.ndarray], params: dict[str, np.ndarray], seconds: float) -> None:
        if self._history is not None:
            self._history.extend(rows)
        self._params, self._seconds = params, seconds

    def on_done(self, history: sn.History, params: dict[str, np.ndarray]) -> None:
        net = make_network(self.config, self.data.classes)
        net.set_params(params)
        self.result = summarize(self.config, self.data, net, history)
        self._history, self._params, self._seconds = history, params, history.seconds
        self._finish()

    def on_error(self, message: str) -> None:
        self.error = message
        self._finish()

    def _finish(self) -> None:
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

"""Where runs train: a small pool of worker processes fed from one queue.

Training is number crunching that holds Python's GIL. Inside the server process it would slow
every page redraw, and every redraw would slow it. So runs train in ``WORKERS`` separate
processes (one per core); the server only reads their reports. At most ``WORKERS`` runs train at
once and the rest wait their turn — thirty students pressing Train together share the machine
instead of thrashing it. The pool hands a free worker the next run by two rules of fairness:

- turns go round the students: the run chosen is the oldest of a student (``owner``) with the
  fewest runs training now, so one student's sweep of sixty runs cannot keep everyone else
  waiting;
- long runs (estimated over ``HEAVY_SECONDS``) take at most ``WORKERS - 1`` workers, so one
  worker is always free for the short runs most students train: a Train click answers in
  seconds even while four students' long runs queue (on a single worker, long runs use it too).

A worker reports on one queue: ``start``, then ``progress`` about every ``PUBLISH_SECONDS``
(the epochs recorded since its last report and the current parameters), then ``done`` (the
whole history and the final parameters) or ``error``. One dispatcher thread in the server reads
that queue and hands each report to the run's listener; it is the only writer of a run's state.

This module imports no Streamlit: the workers import it and nothing heavier than NumPy.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
import os
import queue
import sys
import threading
import time
import types
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

import scratchnet as sn
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.cost import COST_WARN_SECONDS, estimate_seconds
from scratchnet.app.runs.result import DataSplit, make_network, train_run

WORKERS = max(1, min(2, os.cpu_count() or 1))
PUBLISH_SECONDS = 0.1
TIME_LIMIT_SECONDS = 90.0  # a run still training after this long is stopped (estimates can be off)
NO_JOB = -1
HEAVY_SECONDS = COST_WARN_SECONDS  # runs the app calls long take turns on one worker
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Task:
    job_id: int
    config: RunConfig
    data: DataSplit


@dataclass(frozen=True)
class _Waiting:
    task: Task
    owner: str
    heavy: bool


class Listener(Protocol):
    def on_start(self) -> None: ...
    def on_progress(self, rows: dict[str, np.ndarray], params: dict[str, np.ndarray], seconds: float) -> None: ...
    def on_done(self, history: sn.History, params: dict[str, np.ndarray]) -> None: ...
    def on_error(self, message: str) -> None: ...


# ---- the worker side ----------------------------------------------------------------------------
def _rows(history: sn.History, start: int) -> dict[str, np.ndarray]:
    names = ["loss", "accuracy", "lr"] + (["val_loss", "val_accuracy"] if history.has_validation else [])
    return {name: getattr(history, name)[start:].copy() for name in names}


def train_task(task: Task, report: Callable[..., None], should_stop: Callable[[], bool]) -> None:
    """Train one task, reporting as it goes. ``should_stop()`` is asked after every epoch."""
    config, data = task.config, task.data
    net = make_network(config, data.classes)
    started = last = time.perf_counter()
    sent = 0

    def callback(epoch: int, history: sn.History) -> bool:
        nonlocal last, sent
        now = time.perf_counter()
        if now - last >= PUBLISH_SECONDS:
            report("progress", task.job_id, _rows(history, sent), net.get_params(), history.seconds)
            sent, last = epoch, now
        return should_stop() or now - started > TIME_LIMIT_SECONDS

    history = train_run(config, data, net, callback)
    report("done", task.job_id, history.copy(), net.get_params())


def work(index: int, tasks: Any, events: Any, cancel: Any) -> None:
    """A worker's life: take a task, train it, report; until it receives ``None``."""
    while (task := tasks.get()) is not None:
        events.put(("start", task.job_id, index))
        try:
            train_task(task, lambda *message: events.put(message), lambda: cancel[index] == task.job_id)
        except Exception as error:  # report, never die: the next task deserves a worker
            events.put(("error", task.job_id, f"{type(error).__name__}: {error}"))


# ---- the server side ----------------------------------------------------------------------------
@contextmanager
def _plain_main() -> Iterator[None]:
    """Start a worker as if from a bare interpreter.

    A spawned process first re-runs the parent's ``__main__`` script; under Streamlit that is the
    page itself, which would train, spawn, and so on. A worker needs only this module, so for the
    moment of starting it, ``__main__`` is an empty module. Its BLAS runs on one thread: the
    matrices are small, and the other core serves the pages.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    threads = {name: os.environ.get(name) for name in BLAS_THREADS}
    os.environ.update(dict.fromkeys(BLAS_THREADS, "1"))  # small matrices: extra BLAS threads only contend
    try:
        yield
    finally:
        sys.modules["__main__"] = main
        for name, value in threads.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class TrainerPool:
    """``WORKERS`` worker processes (or threads, where processes cannot start) and a dispatcher."""

    def __init__(self, workers: int = WORKERS, use_processes: bool = True) -> None:
        self._ids = itertools.count(1)
        self._submitted = 0
        self._lock = threading.Lock()
        self._listeners: dict[int, Listener] = {}
        self._waiting: list[_Waiting] = []  # submitted, not yet handed to a worker (oldest first)
        self._handed: dict[int, _Waiting] = {}  # job id -> handed to a worker, not yet finished
        self._size = workers
        self._cancelled: set[int] = set()
        self._running: dict[int, int] = {}  # worker index -> job id
        self._workers: list[Any] = []
        self._closing = False
        self.use_processes = use_processes
        if use_processes:
            self._ctx = multiprocessing.get_context("spawn")
            self._tasks, self._events = self._ctx.Queue(), self._ctx.Queue()
            self._cancel = self._ctx.RawArray("q", [NO_JOB] * workers)
        else:
            self._tasks, self._events = queue.Queue(), queue.Queue()
            self._cancel = [NO_JOB] * workers
        for index in range(workers):
            self._workers.append(self._start_worker(index))
        threading.Thread(target=self._dispatch, name="trainer-dispatch", daemon=True).start()
        atexit.register(self.close)

    def _start_worker(self, index: int) -> Any:
        args = (index, self._tasks, self._events, self._cancel)
        if not self.use_processes:
            worker = threading.Thread(target=work, args=args, name=f"scratchnet-trainer-{index}", daemon=True)
            worker.start()
            return worker
        worker = self._ctx.Process(target=work, args=args, name=f"scratchnet-trainer-{index}", daemon=True)
        with _plain_main():
            worker.start()
        return worker

    # ---- what runs call ----
    def submit(self, config: RunConfig, data: DataSplit, listener: Listener, owner: str = "") -> int:
        """Queue a run; ``owner`` (e.g. a browser session) is whose turn it counts towards."""
        heavy = estimate_seconds(config) > HEAVY_SECONDS
        with self._lock:
            job_id = next(self._ids)
            self._submitted += 1
            self._listeners[job_id] = listener
            self._waiting.append(_Waiting(Task(job_id, config, data), owner, heavy))
            self._hand_out()
        return job_id

    def cancel(self, job_id: int) -> None:
        with self._lock:
            self._cancelled.add(job_id)
            for index, running in self._running.items():
                if running == job_id:
                    self._cancel[index] = job_id

    def ahead_of(self, job_id: int) -> int:
        """How many runs are waiting ahead of ``job_id`` (0 when it is next or started; roughly, as
        turns go round the students)."""
        with self._lock:
            ids = [waiting.task.job_id for waiting in self._waiting]
            return ids.index(job_id) if job_id in ids else 0

    # ---- whose turn ----
    def _hand_out(self) -> None:
        """Give every free worker a run (called with the lock held)."""
        while len(self._handed) < self._size and (chosen := self._next()) is not None:
            self._waiting.remove(chosen)
            self._handed[chosen.task.job_id] = chosen
            self._tasks.put(chosen.task)

    def _next(self) -> _Waiting | None:
        """The run a free worker takes: a cancelled one first (it ends at once); otherwise the oldest
        run of an owner with the fewest runs training; a long run only while fewer than
        ``WORKERS - 1`` long runs train (None: nothing this worker may take now)."""
        for waiting in self._waiting:
            if waiting.task.job_id in self._cancelled:
                return waiting
        heavy_busy = sum(handed.heavy for handed in self._handed.values())
        long_lanes_full = heavy_busy >= max(1, self._size - 1)
        allowed = [waiting for waiting in self._waiting if not (waiting.heavy and long_lanes_full)]
        if not allowed:
            return None
        training = Counter(handed.owner for handed in self._handed.values())
        return min(allowed, key=lambda waiting: training[waiting.owner])  # min keeps the oldest of equals

    @property
    def submitted(self) -> int:
        """How many runs were ever submitted (each is trained once)."""
        with self._lock:
            return self._submitted

    @property
    def busy(self) -> int:
        with self._lock:
            return len(self._running)

    def close(self) -> None:
        """Stop watching the workers: the interpreter is exiting and ends them (they are daemons).
        Without this the dispatcher would see them end and start new ones during the exit."""
        self._closing = True

    # ---- the dispatcher ----
    def _dispatch(self) -> None:
        while not self._closing:
            try:
                message = self._events.get(timeout=1.0)
            except queue.Empty:
                self._revive()
                continue
            except (EOFError, OSError, ValueError):  # the queue itself was closed: the pool is shutting down
                return
            except Exception:  # a report that cannot be read (e.g. code reloaded under it): skip it, keep going
                continue
            try:
                self._deliver(*message)
            except Exception:  # a listener's bug must not stop every other run's reports
                continue

    def _deliver(self, kind: str, job_id: int, *payload: Any) -> None:
        with self._lock:
            listener = self._listeners.get(job_id)
            if kind == "start":
                (index,) = payload
                self._running[index] = job_id
                if job_id in self._cancelled:
                    self._cancel[index] = job_id
            elif kind in ("done", "error"):
                self._listeners.pop(job_id, None)
                self._cancelled.discard(job_id)
                for index, running in list(self._running.items()):
                    if running == job_id:
                        del self._running[index]
                        self._cancel[index] = NO_JOB
                self._handed.pop(job_id, None)
                self._hand_out()
        if listener is None:
            return
        if kind == "start":
            listener.on_start()
        elif kind == "progress":
            listener.on_progress(*payload)
        elif kind == "done":
            listener.on_done(*payload)
        elif kind == "error":
            listener.on_error(*payload)

    def _revive(self) -> None:
        """Restart a worker process that died (out of memory, killed), failing the run it had."""
        if not self.use_processes or self._closing or sys.is_finalizing():
            return
        for index, worker in enumerate(self._workers):
            if worker.is_alive():
                continue
            with self._lock:
                job_id = self._running.pop(index, None)
            if job_id is not None:
                self._deliver("error", job_id, "the trainer process stopped unexpectedly")
            self._workers[index] = self._start_worker(index)


_pool: TrainerPool | None = None
_pool_lock = threading.Lock()


def get_pool() -> TrainerPool:
    """The process-wide pool, started on first use (threads if processes cannot start here)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            try:
                _pool = TrainerPool(use_processes=os.environ.get("SCRATCHNET_TRAINER") != "threads")
            except (OSError, PermissionError):
                _pool = TrainerPool(use_processes=False)
        return _pool

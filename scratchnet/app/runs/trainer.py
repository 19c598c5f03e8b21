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
(the epochs recorded since its last report and the current parameters), then ``final`` (the
optimizer as the run left it, and how many epochs this worker trained) and ``done`` (the whole
history and the final parameters), or ``error``. One dispatcher thread in the server reads that
queue and hands each report to the run's listener; it is the only writer of a run's state.

A task may continue a finished run (``resume``: a shorter run of the same configuration): the
worker then trains only the epochs from where that run ended.

This module imports no Streamlit: the workers import it and nothing heavier than NumPy.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import multiprocessing
import os
import queue
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

import scratchnet as sn
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.cost import estimate_seconds
from scratchnet.app.runs.result import DataSplit, Resume, make_network, make_optimizer, train_run
from scratchnet.app.runs.turns import TIME_LIMIT_SECONDS, Waiting, choose, expected

WORKERS = max(1, min(2, os.cpu_count() or 1))
PUBLISH_SECONDS = 0.1
NO_JOB = -1
NEW_RUN = -2  # a run not submitted yet, in ``new_run_wait``'s play
HEAVY_SECONDS = 4.0  # runs expected to train longer than this take turns on one worker
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    job_id: int
    config: RunConfig
    data: DataSplit
    resume: Resume | None = None  # train on from this run's end (a shorter run of the same config)

    @property
    def first_epoch(self) -> int:
        return self.resume.epoch if self.resume is not None else 0


class Listener(Protocol):
    def on_start(self) -> None: ...
    def on_progress(self, rows: dict[str, np.ndarray], params: dict[str, np.ndarray], seconds: float) -> None: ...
    def on_done(self, history: sn.History, params: dict[str, np.ndarray]) -> None: ...
    def on_error(self, message: str) -> None: ...


# ---- the worker side ----------------------------------------------------------------------------
def train_task(task: Task, report: Callable[..., None], should_stop: Callable[[], bool]) -> None:
    """Train one task, reporting as it goes. ``should_stop()`` is asked after every epoch.

    A task that resumes a run starts from copies of its network and optimizer (the run is shared
    and stays as it is) and trains only the epochs after its end."""
    config, data = task.config, task.data
    if task.resume is not None:
        net, optimizer = task.resume.start(config, data.classes)
    else:
        net, optimizer = make_network(config, data.classes), make_optimizer(config)
    started = last = time.perf_counter()
    sent, trained = task.first_epoch, 0

    def callback(epoch: int, history: sn.History) -> bool:
        nonlocal last, sent, trained
        trained += 1
        now = time.perf_counter()
        if now - last >= PUBLISH_SECONDS:
            report("progress", task.job_id, history.rows(sent), net.get_params(), now - started)
            sent, last = epoch, now
        return should_stop() or now - started > TIME_LIMIT_SECONDS

    resume = task.resume.history if task.resume is not None else None
    history = train_run(config, data, net, callback, optimizer=optimizer, resume=resume)
    report("final", task.job_id, optimizer, trained)
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
        self._waiting: list[Waiting] = []  # submitted, not yet handed to a worker (oldest first)
        self._handed: dict[int, Waiting] = {}  # job id -> handed to a worker, not yet finished
        self._size = workers
        self._cancelled: set[int] = set()
        self._running: dict[int, int] = {}  # worker index -> job id
        self._started: dict[int, float] = {}  # job id -> when it started training (monotonic clock)
        self._epochs_trained = 0
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
    def submit(
        self, config: RunConfig, data: DataSplit, listener: Listener, owner: str = "", resume: Resume | None = None
    ) -> int:
        """Queue a run; ``owner`` (e.g. a browser session) is whose turn it counts towards. With
        ``resume`` it trains on from that run's end (only the epochs it lacks are trained)."""
        remaining = config.epochs - (resume.epoch if resume is not None else 0)
        seconds = estimate_seconds(config.replace(epochs=max(1, remaining)))  # what it costs: the new epochs
        with self._lock:
            job_id = next(self._ids)
            self._submitted += 1
            self._listeners[job_id] = listener
            self._waiting.append(Waiting(Task(job_id, config, data, resume), owner, seconds > HEAVY_SECONDS, seconds))
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

    def wait_estimate(self, job_id: int) -> float | None:
        """About how many seconds until ``job_id`` starts training (None once it has started or
        ended): the turns played forward, each worker freed when the expected time of its run is up."""
        with self._lock:
            if all(queued.task.job_id != job_id for queued in self._waiting):
                return None
            return self._play_forward(job_id, list(self._waiting))

    def new_run_wait(self, config: RunConfig, owner: str = "") -> tuple[int, float | None]:
        """For a run not submitted yet: how many runs would be ahead of it (training or waiting while
        no trainer is free; 0 when one is) and about how many seconds it would wait for a trainer."""
        remaining = max(1, config.epochs)
        seconds = estimate_seconds(config.replace(epochs=remaining))
        new = Waiting(Task(NEW_RUN, config, None), owner, seconds > HEAVY_SECONDS, seconds)  # type: ignore[arg-type]
        with self._lock:
            if len(self._handed) < self._size and choose([*self._waiting, new], self._handed, set(), self._size) is new:
                return 0, None
            return len(self._waiting) + len(self._handed), self._play_forward(NEW_RUN, [*self._waiting, new])

    def _play_forward(self, job_id: int, waiting: list[Waiting]) -> float:
        """The seconds until ``job_id`` (in ``waiting``) would start: the turns played forward from
        now, each worker freed when its run's expected time is up (called with the lock held)."""
        now = time.monotonic()
        handed, cancelled = dict(self._handed), set(self._cancelled)
        ends = {
            running: max(0.0, self._started.get(running, now) + expected(queued) - now)
            for running, queued in handed.items()
        }
        clock = 0.0
        while True:
            while len(handed) < self._size and (chosen := choose(waiting, handed, cancelled, self._size)) is not None:
                if chosen.task.job_id == job_id:
                    return clock
                waiting.remove(chosen)
                handed[chosen.task.job_id] = chosen
                ends[chosen.task.job_id] = clock + (0.0 if chosen.task.job_id in cancelled else expected(chosen))
            if not handed:  # nothing would ever free a worker for it (cannot happen with the rules above)
                return clock
            freed = min(handed, key=ends.__getitem__)
            clock = max(clock, ends.pop(freed))
            del handed[freed]

    # ---- whose turn ----
    def _hand_out(self) -> None:
        """Give every free worker a run (called with the lock held)."""
        while len(self._handed) < self._size and (chosen := self._next()) is not None:
            self._waiting.remove(chosen)
            self._handed[chosen.task.job_id] = chosen
            self._tasks.put(chosen.task)

    def _next(self) -> Waiting | None:
        return choose(self._waiting, self._handed, self._cancelled, self._size)

    @property
    def submitted(self) -> int:
        """How many runs were ever submitted (each is trained once)."""
        with self._lock:
            return self._submitted

    @property
    def epochs_trained(self) -> int:
        """How many epochs the workers have trained, over all runs (a continued run adds only its new ones)."""
        with self._lock:
            return self._epochs_trained

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
                logger.exception("a trainer report could not be read; skipped")
                continue
            try:
                self._deliver(*message)
            except Exception:  # the pool's own bookkeeping failed: log it, and keep every other run's reports going
                logger.exception("a trainer report could not be delivered: %.200r", message)

    def _deliver(self, kind: str, job_id: int, *payload: Any) -> None:
        with self._lock:
            listener = self._listeners.get(job_id)
            if kind == "start":
                (index,) = payload
                self._running[index] = job_id
                self._started[job_id] = time.monotonic()
                if job_id in self._cancelled:
                    self._cancel[index] = job_id
            elif kind == "final":
                self._epochs_trained += payload[1]
            elif kind in ("done", "error"):
                self._listeners.pop(job_id, None)
                self._cancelled.discard(job_id)
                self._started.pop(job_id, None)
                for index, running in list(self._running.items()):
                    if running == job_id:
                        del self._running[index]
                        self._cancel[index] = NO_JOB
                self._handed.pop(job_id, None)
                self._hand_out()
        if listener is not None:
            self._tell(listener, kind, job_id, payload)

    def _tell(self, listener: Listener, kind: str, job_id: int, payload: tuple) -> None:
        """Hand a report to its run's listener. A listener that raises (a bug) is logged with its
        traceback and its run ends with the error, so that it shows, rather than waiting for
        reports that will never be taken; every other run's reports keep going."""
        try:
            if kind == "start":
                listener.on_start()
            elif kind == "progress":
                listener.on_progress(*payload)
            elif kind == "final" and hasattr(listener, "on_final"):  # optional: a listener that keeps the optimizer
                listener.on_final(payload[0])
            elif kind == "done":
                listener.on_done(*payload)
            elif kind == "error":
                listener.on_error(*payload)
        except Exception as error:
            logger.exception("run %s: its listener failed on a %r report", job_id, kind)
            if kind in ("done", "error"):
                return  # the run has ended: nothing more to stop
            self.cancel(job_id)  # the worker stops; its last reports find no listener
            with self._lock:
                self._listeners.pop(job_id, None)
            try:
                listener.on_error(f"the app failed to take this run's {kind} report ({type(error).__name__}: {error})")
            except Exception:
                logger.exception("run %s: its listener failed on the error report too", job_id)

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

"""What the app shares between sessions, through Streamlit's resource cache.

``SharedRuns`` is one store of ``TrainingJob``s keyed by configuration, handed to every session
(it is itself the ``st.cache_resource`` object), so a class opening one link trains it once. It
is one least-recently-used store bounded twice: by entries (``MAX_CACHED_RUNS``) and by the
memory its jobs hold (``MAX_CACHED_BYTES``; the least recently asked-for go first). Letting a job
go only drops the store's reference: a session that holds it keeps it, unchanged.

The notebook's fresh-points test (``runs/fresh.py``) is cached here too, per run.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from scratchnet.app.runs import fresh
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.runs.result import DataSplit, RunResult

MAX_CACHED_RUNS = 128  # a sweep alone may ask for 64
MAX_CACHED_BYTES = 200_000_000  # a run holds at most ~9 MB (100 000 epochs of history, 4 MB of snapshots)


class SharedRuns:
    """A thread-safe LRU of training jobs by configuration, bounded by count and by bytes."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[RunConfig, TrainingJob] = OrderedDict()  # least recently asked-for first
        self._lock = threading.Lock()  # sessions ask from their own threads: one at a time here

    def job(
        self, config: RunConfig, data: DataSplit | None = None, owner: str = "", parent: RunResult | None = None
    ) -> TrainingJob:
        """The job for ``config``: the one already there, or a new one started now (also in place of
        one that was cancelled or failed, so pressing Train again trains again). A new one grows from
        ``parent`` (a shorter run of the same config) when given: only the missing epochs train."""
        with self._lock:
            job = self._jobs.get(config)
            if job is None or job.stopped_early:
                job = self._jobs[config] = TrainingJob(config, data, owner=owner, parent=parent)
            self._jobs.move_to_end(config)
            self._let_go()
            return job

    def _let_go(self) -> None:
        """Drop the least recently asked-for jobs beyond the bounds (the newest always stays)."""
        while len(self._jobs) > MAX_CACHED_RUNS:  # the bounds of the moment (a test may lower them)
            self._jobs.popitem(last=False)
        total = sum(job.nbytes for job in self._jobs.values())
        while total > MAX_CACHED_BYTES and len(self._jobs) > 1:
            _, old = self._jobs.popitem(last=False)
            total -= old.nbytes

    @property
    def nbytes(self) -> int:
        with self._lock:
            return sum(job.nbytes for job in self._jobs.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)

    def clear(self) -> None:
        with self._lock:
            self._jobs.clear()


@st.cache_resource(show_spinner=False)
def shared_runs() -> SharedRuns:
    """The one store every session shares (made on first use)."""
    return SharedRuns()


def _session() -> str:
    """The browser session asking (the trainer pool takes turns between sessions); "" outside one."""
    context = get_script_run_ctx(suppress_warning=True)
    return context.session_id if context is not None else ""


def start_run(config: RunConfig, data: DataSplit | None = None, parent: RunResult | None = None) -> TrainingJob:
    """The shared job for ``config`` (already trained, training, or started now).

    Uploaded data must come with a ``config.data_id`` that fingerprints it: the store keys on the
    config alone. ``parent``: a shorter run of the same config to continue (Step, Continue).
    """
    return shared_runs().job(config, data, _session(), parent)


def cached_bytes() -> int:
    """About how much memory the shared runs hold."""
    return shared_runs().nbytes


def clear_runs() -> None:
    shared_runs().clear()


@st.cache_data(max_entries=64, show_spinner=False)
def _fresh_accuracy(config: RunConfig, epoch: int, _result: RunResult) -> float:
    return fresh.fresh_accuracy(_result)


def fresh_accuracy(result: RunResult) -> float:
    """``runs.fresh.fresh_accuracy``, computed once per run (keyed by its config and shown epoch)."""
    return _fresh_accuracy(result.config, result.shown_epoch, result)

"""What the app shares between sessions, through Streamlit's resource cache.

A cached ``TrainingJob`` is handed to every session that asks for the same configuration, so a
class opening one link trains it once. The cache is bounded twice: by entries
(``MAX_CACHED_RUNS``) and by the memory its jobs hold (``MAX_CACHED_BYTES``; the least recently
asked-for jobs go first). An evicted job lives on only as long as some session still holds it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import scratchnet as sn
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.runs.result import DataSplit

MAX_CACHED_RUNS = 128  # a sweep alone may ask for 64
MAX_CACHED_BYTES = 200_000_000  # a run holds at most ~9 MB (100 000 epochs of history, 4 MB of snapshots)

_recent: OrderedDict[RunConfig, int] = OrderedDict()  # cached configs, least recently asked-for first: bytes
_recent_lock = threading.Lock()


@st.cache_resource(max_entries=MAX_CACHED_RUNS, show_spinner=False)
def _training_job(config: RunConfig, _data: DataSplit | None = None, _owner: str = "") -> TrainingJob:
    return TrainingJob(config, _data, owner=_owner)


def _session() -> str:
    """The browser session asking (the trainer pool takes turns between sessions); "" outside one."""
    context = get_script_run_ctx(suppress_warning=True)
    return context.session_id if context is not None else ""


def start_run(config: RunConfig, data: DataSplit | None = None) -> TrainingJob:
    """The shared job for ``config`` (already trained, training, or started now).

    Uploaded data must come with a ``config.data_id`` that fingerprints it: the cache keys on the
    config alone. A job that was cancelled is replaced, so pressing Train again trains again.
    """
    job = _training_job(config, data, _session())
    if job.stopped_early:
        _training_job.clear(config)
        job = _training_job(config, data, _session())
    for old in _note(config, job.nbytes):
        _training_job.clear(old)
    return job


def _note(config: RunConfig, nbytes: int) -> list[RunConfig]:
    """Record that ``config`` was just asked for; returns the configs to drop to stay in the byte budget."""
    with _recent_lock:
        _recent[config] = nbytes
        _recent.move_to_end(config)
        while len(_recent) > MAX_CACHED_RUNS:  # the cache itself dropped these (it keeps the same order)
            _recent.popitem(last=False)
        total, dropped = sum(_recent.values()), []
        while total > MAX_CACHED_BYTES and len(_recent) > 1:
            old, size = _recent.popitem(last=False)
            total -= size
            dropped.append(old)
        return dropped


def cached_bytes() -> int:
    """About how much memory the cached runs hold."""
    with _recent_lock:
        return sum(_recent.values())


def clear_runs() -> None:
    _training_job.clear()
    with _recent_lock:
        _recent.clear()


@st.cache_data(max_entries=64, show_spinner=False)
def fresh_points_accuracy(config: RunConfig, epoch: int, _network: sn.Network, samples: int = 1000) -> float:
    """Accuracy on ``samples`` new points per class from the same dataset (a different seed):
    the notebook's held-out test. Keyed by the config and the epoch the network is from."""
    X, y = sn.make_dataset(config.dataset, samples, config.classes, config.noise, seed=config.data_seed + 1)
    with np.errstate(all="ignore"):
        return float(np.mean(_network.predict(X) == y))

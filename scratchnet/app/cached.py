"""What the app shares between sessions, through Streamlit's resource cache.

A cached ``TrainingJob`` is handed to every session that asks for the same configuration, so a
class opening one link trains it once. The cache is bounded; an evicted job lives on only as
long as some session still holds it.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import scratchnet as sn

from .config import RunConfig
from .jobs import TrainingJob
from .runs import DataSplit

MAX_CACHED_RUNS = 48


@st.cache_resource(max_entries=MAX_CACHED_RUNS, show_spinner=False)
def _training_job(config: RunConfig, _data: DataSplit | None = None) -> TrainingJob:
    return TrainingJob(config, _data)


def start_run(config: RunConfig, data: DataSplit | None = None) -> TrainingJob:
    """The shared job for ``config`` (already trained, training, or started now).

    Uploaded data must come with a ``config.data_id`` that fingerprints it: the cache keys on the
    config alone. A job that was cancelled is replaced, so pressing Train again trains again.
    """
    job = _training_job(config, data)
    if job.stopped_early:
        _training_job.clear(config)
        job = _training_job(config, data)
    return job


def clear_runs() -> None:
    _training_job.clear()


@st.cache_data(max_entries=64, show_spinner=False)
def fresh_points_accuracy(config: RunConfig, epoch: int, _network: sn.Network, samples: int = 1000) -> float:
    """Accuracy on ``samples`` new points per class from the same dataset (a different seed):
    the notebook's held-out test. Keyed by the config and the epoch the network is from."""
    X, y = sn.make_dataset(config.dataset, samples, config.classes, config.noise, seed=config.data_seed + 1)
    with np.errstate(all="ignore"):
        return float(np.mean(_network.predict(X) == y))

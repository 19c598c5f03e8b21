"""What the app shares between sessions and keeps for its redraws, through Streamlit's caches.

``SharedRuns`` is one store of ``TrainingJob``s keyed by configuration, handed to every session
(it is itself the ``st.cache_resource`` object), so a class opening one link trains it once. It
is one least-recently-used store bounded twice: by entries (``MAX_CACHED_RUNS``) and by the
memory its jobs hold (``MAX_CACHED_BYTES``; the least recently asked-for go first). Letting a job
go only drops the store's reference: a session that holds it keeps it, unchanged.

The notebook's fresh-points test (``runs/fresh.py``) is cached here too, per run.

The speed devices for a finished run's charts live here too (``# ---- chart pieces ----``), so that
a toggle or a replay move redraws from what was already worked out:

- ``network_key(config, net)``: what a network's charts are keyed by, a digest of its
  configuration (which fixes the data, the features and the classes) and of its parameters — a
  replay snapshot, the final network or a paused one each get their own, and two sessions with the
  same network share one. ``history_key`` does the same for a run's loss curve.
- ``map_frames``: the decision map's grid and the points' predictions (the forward passes), per
  network: Confidence and Points redraw the map without predicting again.
- ``diagram``: the network diagram's unit maps and lines (``playground.logic.diagram``), per network.
- ``unit_map``: the selected unit's large map, per network and unit.
- ``show_chart``: ``st.altair_chart`` without the schema check (what is not kept: live charts, pages).
- ``chart_spec`` + ``draw``: a chart as Streamlit sends it (the Vega-Lite spec with its tables as
  Arrow), built once per (kind, key, options) and redrawn with ``st.vega_lite_chart``: no Altair
  objects, no schema check, no table conversion on a cached redraw.
- ``with_marker``: the replay's marker added to a loss curve kept without it, so a replay move
  rebuilds no curve.

What is kept is kept with ``st.cache_data``: each session gets its own copy of what it reads, so
nothing a session holds is ever changed by another, and every cache is bounded by entries. Live
charts (a run still training) are drawn afresh: their network changes with every redraw.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
from streamlit.runtime.scriptrunner import get_script_run_ctx

import scratchnet as sn
from scratchnet.app.playground import logic
from scratchnet.app.plots import frames
from scratchnet.app.runs import fresh
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.runs.result import DataSplit, RunResult
from scratchnet.app.runs.trainer import get_pool

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


def new_run_wait(config: RunConfig) -> tuple[int, float | None]:
    """(runs ahead, seconds to wait) for a new run of ``config`` from this session (``TrainerPool.new_run_wait``)."""
    return get_pool().new_run_wait(config, _session())


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


# ---- chart pieces ------------------------------------------------------------------------------
MAX_CHARTS = 128  # chart specs kept: at most ~0.6 MB each (a 10 000-point map), most a few kB
MAX_NETWORKS = 32  # networks whose predictions (~1 MB for 10 000 points), diagram and unit maps are kept


def _digest(config: RunConfig, arrays: list[np.ndarray]) -> str:
    hasher = hashlib.blake2b(repr(config).encode(), digest_size=16)
    for array in arrays:
        array = np.ascontiguousarray(array)
        hasher.update(f"{array.dtype}{array.shape}".encode())
        hasher.update(array.data)
    return hasher.hexdigest()


def network_key(config: RunConfig, net: sn.Network) -> str:
    """What ``net``'s charts are cached by: its configuration and its parameters, as a digest
    (a millisecond for the largest network the controls allow)."""
    return _digest(config, [net.params[name] for name in sorted(net.params)])


def history_key(config: RunConfig, history: sn.History) -> str:
    """What a run's loss curve is cached by: its configuration and every column it draws."""
    return _digest(config, [history.column(name) for name in history.names])


@st.cache_data(max_entries=MAX_NETWORKS, show_spinner=False)
def _map_frames(
    key: str, resolution: int, _net: sn.Network, _config: RunConfig, _data: DataSplit
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        frames.grid_frame(_net, _data, resolution, features=_config.features),
        frames.points_frame(_net, _data, features=_config.features),
    )


def map_frames(
    key: str, net: sn.Network, config: RunConfig, data: DataSplit, resolution: int = frames.GRID_RESOLUTION
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The decision map's grid and the points with their predictions, for the network ``key`` names."""
    return _map_frames(key, resolution, net, config, data)


@st.cache_data(max_entries=MAX_NETWORKS, show_spinner=False)
def _diagram(key: str, _net: sn.Network, _config: RunConfig, _data: DataSplit) -> logic.Diagram:
    return logic.diagram(_net, _data, _config.features)


def diagram(key: str, net: sn.Network, config: RunConfig, data: DataSplit) -> logic.Diagram:
    """``playground.logic.diagram`` of the network ``key`` names."""
    return _diagram(key, net, config, data)


@st.cache_data(max_entries=MAX_NETWORKS, show_spinner=False)
def _unit_map(
    key: str, layer: int, unit: int, _net: sn.Network, _config: RunConfig, _data: DataSplit
) -> tuple[str, float, float]:
    return logic.unit_map(_net, _data, _config.features, layer, unit)


def unit_map(
    key: str, net: sn.Network, config: RunConfig, data: DataSplit, layer: int, unit: int
) -> tuple[str, float, float]:
    """``playground.logic.unit_map`` of one unit of the network ``key`` names."""
    return _unit_map(key, layer, unit, net, config, data)


def _unchecked(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``chart``, its ``to_dict()`` made to skip the Vega-Lite schema check."""
    object.__setattr__(chart, "to_dict", functools.partial(chart.to_dict, validate=False))
    return chart


def show_chart(figure: alt.TopLevelMixin, **options: Any) -> None:
    """``st.altair_chart``, without checking the spec against the Vega-Lite schema on every redraw.

    That check is a third of a cached page's redraw. The chart builders are pure functions,
    checked once against the schema by the tests; here Streamlit's own ``to_dict()`` skips it.
    """
    st.altair_chart(_unchecked(figure), **options)


def spec_of(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """A chart as ``st.altair_chart`` sends it: its Vega-Lite spec, its tables as Arrow bytes.

    The schema check is skipped: the builders are pure functions checked against the schema by the
    tests (and a third of a redraw went on checking the same spec again)."""
    return _convert_altair_to_vega_lite_spec(_unchecked(chart))


@st.cache_data(max_entries=MAX_CHARTS, show_spinner=False)
def _chart_spec(kind: str, key: str, options: tuple, _build: Callable[[], alt.TopLevelMixin]) -> dict[str, Any]:
    return spec_of(_build())


def chart_spec(kind: str, key: str, options: tuple, build: Callable[[], alt.TopLevelMixin]) -> dict[str, Any]:
    """The spec of the chart ``build()`` makes, built once per ``kind`` ("map", "loss", "diagram"…),
    ``key`` (``network_key`` / ``history_key``) and ``options`` (everything else the chart reads)."""
    return _chart_spec(kind, key, options, build)


def with_marker(loss: dict[str, Any], marker: dict[str, Any], *, below: int = 0) -> dict[str, Any]:
    """A loss chart's spec (``charts.loss_chart`` drawn without a marker) with the replay marker's
    (``charts.replay_marker``) added to its top plot, ``below`` layers from the top (the best-epoch
    rule and label stay over it, as ``loss_chart(marker=...)`` draws them). Nothing is changed in place."""
    top = loss["vconcat"][0]
    layers = list(top["layer"])
    layers.insert(len(layers) - below, {name: marker[name] for name in ("data", "mark", "encoding")})
    return {
        **loss,
        "vconcat": [{**top, "layer": layers}, *loss["vconcat"][1:]],
        "datasets": {**loss.get("datasets", {}), **marker["datasets"]},
    }


def draw(spec: dict[str, Any], **options: Any) -> None:
    """Draw a ``chart_spec`` (``options`` as for ``st.altair_chart``: ``width=``…)."""
    st.vega_lite_chart(spec, **options)

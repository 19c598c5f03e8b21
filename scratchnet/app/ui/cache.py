"""What the app shares between sessions and keeps for its redraws, through Streamlit's caches.

``SharedRuns`` is one store of ``TrainingJob``s keyed by configuration, handed to every session
(it is itself the ``st.cache_resource`` object), so a class opening one link trains it once. It
is one least-recently-used store bounded twice: by entries (``MAX_CACHED_RUNS``) and by the
memory its jobs hold (``MAX_CACHED_BYTES``; the least recently asked-for go first). Letting a job
go only drops the store's reference: a session that holds it keeps it, unchanged.

The notebook's fresh-points test (``runs/fresh.py``) is cached here too, per run.

Every chart is drawn one way (``# ---- drawing ----``): ``spec_of`` turns an Altair chart into its
Vega-Lite spec with its tables kept as Arrow tables, and ``st.vega_lite_chart`` draws it. A finished
run's charts keep what was worked out, so that a toggle or a replay move
redraws from it (``# ---- chart pieces ----``):

- ``network_key(config, net)``: what a network's charts are keyed by, a digest of its
  configuration (which fixes the data, the features and the classes) and of its parameters — a
  replay snapshot, the final network or a paused one each get their own, and two sessions with the
  same network share one. ``history_key`` does the same for a run's loss curve.
- ``network_piece``: what is worked out from one network, per network and options: the decision
  map's tables (the forward passes: Confidence and Points redraw the map without predicting again),
  the Playground's diagram, a unit's large map, Under the hood's unit maps.
- ``chart_spec`` + ``draw``: a chart's spec, built once per (kind, key, options) and redrawn
  as it is; ``with_tables``: drawn with a named table given at the time (a loss curve's replay
  marker: a replay move builds no curve); ``show_chart``: a chart drawn now (a live one, or one a
  page draws once).

What is kept is kept with ``st.cache_data``: each session gets its own copy of what it reads, so
nothing a session holds is ever changed by another, and every cache is bounded by entries. Live
charts (a run still training) are drawn afresh: their network changes with every redraw.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

import scratchnet as sn
from scratchnet.app.runs import fresh, view
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.runs.result import DataSplit, RunResult
from scratchnet.app.runs.trainer import get_pool
from scratchnet.app.ui import session

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

    def keep(self, config: RunConfig, result: RunResult) -> None:
        """Keep ``result`` as the finished run of ``config`` (unless a run of it is already there)."""
        with self._lock:
            if config not in self._jobs:
                self._jobs[config] = TrainingJob.finished(result, whole=True)
                self._let_go()

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


def new_run_wait(config: RunConfig) -> tuple[int, float | None]:
    """(runs ahead, seconds to wait) for a new run of ``config`` from this session (``TrainerPool.new_run_wait``)."""
    return get_pool().new_run_wait(config, session.watcher_id())


def start_run(config: RunConfig, data: DataSplit | None = None, parent: RunResult | None = None) -> TrainingJob:
    """The shared job for ``config`` (already trained, training, or started now), this session noted
    as watching it (a Cancel elsewhere then leaves it training for this session).

    Uploaded data must come with a ``config.data_id`` that fingerprints it: the store keys on the
    config alone. ``parent``: a shorter run of the same config to continue (Step, Continue).
    """
    job = shared_runs().job(config, data, session.watcher_id(), parent)  # the pool takes turns by session
    job.watch(session.watcher_id())
    return job


def keep_paused(result: RunResult) -> None:
    """A paused run is the run of the epochs it reached (``runs.view.screen_config``): kept as that
    run, so its link opens this very result (its replay too) rather than training it again."""
    if result.status == "cancelled" and result.history.epochs_run:
        shared_runs().keep(view.screen_config(result), result)


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


@st.cache_data(max_entries=256, show_spinner=False)
def _tiles(config: RunConfig, status: str, epochs_run: int, epoch: int, _result: RunResult) -> view.Tiles:
    return view.tiles_at(_result, epoch)


def tiles(result: RunResult, epoch: int | None) -> view.Tiles:
    """``runs.view.tiles_at``, computed once per run and epoch (a run is named by its configuration,
    status and length: equal ones are the same run), so moving the replay back and forth stays fast."""
    if epoch is None:
        return view.final_tiles(result)
    return _tiles(result.config, result.status, result.history.epochs_run, epoch, result)


# ---- chart pieces ------------------------------------------------------------------------------
MAX_CHARTS = 128  # chart specs kept: at most ~0.6 MB each (a 10 000-point map), most a few kB
#: pieces of networks kept: a map's tables (~1 MB for 10 000 points), a diagram, unit maps; about two per
#: network drawn (its map's tables and its diagram), so some 32 networks
MAX_NETWORKS = 64


def _digest(config: RunConfig, arrays: list[np.ndarray]) -> str:
    hasher = hashlib.blake2b(repr(config).encode(), digest_size=16)
    for array in arrays:
        array = np.ascontiguousarray(array)
        hasher.update(f"{array.dtype}{array.shape}".encode())
        hasher.update(array.data)
    return hasher.hexdigest()


def network_key(config: RunConfig, net: sn.Network | dict[str, np.ndarray]) -> str:
    """What ``net``'s charts are cached by (a network, or its parameters as a snapshot keeps them):
    its configuration and its parameters, as a digest (a millisecond for the largest network the
    controls allow). The one digest of a network the app has."""
    params = net.params if isinstance(net, sn.Network) else net
    return _digest(config, [params[name] for name in sorted(params)])


def history_key(config: RunConfig, history: sn.History) -> str:
    """What a run's loss curve is cached by: its configuration and every column it draws."""
    return _digest(config, [history.column(name) for name in history.names])


@st.cache_data(max_entries=MAX_NETWORKS, show_spinner=False)
def _network_piece(kind: str, key: str, options: tuple, _build: Callable[[], Any]) -> Any:
    return _build()


def network_piece(kind: str, key: str, options: tuple, build: Callable[[], Any]) -> Any:
    """What ``build()`` works out from the network ``key`` names (a decision map's tables, the
    Playground's diagram, a unit's large map…), once per ``kind``, ``key`` and ``options``
    (everything else it reads)."""
    return _network_piece(kind, key, options, build)


# ---- drawing: the one path every chart takes ------------------------------------------------------
#: Altair's data transformers and themes are process-wide settings: one conversion at a time.
_altair_settings = threading.Lock()
_TABLES = "scratchnet_tables"  # the data transformer that keeps a chart's tables as they are


def _table_name(table: pd.DataFrame) -> str:
    """A table's name in a spec, from its content (equal tables, equal names: a redraw with the
    same data sends the same spec)."""
    hasher = hashlib.blake2b(repr(list(table.columns)).encode(), digest_size=12)
    hasher.update(pd.util.hash_pandas_object(table, index=True).to_numpy().tobytes())
    return f"table_{hasher.hexdigest()}"


def _keep_tables(data: Any, tables: dict[str, Any]) -> dict[str, Any]:
    """A data transformer (Altair's public registry): a table becomes a named dataset, kept as an
    Arrow table (what Streamlit sends; a kept chart then costs no conversion when it is drawn again)
    instead of a list of JSON records. A table Arrow cannot take as it is stays a DataFrame, for
    Streamlit to fix its column types."""
    if isinstance(data, pd.DataFrame):
        name = _table_name(data)
        try:
            tables[name] = pa.Table.from_pandas(data, nthreads=1)  # a pool per small table costs more than it saves
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
            tables[name] = data
        return {"name": name}
    return alt.to_values(data)


alt.data_transformers.register(_TABLES, _keep_tables)


def spec_of(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """``chart``'s Vega-Lite spec, its tables as Arrow tables in ``spec["datasets"]``: what
    ``st.vega_lite_chart`` draws (it sends each table as it is).

    Public APIs only: Altair's ``to_dict(validate=False)`` (the builders are pure functions whose
    specs the tests check against the schema once: checking every redraw was a third of a cached
    page's time), a registered data transformer, and the theme "none" (Streamlit's own theme
    applies in the browser). A chart is never changed."""
    tables: dict[str, Any] = {}
    with _altair_settings, alt.theme.enable("none"), alt.data_transformers.enable(_TABLES, tables=tables):
        spec = chart.to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), **tables}
    return spec


def show_chart(figure: alt.TopLevelMixin, **options: Any) -> Any:
    """Draw an Altair chart now (a live one, or one a page draws once): ``options`` as for
    ``st.vega_lite_chart`` (``width=``, ``on_select=``, ``key=``…)."""
    return st.vega_lite_chart(spec_of(figure), **options)


@st.cache_data(max_entries=MAX_CHARTS, show_spinner=False)
def _chart_spec(kind: str, key: str, options: tuple, _build: Callable[[], alt.TopLevelMixin]) -> dict[str, Any]:
    return spec_of(_build())


def chart_spec(kind: str, key: str, options: tuple, build: Callable[[], alt.TopLevelMixin]) -> dict[str, Any]:
    """The spec of the chart ``build()`` makes, built once per ``kind`` ("map", "loss", "diagram"…),
    ``key`` (``network_key`` / ``history_key``) and ``options`` (everything else the chart reads)."""
    return _chart_spec(kind, key, options, build)


def with_tables(spec: dict[str, Any], tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """``spec`` drawn with these named tables too (Vega-Lite's own "datasets": a chart built with
    ``alt.NamedData(name)`` reads the table of that name), e.g. a kept loss curve with the replay's
    marker. Nothing is changed in place."""
    return {
        **spec,
        "datasets": {
            **spec.get("datasets", {}),
            **{name: pa.Table.from_pandas(t, nthreads=1) for name, t in tables.items()},
        },
    }


def draw(spec: dict[str, Any], **options: Any) -> None:
    """Draw a ``chart_spec`` (``options`` as for ``show_chart``)."""
    st.vega_lite_chart(spec, **options)

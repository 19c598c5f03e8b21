"""The Sweep page's state (drawn by ``sweep/view.py``): its axes, the sweep this session started, the
cells it stopped and the cell it picked."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from scratchnet.app.runs.result import RunResult

# ---- sweep -----------------------------------------------------------------------------------------
SWEEP_RUN = "sweep.run"  # the sweep this session started (a SweepRun)
SWEEP_STOPPED = "sweep.stopped"  # cell index -> what it had learned when this session cancelled it
SWEEP_PICK = "sweep.cell"
SWEEP_CHART = "sweep.chart"
SWEEP_METRIC = "sweep.metric"
SWEEP_CANCEL = "sweep.cancel"
SWEEP_OPEN = "sweep.open"
SWEEP_PANEL = "sweep.panel"  # the fragment that redraws the map while cells train
SWEEP_BASE_PREFIX = "sweep.base."  # the base controls: the Playground's renderer under this prefix


def sweep_axis_key(side: str) -> str:
    """Which setting side "x" (across) or "y" (down) varies."""
    return f"sweep.{side}.name"


def sweep_value_keys(side: str, name: str) -> tuple[str, str, str]:
    """The range, count and typed-values widgets of setting ``name`` on side ``side``."""
    return f"sweep.{side}.range.{name}", f"sweep.{side}.count.{name}", f"sweep.{side}.typed.{name}"


def sweep_base_key(field: str) -> str:
    """The widget key of the Sweep's base control for ``field``."""
    return SWEEP_BASE_PREFIX + field


# ---- the axes and the base -------------------------------------------------------------------------
def sweep_axis(side: str, default: str | None = None) -> str | None:
    """The setting side ``side`` varies (its selectbox's value), ``default`` before it has one."""
    return st.session_state.get(sweep_axis_key(side), default)


def set_sweep_axis(side: str, name: str) -> None:
    st.session_state[sweep_axis_key(side)] = name


def default_sweep_axis(side: str, name: str, counts: Mapping[str, int]) -> None:
    """Give side ``side``'s widgets the values they start with, where they have none: setting ``name``, and
    for each setting (a key of ``counts``) its count of values from ``counts`` and no typed values."""
    st.session_state.setdefault(sweep_axis_key(side), name)
    for axis, count in counts.items():
        _, count_key, typed_key = sweep_value_keys(side, axis)
        st.session_state.setdefault(count_key, count)
        st.session_state.setdefault(typed_key, "")


def sweep_axis_values(side: str, name: str, default_range: tuple) -> tuple[tuple, int, str]:
    """What side ``side``'s widgets for setting ``name`` hold: (its range, its count, the values typed)."""
    range_key, count_key, typed_key = sweep_value_keys(side, name)
    state = st.session_state
    return state.get(range_key, default_range), state[count_key], state[typed_key]


def sweep_base_drawn() -> bool:
    """Whether the Sweep's base controls have values yet (they are loaded once per session)."""
    return sweep_base_key("epochs") in st.session_state


def set_sweep_base(field: str, value: object) -> None:
    """Set the Sweep's base control for ``field`` (before it is drawn, or in a callback)."""
    st.session_state[sweep_base_key(field)] = value


def default_sweep_metric(metric: str) -> None:
    st.session_state.setdefault(SWEEP_METRIC, metric)


# ---- the sweep this session started ----------------------------------------------------------------
def sweep_run():
    """The sweep this session started (a ``sweep.logic.SweepRun``), or None."""
    return st.session_state.get(SWEEP_RUN)


def start_sweep_run(run) -> None:
    """Make ``run`` this session's sweep: nothing stopped, its first cell picked."""
    st.session_state[SWEEP_RUN] = run
    st.session_state[SWEEP_STOPPED] = {}
    st.session_state[SWEEP_PICK] = 0


def sweep_stopped() -> dict[int, RunResult]:
    """Cell index -> what it had learned when this session cancelled it (a copy)."""
    return dict(st.session_state.get(SWEEP_STOPPED, {}))


def stop_sweep_cell(index: int, result: RunResult) -> None:
    st.session_state.setdefault(SWEEP_STOPPED, {})[index] = result


def sweep_chart_event():
    """The map's selection event (what was clicked), or None."""
    return st.session_state.get(SWEEP_CHART)


def sweep_pick() -> int:
    """The index of the cell picked (the first by default)."""
    return st.session_state.get(SWEEP_PICK, 0)


def set_sweep_pick(cell: int) -> None:
    st.session_state[SWEEP_PICK] = cell

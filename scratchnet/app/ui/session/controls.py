"""The controls' state: the Playground's sidebar (drawn by ``ui/controls.py``; other pages read them),
the points a session uploaded, and the bounds a class challenge keeps the controls within."""

from __future__ import annotations

from typing import Any

import streamlit as st

from scratchnet.app.runs.points import Points

# ---- the controls (the Playground's sidebar; other pages read them) ---------------------------------
CONTROL_PREFIX = "cfg."
USE_POINTS = CONTROL_PREFIX + "use_points"
POINTS = "points"  # this session's uploaded Points, kept when the uploader is emptied or the page changes
UPLOADER = "upload"
UPLOAD_ID = "upload.id"
UPLOAD_ERROR = "upload.error"
PRESET_CHOICE = "preset_choice"


def control_key(field: str, prefix: str = CONTROL_PREFIX) -> str:
    """The widget key of the control for ``field`` (a ``RunConfig`` field name, or "layers"); another
    page drawing the same controls for its own configuration gives its own ``prefix``."""
    return prefix + field


def units_key(layer: int, prefix: str = CONTROL_PREFIX) -> str:
    """The widget key of the units slider of hidden layer ``layer`` (from 0)."""
    return prefix + f"units{layer}"


def control_value(key: str, default: Any = None) -> Any:
    """The value the control keyed ``key`` holds (``default`` before it is drawn, loaded or set)."""
    return st.session_state.get(key, default)


def has_control_value(key: str) -> bool:
    """The control keyed ``key`` holds a value (it was drawn, loaded or set)."""
    return key in st.session_state


def set_control_value(key: str, value: Any) -> None:
    """Give the control keyed ``key`` ``value`` (before it is drawn, or in a callback)."""
    st.session_state[key] = value


def init_control_value(key: str, value: Any) -> None:
    """Give the control keyed ``key`` ``value`` unless it holds one already (before it is drawn)."""
    st.session_state.setdefault(key, value)


def preset_choice() -> str:
    """The preset the picker shows (read in its button's callback, once the picker is drawn)."""
    return st.session_state[PRESET_CHOICE]


# ---- this session's own points (uploaded or drawn) ------------------------------------------------
def my_points() -> Points | None:
    """The points this session uploaded or drew last, or None before any."""
    return st.session_state.get(POINTS)


def set_my_points(points: Points) -> None:
    """Make ``points`` the session's own and train on them (an upload read, a drawing used); from a
    callback or before the controls are drawn: the toggle's value may change only then."""
    st.session_state[POINTS], st.session_state[USE_POINTS] = points, True


def use_points() -> bool:
    """The student chose to train on the session's own points (the toggle), rather than a built-in dataset."""
    return bool(st.session_state.get(USE_POINTS))


def set_use_points(on: bool) -> None:
    """Train on this session's uploaded points (True) or a built-in dataset, before the controls are drawn."""
    st.session_state[USE_POINTS] = on


def upload_id() -> str | None:
    """The id of the file the uploader last read (a file is read once, when it arrives)."""
    return st.session_state.get(UPLOAD_ID)


def set_upload_id(file_id: str) -> None:
    st.session_state[UPLOAD_ID] = file_id


def upload_error() -> str | None:
    """Why the last file uploaded was refused (None when it was read)."""
    return st.session_state.get(UPLOAD_ERROR)


def set_upload_error(message: str | None) -> None:
    st.session_state[UPLOAD_ERROR] = message


CONTROL_LIMITS = "control_limits"  # bounds the session's Playground controls keep (a class challenge's)


def control_limits() -> dict[str, tuple]:
    """The bounds this session's Playground controls are drawn with (``controls.controls``'s ``limits``)."""
    return st.session_state.get(CONTROL_LIMITS, {})


def set_control_limits(limits: dict[str, tuple]) -> None:
    st.session_state[CONTROL_LIMITS] = dict(limits)

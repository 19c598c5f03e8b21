"""The controls' state: the Playground's sidebar (drawn by ``ui/controls.py``; other pages read them),
the points a session uploaded, and the bounds a class challenge keeps the controls within."""

from __future__ import annotations

import streamlit as st

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


def set_use_points(on: bool) -> None:
    """Train on this session's uploaded points (True) or a built-in dataset, before the controls are drawn."""
    st.session_state[USE_POINTS] = on


CONTROL_LIMITS = "control_limits"  # bounds the session's Playground controls keep (a class challenge's)


def control_limits() -> dict[str, tuple]:
    """The bounds this session's Playground controls are drawn with (``controls.controls``'s ``limits``)."""
    return st.session_state.get(CONTROL_LIMITS, {})


def set_control_limits(limits: dict[str, tuple]) -> None:
    st.session_state[CONTROL_LIMITS] = dict(limits)

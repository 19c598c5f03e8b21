"""Under the hood's state (drawn by ``under_the_hood/view.py``): the step-through this session holds
and its choices, and the snapshot "Inside a trained network" shows."""

from __future__ import annotations

from typing import Any

import streamlit as st

# ---- under the hood --------------------------------------------------------------------------------
HOOD_TAB = "hood.tab"
STEP_STATE = "step.state"  # this session's step-through (a TinyState)
STEP_HIDDEN = "step.hidden"
STEP_ACTIVATION = "step.activation"
STEP_FEATURES = "step.features"
STEP_POINTS = "step.points"
STEP_SEED = "step.seed"
STEP_LR = "step.lr"
STEP_TAKE = "step.take"
STEP_TAKE_BOTTOM = "step.take_bottom"
STEP_RESET = "step.reset"
HOOD_EPOCH = "hood.epoch"  # the snapshot "Inside a trained network" shows
HOOD_LAYER = "hood.layer"
HOOD_WAITING = "hood.waiting"  # the fragment that waits for the run to look inside

_STEP_CHOICES = {
    "hidden": STEP_HIDDEN,
    "activation": STEP_ACTIVATION,
    "points": STEP_POINTS,
    "seed": STEP_SEED,
    "features": STEP_FEATURES,
}


def step_choices() -> dict[str, Any]:
    """The step-through's choices drawn so far, by ``TinySpec`` field (a choice not drawn yet is left out)."""
    return {field: st.session_state[key] for field, key in _STEP_CHOICES.items() if key in st.session_state}


def step_lr(default: float) -> float:
    """The step-through's learning rate (``default`` before its slider is drawn)."""
    return st.session_state.get(STEP_LR, default)


def step_state():
    """This session's step-through (an ``under_the_hood.tiny.TinyState``), or None before the first."""
    return st.session_state.get(STEP_STATE)


def set_step_state(state) -> None:
    st.session_state[STEP_STATE] = state


def hood_epoch() -> int | None:
    """The snapshot epoch "Inside a trained network" shows (its slider's value), or None before it is drawn."""
    return st.session_state.get(HOOD_EPOCH)


def set_hood_epoch(epoch: int) -> None:
    """Move "Inside a trained network" to ``epoch`` (before its slider is drawn)."""
    st.session_state[HOOD_EPOCH] = epoch

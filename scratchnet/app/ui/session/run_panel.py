"""The run panel's state: its result views' widget keys, the run controls (step, continue, back to
epoch 0, best epoch; drawn by ``ui/run_controls.py``) and the share panel (``ui/links.py``)."""

from __future__ import annotations

import streamlit as st

# ---- the run panel ---------------------------------------------------------------------------------
CANCEL = "cancel_run"
RUN_PANEL_LIVE = "run_panel"  # the fragment that redraws the session's run while it trains
RESULT = "result"  # the prefix of the result view's widgets, unless a page gives its own


def view_key(view: str, name: str) -> str:
    """A widget key of a result view: ``view`` names the view (e.g. "result"), ``name`` the widget."""
    return f"{view}.{name}"


# ---- run controls (step, continue, back to epoch 0, best epoch; owner: ui/run_controls.py) ----------
CONTINUE_EPOCHS = "run.continue_epochs"
CONTINUE = "run.continue"
RESET = "run.reset"
RUN_REFUSAL = "run.refusal"  # why the last Step or Continue was refused, shown once under the buttons


def continue_epochs(default: int) -> object:
    """The "Epochs to continue" box's value (what the student typed: checked before use), ``default``
    before it is first drawn."""
    return st.session_state.setdefault(CONTINUE_EPOCHS, default)


def run_refusal() -> str | None:
    """Why the last Step or Continue was refused, once (None when it was not)."""
    return st.session_state.pop(RUN_REFUSAL, None)


def set_run_refusal(refusal: str) -> None:
    st.session_state[RUN_REFUSAL] = refusal


def step_key(epochs: int) -> str:
    """The key of the button that trains the session's run ``epochs`` more epochs."""
    return f"run.step{epochs}"


def best_epoch_key(view: str) -> str:
    """The key of the button that moves the replay of result view ``view`` to its best epoch."""
    return view_key(view, "best")


# ---- the share panel -------------------------------------------------------------------------------
SHARE_HIDE = "share.hide"
SHARE_PRESET = "share.preset"
SHARE_URL = "share.url"
SHARE_CLASSROOM_URL = "share.classroom_url"


def reset_share_box(key: str, url: str) -> None:
    """Put ``url`` back in the share box ``key`` (``SHARE_URL`` or ``SHARE_CLASSROOM_URL``) before it is
    drawn, so an accidental edit never sticks."""
    st.session_state[key] = url

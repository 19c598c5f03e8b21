"""What ``ui/failure.py`` needs to tell a failure nobody foresaw: the page shown, the "Try again" keys,
and the session's simple values before and after the action that failed."""

from __future__ import annotations

import streamlit as st

# ---- a failure nobody foresaw (owner: ui/failure.py) ------------------------------------------------
LAST_STATE = "failure.last_state"  # the session's simple values after its last good page run
PAGE_SHOWN = "failure.page"  # the page this session draws (its fragments' failures are told as on it)
_SIMPLE = (str, int, float, bool, type(None))


def page_shown() -> str | None:
    return st.session_state.get(PAGE_SHOWN)


def set_page_shown(title: str) -> None:
    st.session_state[PAGE_SHOWN] = title


def failure_key(where: str, fragment: str | None = None) -> str:
    """The key of the "Try again" button of a failure on page ``where``, in fragment ``fragment``
    (its name) or, for None, of the whole page."""
    return f"failure.again.{where}.{fragment or 'page'}"


def _simple(value: object) -> bool:
    if isinstance(value, (tuple, list, set, frozenset)):
        return len(value) <= 20 and all(isinstance(item, _SIMPLE) for item in value)
    return isinstance(value, _SIMPLE)


def described() -> dict[str, str]:
    """This session's widget values and choices (the simple ones, each shortened), for a log line
    that lets a developer set the page up again. Runs, drawings and points are left out."""
    return {
        str(key): repr(value)[:80]
        for key, value in sorted(st.session_state.to_dict().items(), key=lambda item: str(item[0]))
        if key != LAST_STATE and _simple(value)
    }


def remember_state() -> None:
    """Keep the session's simple values as they are after a good run of a page."""
    st.session_state[LAST_STATE] = described()


def last_action() -> dict[str, str]:
    """What changed since the last good run (the widget moved, the button pressed): key -> new value."""
    if LAST_STATE not in st.session_state:  # the session's first run: nothing to compare with
        return {}
    before = st.session_state[LAST_STATE]
    now = described()
    # a key new since then with nothing in it (a button not pressed, an empty choice) is no action
    return {key: value for key, value in now.items() if before.get(key, "None") != value and value != "False"}

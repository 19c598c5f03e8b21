"""The Playground's own state: the points drawn by hand (``playground/draw_view.py``) and the unit of the
network diagram looked at closely (``playground/view.py``)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from scratchnet.app.runs.drawing import Drawing

# ---- draw your points (owner: playground/draw_view.py) ----------------------------------------------------
DRAWING = "draw.drawing"  # this session's drawing (a runs.drawing.Drawing)
DRAW_CLASS = "draw.class"
DRAW_MODE = "draw.mode"
DRAW_CANVAS = "draw.canvas"  # the canvas chart's key: its selection holds the clicks since it was drawn
DRAW_VERSION = "draw.version"  # how many times clicks changed the canvas: part of each click's selection
DRAW_SEEN = "draw.seen"  # the clicks (x, y, version) already drawn: the selection may hold them again
DRAW_TRAINED = "draw.trained"  # "Train on these points" started a run: the whole page redraws to show it
DRAW_NOTE = "draw.note"  # a message for the panel's next draw
DRAW_LINK_READ = "draw.link_read"  # the link's drawing has been read (once per session)
DRAW_LINK_MESSAGES = "draw.link_messages"  # what reading it said, shown with the link's other messages


def drawing() -> Drawing | None:
    """This session's drawing, or None before the student drew (or a link brought one)."""
    return st.session_state.get(DRAWING)


def set_drawing(new: Drawing) -> None:
    st.session_state[DRAWING] = new


def draw_class() -> int:
    """The class a click adds a point of (the radio's, 0 before it is drawn)."""
    return int(st.session_state.get(DRAW_CLASS, 0))


def draw_mode() -> str:
    """What a click does: "add" (before the radio is drawn too) or "remove"."""
    return st.session_state.get(DRAW_MODE, "add")


def draw_selection() -> Any:
    """The canvas's point selection (every click since it was drawn), or None before the first."""
    return getattr(st.session_state.get(DRAW_CANVAS), "selection", None)


def draw_seen() -> frozenset:
    """The clicks (x, y, version) already handled."""
    return st.session_state.get(DRAW_SEEN, frozenset())


def set_draw_seen(seen: frozenset) -> None:
    st.session_state[DRAW_SEEN] = seen


def draw_version() -> int:
    """How many times clicks changed the canvas (its click targets are numbered anew each time)."""
    return st.session_state.get(DRAW_VERSION, 0)


def next_draw_version() -> None:
    """Clicks changed the canvas: its next draw numbers its click targets anew."""
    st.session_state[DRAW_VERSION] = draw_version() + 1


def set_draw_note(note: str) -> None:
    """A message for the drawing panel's next draw."""
    st.session_state[DRAW_NOTE] = note


def take_draw_note() -> str:
    """The message for this draw of the panel, once ("" when there is none)."""
    return st.session_state.pop(DRAW_NOTE, None) or ""


def set_draw_trained() -> None:
    """**Train on these points** started a run: the panel's next draw hands over to the whole page."""
    st.session_state[DRAW_TRAINED] = True


def take_draw_trained() -> bool:
    """A run was started from the panel since its last draw (once)."""
    return bool(st.session_state.pop(DRAW_TRAINED, False))


def draw_link_read() -> bool:
    """The link's drawing has been read in this session."""
    return bool(st.session_state.get(DRAW_LINK_READ))


def set_draw_link_read() -> None:
    st.session_state[DRAW_LINK_READ] = True


def draw_link_messages() -> tuple[str, ...]:
    """What reading the link's drawing said (nothing when it held none)."""
    return st.session_state.get(DRAW_LINK_MESSAGES, ())


def set_draw_link_messages(messages: tuple[str, ...]) -> None:
    st.session_state[DRAW_LINK_MESSAGES] = messages


# ---- playground (owner: playground/view.py) --------------------------------------------------------
DIAGRAM_UNIT = "playground.unit"  # the unit of the network diagram looked at closely ("layer:unit", or None)


def diagram_unit() -> str | None:
    """The unit of the network diagram picked to look at closely ("layer:unit"), or None."""
    return st.session_state.get(DIAGRAM_UNIT)


def set_diagram_unit(value: str) -> None:
    st.session_state[DIAGRAM_UNIT] = value


# ---- the presentation view (the Playground, the board and the class on a projector) ------------------
PRESENT = "present"  # the toggle's key: the presentation view is on (``?present=1`` in the address bar)
HEADER_TRAIN = "header_train"  # the page's own Train button (a phone's first screen, the presentation view)


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT, False))


def set_presenting(on: bool) -> None:
    st.session_state[PRESENT] = on

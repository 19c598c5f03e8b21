"""Draw your points: pick a class, click on the canvas to add a point (or remove the nearest), clear,
or start from a dataset; then train on them like on an uploaded CSV. The drawing travels in a link.

The logic (the drawing, its checks, its link code, the canvas chart) is ``draw.py``.
A click reaches the server as the canvas's point selection; it is handled in the chart's
``on_select`` callback, before the page redraws, and the chart then gets a new key so that the
next click on the same spot is a new selection.
"""

from __future__ import annotations

import streamlit as st

from scratchnet.app.playground import draw
from scratchnet.app.runs.config import DATASET_LABELS, RunConfig
from scratchnet.app.runs.links import link_query
from scratchnet.app.runs.points import Points, points_csv
from scratchnet.app.runs.view import DRAW_PARAMETER, Source
from scratchnet.app.text import escape
from scratchnet.app.ui import cache, links, session

LINK_KEY = DRAW_PARAMETER  # the query parameter that carries a drawing
MODES = {"add": "adds a point", "remove": "removes the nearest point"}


def drawing() -> draw.Drawing:
    """This session's drawing (empty until the student draws)."""
    return st.session_state.get(session.DRAWING) or draw.Drawing()


def _set(new: draw.Drawing) -> None:
    st.session_state[session.DRAWING] = new


def _use(new: draw.Drawing) -> None:
    """Make the drawing the session's own points, as an upload does (from a callback or before the
    sidebar is drawn: the toggle's value may change only then)."""
    try:
        points = new.to_points()
    except ValueError as error:
        st.session_state[session.DRAW_NOTE] = str(error)
        return
    st.session_state[session.POINTS], st.session_state[session.USE_POINTS] = points, True
    st.session_state[session.DRAW_NOTE] = f"Training on your drawing now: {points.describe()} Press Train."


def open_drawing_link() -> None:
    """Read a drawing from the link (``?draw=…``), once per session; a bad one gets a message."""
    if st.session_state.get(session.DRAW_LINK_READ):
        return
    st.session_state[session.DRAW_LINK_READ] = True
    codes = st.query_params.get_all(LINK_KEY)
    if not codes:
        return
    repeated = (f"{LINK_KEY} was given {len(codes)} times in the link; using the last one.",) if len(codes) > 1 else ()
    try:
        opened = draw.decode(codes[-1])
    except ValueError as error:
        st.session_state[session.DRAW_LINK_MESSAGES] = (*repeated, f"Ignored the drawn points from the link: {error}.")
        return
    _set(opened)
    _use(opened)
    # the page trains on the drawing at once (``source_of``): the run's own status says what happens;
    # a drawing that cannot be trained on says why, with the link's other messages
    note = st.session_state.pop(session.DRAW_NOTE, "")
    usable = st.session_state.get(session.USE_POINTS) and source_of(st.session_state.get(session.POINTS)).kind
    problem = (
        () if usable == "drawing" else (f"The link's drawing of {len(opened)} points cannot be trained on: {note}",)
    )
    st.session_state[session.DRAW_LINK_MESSAGES] = (*repeated, *problem)


def source_of(points: Points | None) -> Source:
    """Where the student's own ``points`` come from: this session's drawing (the source then carries
    its link code, so the run's link opens the drawing), else an upload (which cannot travel)."""
    current = st.session_state.get(session.DRAWING)
    if points is None or current is None or not len(current) or current.problem() is not None:
        return Source("upload")
    return Source("drawing", current.encode()) if current.to_points() == points else Source("upload")


def link_messages() -> tuple[str, ...]:
    """What reading the link's drawing said (nothing when it held none)."""
    return st.session_state.get(session.DRAW_LINK_MESSAGES, ())


def opened_from_link() -> bool:
    """The session's link held a drawing: the panel opens with it."""
    return bool(st.session_state.get(session.DRAW_LINK_READ)) and session.DRAWING in st.session_state


def _clicked() -> None:
    """The canvas was clicked: add a point of the chosen class there, or remove the nearest."""
    key = session.draw_canvas_key(st.session_state.get(session.DRAW_CANVAS, 0))
    state = st.session_state.get(key)
    spot = draw.clicked(getattr(state, "selection", None) if state is not None else None, draw.CLICK)
    if spot is None:
        return
    current = drawing()
    if st.session_state.get(session.DRAW_MODE, "add") == "remove":
        _set(current.remove_near(*spot))
    else:
        _set(current.add(*spot, int(st.session_state.get(session.DRAW_CLASS, 0))))
    st.session_state[session.DRAW_CANVAS] = st.session_state.get(session.DRAW_CANVAS, 0) + 1  # a fresh selection


def _start_from(config: RunConfig) -> None:
    _set(draw.from_dataset(config.dataset, config.classes, config.noise, config.data_seed))


def summary(current: draw.Drawing) -> str:
    """``12 points drawn (class 0: 7, class 1: 5)``."""
    counts = ", ".join(f"class {label}: {count}" for label, count in current.counts().items())
    return f"{len(current)} point{'s' if len(current) != 1 else ''} drawn" + (f" ({counts})" if counts else "")


def panel(config: RunConfig, hidden: frozenset[str] = frozenset()) -> None:
    """The drawing panel: the canvas and its controls. ``config``: the controls' settings (the
    dataset to start from, the link to share)."""
    current = drawing()
    canvas, side = st.columns([3, 2])
    with side:
        st.radio(
            "Class of new points",
            range(draw.MAX_CLASSES),
            format_func=lambda label: f"class {label}",
            key=session.DRAW_CLASS,
            horizontal=True,
        )
        st.radio("A click", list(MODES), format_func=MODES.get, key=session.DRAW_MODE, horizontal=True)
        st.markdown(f"**{summary(current)}** · at most {draw.MAX_DRAWN}")
        if current.full:
            st.caption(f"The drawing is full: {draw.MAX_DRAWN} points travel in a link. Remove some to add more.")
        start, clear = st.columns(2)
        base = config if not config.data_id else RunConfig()  # on own points: the default dataset
        start.button(
            f"Start from {DATASET_LABELS[base.dataset]}",
            on_click=_start_from,
            args=(base,),
            help=f"Replace the drawing with the points of this dataset as the controls set it (up to {draw.MAX_DRAWN}).",
            width="stretch",
        )
        clear.button("Clear", on_click=_set, args=(draw.Drawing(),), width="stretch", disabled=not len(current))
        problem = current.problem()
        st.button(
            "Train on these points",
            type="primary",
            on_click=_use,
            args=(current,),
            disabled=problem is not None,
            width="stretch",
            help="They become your own points, like an uploaded CSV; then press Train.",
        )
        note = st.session_state.pop(session.DRAW_NOTE, None)
        if note:
            st.info(escape(note), icon=":material/draw:")
        if problem is not None:
            st.caption(escape(problem))
        else:
            _take_away(current, {**link_query(config, hidden), LINK_KEY: current.encode()})
    with canvas:
        cache.show_chart(
            draw.canvas_chart(current),
            on_select=_clicked,
            selection_mode=[draw.CLICK],
            width="content",  # its own square size: stretched, the canvas would not be square
            key=session.draw_canvas_key(st.session_state.get(session.DRAW_CANVAS, 0)),
        )


def _take_away(current: draw.Drawing, query: dict[str, str]) -> None:
    """A drawing's points as a CSV, and a link that opens the Playground with it (``query``)."""
    st.download_button(
        "The points (.csv)",
        points_csv(current.to_points()),
        "drawn_points.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    url = links.share_url(query)
    st.text_input("Link to this drawing", url, help="Opens the Playground with these points drawn.")

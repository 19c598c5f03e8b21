"""Draw your points: pick a class, click on the canvas to add a point (or remove the nearest), clear,
or start from a dataset; then train on them like on an uploaded CSV. The drawing travels in a link.

The logic (the drawing, its checks, its link code, the canvas chart) is ``playground/draw.py``.
The panel is a fragment: a click, a class or a button in it redraws the panel alone, not the page
(a click costs a fraction of a second, not a page). A click reaches the server as the canvas's
point selection; it is handled in the chart's ``on_select`` callback, before the panel redraws.
The chart keeps one key (a click on a chart that is about to be redrawn still reaches it); each
redraw numbers its click targets anew, so the next click on the same spot is a new selection.
**Train on these points** makes the drawing the session's points and trains on them at once.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from scratchnet.app.playground import draw
from scratchnet.app.runs.config import DATASET_LABELS, RunConfig
from scratchnet.app.runs.links import link_query
from scratchnet.app.runs.points import Points, points_csv
from scratchnet.app.runs.view import DRAW_PARAMETER, Source
from scratchnet.app.text import escape
from scratchnet.app.ui import cache, links, live, session

Train = Callable[[], None]

LINK_KEY = DRAW_PARAMETER  # the query parameter that carries a drawing
MODES = {"add": "adds a point", "remove": "removes the nearest point"}


def drawing() -> draw.Drawing:
    """This session's drawing (empty until the student draws)."""
    return session.drawing() or draw.Drawing()


def _set(new: draw.Drawing) -> None:
    session.set_drawing(new)


def _use(new: draw.Drawing) -> bool:
    """Make the drawing the session's own points, as an upload does (from a callback or before the
    sidebar is drawn: the toggle's value may change only then); False (and a note) when it cannot."""
    try:
        points = new.to_points()
    except ValueError as error:
        session.set_draw_note(str(error))
        return False
    session.set_my_points(points)
    return True


def _train_on(new: draw.Drawing, train: Train) -> None:
    """**Train on these points**: the drawing becomes the session's points and trains at once."""
    if _use(new):
        train()
        session.set_draw_trained()  # the panel's redraw hands over to the whole page


def open_drawing_link() -> None:
    """Read a drawing from the link (``?draw=…``), once per session; a bad one gets a message."""
    if session.draw_link_read():
        return
    session.set_draw_link_read()
    codes = st.query_params.get_all(LINK_KEY)
    if not codes:
        return
    repeated = (f"{LINK_KEY} was given {len(codes)} times in the link; using the last one.",) if len(codes) > 1 else ()
    try:
        opened = draw.decode(codes[-1])
    except ValueError as error:
        session.set_draw_link_messages((*repeated, f"Ignored the drawn points from the link: {error}."))
        return
    _set(opened)
    _use(opened)
    # the page trains on the drawing at once (``source_of``): the run's own status says what happens;
    # a drawing that cannot be trained on says why, with the link's other messages
    note = session.take_draw_note()
    usable = session.use_points() and source_of(session.my_points()).kind
    problem = (
        () if usable == "drawing" else (f"The link's drawing of {len(opened)} points cannot be trained on: {note}",)
    )
    session.set_draw_link_messages((*repeated, *problem))


def source_of(points: Points | None) -> Source:
    """Where the student's own ``points`` come from: this session's drawing (the source then carries
    its link code, so the run's link opens the drawing), else an upload (which cannot travel)."""
    current = session.drawing()
    if points is None or current is None or not len(current) or current.problem() is not None:
        return Source("upload")
    return Source("drawing", current.encode()) if current.to_points() == points else Source("upload")


def link_messages() -> tuple[str, ...]:
    """What reading the link's drawing said (nothing when it held none)."""
    return session.draw_link_messages()


def opened_from_link() -> bool:
    """The session's link held a drawing: the panel opens with it."""
    return session.draw_link_read() and session.drawing() is not None


def _clicked() -> None:
    """The canvas was clicked: for each click not seen before, add a point of the chosen class
    there, or remove the nearest. (The selection holds every click since the canvas was last
    drawn: two clicks that reached the server together are both in it.)"""
    seen = session.draw_seen()
    new = [click for click in draw.clicks(session.draw_selection(), draw.CLICK) if click not in seen]
    if not new:
        return
    current, remove = drawing(), session.draw_mode() == "remove"
    label = session.draw_class()
    for x, y, _ in new:
        current = current.remove_near(x, y) if remove else current.add(x, y, label)
    _set(current)
    # every click handled so far: the canvas's selection keeps them all (it persists across redraws)
    session.set_draw_seen(seen | set(new))
    session.next_draw_version()  # fresh targets


def _start_from(config: RunConfig) -> None:
    _set(draw.from_dataset(config.dataset, config.classes, config.noise, config.data_seed))


def panel(config: RunConfig, hidden: frozenset[str] = frozenset(), train: Train | None = None) -> None:
    """The drawing panel: the canvas and its controls, redrawn alone on a click. ``config``: the
    controls' settings (the dataset to start from, the link to share); ``train``: trains the
    controls' settings on the session's points (what **Train** does)."""
    live.fragment(_panel, key="draw.panel")(config, hidden, train)


def _panel(config: RunConfig, hidden: frozenset[str], train: Train | None) -> None:
    if session.take_draw_trained():
        st.rerun()  # a run started from the panel: the sidebar and the run panel show it
    current, version = drawing(), session.draw_version()
    canvas, side = st.columns([3, 2])
    with side:
        _side(current, config, hidden, train)
    with canvas:
        cache.show_chart(
            draw.canvas_chart(current, version=version),
            on_select=_clicked,
            selection_mode=[draw.CLICK],
            width="content",  # its own square size: stretched, the canvas would not be square
            key=session.DRAW_CANVAS,
        )


def _side(current: draw.Drawing, config: RunConfig, hidden: frozenset[str], train: Train | None) -> None:
    """Beside the canvas: the class and the mode of a click, the count, the buttons, the link."""
    st.radio(
        "Class of new points",
        range(draw.MAX_CLASSES),
        format_func=lambda label: f"class {label}",
        key=session.DRAW_CLASS,
        horizontal=True,
    )
    st.radio("A click", list(MODES), format_func=MODES.get, key=session.DRAW_MODE, horizontal=True)
    st.markdown(f"**{draw.summary(current)}** · at most {draw.MAX_DRAWN}")
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
        on_click=_train_on if train is not None else _use,
        args=(current, train) if train is not None else (current,),
        disabled=problem is not None,
        width="stretch",
        help="They become your own points, like an uploaded CSV, and the network trains on them with the "
        "sidebar's settings.",
    )
    note = session.take_draw_note()
    if note:
        st.info(escape(note), icon=":material/draw:")
    if problem is not None:
        st.caption(escape(problem))
        return
    st.download_button(
        "The points (.csv)",
        points_csv(current.to_points()),
        "drawn_points.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    url = links.share_url({**link_query(config, hidden), LINK_KEY: current.encode()})
    st.text_input("Link to this drawing", url, help="Opens the Playground with these points drawn.")

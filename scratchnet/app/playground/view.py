"""The Playground page: pick data, a network and a way to train it; watch it learn.

The sidebar holds the controls and Train; the page shows the run — the decision map, the loss
curve and the network itself (``network_panel``), live while it trains and at the replay
slider's epoch after — and the downloads. Streamlit calls only: the diagram is built by
``logic`` and drawn by ``charts``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import altair as alt
import streamlit as st

import scratchnet as sn
from scratchnet.app.playground import charts, draw_view, logic
from scratchnet.app.plots.frames import extent
from scratchnet.app.runs import upload
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.cost import Verdict, cost_verdict
from scratchnet.app.runs.links import Link
from scratchnet.app.runs.presets import PRESETS
from scratchnet.app.runs.result import DataSplit, make_data, untrained
from scratchnet.app.text import escape
from scratchnet.app.ui import bars, cache, controls, links, run_panel, session, take_home

DIAGRAM_WIDTH = 260  # beside the map and the loss curve on a projector; fits a phone's width too
PRESENT_DIAGRAM_WIDTH = 380  # the presentation view's diagram, its labels large
UNIT_MAP_SIZE = 200
DIAGRAM_KEY = (
    "Each square: what a unit outputs over the map (orange high, blue below 0, white 0; an output: its "
    "class's probability). Lines: weights, orange positive, blue negative, thicker for larger. Numbers: biases."
)
NOBODY = "none"  # the unit picker's "no unit selected"


def open_first_run(link: Link) -> None:
    """The run the session's link opens, put on screen: its settings on its points (a drawing in the
    link is trained on), trained — or untrained (``epochs=0``) — with the replay at its ``at=`` epoch."""
    asked = session.take_opened_view()
    points = controls.own_points()
    config = controls.with_points(link.config, points)
    data = upload.to_data(points, config.test_share, config.data_seed) if points is not None else None
    source = draw_view.source_of(points) if points is not None else None
    if asked is not None and asked.untrained:
        session.show_result(untrained(config, data if data is not None else make_data(config)), source)
    elif not cost_verdict(config).refused:  # a link is no way round the limit
        run_panel.train(config, data, source)
        if asked is not None and asked.at is not None:
            session.set_replay(asked.at)


def _chosen(link: Link) -> tuple[RunConfig | None, list[str]]:
    """The configuration the controls show, on the student's own points when they chose them."""
    config, notes = controls.read(link.config)
    return (controls.with_points(config, controls.own_points()) if config is not None else None), notes


def _train_chosen(link: Link) -> None:
    """Train (a button's callback): the controls' configuration, on the student's points if chosen."""
    config, _ = _chosen(link)
    if config is None or cost_verdict(config).refused:
        return
    points = controls.own_points()
    data = upload.to_data(points, config.test_share, config.data_seed) if points else None
    run_panel.train(config, data, draw_view.source_of(points) if points else None)


def _train_preset(name: str) -> None:
    config = PRESETS[name].config()
    session.set_use_points(False)
    controls.load(config)
    run_panel.train(config)


def page() -> None:
    link = links.open_link()
    draw_view.open_drawing_link()  # before the sidebar: the drawing may become the points to train on
    if session.current_run() is None:
        open_first_run(link)
    bars.draw(bars.BEFORE_CONTROLS)  # a student link's challenge: rules, Submit; keeps the controls in its limits
    config, notes = _chosen(link)
    verdict = cost_verdict(config) if config is not None else Verdict("refuse", escape(notes[0]), 0.0)
    train = functools.partial(_train_chosen, link)
    if session.presenting():  # a projector: the charts large, the buttons beside them, no sidebar
        _present(config, verdict, train)
        return
    _sidebar(link, config, notes, verdict, train)
    _main(link, config, verdict, train)


def _present(config: RunConfig | None, verdict: Verdict, train: Callable[[], None]) -> None:
    """The presentation view: the run panel alone, large, with Train and the step buttons in one row."""
    if config is not None:
        controls.load(config)  # kept while their widgets are not drawn (Streamlit drops an undrawn widget's value)

    def lead() -> None:  # in the buttons' row: the charts need the height
        button, toggle = st.columns([1, 1.2], vertical_alignment="center")
        _header_buttons(train, verdict, button, toggle)

    run_panel.run_panel(side=network_panel, present=True, lead=lead)


def _sidebar(
    link: Link, config: RunConfig | None, notes: list[str], verdict: Verdict, train: Callable[[], None]
) -> None:
    """Train, what the estimate says, the presets and the controls."""
    with st.sidebar:
        st.title("scratchnet")
        st.button(
            "Train",
            type="primary",
            on_click=train,
            disabled=verdict.refused,
            width="stretch",
            icon=":material/play_arrow:",
            help="Train a network with these settings.",
        )
        {"ok": st.caption, "warn": st.warning, "refuse": st.error}[verdict.level](verdict.message)
        if config is not None and not verdict.refused and (queued := run_panel.queue_note(config)):
            st.caption(f"Then {queued}.")  # the wait said apart from the training time
        for note in notes if config is not None else []:
            st.info(escape(note))
        if "presets" not in link.hidden:
            with st.expander("Presets"):
                controls.preset_picker(_train_preset)
        controls.controls(link.hidden)


def _main(link: Link, config: RunConfig | None, verdict: Verdict, train: Callable[[], None]) -> None:
    """The page beside the sidebar: the header, a lesson's bar, the run, the drawing, the downloads."""
    run = session.current_run()
    _header(
        run.config if run is not None else link.config,
        (*link.messages, *draw_view.link_messages()),
        lambda button, toggle: _header_buttons(train, verdict, button, toggle),
    )
    bars.draw(bars.ABOVE_RUN)  # a lesson's goal, when one was opened from the Lessons page
    shown = session.view()
    if config is not None and run is not None and config not in (run.config, shown.config):  # a paused run is both
        st.info(
            "The settings have changed since this run: press **Train** to train with them."
            if not verdict.refused
            else "The settings have changed since this run, and they cannot train as they are: see the sidebar.",
            icon=":material/tune:",
        )
    result = run_panel.run_panel(side=network_panel, can_train=not verdict.refused)
    if "upload" not in link.hidden:  # a teacher who hides the uploader hides drawing too: both are own data
        with st.expander("Draw your points", icon=":material/draw:", expanded=draw_view.opened_from_link()):
            draw_view.panel(config if config is not None else link.config, link.hidden, train)
    if result is not None:
        st.subheader("Take it home")
        take_home.downloads(result, controls.own_points())


def _header(shared: RunConfig, messages: tuple[str, ...], buttons: Callable[[Any, Any], None]) -> None:
    """The page's title line with ``buttons`` (drawn in two columns of it) and the share panel (for
    ``shared``), then what reading the link said."""
    # one line: the charts need the height
    title, about, button, toggle, share = st.columns([2, 2.9, 1, 1.5, 1.6], vertical_alignment="center")
    title.markdown("### Playground")
    about.caption("Written from scratch in NumPy: train it and watch it learn.")
    buttons(button, toggle)
    with share:
        links.share_panel(shared)
    for message in messages:
        st.warning(escape(message), icon=":material/link:")  # messages quote the link's values: text, not Markdown


def _header_buttons(train: Callable[[], None], verdict: Verdict, button: Any, toggle: Any) -> None:
    """Train (the sidebar's, on the page: a phone's first screen has it, and so has a projector's) in
    the column ``button``, and the presentation toggle in ``toggle``: it trains what the sidebar's Train
    trains."""
    button.button(
        "Train",  # no icon: the word fits the header's narrow column
        type="primary",
        key=session.HEADER_TRAIN,
        on_click=train,
        disabled=verdict.refused,
        help=verdict.message if verdict.refused else "Train a network with the settings in the sidebar.",
    )
    with toggle:
        links.present_toggle()


# ---- the network, beside the map ------------------------------------------------------------------
def network_panel(config: RunConfig, data: DataSplit, net: sn.Network, key: str) -> None:
    """The network diagram of ``net`` (the one on the map: live, or at the replay's epoch), and the
    unit picked below it drawn large with its formula."""
    choices = {
        f"{layer}:{unit}": name for layer, unit, name in logic.unit_choices(net, config.features, data.class_names)
    }
    picked = session.diagram_unit()
    if picked not in choices:  # a unit of another network (the run changed): nothing picked
        picked = NOBODY
        session.set_diagram_unit(NOBODY)
    selected = tuple(map(int, picked.split(":"))) if picked != NOBODY else None
    live = key == "live"  # a training network changes every redraw: nothing of it is worth keeping
    network = None if live else cache.network_key(config, net)
    present = session.presenting()
    width = PRESENT_DIAGRAM_WIDTH if present else DIAGRAM_WIDTH
    if live:
        diagram = logic.diagram(net, data, config.features)
        chart = charts.diagram_chart(diagram, width=width, selected=selected, large_text=present)
        run_panel.show_chart(chart, width="content")
    else:

        def build() -> alt.LayerChart:
            diagram = cache.network_piece("diagram", network, (), lambda: logic.diagram(net, data, config.features))
            return charts.diagram_chart(diagram, width=width, selected=selected, large_text=present)

        cache.draw(cache.chart_spec("diagram", network, (width, selected, present), build), width="content")
    if present:  # the diagram alone: the key and the unit picker are for a closer look
        return
    st.caption(DIAGRAM_KEY)
    st.selectbox(
        "Look at a unit",
        [NOBODY, *choices],
        key=session.DIAGRAM_UNIT,
        format_func=lambda value: "—" if value == NOBODY else choices[value],
        help="Its map drawn large, and what it computes with its weights as they are now.",
    )
    if selected is None:
        return
    layer, unit = selected
    if live:
        url, low, high = logic.unit_map(net, data, config.features, layer, unit)
    else:
        url, low, high = cache.network_piece(
            "unit map", network, selected, lambda: logic.unit_map(net, data, config.features, layer, unit)
        )
    st.code(
        logic.formula(net, config.features, data.class_names, layer, unit, config.activation),
        language=None,
        wrap_lines=True,
    )  # a code block: the names may be a CSV's labels, shown as written
    title = f"{choices[picked]}: {low:.3g} … {high:.3g} over the map"
    run_panel.show_chart(charts.unit_chart(url, extent(data), title=title, size=UNIT_MAP_SIZE), width="content")

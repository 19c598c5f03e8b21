"""The Playground: pick data, a network and a way to train it; watch it learn."""

import streamlit as st

from scratchnet.app.runs import upload
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.cost import cost_verdict
from scratchnet.app.runs.presets import PRESETS
from scratchnet.app.text import escape
from scratchnet.app.ui import controls, links, nav, run_panel

nav.page_config("Playground")

link = links.open_link()
if run_panel.current_run() is None and cost_verdict(link.config)[0] != "refuse":  # a link is no way round the limit
    run_panel.train(link.config)


def chosen() -> tuple[RunConfig | None, list[str]]:
    """The configuration the controls show, on the student's own points when they chose them."""
    config, notes = controls.read(link.config)
    return (controls.with_points(config, controls.own_points()) if config is not None else None), notes


def train_from_controls() -> None:
    config, _ = chosen()
    if config is None or cost_verdict(config)[0] == "refuse":
        return
    points = controls.own_points()
    run_panel.train(config, upload.to_data(points, config.test_share, config.data_seed) if points else None)
    links.write_link(config)


def train_preset(name: str) -> None:
    config = PRESETS[name].config()
    st.session_state[controls.USE_POINTS] = False
    controls.load(config)
    run_panel.train(config)
    links.write_link(config)


with st.sidebar:
    st.title("scratchnet")
    config, notes = chosen()
    verdict, estimate = cost_verdict(config) if config is not None else ("refuse", escape(notes[0]))
    st.button(
        "Train",
        type="primary",
        on_click=train_from_controls,
        disabled=verdict == "refuse",
        width="stretch",
        icon=":material/play_arrow:",
        help="Train a network with these settings.",
    )
    {"ok": st.caption, "warn": st.warning, "refuse": st.error}[verdict](estimate)
    for note in notes if config is not None else []:
        st.info(escape(note))
    if "presets" not in link.hidden:
        with st.expander("Presets"):
            controls.preset_picker(train_preset)
    controls.controls(link.hidden)

title, share = st.columns([6, 1], vertical_alignment="center")
title.markdown(
    "### Playground\nA neural network written from scratch in NumPy. Change the settings, press **Train**, watch it learn."
)
run = run_panel.current_run()
with share:
    links.share_panel(run.config if run is not None else link.config)
for message in link.messages:
    st.warning(escape(message), icon=":material/link:")  # messages quote the link's values: text, not Markdown
if config is not None and run is not None and run.config != config:
    st.info("The settings have changed since this run: press **Train** to train with them.", icon=":material/tune:")
result = run_panel.run_panel()
if result is not None:
    st.subheader("Take it home")
    run_panel.downloads(result, controls.own_points())

"""The Playground: pick data, a network and a way to train it; watch it learn."""

import streamlit as st

from scratchnet.app import links, nav, upload, views, widgets
from scratchnet.app.config import PRESETS, RunConfig, cost_verdict
from scratchnet.app.safe_text import escape

nav.page_config("Playground")

link = links.open_link()
if views.current_run() is None and cost_verdict(link.config)[0] != "refuse":  # a link is no way round the limit
    views.train(link.config)


def chosen() -> tuple[RunConfig | None, list[str]]:
    """The configuration the controls show, on the student's own points when they chose them."""
    config, notes = widgets.read(link.config)
    return (widgets.with_points(config, widgets.own_points()) if config is not None else None), notes


def train_from_controls() -> None:
    config, _ = chosen()
    if config is None or cost_verdict(config)[0] == "refuse":
        return
    points = widgets.own_points()
    views.train(config, upload.to_data(points, config.test_share, config.data_seed) if points else None)
    links.write_link(config)


def train_preset(name: str) -> None:
    config = PRESETS[name].config()
    st.session_state[widgets.USE_POINTS] = False
    widgets.load(config)
    views.train(config)
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
            widgets.preset_picker(train_preset)
    widgets.controls(link.hidden)

title, share = st.columns([6, 1], vertical_alignment="center")
title.markdown(
    "### Playground\nA neural network written from scratch in NumPy. Change the settings, press **Train**, watch it learn."
)
run = views.current_run()
with share:
    links.share_panel(run.config if run is not None else link.config)
for message in link.messages:
    st.warning(escape(message), icon=":material/link:")  # messages quote the link's values: text, not Markdown
if config is not None and run is not None and run.config != config:
    st.info("The settings have changed since this run: press **Train** to train with them.", icon=":material/tune:")
result = views.run_panel()
if result is not None:
    st.subheader("Take it home")
    views.downloads(result, widgets.own_points())

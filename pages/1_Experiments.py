"""Experiments: the notebook replayed, optimizers side by side, and this session's runs compared."""

import streamlit as st

from scratchnet.app.experiments import view
from scratchnet.app.ui import nav

nav.page_config("Experiments")

st.title("Experiments")
st.caption("Runs side by side: what the notebook's bugs cost, what a better optimizer buys, and your own runs.")
replay, optimizers, mine = st.tabs(view.SECTIONS, key="section", on_change="rerun", bind="query-params")
with replay:
    if replay.open:
        view.replay_section()
with optimizers:
    if optimizers.open:
        view.optimizers_section()
with mine:
    if mine.open:
        view.my_runs_section()

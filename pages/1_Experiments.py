"""Experiments: the notebook replayed, optimizers side by side, and this session's runs compared."""

import streamlit as st

from scratchnet.app import experiments, nav

nav.page_config("Experiments")

st.title("Experiments")
st.caption("Runs side by side: what the notebook's bugs cost, what a better optimizer buys, and your own runs.")
replay, optimizers, mine = st.tabs(experiments.SECTIONS, key="section", on_change="rerun", bind="query-params")
with replay:
    if replay.open:
        experiments.replay_section()
with optimizers:
    if optimizers.open:
        experiments.optimizers_section()
with mine:
    if mine.open:
        experiments.my_runs_section()

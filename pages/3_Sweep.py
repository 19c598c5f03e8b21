"""Sweep: one small network per cell of a grid over two settings, and a map of how each did."""

import streamlit as st

from scratchnet.app.sweep import view
from scratchnet.app.sweep.logic import METRICS, sweep_cost
from scratchnet.app.ui import nav

nav.page_config("Sweep")

sweep, problem = view.read_sweep()
cost = sweep_cost(sweep) if sweep is not None else None

with st.sidebar:
    st.title("scratchnet")
    st.button(
        "Run sweep",
        type="primary",
        on_click=view.start,
        args=(sweep,),
        disabled=cost is None or cost.verdict == "refuse",
        width="stretch",
        icon=":material/grid_on:",
    )
    if cost is None:
        st.error(problem, icon=":material/error:")
        if "momentum" in problem:
            st.button("Use gradient descent", on_click=view.use_gradient_descent, width="stretch")
    else:
        {"ok": st.caption, "warn": st.warning, "refuse": st.error}[cost.verdict](cost.message)
        if problem:
            st.info(problem)
    view.axis_controls("x", "Across")
    view.axis_controls("y", "Down")
    on_axes = tuple(st.session_state[f"sweep.{side}.name"] for side in ("x", "y"))
    with st.expander("Everything else", expanded=False):
        view.base_controls(on_axes)

st.title("Sweep")
st.caption(
    "One network per square, each trained from the same start on the same points, with the settings of its "
    "column and row. Two trainers run at once; a square someone already trained is ready at once."
)
with st.expander("What a learning rate × decay map shows", expanded=view.current() is None):
    st.markdown(
        "- **Too large a learning rate** and the steps overshoot: the loss blows up (grey, *diverged*) or "
        "jumps about without settling.\n"
        "- **Too small** and the network barely moves in the epochs it has: it stays near chance.\n"
        "- **Decay** shrinks the step as training goes on, `lr / (1 + decay · t)`: a little can help it settle, "
        "too much stops it before it has learned.\n"
        "- Good settings form a region, not a single point: look for its edges."
    )
metric = st.segmented_control(
    "Colour by",
    list(METRICS),
    format_func=lambda name: METRICS[name].label,
    key="sweep.metric",
    persist_state="session",
)
run = view.current()
if cost is None:
    st.warning(problem, icon=":material/error:")
elif run is not None and run.sweep != sweep:
    st.info("The settings have changed since this sweep: press **Run sweep** to run them.", icon=":material/tune:")
if run is not None and METRICS[metric or "train_accuracy"].held_out and not run.sweep.base.test_share:
    st.info("This sweep held no points out: set **Held out for testing** above 0 to test on unseen points.")
view.sweep_panel(metric or "train_accuracy")

"""A run's details, under its charts: the confusion matrix and the notebook's test on fresh points,
computed only when opened (``run_panel.result_view`` draws them)."""

from __future__ import annotations

import numpy as np
import streamlit as st

import scratchnet as sn
from scratchnet.app.plots import frames
from scratchnet.app.plots.confusion import confusion_chart
from scratchnet.app.runs.result import RunResult, inputs
from scratchnet.app.text import fmt
from scratchnet.app.ui import session
from scratchnet.app.ui.cache import fresh_accuracy, show_chart


def details(result: RunResult, net: sn.Network, key: str) -> None:
    """The confusion matrix and the fresh-points test, computed only when opened."""
    details = st.expander(
        "Confusion matrix, and the notebook's test on fresh points",
        key=session.view_key(key, "details"),
        on_change="rerun",
    )
    with details:
        if details.open:  # computed only when opened: a closed one costs a redraw nothing
            confusion(result, net, key)


def confusion(result: RunResult, net: sn.Network, key: str) -> None:
    data = result.data
    split = st.segmented_control(
        "Points", ["training", "held out"], default="training", key=session.view_key(key, "cm_split")
    )
    X, y = (data.X_test, data.y_test) if split == "held out" else (data.X_train, data.y_train)
    if not len(y):
        st.info("No points were held out: set **Held out for testing** above 0 to test on unseen points.")
    else:
        with np.errstate(all="ignore"):
            predicted = net.predict(inputs(result.config, X))
        frame = frames.confusion_frame(y, predicted, data.class_names)
        show_chart(confusion_chart(frame, data.class_names))
    if result.config.data_id:
        return
    fresh = 1000 * result.config.classes
    if st.button(
        f"Test on {fresh:,} fresh points",
        key=session.view_key(key, "fresh"),
        help="The notebook's held-out test: 1 000 new points per class from the same dataset, another seed.",
    ):
        st.metric(f"Accuracy on {fresh:,} fresh points", fmt(fresh_accuracy(result), ".1%"))

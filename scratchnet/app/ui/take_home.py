"""Take it home: the downloads under a finished run — its weights, its history, a script that
trains it again, and (for uploaded points) the points themselves. Contents come from ``runs/export.py``."""

from __future__ import annotations

import streamlit as st

from scratchnet.app.runs import export, upload
from scratchnet.app.runs.result import RunResult
from scratchnet.app.runs.view import screen_config
from scratchnet.app.ui import session


def downloads(result: RunResult, points: upload.Points | None = None) -> None:
    """Take it home: the weights, the history, a script that reproduces the run (and the points).

    The script trains the run on screen (``session.view()``'s configuration: a paused run's says the
    epochs it reached), as its link does."""
    shown = session.view()
    config = shown.config if shown is not None and not shown.training else screen_config(result)
    uploaded = result.config.data_id
    if uploaded and (points is None or points.fingerprint != uploaded):
        points = None  # the points of this run are no longer in this session: no script, no points file
    cols = st.columns(4)
    cols[0].download_button(
        "Weights (.npz)",
        lambda: export.weights_npz(result.network),
        export.WEIGHTS_FILE,
        mime="application/octet-stream",
        icon=":material/download:",
        width="stretch",
        help="Load them with scratchnet.load(path) and predict.",
    )
    cols[1].download_button(
        "History (.csv)",
        lambda: export.history_csv(result.history),
        export.HISTORY_FILE,
        mime="text/csv",
        icon=":material/download:",
        width="stretch",
        help="Loss, accuracy and learning rate, epoch by epoch, each measured during its epoch (before its step); "
        "the Final loss above is of the weights after the last step.",
    )
    if not uploaded or points is not None:
        cols[2].download_button(
            "Script (.py)",
            lambda: export.reproduce_script(config, points),
            export.SCRIPT_FILE,
            mime="text/x-python",
            icon=":material/download:",
            width="stretch",
            help="A short Python script that trains this run again with scratchnet, from its seeds, and prints "
            "the same final loss and accuracy as here.",
        )
    if points is not None:
        cols[3].download_button(
            "Points (.csv)",
            lambda: upload.points_csv(points),
            export.POINTS_FILE,
            mime="text/csv",
            icon=":material/download:",
            width="stretch",
            help="The points this run trained on (for the script).",
        )

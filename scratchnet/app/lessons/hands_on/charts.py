"""The hands-on lessons' charts: pure functions of their numbers (Altair, no Streamlit)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from scratchnet.app.plots.charts import class_scale
from scratchnet.app.plots.describe import description, steps_summary

LIMIT = 3.0  # the unit's plot shows [-3, 3]²: every point, and the line where it crosses them


def unit_line(w1: float, w2: float, b: float, limit: float = LIMIT) -> pd.DataFrame:
    """Two ends of the line ``w₁x₁ + w₂x₂ + b = 0`` inside the square (empty when both weights are 0)."""
    if abs(w2) >= abs(w1) and w2 != 0:  # steep lines are drawn across x₂, flat ones across x₁
        x1 = np.array([-limit, limit])
        return pd.DataFrame({"x1": x1, "x2": -(w1 * x1 + b) / w2})
    if w1 != 0:
        x2 = np.array([-limit, limit])
        return pd.DataFrame({"x1": -(w2 * x2 + b) / w1, "x2": x2})
    return pd.DataFrame({"x1": [], "x2": []})


def unit_chart(X: np.ndarray, y: np.ndarray, w: Sequence[float], size: int = 320) -> alt.LayerChart:
    """The points by class, each marked right or wrong by the unit, and the unit's line (score 0)."""
    w1, w2, b = w
    score = X @ np.array([w1, w2]) + b
    names = ["class 0", "class 1"]
    points = pd.DataFrame(
        {
            "x1": X[:, 0],
            "x2": X[:, 1],
            "class": [names[label] for label in y],
            "verdict": np.where((score > 0) == (y == 1), "right", "wrong"),
            "score": score.round(3),
        }
    )
    domain = alt.Scale(domain=[-LIMIT, LIMIT])
    x = alt.X("x1:Q", title="x₁", scale=domain)
    x2 = alt.Y("x2:Q", title="x₂", scale=domain)
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=90)
        .encode(
            x=x,
            y=x2,
            color=alt.Color("class:N", scale=class_scale(names), title="class"),
            shape=alt.Shape("verdict:N", scale=alt.Scale(domain=["right", "wrong"], range=["circle", "cross"])),
            tooltip=["class", "verdict", "score"],
        )
    )
    line = alt.Chart(unit_line(w1, w2, b)).mark_line(color="black", clip=True).encode(x=x, y=x2)
    wrong = int((points["verdict"] == "wrong").sum())
    about = description(
        "One unit's line",
        f"{len(points)} points of two classes and the line w₁x₁ + w₂x₂ + b = 0 "
        f"(w₁ = {w1:.2f}, w₂ = {w2:.2f}, b = {b:.2f}); {wrong} on the wrong side, marked by crosses.",
    )
    return alt.layer(line, dots).properties(
        width=size, height=size, title="score 0: the line where it cannot tell", description=about
    )


def steps_chart(losses: Sequence[float], height: int = 200) -> alt.Chart:
    """The loss after each of the student's steps (step 0: the start)."""
    frame = pd.DataFrame({"step": np.arange(len(losses)), "loss": list(losses)})
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(x=alt.X("step:Q", title="step", axis=alt.Axis(tickMinStep=1)), y=alt.Y("loss:Q", title="loss"))
        .properties(
            height=height,
            title="the loss after each of your steps",
            description=description("Loss after each step", steps_summary(list(losses))),
        )
    )

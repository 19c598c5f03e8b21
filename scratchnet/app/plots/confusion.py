"""The confusion matrix as a chart: a pure function of ``frames.confusion_frame``'s table. No Streamlit here."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from scratchnet.app.plots.charts import description


def confusion_chart(confusion: pd.DataFrame, class_names: Sequence[str], size: int = 260) -> alt.LayerChart:
    """Counts of true class (rows) against predicted class (columns); the diagonal is right."""
    order = list(class_names)
    base = alt.Chart(confusion)
    x = alt.X("predicted:N", sort=order, title="predicted class")
    y = alt.Y("true:N", sort=order, title="true class")
    heat = base.mark_rect().encode(
        x=x,
        y=y,
        color=alt.Color("share:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), legend=None),
        tooltip=[
            alt.Tooltip("true:N"),
            alt.Tooltip("predicted:N"),
            alt.Tooltip("count:Q"),
            alt.Tooltip("share:Q", format=".0%"),
        ],
    )
    text = (
        base.mark_text(fontSize=13)
        .encode(
            x=x,
            y=y,
            text=alt.Text("count:Q"),
            color=alt.Color("ink:N", scale=alt.Scale(domain=["light", "dark"], range=["white", "#222"]), legend=None),
        )
        .transform_calculate(ink="datum.share > 0.5 ? 'light' : 'dark'")
    )
    counts = "Counts of points by true class (rows) and predicted class (columns); the diagonal is right."
    return alt.layer(heat, text, width=size, height=size, description=description("Confusion matrix", counts))

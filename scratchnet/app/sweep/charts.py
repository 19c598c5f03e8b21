"""The Sweep page's heatmap: a pure function from the sweep's table (``logic.sweep_frame``) to an
Altair chart, no Streamlit; and the cell a click on it picked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from scratchnet.app.plots.describe import description
from scratchnet.app.sweep.logic import METRICS, Sweep

STATUS_FILLS = {
    "queued": "#ececec",
    "training": "#dde8f3",
    "diverged": "#7f7f7f",
    "cancelled": "#d4d4d4",
    "failed": "#b8403d",
}
PICKED_COLOR = "#e4572e"
MAP_WIDTH = 600  # pixels the cells may take across, at most
SELECTION = "pick"  # the click selection's name: Streamlit reports {"pick": [{"cell": i}]}


def sweep_chart(
    frame: pd.DataFrame,
    sweep: Sweep,
    metric: str,
    domain: tuple[float, float],
    *,
    cell_width: int = 100,
    cell_height: int = 46,
) -> alt.LayerChart:
    """The grid: trained cells coloured by ``metric`` with its value written in; the others grey with
    what happened to them (waiting, training, diverged, stopped, failed). Click a cell to pick it."""
    x = alt.X("x:O", sort=list(sweep.x.labels), title=sweep.x.spec.label, axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("y:O", sort=list(sweep.y.labels), title=sweep.y.spec.label)
    base = alt.Chart(frame)
    present = [status for status in STATUS_FILLS if (frame["status"] == status).any()] or ["queued"]
    others = (
        base.transform_filter("datum.status != 'completed' || !isFinite(datum.value)")
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill(
                "status:N",
                scale=alt.Scale(domain=present, range=[STATUS_FILLS[s] for s in present]),
                legend=None,  # each grey cell says what happened to it
            ),
        )
    )
    text = base.mark_text(fontSize=12, fontWeight=500).encode(
        x=x,
        y=y,
        text=alt.Text("text:N"),
        color=alt.Color("ink:N", scale=alt.Scale(domain=["light", "dark"], range=["white", "#222"]), legend=None),
    )
    picked = (
        base.transform_filter("datum.picked")
        .mark_rect(fillOpacity=0, stroke=PICKED_COLOR, strokeWidth=3)
        .encode(x=x, y=y)
    )
    step = max(60, min(cell_width, MAP_WIDTH // len(sweep.x.values)))  # many columns: narrower cells
    trained = _trained_cells(base, sweep, metric, domain, x, y, cell_height)
    hits = _click_targets(base, sweep, x, y)
    about = description("Sweep grid", sweep_summary(frame, sweep, metric))
    return alt.layer(
        trained, others, text, picked, hits, width=alt.Step(step), height=alt.Step(cell_height), description=about
    )


def sweep_summary(frame: pd.DataFrame, sweep: Sweep, metric: str) -> str:
    """One line on the grid (its text alternative): what it colours over which two settings, how many
    cells trained, and the best cell, read from the rows drawn."""
    spec = METRICS[metric]
    x, y = sweep.x.spec.label, sweep.y.spec.label
    head = f"{spec.label} over {x} ({len(sweep.x.values)} values) by {y} ({len(sweep.y.values)} values)"
    trained = frame[(frame["status"] == "completed") & np.isfinite(frame["value"].to_numpy(dtype=float))]
    done = f"{len(trained)} of {len(frame)} cells trained"
    if trained.empty:
        return f"{head}; {done}."
    best = trained.loc[trained["value"].idxmax() if spec.accuracy else trained["value"].idxmin()]
    value = f"{best['value']:.1%}" if spec.accuracy else f"{best['value']:.3g}"
    return f"{head}; {done}; best {value} at {x} {best['x']}, {y} {best['y']}."


def _trained_cells(
    base: alt.Chart, sweep: Sweep, metric: str, domain: tuple[float, float], x: alt.X, y: alt.Y, cell_height: int
) -> alt.Chart:
    """The trained cells, coloured by ``metric`` over ``domain`` (a loss on a log scale, low at the top)."""
    spec = METRICS[metric]
    scale = (
        alt.Scale(scheme="viridis", domain=list(domain))
        if spec.accuracy
        else alt.Scale(scheme="viridis", type="log", domain=list(domain), reverse=True)
    )
    ticks = ([0, 0.25, 0.5, 0.75, 1] if len(sweep.y.values) >= 4 else [0, 0.5, 1]) if spec.accuracy else alt.Undefined
    legend = alt.Legend(
        format=".0%" if spec.accuracy else "~g",
        values=ticks,
        orient="right",
        gradientLength=max(60, min(160, cell_height * len(sweep.y.values) - 40)),
    )
    cells = base.transform_filter("datum.status == 'completed' && isFinite(datum.value)")
    return cells.mark_rect(stroke="white", strokeWidth=1).encode(
        x=x, y=y, color=alt.Color("value:Q", scale=scale, title=spec.label, legend=legend)
    )


def _click_targets(base: alt.Chart, sweep: Sweep, x: alt.X, y: alt.Y) -> alt.Chart:
    """Every cell, clear, on top: a click picks it (the ``SELECTION`` point selection), a hover tells its numbers."""
    pick = alt.selection_point(name=SELECTION, fields=["cell"], on="click", toggle=False, clear=False)
    tooltip = [
        alt.Tooltip("x:N", title=sweep.x.spec.label),
        alt.Tooltip("y:N", title=sweep.y.spec.label),
        alt.Tooltip("train_accuracy:Q", title="Train accuracy", format=".1%"),
        alt.Tooltip("test_accuracy:Q", title="Held-out accuracy", format=".1%"),
        alt.Tooltip("train_loss:Q", title="Final loss", format=".4g"),
        alt.Tooltip("state:N", title="Status"),
    ]
    return (
        base.mark_rect(fill="white", fillOpacity=0, cursor="pointer").encode(x=x, y=y, tooltip=tooltip).add_params(pick)
    )


def picked_cell(selection: Mapping[str, object] | None) -> int | None:
    """The cell index a click selection names (Streamlit's ``{"pick": [{"cell": i}]}``), if any."""
    if not selection:
        return None
    points = selection.get(SELECTION) if isinstance(selection, Mapping) else None
    if not points or not isinstance(points, Sequence):
        return None
    first = points[0]
    cell = first.get("cell") if isinstance(first, Mapping) else None
    return int(cell) if isinstance(cell, (int, float)) and not isinstance(cell, bool) else None

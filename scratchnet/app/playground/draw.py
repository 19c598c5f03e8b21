"""The canvas a drawing is made on: its chart, its click targets, and reading a click from the chart's
selection. The drawing itself (its points, checks and link code) is ``runs/drawing.py``, shared by the
pages. No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from scratchnet.app.plots.charts import AXES_ROOM, LEGEND_ROW, class_scale, square_ranges
from scratchnet.app.plots.describe import description
from scratchnet.app.runs.drawing import (  # noqa: F401 (the drawing panel and its tests read them here too)
    BOUND,
    MAX_CLASSES,
    MAX_CODE_CHARS,
    MAX_DRAWN,
    REMOVE_RADIUS,
    STEPS,
    VERSION,
    Drawing,
    decode,
    from_dataset,
    from_points,
    snap,
    unsnap,
)

GRID_TICKS = 61  # click targets per axis, 0.067 apart: 3 721 of them, light to ship and to search


def clicked(selection: object, name: str) -> tuple[float, float] | None:
    """Where a click landed, from a chart's selection state (``{name: [{"x": .., "y": ..}]}``);
    ``None`` when there is no click or it is not two finite numbers."""
    try:
        rows = selection[name] if isinstance(selection, Mapping) else None
        row = rows[0] if rows else None
        x, y = float(row["x"]), float(row["y"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return (x, y) if math.isfinite(x) and math.isfinite(y) else None


def clicks(selection: object, name: str) -> list[tuple[float, float, int]]:
    """Every click a chart's selection holds (``{name: [{"x": .., "y": .., "n": ..}, …]}``), in
    order: ``(x, y, version)``; rows that are not two finite numbers and a version are left out."""
    rows = selection.get(name) if isinstance(selection, Mapping) else None
    found = []
    for row in rows if isinstance(rows, list) else []:
        spot = clicked({name: [row]}, name)
        try:
            version = int(row[VERSION_FIELD])
        except (KeyError, TypeError, ValueError):
            continue
        if spot is not None:
            found.append((*spot, version))
    return found


def grid(ticks: int = GRID_TICKS) -> np.ndarray:
    """The canvas's click targets: the spots a click snaps to, ``ticks`` per axis (rows of x, y)."""
    xs, ys = np.meshgrid(*[np.round(np.linspace(-BOUND, BOUND, ticks), 6)] * 2)
    return np.column_stack([xs.ravel(), ys.ravel()])


# ---- the canvas -----------------------------------------------------------------------------------
CLICK = "click"  # the name of the canvas's point selection: where the last click landed
VERSION_FIELD = "n"  # a click target's field that changes with every redraw of the canvas


def canvas_chart(drawing: Drawing, size: int = 330, version: int = 0) -> alt.LayerChart:
    """The drawing on its canvas, over an invisible grid of click targets.

    A point selection on the grid with ``nearest=True`` picks the grid point nearest the click
    wherever it lands, so the selection tells where the click was (to ``grid``'s step). Every click
    adds to the selection (``toggle``) until the canvas is redrawn, so clicks that reach the server
    together (the browser sends only its latest selection) all arrive. Each target also carries
    ``version`` (the canvas's redraw count): a click on the spot of one before a redraw is still a
    new one. The axes are named as on the decision map, and the plot is a ``size`` square as the
    map's is (a drawing keeps its shape on the map); the axes and the legend fit around it.
    """
    across, up = square_ranges()  # a square plot, as the map's, whatever size the chart is given
    x = alt.X("x:Q", scale=alt.Scale(domain=[-BOUND, BOUND], nice=False, zero=False, range=across), title="x₁")
    y = alt.Y("y:Q", scale=alt.Scale(domain=[-BOUND, BOUND], nice=False, zero=False, range=up), title="x₂")
    targets = pd.DataFrame(grid(), columns=["x", "y"]).assign(**{VERSION_FIELD: version})
    pick = alt.selection_point(
        name=CLICK, fields=["x", "y", VERSION_FIELD], nearest=True, on="click", clear=False, empty=False, toggle="true"
    )
    layers = [alt.Chart(targets).mark_point(opacity=0, size=10).encode(x, y).add_params(pick)]
    if len(drawing):
        classes = sorted(drawing.counts())
        names = [f"class {c}" for c in range(max(classes) + 1)]
        frame = pd.DataFrame(drawing.X, columns=["x", "y"]).assign(label=[f"class {c}" for c in drawing.y.tolist()])
        color = alt.Color(
            "label:N",
            scale=class_scale(names),
            legend=alt.Legend(title=None, orient="bottom"),
        )
        layers.append(
            alt.Chart(frame).mark_circle(size=70, opacity=0.9, stroke="white", strokeWidth=0.8).encode(x, y, color)
        )
    legend_rows = math.ceil(len(drawing.counts()) / max(2, size // 60)) if len(drawing) else 0
    return alt.layer(
        *layers,
        width=size + AXES_ROOM,
        height=size + AXES_ROOM + LEGEND_ROW * (legend_rows + 1),  # as the map's: each legend row, and a gap
        autosize=alt.AutoSizeParams(type="fit", contains="padding"),
        description=description("Drawing canvas", f"{summary(drawing)}; a click adds or removes a point."),
    )


def summary(drawing: Drawing) -> str:
    """``12 points drawn (class 0: 7, class 1: 5)``."""
    counts = ", ".join(f"class {label}: {count}" for label, count in drawing.counts().items())
    return f"{len(drawing)} point{'s' if len(drawing) != 1 else ''} drawn" + (f" ({counts})" if counts else "")

"""The Playground's own charts: the network diagram and the selected unit's map. No Streamlit.

The diagram is drawn in its own coordinates: column ``c`` at x = c, rows around y = 0. Each unit
is one small picture (an image mark), each weight one rule from the right edge of its source to
the left edge of its target, so the browser draws a few hundred marks at most.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from scratchnet.app.playground.logic import NOT_A_NUMBER, Diagram
from scratchnet.app.plots.charts import description
from scratchnet.app.plots.palette import NEGATIVE, POSITIVE  # the sign colours every page shares

ROW_PIXELS = 20  # the height of one row of the tallest column
BOX_SHARE = 0.8  # of a unit's row, its map takes this much
MIN_HEIGHT = 220  # pixels
BIAS_GAP = 26  # pixels right of a unit for its bias (its outgoing lines start after it)
NARROW_COLUMN = 60  # pixels per layer under which biases are written with one decimal
LABEL_COLOR = "#555"
SIGNS = {"positive": POSITIVE, "negative": NEGATIVE, "not a number": NOT_A_NUMBER}
FONT_SIZES = {"bias": 8, "title": 11, "more": 10}
LARGE_FONT_SIZES = {"bias": 13, "title": 16, "more": 14}  # the presentation view: read from the back of a room
SELECTED_COLOR = "#1b1b1b"


@dataclass(frozen=True)
class _Geometry:
    """Where a diagram's pieces go, in its drawing coordinates (``x_pixels``, ``y_pixels``: pixels per unit)."""

    columns: int
    rows: int
    height: int
    x_pixels: float
    y_pixels: float
    half_x: np.ndarray  # each unit's half width and half height, its map being square on screen
    half_y: np.ndarray
    narrow: bool  # a column too narrow for biases with two decimals
    gap: float  # the room right of a unit for its bias


def _geometry(diagram: Diagram, width: int) -> _Geometry:
    columns = len(diagram.titles)
    rows = max(diagram.rows, 3)
    height = max(rows * ROW_PIXELS, MIN_HEIGHT)  # a small network's maps grow instead of leaving a thin strip
    x_pixels, y_pixels = width / columns, height / rows
    box = (BOX_SHARE * diagram.units["spacing"] * y_pixels).clip(upper=0.42 * x_pixels)  # a square map, in pixels
    narrow = x_pixels < NARROW_COLUMN
    return _Geometry(
        columns,
        rows,
        height,
        x_pixels,
        y_pixels,
        (box / 2 / x_pixels).to_numpy(),
        (box / 2 / y_pixels).to_numpy(),
        narrow,
        (BIAS_GAP - 6 * narrow) / x_pixels,
    )


def _maps(units: pd.DataFrame, at: _Geometry) -> pd.DataFrame:
    """One row per unit map: its box, its picture and its tooltip."""
    column, row = units["column"].to_numpy(), units["row"].to_numpy()
    return pd.DataFrame(
        {
            "x": column - at.half_x,
            "x2": column + at.half_x,
            "y": row - at.half_y,
            "y2": row + at.half_y,
            "url": units["url"],
            "name": units["name"],
            "range": [f"{low:.3g} … {high:.3g}" for low, high in zip(units["low"], units["high"])],
            "fed_by": units["fed_by"],
        }
    )


def _lines(diagram: Diagram, at: _Geometry) -> pd.DataFrame:
    """The weights, each from the right of its source (after the source's bias) to the left edge of its target."""
    units, weights = diagram.units, diagram.weights
    places = list(zip(units["column"].tolist(), units["row"].tolist()))
    has_bias = units["bias"].notna().to_numpy()
    edge = dict(zip(places, at.half_x.tolist()))
    right = dict(zip(places, (at.half_x + at.gap * has_bias).tolist()))
    return weights.assign(
        start=weights["x"] + [right[key] for key in zip(weights["x"].tolist(), weights["y"].tolist())],
        end=weights["x2"] - [edge[key] for key in zip(weights["x2"].tolist(), weights["y2"].tolist())],
    )


def _words(diagram: Diagram, at: _Geometry) -> pd.DataFrame:
    """Biases beneath the units, the column titles, the "+N more" markers: one text layer."""
    units, more = diagram.units, diagram.more
    biases = ["" if pd.isna(b) else f"{b:+.1f}" if at.narrow else f"{b:+.2f}" for b in units["bias"]]
    return pd.concat(
        [
            pd.DataFrame(  # in the gap right of the unit, before its outgoing lines
                {"x": units["column"] + at.half_x + at.gap / 2, "y": units["row"], "text": biases, "kind": "bias"}
            ),
            pd.DataFrame(
                {"x": range(at.columns), "y": at.rows / 2 + 0.45, "text": list(diagram.titles), "kind": "title"}
            ),
            pd.DataFrame({"x": more["column"], "y": more["row"], "text": more["text"], "kind": "more"}),
        ],
        ignore_index=True,
    )


def _layers(
    maps: pd.DataFrame,
    lines: pd.DataFrame,
    words: pd.DataFrame,
    chosen: pd.DataFrame,
    at: _Geometry,
    font_sizes: dict[str, int] = FONT_SIZES,
) -> list[alt.Chart]:
    """The weight lines, the unit maps, the words and the outline of the ``chosen`` unit (if any),
    each one layer over the same scales."""
    x_scale = alt.Scale(domain=[-0.5, at.columns - 0.5], nice=False, zero=False)
    y_scale = alt.Scale(domain=[-at.rows / 2 - 0.1, at.rows / 2 + 0.9], nice=False, zero=False)  # room for titles
    x, y = alt.X("x:Q", scale=x_scale, axis=None), alt.Y("y:Q", scale=y_scale, axis=None)
    box = dict(x=x, x2=alt.X2("x2:Q"), y=y, y2=alt.Y2("y2:Q"))
    rules = (
        alt.Chart(lines)
        .mark_rule(opacity=0.7)
        .encode(
            x=alt.X("start:Q", scale=x_scale, axis=None),
            x2=alt.X2("end:Q"),
            y=y,
            y2=alt.Y2("y2:Q"),
            color=alt.Color("sign:N", scale=alt.Scale(domain=list(SIGNS), range=list(SIGNS.values())), legend=None),
            strokeWidth=alt.StrokeWidth("width:Q", scale=None),
            tooltip=[
                alt.Tooltip("source:N", title="from"),
                alt.Tooltip("target:N", title="to"),
                alt.Tooltip("weight:Q", format=".3f"),
            ],
        )
    )
    pictures = (
        alt.Chart(maps)
        .mark_image(aspect=False, smooth=False)
        .encode(
            **box,
            url=alt.Url("url:N"),
            tooltip=[
                alt.Tooltip("name:N", title="unit"),
                alt.Tooltip("range:N", title="values over the map"),
                alt.Tooltip("fed_by:N", title="fed by"),
            ],
        )
    )
    sizes = alt.Scale(domain=list(font_sizes), range=list(font_sizes.values()))
    text = (
        alt.Chart(words)
        .mark_text(baseline="middle", color=LABEL_COLOR)
        .encode(x=x, y=y, text=alt.Text("text:N"), size=alt.Size("kind:N", scale=sizes, legend=None))
    )
    outline = alt.Chart(chosen).mark_rect(fill=None, stroke=SELECTED_COLOR, strokeWidth=2).encode(**box)
    return [rules, pictures, text, *([outline] if len(chosen) else [])]


def diagram_chart(
    diagram: Diagram, *, width: int = 320, selected: tuple[int, int] | None = None, large_text: bool = False
) -> alt.LayerChart:
    """The network: a column of unit maps per layer, weight lines between them (width by |w|,
    orange positive, blue negative), each unit's bias beneath it, column titles, and a "+N more"
    marker under a layer drawn in part. Hover a unit for its range and what feeds it, a line for
    its weight; ``selected`` (layer, unit) is outlined. Few layers (lines, maps, words): the chart
    is rebuilt on every redraw. ``large_text``: biases and titles at ``LARGE_FONT_SIZES`` (the presentation view)."""
    at = _geometry(diagram, width)
    units = diagram.units
    maps = _maps(units, at)
    picked = (units["layer"] == selected[0]).to_numpy() & (units["unit"] == selected[1]).to_numpy() if selected else []
    chosen = maps[picked] if selected else maps[:0]
    fonts = LARGE_FONT_SIZES if large_text else FONT_SIZES
    layers = _layers(maps, _lines(diagram, at), _words(diagram, at), chosen, at, fonts)
    summary = (
        f"{' → '.join(diagram.titles)}: each unit's output over the map, weight lines orange for positive "
        "and blue for negative, biases beside the units."
    )
    return alt.layer(
        *layers,
        width=width,
        height=at.height,
        autosize=alt.AutoSizeParams(type="pad"),
        description=description("Network diagram", summary),
    )


def unit_chart(url: str, window: tuple[float, float, float, float], *, title: str, size: int = 220) -> alt.Chart:
    """One unit's map drawn large over the decision map's window, with its axes."""
    x_low, x_high, y_low, y_high = window
    picture = pd.DataFrame({"url": [url], "x": [x_low], "x2": [x_high], "y": [y_low], "y2": [y_high]})
    return (
        alt.Chart(picture, title=alt.TitleParams(text=title, fontSize=12, fontWeight="normal"))
        .mark_image(aspect=False, smooth=True)
        .encode(
            x=alt.X("x:Q", scale=alt.Scale(domain=[x_low, x_high], nice=False, zero=False), title="x₁"),
            x2=alt.X2("x2:Q"),
            y=alt.Y("y:Q", scale=alt.Scale(domain=[y_low, y_high], nice=False, zero=False), title="x₂"),
            y2=alt.Y2("y2:Q"),
            url=alt.Url("url:N"),
        )
        .properties(
            width=size,
            height=size,
            autosize=alt.AutoSizeParams(type="pad"),
            description=description("Unit map", f"{title}: what the chosen unit outputs at each place of the plane."),
        )
    )

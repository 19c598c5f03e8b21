"""The Playground's own charts: the network diagram and the selected unit's map. No Streamlit.

The diagram is drawn in its own coordinates: column ``c`` at x = c, rows around y = 0. Each unit
is one small picture (an image mark), each weight one rule from the right edge of its source to
the left edge of its target, so the browser draws a few hundred marks at most.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from scratchnet.app.playground.logic import NEGATIVE, NOT_A_NUMBER, POSITIVE, Diagram

ROW_PIXELS = 20  # the height of one row of the tallest column
BOX_SHARE = 0.8  # of a unit's row, its map takes this much
MIN_HEIGHT = 220  # pixels
BIAS_GAP = 26  # pixels right of a unit for its bias (its outgoing lines start after it)
NARROW_COLUMN = 60  # pixels per layer under which biases are written with one decimal
LABEL_COLOR = "#555"
SIGNS = {"positive": POSITIVE, "negative": NEGATIVE, "not a number": NOT_A_NUMBER}
FONT_SIZES = {"bias": 8, "title": 11, "more": 10}
SELECTED_COLOR = "#1b1b1b"


def diagram_chart(diagram: Diagram, *, width: int = 320, selected: tuple[int, int] | None = None) -> alt.LayerChart:
    """The network: a column of unit maps per layer, weight lines between them (width by |w|,
    orange positive, blue negative), each unit's bias beneath it, column titles, and a "+N more"
    marker under a layer drawn in part. Hover a unit for its range and what feeds it, a line for
    its weight; ``selected`` (layer, unit) is outlined. Few layers (lines, maps, words): the chart
    is rebuilt on every redraw."""
    columns = len(diagram.titles)
    rows = max(diagram.rows, 3)
    height = max(rows * ROW_PIXELS, MIN_HEIGHT)  # a small network's maps grow instead of leaving a thin strip
    x_pixels, y_pixels = width / columns, height / rows  # per unit of each drawing coordinate
    units = diagram.units
    box = (BOX_SHARE * units["spacing"] * y_pixels).clip(upper=0.42 * x_pixels)  # a square map, in pixels
    half_x, half_y = (box / 2 / x_pixels).to_numpy(), (box / 2 / y_pixels).to_numpy()
    column, row = units["column"].to_numpy(), units["row"].to_numpy()
    maps = pd.DataFrame(
        {
            "x": column - half_x,
            "x2": column + half_x,
            "y": row - half_y,
            "y2": row + half_y,
            "url": units["url"],
            "name": units["name"],
            "range": [f"{low:.3g} … {high:.3g}" for low, high in zip(units["low"], units["high"])],
            "fed_by": units["fed_by"],
        }
    )
    narrow = x_pixels < NARROW_COLUMN
    gap = (BIAS_GAP - 6 * narrow) / x_pixels
    has_bias = units["bias"].notna().to_numpy()
    edge = dict(zip(zip(column.tolist(), row.tolist()), half_x.tolist()))
    right = dict(zip(zip(column.tolist(), row.tolist()), (half_x + gap * has_bias).tolist()))
    weights = diagram.weights
    lines = weights.assign(  # from the right of the source (after its bias) to the left edge of the target
        start=weights["x"] + [right[key] for key in zip(weights["x"].tolist(), weights["y"].tolist())],
        end=weights["x2"] - [edge[key] for key in zip(weights["x2"].tolist(), weights["y2"].tolist())],
    )
    words = pd.concat(  # biases beneath the units, the column titles, the "+N more" markers: one text layer
        [
            pd.DataFrame(
                {
                    "x": column + half_x + gap / 2,  # in the gap right of the unit, before its outgoing lines
                    "y": row,
                    "text": ["" if pd.isna(b) else f"{b:+.1f}" if narrow else f"{b:+.2f}" for b in units["bias"]],
                    "kind": "bias",
                }
            ),
            pd.DataFrame({"x": range(columns), "y": rows / 2 + 0.45, "text": list(diagram.titles), "kind": "title"}),
            pd.DataFrame(
                {"x": diagram.more["column"], "y": diagram.more["row"], "text": diagram.more["text"], "kind": "more"}
            ),
        ],
        ignore_index=True,
    )
    x_scale = alt.Scale(domain=[-0.5, columns - 0.5], nice=False, zero=False)
    y_scale = alt.Scale(domain=[-rows / 2 - 0.1, rows / 2 + 0.9], nice=False, zero=False)  # room for the titles
    x, y = alt.X("x:Q", scale=x_scale, axis=None), alt.Y("y:Q", scale=y_scale, axis=None)
    x2, y2 = alt.X2("x2:Q"), alt.Y2("y2:Q")
    rules = (
        alt.Chart(lines)
        .mark_rule(opacity=0.7)
        .encode(
            x=alt.X("start:Q", scale=x_scale, axis=None),
            x2=alt.X2("end:Q"),
            y=y,
            y2=y2,
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
            x=x,
            x2=x2,
            y=y,
            y2=y2,
            url=alt.Url("url:N"),
            tooltip=[
                alt.Tooltip("name:N", title="unit"),
                alt.Tooltip("range:N", title="values over the map"),
                alt.Tooltip("fed_by:N", title="fed by"),
            ],
        )
    )
    text = (
        alt.Chart(words)
        .mark_text(baseline="middle", color=LABEL_COLOR)
        .encode(
            x=x,
            y=y,
            text=alt.Text("text:N"),
            size=alt.Size(
                "kind:N", scale=alt.Scale(domain=list(FONT_SIZES), range=list(FONT_SIZES.values())), legend=None
            ),
        )
    )
    layers = [rules, pictures, text]
    chosen = (
        maps[(units["layer"] == selected[0]).to_numpy() & (units["unit"] == selected[1]).to_numpy()] if selected else []
    )
    if len(chosen):
        layers.append(
            alt.Chart(chosen).mark_rect(fill=None, stroke=SELECTED_COLOR, strokeWidth=2).encode(x=x, x2=x2, y=y, y2=y2)
        )
    return alt.layer(*layers, width=width, height=height, autosize=alt.AutoSizeParams(type="pad"))


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
        .properties(width=size, height=size, autosize=alt.AutoSizeParams(type="pad"))
    )

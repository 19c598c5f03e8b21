"""Altair charts, each a pure function of the tables ``frames`` builds. No Streamlit here.

Encodings use Altair's channel classes (``alt.X(...)``) rather than shorthand strings or
``alt.condition``: the charts are rebuilt several times a second while a network trains, and
the classes skip the schema look-ups that shorthands cost.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from scratchnet.app.plots.describe import description  # a chart's text alternative; read here too
from scratchnet.app.plots.palette import PALETTE  # the class colours, defined there; read here too
from scratchnet.app.plots.picture import data_url, rgb  # rgb: here too, beside the palette it reads

SERIES_COLORS = {"training": PALETTE[0], "held out": PALETTE[1]}
MARKER_COLOR = "#E45756"  # the replay marker: red, a colour no series of the loss chart has
REPLAY_TABLE = "replay"  # the named table a kept loss chart reads its replay marker from
BEST_COLOR = "#2E7D32"  # the best epoch's rule on the loss chart
POINT_KINDS = ("training, right", "held out, right", "training, wrong", "held out, wrong")
MAP_OPACITY = (0.05, 0.62)  # a cell's opacity from a coin-toss guess to a certain one
FLAT_OPACITY = 0.4  # every cell's opacity without confidence shading
POINTS_KEY = "● training point · ■ held-out point · ✚ misclassified (filled with its true class)"
ROOMY_POINTS = 600  # up to this many points, markers keep their full size; past it they shrink
MAX_SHOWN_POINTS = 1000  # right points drawn at most, and misclassified ones at most: past it, an even share
MARKER_SIZES = (36, 120)  # area of a right point and of a misclassified cross, with room to spare
SMALLEST_MARKERS = (8, 24)
AXES_ROOM, LEGEND_ROW = 90, 20  # pixels the map's axes and each row of its legend take
LARGE_TEXT = 16  # pixels: axis labels and titles, legends and chart titles in the presentation view


def large(on: bool = True) -> alt.Config | alt.utils.Undefined:
    """The chart configuration that sets axes, legends, titles and marks' words at ``LARGE_TEXT`` pixels,
    readable from the back of a room (``on`` False: none). Given to a chart when it is made (``config=``):
    Altair's ``configure_*`` copy the whole chart, which a chart redrawn while a run trains cannot afford."""
    if not on:
        return alt.Undefined
    return alt.Config(
        axis=alt.AxisConfig(labelFontSize=LARGE_TEXT, titleFontSize=LARGE_TEXT),
        legend=alt.LegendConfig(labelFontSize=LARGE_TEXT, titleFontSize=LARGE_TEXT, symbolSize=160),
        title=alt.TitleConfig(fontSize=LARGE_TEXT),
        text=alt.MarkConfig(fontSize=LARGE_TEXT),  # marks' own words ("best"); an encoded size still wins
    )


def square_ranges(aspect: float = 1.0) -> tuple[list, list]:
    """The x and y scale ranges that keep a plot square (or ``aspect`` wide to 1 high) whatever size the chart is
    given (a fullscreen gives it the screen's): the largest such plot, in the bottom-left corner, against both axes.
    Only for one view (fitted, ``autosize`` "fit"): in a concatenation ``width`` is not the view's."""
    across, down = f"min(width, height * {float(aspect)!r})", f"min(height, width / {float(aspect)!r})"
    return [0, alt.ExprRef(expr=across)], [alt.ExprRef(expr="height"), alt.ExprRef(expr=f"height - {down}")]


def class_scale(class_names: Sequence[str]) -> alt.Scale:
    return alt.Scale(domain=list(class_names), range=[PALETTE[i % len(PALETTE)] for i in range(len(class_names))])


def loss_chart(
    losses: pd.DataFrame,
    lrs: pd.DataFrame,
    *,
    epochs: int,
    log_scale: bool = False,
    marker: int | None = None,
    hover: bool = True,
    height: int = 250,
    best_epoch: int | None = None,
    robust: bool = False,
    replay_table: bool = False,
    large_text: bool = False,
) -> alt.VConcatChart:
    """Training and held-out loss per epoch (``hover`` for values), with the learning rate beneath.

    The x axis spans all ``epochs`` planned, so a run in progress fills it from the left;
    ``marker`` draws a dashed line at that epoch (the replay position); ``replay_table`` draws it at
    the epoch the chart's table ``REPLAY_TABLE`` holds, given when it is drawn (``replay_rows``), so
    one chart kept for a run serves every replay position. The hover layers cost the
    most to build and to draw: a chart redrawn while a run trains goes without them.
    ``best_epoch`` marks the epoch of the lowest held-out loss (a dotted rule labelled "best").
    ``robust`` cuts off an early spike (``robust_top``) so it does not flatten the rest of the curve.
    The legend sits above the plot, off the curves, and names only the series there are.
    ``large_text``: axes and legend at ``LARGE_TEXT`` pixels (the presentation view).
    """
    x = epoch_axis(epochs)
    y_top = robust_top(losses) if robust and not log_scale else None
    y_scale = loss_scale(log_scale, y_top)
    present = [name for name in SERIES_COLORS if (losses["series"] == name).any()] or ["training"]
    series = series_color(present)
    base = alt.Chart(losses)
    lines = base.mark_line(strokeWidth=2, clip=y_top is not None).encode(
        x=x, y=alt.Y("loss:Q", scale=y_scale, title="cross-entropy loss"), color=series
    )
    layers = [lines]
    if hover:
        layers += hover_layers(base, x, series, loss_tooltip())
    if marker is not None or replay_table:
        layers.append(replay_marker(marker, epochs))
    if best_epoch is not None:
        layers += best_epoch_layers(best_epoch, x)
    top = alt.layer(*layers, height=height, width="container")
    lr = lr_strip(lrs, epochs)
    return alt.vconcat(
        top,
        lr,
        spacing=4,
        padding={"left": 4, "top": 4, "right": 12, "bottom": 4},
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),  # axes and padding inside the column
        description=description(
            "Loss curve",
            f"Cross-entropy loss per epoch ({', '.join(present)} points) over {epochs:,} epochs, "
            "with the learning rate beneath.",
        ),
        config=large(large_text),
    )


def loss_tooltip() -> list[alt.Tooltip]:
    """What hovering a loss curve tells: the epoch, the series, its loss and its accuracy."""
    return [
        alt.Tooltip("epoch:Q", format=","),
        alt.Tooltip("series:N"),
        alt.Tooltip("loss:Q", format=".4~g"),
        alt.Tooltip("accuracy:Q", format=".1%"),
    ]


def loss_scale(log_scale: bool, top: float | None) -> alt.Scale:
    """The loss axis: logarithmic, or from 0 (to ``top`` when ``robust_top`` cut a spike off)."""
    if log_scale:
        return alt.Scale(type="log")
    return alt.Scale(zero=True) if top is None else alt.Scale(domain=[0, top], nice=False)


def series_color(present: list[str]) -> alt.Color:
    """The loss curves' colours, one per series drawn; a legend above them only when there are two."""
    return alt.Color(
        "series:N",
        scale=alt.Scale(domain=present, range=[SERIES_COLORS[name] for name in present]),
        legend=alt.Legend(title=None, orient="top", direction="horizontal") if len(present) > 1 else None,
    )


def best_epoch_layers(best_epoch: int, x: alt.X) -> list[alt.Chart]:
    """The loss chart's best epoch: a dotted rule, labelled "best"."""
    best = alt.Chart(pd.DataFrame({"epoch": [best_epoch], "marker": ["best"]}))
    rule = best.mark_rule(color=BEST_COLOR, strokeDash=[1, 3], strokeWidth=2).encode(x=x)
    label = best.mark_text(color=BEST_COLOR, align="left", baseline="top", dx=4, y=4, fontWeight="bold")
    return [rule, label.encode(x=x, text=alt.Text("marker:N"))]


def lr_strip(lrs: pd.DataFrame, epochs: int) -> alt.Chart:
    """The learning rate per epoch, the thin strip beneath the loss curve (same epochs across)."""
    x_scale = alt.Scale(domain=[1, max(epochs, 2)], nice=False)
    highest = float(lrs["lr"].max()) if len(lrs) else float("nan")
    # headroom above the highest rate, so a constant rate shows as a line, not as a filled box
    lr_scale = alt.Scale(domain=[0, 1.25 * highest]) if math.isfinite(highest) and highest > 0 else alt.Scale()
    return (
        alt.Chart(lrs, height=60, width="container")
        .mark_area(line={"color": "#6f6f6f", "strokeWidth": 1.5}, color="#6f6f6f", opacity=0.12)
        .encode(
            x=alt.X("epoch:Q", scale=x_scale, title=None, axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y("lr:Q", title="learning rate", scale=lr_scale, axis=alt.Axis(format="~g", tickCount=3)),
            tooltip=[alt.Tooltip("epoch:Q", format=","), alt.Tooltip("lr:Q", format=".4g")],
        )
    )


def epoch_axis(epochs: int) -> alt.X:
    """The loss chart's x axis: epoch 1 to all ``epochs`` planned."""
    scale = alt.Scale(domain=[1, max(epochs, 2)], nice=False)
    return alt.X("epoch:Q", scale=scale, title="epoch", axis=alt.Axis(labelFlush=True, format=",.0f"))


def replay_marker(epoch: int | None, epochs: int) -> alt.Chart:
    """The dashed rule at the replay's ``epoch``, a layer of ``loss_chart``; with ``epoch`` None, at
    the epoch of the table named ``REPLAY_TABLE`` that the chart is drawn with (``replay_rows``)."""
    replay = pd.DataFrame({"epoch": [epoch]}) if epoch is not None else alt.NamedData(name=REPLAY_TABLE)
    rule = alt.Chart(replay).mark_rule(color=MARKER_COLOR, strokeDash=[4, 3], strokeWidth=2)
    return rule.encode(x=epoch_axis(epochs))


def replay_rows(epoch: int | None) -> pd.DataFrame:
    """The table ``REPLAY_TABLE`` a loss chart drawn with ``replay_table`` reads: the replay's epoch
    (no rows: no marker)."""
    return pd.DataFrame({"epoch": [] if epoch is None else [epoch]}, dtype="int64")


def robust_top(losses: pd.DataFrame, spike: float = 2.0) -> float | None:
    """The top of a loss axis that an early spike does not flatten, or None when nothing spikes.

    A curve that falls from its first epoch needs no help; a spike is a loss above both the first
    epoch's (the lowest series there: held-out rows are measured after the epoch's step) and
    everything after the first tenth of the epochs drawn, by ``spike`` times. Then the
    axis stops a little above the higher of those two, and the spike runs off the top."""
    finite = losses[np.isfinite(losses["loss"])]
    if len(finite) < 10:
        return None
    first, last = finite["epoch"].min(), finite["epoch"].max()
    start = finite.loc[finite["epoch"] == first, "loss"].min()  # the training loss before any step
    later = finite.loc[finite["epoch"] > first + (last - first) / 10, "loss"].max()
    reference = max(start, later)
    if not reference > 0 or finite["loss"].max() <= spike * reference:
        return None
    return float(1.1 * reference)


def hover_layers(
    base: alt.Chart, x: alt.X, color: alt.Color, tooltip: list[alt.Tooltip], *, size: int = 60
) -> list[alt.Chart]:
    """For loss curves: a dot on each curve and a rule at the epoch nearest the pointer, with ``tooltip``."""
    pointer = alt.selection_point(fields=["epoch"], nearest=True, on="pointerover", empty=False, clear="pointerout")
    dots = (
        base.mark_circle(size=size)
        .encode(
            x=x,
            y=alt.Y("loss:Q"),
            color=color,
            opacity=alt.OpacityValue(0.0, condition={"param": pointer.name, "value": 1.0, "empty": False}),
            tooltip=tooltip,
        )
        .add_params(pointer)
    )
    return [dots, base.mark_rule(color="#999").encode(x=x).transform_filter(pointer)]


def map_pixels(grid: pd.DataFrame, class_names: Sequence[str], *, confidence: bool = True) -> np.ndarray:
    """The decision map as RGBA pixels (top row = highest ``y``): one pixel per ``grid`` cell, in
    its predicted class's colour, with an opacity that rises linearly from ``MAP_OPACITY[0]``
    where the network guesses (confidence 1/k) to ``MAP_OPACITY[1]`` where it is certain."""
    k = max(len(class_names), 2)
    columns, column = np.unique(grid["x"].to_numpy(), return_inverse=True)
    rows, row = np.unique(grid["y"].to_numpy(), return_inverse=True)
    predicted = pd.Categorical(grid["predicted"], categories=list(class_names)).codes
    colors = np.array([rgb(PALETTE[i % len(PALETTE)]) for i in range(k)])
    if confidence:
        low, high = MAP_OPACITY
        share = (grid["confidence"].to_numpy(dtype=float) - 1 / k) / (1 - 1 / k)
        alpha = low + (high - low) * np.clip(np.nan_to_num(share), 0, 1)
    else:
        alpha = np.full(len(grid), FLAT_OPACITY)
    pixels = np.zeros((len(rows), len(columns), 4))  # cells the grid lacks stay transparent
    top_down = len(rows) - 1 - row
    pixels[top_down, column, :3] = colors[np.maximum(predicted, 0)]
    pixels[top_down, column, 3] = np.where(predicted >= 0, np.round(255 * alpha), 0)
    return pixels


def boundary_chart(
    grid: pd.DataFrame,
    points: pd.DataFrame,
    class_names: Sequence[str],
    *,
    window: tuple[float, float, float, float],
    confidence: bool = True,
    size: int = 300,
    large_text: bool = False,
    fitted: bool = True,
) -> alt.LayerChart:
    """The decision map (``grid``'s cells coloured by predicted class, paler where the network is
    unsure, or flat with ``confidence=False``; drawn as one picture) under the points, filled by
    their true class.

    Training points are circles, held-out points squares; misclassified points are large crosses
    with a dark outline (``POINTS_KEY`` says so in words, for under the chart). Many points would
    hide the map: past ``ROOMY_POINTS`` the markers shrink, and past ``MAX_SHOWN_POINTS`` right (or
    misclassified) points only an even share of them is drawn (the chart's title says so).
    ``large_text``: axes and legend at ``LARGE_TEXT`` pixels (the presentation view).
    ``fitted`` False: a plot of ``size`` x ``size`` with its axes and legend around it, for a view inside
    a concatenation (``boundary_panels``), whose scales cannot read a size of its own.
    """
    total = len(points)
    points, note = drawn_points(points)
    # fitted, the plot stays square whatever size it is given (a chart's fullscreen gives it the screen's)
    x_range, y_range = square_ranges() if fitted else (alt.Undefined, alt.Undefined)
    x_scale = alt.Scale(domain=list(window[:2]), nice=False, zero=False, range=x_range)
    x = alt.X("x:Q", scale=x_scale, title="x₁")
    y = alt.Y("y:Q", scale=alt.Scale(domain=list(window[2:]), nice=False, zero=False, range=y_range), title="x₂")
    cells = map_picture(grid, class_names, x, y, confidence=confidence)
    dots = point_marks(points, class_names, x, y, total=total, size=size)
    about = map_description(points, class_names, total)
    title = alt.Undefined
    if note:  # one short line per kind thinned: a title wider than the map would widen the whole chart
        title = alt.TitleParams(
            text=note.split("; "), fontSize=LARGE_TEXT if large_text else 10, fontWeight="normal", color="#555"
        )
    # "fit": the axes and the legend inside the size given (here, or by a fullscreen), around a plot
    # area of about size x size
    room = AXES_ROOM + (20 if large_text else 0)
    legend_rows = math.ceil(len(class_names) / max(2, size // 60))
    if not fitted:  # "pad": the plot is size x size, its axes and legends around it
        pad = alt.AutoSizeParams(type="pad")
        return alt.layer(cells, dots, width=size, height=size, autosize=pad, title=title, description=about)
    return alt.layer(
        cells,
        dots,
        width=size + room,
        height=size + room + LEGEND_ROW * (legend_rows + 1),
        autosize=alt.AutoSizeParams(type="fit", contains="padding"),
        title=title,
        description=about,
        config=large(large_text),
    )


def map_description(points: pd.DataFrame, class_names: Sequence[str], total: int) -> str:
    """The map's text alternative: what it shows, how many points, how many drawn misclassified."""
    wrong = int((points["correct"] == "wrong").sum()) if "correct" in points else 0
    summary = (
        f"The class the network predicts over the plane ({', '.join(map(str, class_names))}), with {total:,} "
        f"points filled by their true class; {wrong:,} drawn misclassified, as crosses."
    )
    return description("Decision map", summary)


def map_picture(grid: pd.DataFrame, class_names: Sequence[str], x: alt.X, y: alt.Y, *, confidence: bool) -> alt.Chart:
    """The decision map's cells as one picture (``map_pixels``) stretched over the grid's window."""
    picture = pd.DataFrame(
        {
            "url": [data_url(map_pixels(grid, class_names, confidence=confidence))],
            "x": [grid["x"].min()],
            "x2": [grid["x2"].max()],
            "y": [grid["y"].min()],
            "y2": [grid["y2"].max()],
        }
    )
    return (
        alt.Chart(picture)
        .mark_image(aspect=False, smooth=True)
        .encode(x=x, x2=alt.X2("x2:Q"), y=y, y2=alt.Y2("y2:Q"), url=alt.Url("url:N"))
    )


def point_marks(
    points: pd.DataFrame, class_names: Sequence[str], x: alt.X, y: alt.Y, *, total: int, size: int
) -> alt.Chart:
    """The map's points, filled by their true class: circles (training), squares (held out), crosses
    with a dark outline (misclassified), sized for ``total`` points on a map ``size`` pixels wide."""
    right_size, wrong_size = marker_sizes(total)
    crowded = total > ROOMY_POINTS
    wrong = ["right", "wrong"]
    return (
        alt.Chart(points)
        .transform_calculate(kind="datum.split + ', ' + datum.correct")
        .mark_point(filled=True, opacity=0.95)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill(
                "true:N",
                scale=class_scale(class_names),
                legend=alt.Legend(title="true class", orient="bottom", columns=max(2, size // 60)),
            ),
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(domain=list(POINT_KINDS), range=["circle", "square", "cross", "cross"]),
                legend=None,  # explained under the chart: circles, squares, crosses
            ),
            stroke=alt.Stroke("correct:N", scale=alt.Scale(domain=wrong, range=["white", "#1b1b1b"]), legend=None),
            strokeWidth=alt.StrokeWidth(
                "correct:N", scale=alt.Scale(domain=wrong, range=[0.6, 0.5 if crowded else 1.4]), legend=None
            ),
            size=alt.Size("correct:N", scale=alt.Scale(domain=wrong, range=[right_size, wrong_size]), legend=None),
            tooltip=[
                alt.Tooltip("true:N"),
                alt.Tooltip("predicted:N"),
                alt.Tooltip("split:N"),
                alt.Tooltip("x:Q", format=".3f"),
                alt.Tooltip("y:Q", format=".3f"),
            ],
        )
    )


def marker_sizes(count: int) -> tuple[float, float]:
    """The areas of a right point and of a misclassified cross on a map of ``count`` points: full
    size up to ``ROOMY_POINTS``, then shrinking with the square root of the crowd, down to
    ``SMALLEST_MARKERS``."""
    shrink = min(1.0, math.sqrt(ROOMY_POINTS / max(count, 1)))
    return tuple(max(small, full * shrink) for full, small in zip(MARKER_SIZES, SMALLEST_MARKERS))


def drawn_points(points: pd.DataFrame, limit: int = MAX_SHOWN_POINTS) -> tuple[pd.DataFrame, str]:
    """The points to draw, and a note when some are left out: the right ones and the misclassified
    ones each evenly thinned (every k-th, in order) to at most ``limit``, so neither can bury the map."""
    keep, notes = [], []
    for kind in ("right", "wrong"):
        rows = np.flatnonzero((points["correct"] == kind).to_numpy())
        every = max(1, math.ceil(len(rows) / limit))
        keep.append(rows[::every])
        if every > 1:
            notes.append(f"1 in {every} {kind} shown ({len(rows[::every]):,} of {len(rows):,})")
    if not notes:
        return points, ""
    return points.iloc[np.sort(np.concatenate(keep))], "; ".join(notes)

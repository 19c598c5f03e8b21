"""The "Under the hood" page's charts and marked tables: pure functions from tables to Altair charts
(and Markdown tables), no Streamlit."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from scratchnet.app.plots.charts import LARGE_TEXT, MARKER_COLOR, class_scale, square_ranges
from scratchnet.app.plots.describe import description, steps_summary
from scratchnet.app.plots.frames import extent
from scratchnet.app.plots.palette import NEGATIVE_MARK, POSITIVE_MARK, signed_scale
from scratchnet.app.runs.result import DataSplit
from scratchnet.app.runs.trace_stages import Stage
from scratchnet.app.text import escape

#: Every chart here is fitted (a chart whose width and height were its plot's, with axes, legend and title
#: added around it, ran off the screen in a fullscreen, which gives the plot the screen's size).
#: Fitted charts: width and height are the whole chart's, the plot gets what its axes, legend and title
#: leave; a chart's fullscreen gives them the screen's size and everything stays on it. Each adds the
#: room its parts take (measured in Chromium at the theme's sizes), so that its plot keeps its size.
FITTED = alt.AutoSizeParams(type="fit", contains="padding")
CHECK_ROOM = (75, 170)  # the gradient check: its y axis across; its title, x axis and legend down
NORMS_ROOM = 130  # the gradient norms: the legend above, the x axis below
STEPS_ROOM = 88  # the batch loss per step: its title and x labels
POINTS_ROOM = (110, 18)  # the training points: their title and the legend's margins, then each class's row
WEIGHT_ROOM = (126, 92)  # a weight matrix: its y axis's title and ticks and the legend across; title, x axis down
LABEL_CHARACTER, LABEL_ROW = 5, 32  # an axis label's character (across); the x labels and ticks (down)
MAP_ROOM = (0, 62)  # the unit maps: nothing across; the title above and the margin below
MAP_GAP, MAP_LABEL = 6, 16  # the unit maps: the space between two maps, the band above each for its unit's name
MAP_TITLE_CHARACTER = 7  # about the width of one of the title's characters: a short grid still shows all of it


# ---- the step-through ------------------------------------------------------------------------
#: How a number's size (against the largest in its table) is marked: at least half of it on a
#: shaded background, at least a sixth in colour, smaller ones plain. Markdown tables with
#: Streamlit's colour directives draw in a fraction of the time of styled data grids, and the
#: step-through shows some twenty tables on every click.
STRONG, NOTABLE = 0.5, 1 / 6


def shade_levels(values: np.ndarray) -> np.ndarray:
    """Per number: 2 (large), 1 (notable) or 0 (small, zero or not finite), by its size against the table's peak."""
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    peak = float(np.abs(values[finite]).max()) if finite.any() else 0.0
    if peak == 0:
        return np.zeros(values.shape, dtype=int)
    share = np.where(finite, np.abs(np.where(finite, values, 0.0)) / peak, 0.0)
    return np.where(share >= STRONG, 2, np.where(share >= NOTABLE, 1, 0))


def _marked(value: float, level: int, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    if level == 0 or value == 0:
        return text
    colour = POSITIVE_MARK if value > 0 else NEGATIVE_MARK
    return f":{colour}-background[{text}]" if level == 2 else f":{colour}[{text}]"


def table_markdown(
    values: np.ndarray,
    rows: Sequence[str],
    columns: Sequence[str],
    *,
    row_title: str = "",
    decimals: int = 4,
    plain: Sequence[str] = (),
) -> str:
    """A table of numbers in Markdown: ``decimals`` decimals, orange when positive and blue when negative,
    on a shaded background when large (``shade_levels``); the columns in ``plain`` as whole numbers,
    unmarked. Plain NumPy and strings: this runs for some twenty tables on every click."""
    values = np.asarray(values, dtype=float)
    marked = [j for j, column in enumerate(columns) if column not in plain]
    levels = np.zeros(values.shape, dtype=int)
    levels[:, marked] = shade_levels(values[:, marked])
    lines = [
        "| " + " | ".join(escape(name) for name in (row_title, *columns)) + " |",
        "|:--|" + "--:|" * len(columns),
    ]
    for i, label in enumerate(rows):
        cells = [
            f"{value:.0f}" if column in plain else _marked(value, levels[i, j], decimals)
            for j, (column, value) in enumerate(zip(columns, values[i].tolist()))
        ]
        lines.append(f"| **{escape(label)}** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def stage_markdown(stage: Stage, decimals: int = 4) -> str:
    """The stage's table with a fixed number of decimals, marked by sign and size (labels left plain)."""
    return table_markdown(
        stage.values, stage.rows, stage.columns, row_title=stage.row_title, decimals=decimals, plain=("true class y",)
    )


def frame_markdown(frame: pd.DataFrame, decimals: int = 4) -> str:
    """A table of numbers (labelled rows and columns) in the step-through's Markdown form."""
    index = [str(label) for label in frame.index]
    return table_markdown(
        frame.to_numpy(dtype=float), index, list(frame.columns), row_title=frame.index.name or "", decimals=decimals
    )


def loss_steps_chart(losses: Sequence[float], height: int = 70) -> alt.Chart:
    """The batch loss before each step taken so far (step 0 = the start)."""
    frame = pd.DataFrame({"step": np.arange(len(losses)), "loss": np.asarray(losses, dtype=float)})
    return (
        alt.Chart(frame, title=alt.TitleParams("batch loss per step", fontSize=12, anchor="start"))
        .mark_line(point=True, strokeWidth=2, color="#4C78A8")
        .encode(
            x=alt.X("step:Q", title=None, axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("loss:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(tickCount=3)),
            tooltip=[alt.Tooltip("step:Q"), alt.Tooltip("loss:Q", format=".5f")],
        )
        .properties(
            height=height + STEPS_ROOM,
            width="container",
            autosize=FITTED,
            description=description("Batch loss per step", steps_summary(list(losses), "the batch loss", 4)),
        )
    )


# ---- gradient check ----------------------------------------------------------------------------
def check_scatter_chart(entries: pd.DataFrame, *, title: str, size: int = 260, of: str = "") -> alt.LayerChart:
    """Analytic against numeric gradient, one dot per parameter entry; the diagonal is where they agree.
    ``of``: whose backward pass is checked, for the text alternative (two checks sit side by side)."""
    values = entries[["analytic", "numeric"]].to_numpy()
    peak = float(np.abs(values).max()) if values.size else 1.0
    peak = peak * 1.05 if peak > 0 else 1.0
    across, down = square_ranges()  # the diagonal stays at 45°, in a fullscreen too
    x_scale = alt.Scale(domain=[-peak, peak], nice=False, range=across)
    y_scale = alt.Scale(domain=[-peak, peak], nice=False, range=down)
    diagonal = (
        alt.Chart(pd.DataFrame({"numeric": [-peak, peak], "analytic": [-peak, peak]}))
        .mark_line(color="#999", strokeDash=[4, 3], clip=True)
        .encode(x=alt.X("numeric:Q", scale=x_scale), y=alt.Y("analytic:Q", scale=y_scale))
    )
    dots = (
        alt.Chart(entries)
        .mark_circle(size=45, opacity=0.8)
        .encode(
            x=alt.X("numeric:Q", scale=x_scale, title="numeric (finite differences)"),
            y=alt.Y("analytic:Q", scale=y_scale, title="analytic (backward)"),
            color=alt.Color("parameter:N", legend=alt.Legend(orient="bottom", title=None)),
            tooltip=[
                alt.Tooltip("parameter:N"),
                alt.Tooltip("entry:N"),
                alt.Tooltip("analytic:Q", format=".6g"),
                alt.Tooltip("numeric:Q", format=".6g"),
            ],
        )
    )
    gap = float(np.abs(values[:, 0] - values[:, 1]).max()) if values.size else 0.0
    parameters = ", ".join(map(str, pd.unique(entries["parameter"])))
    about = description(
        "Gradient check",
        f"{of + ': ' if of else ''}analytic against numeric gradient of {len(entries)} entries of {parameters}; "
        f"the diagonal is where they agree; largest gap {gap:.2g}.",
    )
    return alt.layer(
        diagonal,
        dots,
        width=size + CHECK_ROOM[0],
        height=size + CHECK_ROOM[1],
        title=title,
        autosize=FITTED,
        description=about,
    )


# ---- inside a trained network -----------------------------------------------------------------
def unit_map_chart(frame: pd.DataFrame, *, panel: int = 70, columns: int = 8) -> alt.LayerChart:
    """One small map per unit (like TensorFlow Playground's neuron thumbnails), each the picture
    ``unit_map_frame`` painted (the Playground's diagram paints its units with the same function):
    orange where the unit's output is high, blue where it is negative, white where it is 0. Hover a
    map for its unit and its output range.

    One view, not a facet, so that it fits the size it is given (a fullscreen gives it the screen's): the
    maps sit on a grid in the coordinates of the normal view's pixels, with ``square_ranges`` of the
    grid's aspect, so every map stays square at any size."""
    units = list(frame["unit"])
    across = min(columns, max(len(units), 1))
    rows = -(-len(units) // across)
    places = np.arange(len(units))
    left = (places % across) * (panel + MAP_GAP)
    top = (places // across) * (panel + MAP_LABEL + MAP_GAP) + MAP_LABEL  # each unit's name above its map
    pictures = frame.assign(
        left=left,
        right=left + panel,
        middle=left + panel / 2,
        top=top,
        bottom=top + panel,
        name_at=top - 2,
        range=[f"{low:.3g} … {high:.3g}" for low, high in zip(frame["low"], frame["high"])],
    )
    wide, tall = across * (panel + MAP_GAP) - MAP_GAP, rows * (panel + MAP_LABEL + MAP_GAP) - MAP_GAP
    x_range, _ = square_ranges(wide / tall)
    size = f"({x_range[1].expr}) / {wide}"  # the drawn size of one of the normal view's pixels
    x_scale = alt.Scale(domain=[0, wide], nice=False, zero=False, range=x_range)
    # top down, the grid under the title (no axis below it to stay against)
    y_scale = alt.Scale(domain=[0, tall], nice=False, zero=False, range=[0, alt.ExprRef(expr=f"{tall} * {size}")])
    base = alt.Chart(pictures).encode(x=alt.X("left:Q", scale=x_scale, axis=None))
    maps = base.mark_image(aspect=False, smooth=False).encode(  # one picture cell per grid cell, sharp as the diagram's
        x2=alt.X2("right:Q"),
        y=alt.Y("top:Q", scale=y_scale, axis=None),
        y2=alt.Y2("bottom:Q"),
        url=alt.Url("url:N"),
        tooltip=[alt.Tooltip("unit:N"), alt.Tooltip("range:N", title="output over the map")],
    )
    # grows with the maps, from the normal view's size up to the presentation view's (not past its title)
    name_size = alt.ExprRef(expr=f"clamp(11 * {size}, 11, {LARGE_TEXT})")
    names = base.mark_text(fontSize=name_size, baseline="bottom").encode(
        x=alt.X("middle:Q", scale=x_scale, axis=None), y=alt.Y("name_at:Q", scale=y_scale, axis=None), text="unit:N"
    )
    title = f"{len(units)} units, each over the points' window"
    return alt.layer(
        maps,
        names,
        width=max(wide, MAP_TITLE_CHARACTER * len(title)) + MAP_ROOM[0],
        height=tall + MAP_ROOM[1],
        title=title,
        autosize=FITTED,
        description=description(
            "Unit maps",
            f"What each of {len(units)} hidden units outputs over the points' window: orange where high, "
            "blue where negative, white at 0.",
        ),
    )


def data_chart(data: DataSplit, class_names: Sequence[str] | None = None, *, size: int = 130) -> alt.Chart:
    """The training points in the same square window as the unit maps, to read the maps by."""
    x_low, x_high, y_low, y_high = extent(data)
    shown = data.shown(data.X_train)
    names = list(class_names or data.class_names)
    frame = pd.DataFrame({"x": shown[:, 0], "y": shown[:, 1], "class": np.asarray(names)[data.y_train]})
    across, down = square_ranges()  # the plane stays square, as the unit maps are, in a fullscreen too
    return (
        alt.Chart(frame)
        .mark_circle(size=14, opacity=0.85)
        .encode(
            x=alt.X("x:Q", scale=alt.Scale(domain=[x_low, x_high], nice=False, zero=False, range=across), axis=None),
            y=alt.Y("y:Q", scale=alt.Scale(domain=[y_low, y_high], nice=False, zero=False, range=down), axis=None),
            color=alt.Color(
                "class:N", scale=class_scale(names), legend=alt.Legend(orient="bottom", title=None, columns=1)
            ),
        )
        .properties(
            width=size,
            height=size + POINTS_ROOM[0] + POINTS_ROOM[1] * len(names),
            title=alt.TitleParams("The training points", limit=400),  # unlimited, a fullscreen cut it short
            autosize=FITTED,
            description=description(
                "The training points", f"{len(frame)} points by class ({', '.join(names)}), in the unit maps' window."
            ),
        )
    )


def weight_chart(frame: pd.DataFrame, *, name: str, longest: int = 640) -> alt.Chart:
    """A weight matrix as a heatmap: orange positive, blue negative, white 0 (the diagram's colours).

    The longer side runs across the page: a tall matrix (more rows than columns, like the
    64 × 3 matrix into the class scores) is drawn transposed, and its title says so.
    """
    rows = list(frame["from"].cat.categories)
    columns = list(frame["to"].cat.categories)
    transposed = len(rows) > len(columns)
    across, down = (rows, columns) if transposed else (columns, rows)
    cell = int(min(28, max(6, longest // max(len(across), 1))))
    row = max(cell, 18) if len(down) <= 8 else cell  # short strips get rows tall enough for their labels
    peak = float(np.abs(frame["weight"]).max()) if len(frame) else 1.0
    peak = peak if peak > 0 else 1.0
    x_field, y_field = ("from", "to") if transposed else ("to", "from")
    tall = len(down) * row >= 120  # room for the longer axis titles
    titles = {"from": "from (rows of W)", "to": "to (columns of W)"} if tall else {"from": "from", "to": "to"}
    show_x, show_y = len(across) <= 24, len(down) <= 24
    if not show_x:
        titles[x_field] += f": {across[0]} … {across[-1]}"
    if not show_y:
        titles[y_field] += f": {down[0]} … {down[-1]}"
    title = f"{name}: {len(rows)} × {len(columns)}" + (", drawn transposed" if transposed else "")
    return (
        alt.Chart(frame)
        .mark_rect(strokeWidth=0)
        .encode(
            x=alt.X(
                f"{x_field}:O",
                sort=across,
                title=titles[x_field],
                axis=alt.Axis(labels=show_x, ticks=show_x, labelAngle=0, labelOverlap=False),
            ),
            y=alt.Y(
                f"{y_field}:O",
                sort=down,
                title=titles[y_field],
                axis=alt.Axis(labels=show_y, ticks=show_y, labelOverlap=False),
            ),
            color=alt.Color(
                "weight:Q",
                scale=alt.Scale(**signed_scale(peak)),
                legend=alt.Legend(orient="right", gradientLength=max(40, min(160, row * len(down))), title="weight"),
            ),
            tooltip=[alt.Tooltip("from:N"), alt.Tooltip("to:N"), alt.Tooltip("weight:Q", format=".4f")],
        )
        .properties(
            width=cell * len(across) + WEIGHT_ROOM[0] + LABEL_CHARACTER * max(map(len, down)) * show_y,
            height=row * len(down) + WEIGHT_ROOM[1] + LABEL_ROW * show_x,
            title=title,
            autosize=FITTED,
            description=description(
                f"Weight matrix {name}",
                f"{len(rows)} × {len(columns)} weights, from {frame['weight'].min():.3g} "
                f"to {frame['weight'].max():.3g}: orange positive, blue negative.",
            ),
        )
    )


def gradient_norm_chart(frame: pd.DataFrame, *, marker: int | None = None, height: int = 260) -> alt.LayerChart:
    """‖∂J/∂W‖ per layer against the epoch, on a log scale."""
    layers = sorted(frame["layer"].unique(), key=lambda name: int(name[1:]))
    x = alt.X("epoch:Q", title="epoch", axis=alt.Axis(format=",.0f"))
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=25), strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("norm:Q", scale=alt.Scale(type="log"), title="gradient norm ‖∂J/∂W‖", axis=alt.Axis(format="~g")),
            color=alt.Color(
                "layer:N", sort=layers, legend=alt.Legend(title=None, orient="top", direction="horizontal")
            ),
            tooltip=[
                alt.Tooltip("epoch:Q", format=","),
                alt.Tooltip("layer:N"),
                alt.Tooltip("norm:Q", format=".4g"),
                alt.Tooltip("loss:Q", format=".4f", title="training loss"),
            ],
        )
    )
    parts = [lines]
    if marker is not None:
        rule = pd.DataFrame({"epoch": [marker]})
        parts.append(alt.Chart(rule).mark_rule(color=MARKER_COLOR, strokeDash=[4, 3], strokeWidth=2).encode(x=x))
    about = description("Gradient norms", norms_summary(frame, layers))
    return alt.layer(*parts, height=height + NORMS_ROOM, width="container", autosize=FITTED, description=about)


def norms_summary(frame: pd.DataFrame, layers: Sequence[str]) -> str:
    """One line on the gradient norms (the chart's text alternative): the epochs, and each layer's last norm."""
    if frame.empty:
        return "The gradient norm of each layer's weights per epoch; none recorded."
    last = frame.sort_values("epoch").groupby("layer")["norm"].last()
    ends = ", ".join(f"{layer} {last[layer]:.3g}" for layer in layers)
    epochs = f"{frame['epoch'].nunique()} epochs recorded up to epoch {int(frame['epoch'].max()):,}"
    return f"The gradient norm of each layer's weights, log scale, {epochs}; at the last: {ends}."

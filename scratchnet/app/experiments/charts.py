"""The Experiments page's charts: overlaid loss curves, one colour per run, and small multiples of
decision maps. Pure functions from tables (``logic``'s frames) to Altair charts, no Streamlit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

import scratchnet as sn
from scratchnet.app.plots import charts, describe, frames
from scratchnet.app.runs.result import DataSplit

#: Run colours (Vega's "dark2", then "set1"): distinct from the class colours of the decision maps.
RUN_COLORS = (
    "#1B9E77",
    "#D95F02",
    "#7570B3",
    "#E7298A",
    "#66A61E",
    "#E6AB02",
    "#A6761D",
    "#666666",
    "#E41A1C",
    "#377EB8",
)
MAP_RESOLUTION = 40  # small multiples: a coarser grid keeps six maps light


def run_scale(runs: Sequence[str]) -> alt.Scale:
    return alt.Scale(domain=list(runs), range=[RUN_COLORS[i % len(RUN_COLORS)] for i in range(len(runs))])


def overlay_loss_chart(
    losses: pd.DataFrame,
    runs: Sequence[str],
    *,
    epochs: int,
    log_scale: bool = False,
    title: str = "cross-entropy loss",
    height: int = 320,
) -> alt.LayerChart:
    """One loss curve per run, coloured by run (legend in ``runs`` order); hover for values.

    With no loss recorded yet (every run still waiting) the axis gets a fixed range: an empty
    domain would label it with a single "0.000000".
    """
    x = alt.X(
        "epoch:Q",
        scale=alt.Scale(domain=[1, max(epochs, 2)], nice=False),
        title="epoch",
        axis=alt.Axis(labelFlush=True, format=",.0f"),
    )
    empty = losses.empty or not losses["loss"].notna().any()
    if log_scale:
        y_scale = alt.Scale(type="log", domain=[0.01, 1]) if empty else alt.Scale(type="log")
    else:
        y_scale = alt.Scale(zero=True, domain=[0, 1]) if empty else alt.Scale(zero=True)
    y = alt.Y("loss:Q", scale=y_scale, title=title)
    color = alt.Color(
        "run:N",
        scale=run_scale(runs),
        sort=list(runs),
        legend=alt.Legend(title=None, orient="right", labelLimit=320),
    )
    base = alt.Chart(losses)
    lines = base.mark_line(strokeWidth=2).encode(x=x, y=y, color=color)
    tooltip = [
        alt.Tooltip("run:N"),
        alt.Tooltip("epoch:Q", format=","),
        alt.Tooltip("loss:Q", format=".4f"),
        alt.Tooltip("accuracy:Q", format=".1%"),
    ]
    layers = [lines, *charts.hover_layers(base, x, color, tooltip, size=50)]
    about = describe.description("Loss curves", overlay_summary(losses, runs, epochs=epochs, title=title))
    return alt.layer(*layers, height=height, width="container", description=about)


def overlay_summary(losses: pd.DataFrame, runs: Sequence[str], *, epochs: int, title: str) -> str:
    """One line on the overlaid curves (their text alternative): how many runs over how many epochs, and
    which run ends lowest, read from the rows drawn (each run's last finite loss)."""
    finite = losses[np.isfinite(losses["loss"].to_numpy(dtype=float))]
    head = f"{title.capitalize()} of {len(runs)} run{'s' if len(runs) != 1 else ''} over {epochs:,} epochs"
    if finite.empty:
        return f"{head}; no loss recorded yet."
    ends = finite.sort_values("epoch").groupby("run", observed=True)[["epoch", "loss"]].last()
    when = "final" if len(ends) == len(runs) and (ends["epoch"] >= epochs).all() else "latest"
    return f"{head}; lowest {when} loss {ends['loss'].min():.3g} ({ends['loss'].idxmin()})."


@dataclass(frozen=True)
class Panel:
    """One small decision map: a title, a network and the points it learned from."""

    title: str
    network: sn.Network
    data: DataSplit
    subtitle: str = ""
    show: tuple[str, ...] = ("training", "held out")
    features: tuple[str, ...] = sn.DEFAULT_FEATURES  # what the network sees of a point (its run's config.features)


def boundary_panels(
    panels: Sequence[Panel], *, resolution: int = MAP_RESOLUTION, size: int = 200, columns: int = 3
) -> alt.ConcatChart:
    """Small multiples: one decision map per panel (``size`` pixels square, no axes), ``columns``
    to a row, one shared legend when the panels share their classes."""
    if not panels:
        raise ValueError("boundary_panels needs at least one panel")
    maps = []
    for panel in panels:
        grid, points = frames.map_frames(panel.network, panel.data, resolution, features=panel.features)
        points = points[points["split"].isin(panel.show)]
        window = frames.extent(panel.data)
        chart = charts.boundary_chart(grid, points, panel.data.class_names, window=window, size=size, fitted=False)
        chart.title = alt.TitleParams(panel.title, subtitle=panel.subtitle or alt.Undefined)
        chart.autosize = alt.Undefined  # a concatenated view may not size itself; the whole grid does
        maps.append(chart)
    shared = len({panel.data.class_names for panel in panels}) == 1
    legends = "shared" if shared else "independent"
    scales = alt.ScaleResolveMap(
        x="independent",
        y="independent",
        color=legends,
        fill=legends,
        shape=legends,
        stroke=legends,
        size=legends,
        opacity="independent",
    )
    names = ", ".join(panel.title for panel in panels)
    about = describe.description(
        "Decision maps",
        f"One small decision map per run ({names}): the class each network predicts over the plane, with its points.",
    )
    return alt.concat(
        *maps,
        description=about,
        columns=max(1, columns),
        spacing=16,
        autosize=alt.AutoSizeParams(type="pad"),
        resolve=alt.Resolve(scale=scales, legend=alt.LegendResolveMap(fill=legends, shape=legends)),
        config=alt.Config(
            axis=alt.AxisConfig(disable=True),  # small multiples: the maps speak, the axes would only crowd them
            title=alt.TitleConfig(anchor="start", fontSize=13),
        ),
    )

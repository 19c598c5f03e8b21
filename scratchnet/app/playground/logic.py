"""The Playground's network diagram as data: which units are drawn, the small map of each, its
weights as lines and its formula. No Streamlit, no Altair: ``charts.py`` draws what this builds.

A column per layer — the inputs (the run's features), each hidden layer, the outputs (one per
class). Every unit is a small map of what it computes over the same window as the decision map;
every weight between drawn units is a line. A layer wider than ``MAX_DRAWN`` units shows its
strongest units (by the norm of their outgoing weights) and a "+N more" marker, so the diagram
never holds more than a few hundred lines whatever the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

import scratchnet as sn
from scratchnet.app.plots.frames import grid_points, layer_values  # layer_values: every unit map's values
from scratchnet.app.plots.unit_map import unit_picture, value_range  # every unit map's picture
from scratchnet.app.runs.result import DataSplit
from scratchnet.features import subscript, unit_names  # one naming of units for every page

MAX_DRAWN = 16  # units drawn per layer; a wider layer shows its strongest
MAX_SPACING = 2.5  # rows between the units of a short column (inputs, outputs): bigger maps, not a sparse strip
THUMB_RESOLUTION = 24  # a unit's small map: 24 x 24 cells over the decision map's window
LARGE_RESOLUTION = 100  # the selected unit's map: the decision map's own grid
NOT_A_NUMBER = "#9a9a9a"  # a weight that blew up
LINE_WIDTH = (0.3, 4.0)  # a weight's line: its thinnest and its thickest
WIDTH_PER_WEIGHT = 0.8  # pixels per unit of |w|, on one fixed scale: a growing weight thickens
FORMULA_TERMS = 6  # terms written out in a unit's formula; the rest are counted


@dataclass(frozen=True)
class Diagram:
    """A network drawn as columns of units joined by weight lines.

    ``units``: one row per drawn unit — ``layer`` (0 = inputs), ``unit`` (its index in the layer),
    ``name``, ``kind`` ("input", "hidden", "output"), ``column``, ``row`` (drawing position),
    ``spacing`` (rows between this column's units: how big its maps may be),
    ``bias`` (NaN for an input), ``low``, ``high`` (its value range over the window), ``fed_by``
    (what feeds it, in words) and ``url`` (its small map, a PNG).
    ``weights``: one row per line — ``source``, ``target`` (unit names), ``weight``, ``sign``,
    ``width`` (pixels), and its ends ``x, y, x2, y2`` (drawing coordinates).
    ``more``: one row per layer wider than drawn — ``column``, ``row``, ``text`` ("+48 more").
    """

    units: pd.DataFrame
    weights: pd.DataFrame
    more: pd.DataFrame
    titles: tuple[str, ...]  # one per column
    rows: int  # the tallest column, in rows


def drawn_units(net: sn.Network, limit: int = MAX_DRAWN) -> list[np.ndarray]:
    """Per layer (inputs first), the indices of the units drawn: all of them up to ``limit``; in a
    wider hidden layer the ``limit`` whose outgoing weights are strongest (largest norm), in order."""
    dense = net.dense_layers
    chosen = [np.arange(net.sizes[0])]
    for k in range(1, len(dense)):
        with np.errstate(all="ignore"):  # a blown-up weight is as strong as it gets
            outgoing = np.linalg.norm(np.nan_to_num(np.asarray(dense[k].params["W"], dtype=float)), axis=1)
        if len(outgoing) <= limit:
            chosen.append(np.arange(len(outgoing)))
        else:  # stable sort: equal norms keep the lower index
            chosen.append(np.sort(np.argsort(-outgoing, kind="stable")[:limit]))
    chosen.append(np.arange(net.sizes[-1]))
    return chosen


def _feeds(names: Sequence[str], weights: np.ndarray, bias: float, shown: int = 3) -> str:
    """What feeds a unit, in words: its strongest inputs with their weights, and its bias."""
    order = np.argsort(-np.abs(np.nan_to_num(weights)), kind="stable")[:shown]
    parts = [f"{names[i]} ({weights[i]:+.2f})" for i in order]
    rest = len(weights) - len(order)
    return ", ".join(parts) + (f" and {rest} more" if rest > 0 else "") + f"; bias {bias:+.2f}"


def diagram(
    net: sn.Network,
    data: DataSplit,
    features: Sequence[str],
    *,
    resolution: int = THUMB_RESOLUTION,
    limit: int = MAX_DRAWN,
) -> Diagram:
    """The diagram of ``net`` (which sees points through ``features``) over ``data``'s window."""
    sizes = net.sizes
    names = unit_names(sizes, features, data.class_names)
    chosen = drawn_units(net, limit)
    _, _, centers = grid_points(data, resolution)
    values = layer_values(net, features, centers)
    rows = max(len(c) + (len(c) < sizes[layer]) for layer, c in enumerate(chosen))
    spacing = [min(rows / (len(c) + (len(c) < sizes[layer])), MAX_SPACING) for layer, c in enumerate(chosen)]
    position = [  # each column centred; a short column spreads out (and its maps grow), up to MAX_SPACING rows apart
        {int(j): ((len(c) - 1) / 2 - i) * step for i, j in enumerate(c)} for c, step in zip(chosen, spacing)
    ]
    units = _unit_rows(net, features, names, chosen, values, position, spacing, resolution)
    more = [
        {"column": layer, "row": (len(indices) - 1) / 2 - len(indices), "text": f"+{sizes[layer] - len(indices)} more"}
        for layer, indices in enumerate(chosen)
        if sizes[layer] > len(indices)
    ]
    last = len(sizes) - 1
    titles = ("inputs", *(f"hidden {k}" if last > 2 else "hidden" for k in range(1, last)), "outputs")
    return Diagram(
        pd.DataFrame(units),
        _weight_lines(net, names, chosen, position),
        pd.DataFrame(more, columns=["column", "row", "text"]),
        titles,
        rows,
    )


def _unit_rows(
    net: sn.Network,
    features: Sequence[str],
    names: list[list[str]],
    chosen: list[np.ndarray],
    values: list[np.ndarray],
    position: list[dict[int, float]],
    spacing: list[float],
    resolution: int,
) -> list[dict]:
    """One row per drawn unit (the columns ``Diagram.units`` lists), its small map painted."""
    dense, last = net.dense_layers, len(net.sizes) - 1
    units = []
    for layer, indices in enumerate(chosen):
        kind = "input" if layer == 0 else "output" if layer == last else "hidden"
        for j in map(int, indices):
            column = values[layer][:, j]
            low, high = value_range(column)
            if layer:
                W, b = dense[layer - 1].params["W"], dense[layer - 1].params["b"]
                bias, fed_by = float(b[j]), _feeds(names[layer - 1], np.asarray(W[:, j], dtype=float), float(b[j]))
            else:
                bias, fed_by = float("nan"), f"the input {features[j]} of each point"
            units.append(
                {
                    "layer": layer,
                    "unit": j,
                    "name": names[layer][j],
                    "kind": kind,
                    "column": layer,
                    "row": position[layer][j],
                    "spacing": spacing[layer],
                    "bias": bias,
                    "low": low,
                    "high": high,
                    "fed_by": fed_by,
                    "url": unit_picture(column, kind, j, resolution),
                }
            )
    return units


def _weight_lines(
    net: sn.Network, names: list[list[str]], chosen: list[np.ndarray], position: list[dict[int, float]]
) -> pd.DataFrame:
    """One row per weight between drawn units (the columns ``Diagram.weights`` lists)."""
    parts: dict[str, list[np.ndarray]] = {name: [] for name in ("source", "target", "weight", "x", "y", "y2")}
    for k, layer in enumerate(net.dense_layers, start=1):  # W_k joins layer k-1 to layer k
        sources, targets = chosen[k - 1], chosen[k]
        block = np.asarray(layer.params["W"], dtype=float)[np.ix_(sources, targets)]
        src, dst = np.repeat(sources, len(targets)), np.tile(targets, len(sources))  # row-major, like block.ravel()
        parts["source"].append(np.asarray(names[k - 1], dtype=object)[src])
        parts["target"].append(np.asarray(names[k], dtype=object)[dst])
        parts["weight"].append(block.ravel())
        parts["x"].append(np.full(src.size, k - 1.0))
        parts["y"].append(np.array([position[k - 1][s] for s in src.tolist()]))
        parts["y2"].append(np.array([position[k][t] for t in dst.tolist()]))
    columns = {name: np.concatenate(values) for name, values in parts.items()}
    weight = columns["weight"]
    return pd.DataFrame(
        {
            "source": columns["source"],
            "target": columns["target"],
            "weight": weight,
            "sign": np.where(np.isnan(weight), "not a number", np.where(weight >= 0, "positive", "negative")),
            "width": line_width(weight),
            "x": columns["x"],
            "y": columns["y"],
            "x2": columns["x"] + 1,
            "y2": columns["y2"],
        }
    )


def line_width(weight: np.ndarray) -> np.ndarray:
    """A weight's line width in pixels: ``LINE_WIDTH[0]`` at 0, growing ``WIDTH_PER_WEIGHT`` per
    unit of |w|, up to ``LINE_WIDTH[1]`` (one fixed scale, so a line thickens as its weight grows)."""
    low, high = LINE_WIDTH
    return np.clip(low + WIDTH_PER_WEIGHT * np.abs(np.nan_to_num(weight, nan=0.0, posinf=1e9, neginf=1e9)), low, high)


# ---- one unit, selected -------------------------------------------------------------------------
def unit_choices(net: sn.Network, features: Sequence[str], class_names: Sequence[str]) -> list[tuple[int, int, str]]:
    """Every unit that can be selected (all of them, drawn or not): (layer, index, name)."""
    names = unit_names(net.sizes, features, class_names)
    return [(layer, j, name) for layer, column in enumerate(names) for j, name in enumerate(column)]


def _number(value: float) -> str:
    return f"{abs(value):.2f}"


def formula(
    net: sn.Network, features: Sequence[str], class_names: Sequence[str], layer: int, unit: int, activation: str
) -> str:
    """What unit ``unit`` of layer ``layer`` computes, with its actual weights, e.g.
    ``h₃ = ReLU(1.30·x₁ − 0.54·x₂ + 0.12)``. The ``FORMULA_TERMS`` strongest inputs are written
    out; a unit with more inputs counts the rest. An output is a class score ``z`` whose softmax is
    that class's probability."""
    names = unit_names(net.sizes, features, class_names)
    if layer == 0:
        return f"{names[0][unit]} = {features[unit]} of the point (an input)"
    dense = net.dense_layers[layer - 1]
    weights = np.asarray(dense.params["W"][:, unit], dtype=float)
    bias = float(dense.params["b"][unit])
    order = np.arange(len(weights))
    if len(weights) > FORMULA_TERMS:
        order = np.sort(np.argsort(-np.abs(np.nan_to_num(weights)), kind="stable")[:FORMULA_TERMS])
    terms = []
    for position, i in enumerate(order):
        sign = ("−" if weights[i] < 0 else "") if position == 0 else (" − " if weights[i] < 0 else " + ")
        terms.append(f"{sign}{_number(weights[i])}·{names[layer - 1][i]}")
    rest = len(weights) - len(order)
    body = "".join(terms) + (f" + … ({rest} more terms)" if rest else "")
    body += (" − " if bias < 0 else " + ") + _number(bias)
    if layer == len(net.sizes) - 1:
        index = subscript(unit)
        return f"z{index} = {body};  p({names[layer][unit]}) = softmax(z){index}"
    function = sn.ACTIVATION_CHOICES[activation].symbol
    return f"{names[layer][unit]} = {function}({body})" if function else f"{names[layer][unit]} = {body}"


def unit_map(
    net: sn.Network,
    data: DataSplit,
    features: Sequence[str],
    layer: int,
    unit: int,
    *,
    resolution: int = LARGE_RESOLUTION,
) -> tuple[str, float, float]:
    """The selected unit's map, large (a PNG data URL), and its value range over the window."""
    _, _, centers = grid_points(data, resolution)
    column = layer_values(net, features, centers)[layer][:, unit]
    kind = "input" if layer == 0 else "output" if layer == len(net.sizes) - 1 else "hidden"
    return unit_picture(column, kind, unit, resolution, framed=False), *value_range(column)

"""What is inside a network: its gradients checked against finite differences, and what a trained network holds.

Pure NumPy, pandas and Altair (no Streamlit), so every number the "Under the hood" page shows
about a network can be tested: the gradient check sets the analytic gradients of ``backward``
beside numerical ones, per tensor and per entry; the trained-network views map what each hidden
unit responds to, draw the weight matrices, and replay the gradient norm of each layer over the
saved snapshots. Every function reads the network it is given and never changes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

import scratchnet as sn
from scratchnet.app.plots.charts import class_scale
from scratchnet.app.plots.frames import extent
from scratchnet.app.runs.result import DataSplit
from scratchnet.app.under_the_hood.step import activation_class
from scratchnet.checks import check_int
from scratchnet.layers import Dense

#: Fixed-size charts: width and height are the plot's, with axes, legend and title added around it
#: (the default "fit" would squeeze them all into width × height).
FIXED_SIZE = alt.AutoSizeParams(type="pad", contains="padding")

# ---- gradient check ----------------------------------------------------------------------------
CHECK_TOLERANCE = 1e-6  # a gradient check passes below this relative error
CHECK_EPS = 1e-6


def with_activation(net: sn.Network, kind: str) -> sn.Network:
    """A float64 copy of the multi-layer perceptron ``net`` with its weights but activation ``kind``."""
    twin = sn.mlp(net.sizes, activation=activation_class(kind), seed=0, dtype="float64")
    twin.set_params(net.get_params())
    return twin


@dataclass(frozen=True)
class GradientCheck:
    """Back-propagation against finite differences for one network: per tensor and per entry."""

    activation: str
    report: pd.DataFrame  # parameter, shape, relative error, verdict
    entries: pd.DataFrame  # parameter, entry, analytic, numeric

    @property
    def passed(self) -> bool:
        return bool((self.report["relative error"] < CHECK_TOLERANCE).all())

    @property
    def worst(self) -> float:
        return float(self.report["relative error"].max())


def gradient_check(
    net: sn.Network, X: np.ndarray, y: np.ndarray, activation: str, *, eps: float = CHECK_EPS
) -> GradientCheck:
    """Check ``net``'s weights with activation ``activation`` on ``(X, y)``; ``net`` is not touched.

    The per-tensor errors are the engine's ``gradient_check_report``; the entries (for the
    scatter) are the analytic gradient from ``backward`` beside ``numerical_gradient``.
    """
    probe = with_activation(net, activation)
    errors = sn.gradient_check_report(probe, X, y, eps=eps)
    X = np.asarray(X, dtype=np.float64)

    def loss() -> float:
        return sn.softmax_cross_entropy(probe.apply(X), y)[0]

    _, dlogits = sn.softmax_cross_entropy(probe.forward(X), y)
    probe.backward(dlogits)
    analytic = {name: value.copy() for name, value in probe.grads.items()}
    parts = []
    for name, param in probe.params.items():
        numeric = sn.numerical_gradient(loss, param, eps)
        parts.append(
            pd.DataFrame(
                {
                    "parameter": name,
                    "entry": [str(index) for index in np.ndindex(param.shape)],
                    "analytic": analytic[name].reshape(-1),
                    "numeric": numeric.reshape(-1),
                }
            )
        )
    report = pd.DataFrame(
        {
            "parameter": list(errors),
            "shape": [" × ".join(map(str, probe.params[name].shape)) for name in errors],
            "relative error": list(errors.values()),
        }
    )
    report["verdict"] = np.where(report["relative error"] < CHECK_TOLERANCE, "pass", "FAIL")
    return GradientCheck(activation, report, pd.concat(parts, ignore_index=True))


def check_scatter_chart(entries: pd.DataFrame, *, title: str, size: int = 260) -> alt.LayerChart:
    """Analytic against numeric gradient, one dot per parameter entry; the diagonal is where they agree."""
    values = entries[["analytic", "numeric"]].to_numpy()
    peak = float(np.abs(values).max()) if values.size else 1.0
    peak = peak * 1.05 if peak > 0 else 1.0
    scale = alt.Scale(domain=[-peak, peak], nice=False)
    diagonal = (
        alt.Chart(pd.DataFrame({"numeric": [-peak, peak], "analytic": [-peak, peak]}))
        .mark_line(color="#999", strokeDash=[4, 3], clip=True)
        .encode(x=alt.X("numeric:Q", scale=scale), y=alt.Y("analytic:Q", scale=scale))
    )
    dots = (
        alt.Chart(entries)
        .mark_circle(size=45, opacity=0.8)
        .encode(
            x=alt.X("numeric:Q", scale=scale, title="numeric (finite differences)"),
            y=alt.Y("analytic:Q", scale=scale, title="analytic (backward)"),
            color=alt.Color("parameter:N", legend=alt.Legend(orient="bottom", title=None)),
            tooltip=[
                alt.Tooltip("parameter:N"),
                alt.Tooltip("entry:N"),
                alt.Tooltip("analytic:Q", format=".6g"),
                alt.Tooltip("numeric:Q", format=".6g"),
            ],
        )
    )
    return alt.layer(diagonal, dots, width=size, height=size, title=title, autosize=FIXED_SIZE)


# ---- inside a trained network -----------------------------------------------------------------
MAP_RESOLUTION = 30
MAX_MAP_UNITS = 64


def params_digest(params: dict[str, np.ndarray] | sn.Network) -> str:
    """A short fingerprint of a network's parameter values (a cache key)."""
    arrays = params.params if isinstance(params, sn.Network) else params
    digest = hashlib.blake2b(digest_size=12)
    for name in sorted(arrays):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(arrays[name]).tobytes())
    return digest.hexdigest()


def hidden_layer_count(net: sn.Network) -> int:
    return len(net.dense_layers) - 1


def unit_map_frame(
    net: sn.Network,
    data: DataSplit,
    layer: int = 1,
    *,
    resolution: int = MAP_RESOLUTION,
    max_units: int = MAX_MAP_UNITS,
) -> pd.DataFrame:
    """What each unit of hidden layer ``layer`` outputs over a ``resolution``² grid covering the data.

    One row per unit and cell: ``unit`` (label), ``ix``, ``iy`` (cell column and row, 0 at the
    bottom left), ``value`` (the unit's output there) and ``level`` (``value`` divided by the
    unit's largest absolute output, so every map uses its full colour range). Pure: calls only
    ``net.activations``.
    """
    hidden = hidden_layer_count(net)
    layer = check_int("layer", layer, low=1, high=max(hidden, 1))
    if hidden < 1:
        raise ValueError("this network has no hidden layer: its inputs go straight to the class scores")
    resolution = check_int("resolution", resolution, low=2, high=200)
    x_low, x_high, y_low, y_high = extent(data)
    xs = np.linspace(x_low, x_high, resolution + 1)
    ys = np.linspace(y_low, y_high, resolution + 1)
    gx, gy = np.meshgrid((xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2)
    centers = np.c_[gx.ravel(), gy.ravel()]
    positions = [i for i, item in enumerate(net.layers) if not isinstance(item, Dense)]
    with np.errstate(all="ignore"):
        outputs = net.activations((centers - data.center) / data.scale)[positions[layer - 1]]
    units = min(outputs.shape[1], max_units)
    values = np.asarray(outputs[:, :units], dtype=np.float64)
    peak = np.nanmax(np.abs(values), axis=0) if values.size else np.zeros(units)
    level = np.divide(values, peak, out=np.zeros_like(values), where=peak > 0)
    labels = np.array([f"unit {j + 1}" + (" (dead)" if peak[j] == 0 else "") for j in range(units)])
    ix, iy = np.meshgrid(np.arange(resolution), np.arange(resolution))
    cells = resolution * resolution
    return pd.DataFrame(
        {
            "unit": pd.Categorical(np.repeat(labels, cells), categories=list(labels)),
            "ix": np.tile(ix.ravel(), units).astype(np.int16),
            "iy": np.tile(iy.ravel(), units).astype(np.int16),
            "value": values.T.reshape(-1).round(4),
            "level": level.T.reshape(-1).round(3),
        }
    )


def unit_map_chart(frame: pd.DataFrame, *, panel: int = 70, columns: int = 8) -> alt.FacetChart:
    """One small map per unit (like TensorFlow Playground's neuron thumbnails): orange where the
    unit's output is high, blue where it is negative, white where it is 0."""
    units = list(frame["unit"].cat.categories) if hasattr(frame["unit"], "cat") else sorted(frame["unit"].unique())
    resolution = int(frame["ix"].max()) + 1 if len(frame) else 1
    levels = alt.Scale(scheme="blueorange", domain=[-1, 1], domainMid=0)
    return (
        alt.Chart(frame)
        .transform_calculate(edge="datum.level")
        .mark_rect(strokeWidth=0.6)
        .encode(
            x=alt.X("ix:O", axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0)),
            y=alt.Y("iy:O", axis=None, sort="descending", scale=alt.Scale(paddingInner=0, paddingOuter=0)),
            color=alt.Color(
                "level:Q",
                scale=levels,
                legend=alt.Legend(title="output ÷ unit's max", orient="bottom", type="gradient", gradientLength=220),
            ),
            stroke=alt.Stroke("edge:Q", scale=levels, legend=None),  # a same-colour outline hides the seams
            tooltip=[alt.Tooltip("unit:N"), alt.Tooltip("value:Q", format=".3f", title="output")],
        )
        .properties(width=panel, height=panel)
        .facet(
            facet=alt.Facet(
                "unit:N", sort=units, title=None, header=alt.Header(labelFontSize=11, labelPadding=2, title=None)
            ),
            columns=min(columns, max(len(units), 1)),
            spacing=6,
        )
        .properties(title=f"{len(units)} units, {resolution} × {resolution} grid each")
    )


def data_chart(data: DataSplit, class_names: Sequence[str] | None = None, *, size: int = 130) -> alt.Chart:
    """The training points in the same square window as the unit maps, to read the maps by."""
    x_low, x_high, y_low, y_high = extent(data)
    shown = data.shown(data.X_train)
    names = list(class_names or data.class_names)
    frame = pd.DataFrame({"x": shown[:, 0], "y": shown[:, 1], "class": np.asarray(names)[data.y_train]})
    return (
        alt.Chart(frame)
        .mark_circle(size=14, opacity=0.85)
        .encode(
            x=alt.X("x:Q", scale=alt.Scale(domain=[x_low, x_high], nice=False, zero=False), axis=None),
            y=alt.Y("y:Q", scale=alt.Scale(domain=[y_low, y_high], nice=False, zero=False), axis=None),
            color=alt.Color(
                "class:N", scale=class_scale(names), legend=alt.Legend(orient="bottom", title=None, columns=1)
            ),
        )
        .properties(width=size, height=size, title="The training points", autosize=FIXED_SIZE)
    )


def weight_frame(W: np.ndarray, *, rows: Sequence[str] | None = None, columns: Sequence[str] | None = None):
    """Long format of a weight matrix: ``from`` (row: the unit feeding), ``to`` (column: the unit fed), ``weight``."""
    W = np.asarray(W, dtype=np.float64)
    n_in, n_out = W.shape
    rows = list(rows) if rows is not None else [str(i + 1) for i in range(n_in)]
    columns = list(columns) if columns is not None else [str(j + 1) for j in range(n_out)]
    i, j = np.meshgrid(np.arange(n_in), np.arange(n_out), indexing="ij")
    return pd.DataFrame(
        {
            "from": pd.Categorical(np.asarray(rows)[i.ravel()], categories=rows),
            "to": pd.Categorical(np.asarray(columns)[j.ravel()], categories=columns),
            "weight": W.ravel().round(5),
        }
    )


def weight_names(net: sn.Network, k: int, class_names: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
    """Row and column labels of ``W{k}``: inputs x₁, x₂, hidden units, or classes."""
    sizes = net.sizes
    last = len(sizes) - 1

    def label(layer: int) -> list[str]:
        if layer == 0:
            return ["x₁", "x₂"] if sizes[0] == 2 else [f"x{i + 1}" for i in range(sizes[0])]
        if layer == last:
            return list(class_names) if class_names else [f"class {c}" for c in range(sizes[last])]
        prefix = "h" if last == 2 else f"h{layer}."
        return [f"{prefix}{j + 1}" for j in range(sizes[layer])]

    return label(k - 1), label(k)


def weight_chart(frame: pd.DataFrame, *, name: str, longest: int = 640) -> alt.Chart:
    """A weight matrix as a heatmap: red positive, blue negative, white 0.

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
                scale=alt.Scale(scheme="redblue", reverse=True, domain=[-peak, peak], domainMid=0),
                legend=alt.Legend(orient="right", gradientLength=max(40, min(160, row * len(down))), title="weight"),
            ),
            tooltip=[alt.Tooltip("from:N"), alt.Tooltip("to:N"), alt.Tooltip("weight:Q", format=".4f")],
        )
        .properties(width=cell * len(across), height=row * len(down), title=title, autosize=FIXED_SIZE)
    )


def gradient_norm_frame(
    network: sn.Network, snapshots: Sequence[sn.Snapshot], X: np.ndarray, y: np.ndarray, *, l2: float = 0.0
) -> pd.DataFrame:
    """‖∂J/∂W_k‖ per layer at each snapshot, replayed on a copy of ``network`` (never touched).

    J is the full-batch training objective: the mean cross-entropy on ``(X, y)``, plus
    ``½·l2·Σ‖W‖²`` when ``l2`` > 0. Snapshots whose outputs are not finite are skipped.
    """
    probe = network.copy()
    X = np.asarray(X, dtype=probe.dtype)
    rows = []
    with np.errstate(all="ignore"):
        for snapshot in snapshots:
            probe.set_params(snapshot.params)
            logits = probe.forward(X)
            if not np.isfinite(logits).all():
                continue
            loss, dlogits = sn.softmax_cross_entropy(logits, y)
            probe.backward(dlogits)
            for k, layer in enumerate(probe.dense_layers, start=1):
                grad = layer.grads["W"] + l2 * layer.params["W"] if l2 else layer.grads["W"]
                rows.append((snapshot.epoch, f"W{k}", float(np.linalg.norm(grad)), float(loss)))
    frame = pd.DataFrame(rows, columns=["epoch", "layer", "norm", "loss"])
    frame["norm"] = frame["norm"].where(frame["norm"] > 0)  # a zero gradient has no place on a log scale
    return frame


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
        parts.append(alt.Chart(rule).mark_rule(color="#E45756", strokeDash=[4, 3], strokeWidth=2).encode(x=x))
    fit_width = alt.AutoSizeParams(type="fit-x", contains="padding")  # height stays the plot's own
    return alt.layer(*parts, height=height, width="container", autosize=fit_width)

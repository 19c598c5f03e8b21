"""What is inside a network: its gradients checked against finite differences, and what a trained network holds.

Pure NumPy and pandas (no Streamlit; ``charts`` draws the tables), so every number the "Under the hood" page shows
about a network can be tested: the gradient check sets the analytic gradients of ``backward``
beside numerical ones, per tensor and per entry; the trained-network views map what each hidden
unit responds to, draw the weight matrices, and replay the gradient norm of each layer over the
saved snapshots. Every function reads the network it is given and never changes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

import scratchnet as sn
from scratchnet.app.plots.frames import grid_points, layer_values
from scratchnet.app.plots.unit_map import unit_picture, value_range  # the Playground paints its units the same
from scratchnet.app.runs.config import (
    ACTIVATION_LABELS,
    DATASET_LABELS,
    FEATURE_LABELS,
    OPTIMIZER_LABELS,
    RunConfig,
)
from scratchnet.app.runs.result import DataSplit
from scratchnet.app.text import fmt
from scratchnet.checks import check_choice, check_int
from scratchnet.features import hidden_unit_name, unit_names

# ---- gradient check ----------------------------------------------------------------------------
CHECK_TOLERANCE = 1e-6  # a gradient check passes below this relative error
CHECK_EPS = 1e-6


def with_activation(net: sn.Network, kind: str) -> sn.Network:
    """A float64 copy of the multi-layer perceptron ``net`` with its weights but activation ``kind``."""
    choice = sn.ACTIVATION_CHOICES[check_choice("activation", kind, sn.ACTIVATION_CHOICES)]
    twin = sn.mlp(net.sizes, activation=choice.engine, seed=0, dtype="float64")
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


# ---- inside a trained network -----------------------------------------------------------------
MAP_RESOLUTION = 30
MAX_MAP_UNITS = 64


def hidden_layer_count(net: sn.Network) -> int:
    return len(net.dense_layers) - 1


def unit_map_frame(
    net: sn.Network,
    data: DataSplit,
    layer: int = 1,
    *,
    resolution: int = MAP_RESOLUTION,
    max_units: int = MAX_MAP_UNITS,
    features: Sequence[str] = sn.DEFAULT_FEATURES,
) -> pd.DataFrame:
    """What each unit of hidden layer ``layer`` outputs over a ``resolution``² grid covering the data,
    painted as the Playground's diagram paints a unit (``plots.unit_map``: orange high, blue negative,
    white 0, scaled by the unit's largest absolute output; top row = highest y).

    One row per unit: ``unit`` (its label, "(dead)" when it outputs 0 everywhere), ``low`` and
    ``high`` (its output range over the grid) and ``url`` (its map, a PNG). Pure: calls only
    ``net.activations``, on each cell centre's ``features`` (what the network sees of a point).
    """
    hidden = hidden_layer_count(net)
    layer = check_int("layer", layer, low=1, high=max(hidden, 1))
    if hidden < 1:
        raise ValueError("this network has no hidden layer: its inputs go straight to the class scores")
    resolution = check_int("resolution", resolution, low=2, high=200)
    _, _, centers = grid_points(data, resolution)  # the decision map's cells, in training units
    outputs = layer_values(net, tuple(features), centers)[layer]  # the Playground's diagram reads the same
    rows = []
    for j in range(min(outputs.shape[1], max_units)):
        low, high = value_range(outputs[:, j])
        dead = low == high == 0  # outputs 0 everywhere: it never fires, so it never learns
        rows.append(
            {
                "unit": hidden_unit_name(layer, j, hidden) + (" (dead)" if dead else ""),  # as every page names it
                "low": low,
                "high": high,
                "url": unit_picture(outputs[:, j], "hidden", j, resolution),
            }
        )
    return pd.DataFrame(rows, columns=["unit", "low", "high", "url"])


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


def weight_names(
    net: sn.Network, k: int, class_names: Sequence[str] | None = None, inputs: Sequence[str] | None = None
) -> tuple[list[str], list[str]]:
    """Row and column labels of ``W{k}``: the inputs (``inputs``, else x₁, x₂, …), hidden units, or classes."""
    sizes = net.sizes
    names = unit_names(sizes, class_names=list(class_names) if class_names else None)
    if inputs is not None and len(inputs) == sizes[0]:
        names[0] = list(inputs)
    return names[k - 1], names[k]


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


# ---- words about a trained network --------------------------------------------------------------
def describe(config: RunConfig, sizes: Sequence[int], epochs_run: int, train_accuracy: float) -> str:
    """One line (Markdown) naming the run whose insides are shown."""
    dataset = "Your points" if config.data_id else DATASET_LABELS.get(config.dataset, config.dataset)
    inputs = (
        ""
        if tuple(config.features) == sn.DEFAULT_FEATURES
        else ", inputs " + ", ".join(FEATURE_LABELS[name] for name in config.features)
    )
    return (
        f"**{dataset}**, network {' → '.join(map(str, sizes))} "
        f"({ACTIVATION_LABELS[config.activation]}{inputs}), {OPTIMIZER_LABELS[config.optimizer]}, "
        f"lr {fmt(config.lr)}, {epochs_run:,} epochs: training accuracy {train_accuracy:.1%}."
    )


def unit_maps_text(layer: int, units: int, activation: str, features: Sequence[str] = sn.DEFAULT_FEATURES) -> str:
    """What the unit maps of hidden layer ``layer`` show, and how to read them (Markdown)."""
    shown = min(units, MAX_MAP_UNITS)
    relu = issubclass(sn.ACTIVATION_CHOICES[activation].engine, sn.ReLU)  # the notebook's ReLU is one forward
    text = (
        f"Each square is the whole plane of the data, as in the points on the left; its colour is what one unit "
        f"of hidden layer {layer} outputs for a point there (orange high, blue negative, white 0), scaled by "
        "that unit's largest output."
    )
    if layer == 1 and tuple(features) == sn.DEFAULT_FEATURES:
        text += " A first-layer unit sees a weighted sum of x₁ and x₂, so its colour changes across straight lines"
        text += ": a ReLU unit is off (white) on one side of its line." if relu else "."
    elif layer == 1:
        text += " A first-layer unit sees a weighted sum of its inputs: with inputs such as x₁² or sin x₁ its lines "
        text += "can already bend."
    else:
        text += " Deeper units combine the units below them, so their regions can bend."
    if relu:
        text += " A unit that is white everywhere is dead: it never fires, so it never learns."
    if shown < units:
        text += f" Showing the first {shown} of {units} units."
    return text


# ---- the page's words ------------------------------------------------------------------------------
CHECK_INTRO = (
    "Back-propagation can be checked without trusting it: nudge one parameter θ by ±ε and measure the loss "
    "itself. The slope that comes out must match the gradient `backward` computed."
)
CHECK_KINK = (
    "Only W1 and b1 fail with the notebook's ReLU: their gradients pass back through the ReLU, while W2 and b2 "
    "sit above it. The batch's points lie away from the origin: at the origin, before any step, with zero "
    "biases every unit sits on ReLU's kink, where a finite difference straddles two slopes and matches no "
    "derivative."
)
WEIGHTS_TEXT = (
    "Orange weights excite the unit they feed, blue ones inhibit it, white ones hardly matter. The hidden units "
    "run across the page, in the same order as the maps above; hover over a cell for its value."
)
GRADIENT_NORM_TEXT = (
    "The length ‖∂J/∂W‖ of each weight matrix's gradient over the whole training set, replayed from the "
    "saved snapshots (J = the training loss, plus the L2 penalty if any). With plain gradient descent it "
    "shrinks as the loss flattens, and so do the steps. Adam's steps do not shrink with the gradient, so under "
    "Adam it often bounces instead. Lines far apart: the layers get gradients of very different sizes."
)

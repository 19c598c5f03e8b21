"""Data → tables: what the charts draw, as pandas DataFrames. Pure functions of their inputs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

import scratchnet as sn
from scratchnet.app.runs.result import DataSplit
from scratchnet.layers import Dense

MAX_CURVE_POINTS = 600  # per series: long runs are thinned for drawing, never for the metrics
GRID_RESOLUTION = 100


def _thinned(epochs: int, limit: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Row indices 0..epochs-1, evenly thinned to at most ``limit``, always keeping the last."""
    if epochs <= limit:
        return np.arange(epochs)
    return np.unique(np.r_[np.linspace(0, epochs - 1, limit).round().astype(int), epochs - 1])


def loss_frame(history: sn.History) -> pd.DataFrame:
    """Long format: ``epoch``, ``series`` ("training" / "held out"), ``loss``, ``accuracy``."""
    rows = _thinned(history.epochs_run)
    parts = [
        pd.DataFrame(
            {
                "epoch": rows + 1,
                "series": "training",
                "loss": history.loss[rows],
                "accuracy": history.accuracy[rows],
            }
        )
    ]
    if history.has_validation and history.epochs_run:
        parts.append(
            pd.DataFrame(
                {
                    "epoch": rows + 1,
                    "series": "held out",
                    "loss": history.val_loss[rows],
                    "accuracy": history.val_accuracy[rows],
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame["loss"] = frame["loss"].where(np.isfinite(frame["loss"]))  # no inf in charts: a gap instead
    return frame


def lr_frame(history: sn.History) -> pd.DataFrame:
    """``epoch``, ``lr``: the learning rate each epoch started with."""
    rows = _thinned(history.epochs_run)
    return pd.DataFrame({"epoch": rows + 1, "lr": history.lr[rows]})


def extent(data: DataSplit, margin: float = 0.1) -> tuple[float, float, float, float]:
    """The window (display units) around all the points, with a margin: square, so shapes keep their
    proportions, unless one axis spans over three times the other (uploaded data in mixed units)."""
    shown = data.shown(np.vstack([data.X_train, data.X_test]))
    low, high = shown.min(axis=0), shown.max(axis=0)
    center, half = (low + high) / 2, np.maximum((high - low) / 2, 1e-9)
    if half.max() <= 3 * half.min():
        half = np.full(2, half.max())
    half = half * (1 + margin)
    return center[0] - half[0], center[0] + half[0], center[1] - half[1], center[1] + half[1]


def grid_points(data: DataSplit, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cell edges ``xs``, ``ys`` (display units) of a ``resolution``² grid over the points'
    window, and the cells' centres in training units (row by row from the bottom left)."""
    x_low, x_high, y_low, y_high = extent(data)
    xs = np.linspace(x_low, x_high, resolution + 1)
    ys = np.linspace(y_low, y_high, resolution + 1)
    gx, gy = np.meshgrid((xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2)
    return xs, ys, (np.c_[gx.ravel(), gy.ravel()] - data.center) / data.scale


def grid_frame(
    net: sn.Network,
    data: DataSplit,
    resolution: int = GRID_RESOLUTION,
    *,
    features: Sequence[str] = sn.DEFAULT_FEATURES,
) -> pd.DataFrame:
    """The network's decision over a ``resolution``² grid covering the points; the network sees
    each cell's centre through ``features`` (its run's ``config.features``).

    One row per cell: its corners ``x, x2, y, y2`` (display units), the ``predicted`` class and
    its probability (``confidence``).
    """
    xs, ys, centers = grid_points(data, resolution)
    with np.errstate(all="ignore"):
        probs = net.predict_proba(sn.expand_features(centers, features))
    probs = np.nan_to_num(probs, nan=1.0 / probs.shape[1])
    predicted = probs.argmax(axis=1)
    ix, iy = np.meshgrid(np.arange(resolution), np.arange(resolution))
    ix, iy = ix.ravel(), iy.ravel()
    return pd.DataFrame(
        {
            "x": xs[ix],
            "x2": xs[ix + 1],
            "y": ys[iy],
            "y2": ys[iy + 1],
            "predicted": pd.Categorical.from_codes(predicted, categories=data.class_names),
            "confidence": probs.max(axis=1).round(3),
        }
    )


def points_frame(net: sn.Network, data: DataSplit, *, features: Sequence[str] = sn.DEFAULT_FEATURES) -> pd.DataFrame:
    """One row per point: ``x, y`` (display units), ``true`` and ``predicted`` class, ``correct``,
    ``split``; the network sees each point through ``features``."""
    names = np.asarray(data.class_names)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in ("x", "y", "true", "predicted", "correct", "split")}
    for split, X, y in (("training", data.X_train, data.y_train), ("held out", data.X_test, data.y_test)):
        if not len(y):
            continue
        with np.errstate(all="ignore"):
            predicted = net.predict(sn.expand_features(X, features))
        shown = data.shown(X)
        for name, column in (
            ("x", shown[:, 0]),
            ("y", shown[:, 1]),
            ("true", names[y]),
            ("predicted", names[predicted]),
            ("correct", np.where(predicted == y, "right", "wrong")),
            ("split", np.full(len(y), split)),
        ):
            parts[name].append(column)
    # one table built from whole columns (not one per split joined): its text columns are one piece
    # each, so the same points always give the same bytes to draw (and the same cached chart)
    return pd.DataFrame({name: np.concatenate(columns) for name, columns in parts.items()})


def map_frames(
    net: sn.Network,
    data: DataSplit,
    resolution: int = GRID_RESOLUTION,
    *,
    features: Sequence[str] = sn.DEFAULT_FEATURES,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The decision map's two tables, ``grid_frame`` and ``points_frame``: every forward pass a
    decision map needs (the options it is drawn with need none)."""
    return grid_frame(net, data, resolution, features=features), points_frame(net, data, features=features)


def confusion_frame(y_true: np.ndarray, y_pred: np.ndarray, class_names: tuple[str, ...]) -> pd.DataFrame:
    """Long format: ``true``, ``predicted``, ``count`` and the share of that true class (``share``)."""
    k = len(class_names)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    totals = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    t, p = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    names = np.asarray(class_names)
    return pd.DataFrame(
        {
            "true": names[t.ravel()],
            "predicted": names[p.ravel()],
            "count": counts.ravel(),
            "share": share.ravel().round(3),
        }
    )


def layer_values(net: sn.Network, features: Sequence[str], centers: np.ndarray) -> list[np.ndarray]:
    """What each layer's units output at ``centers`` (training units): the features, each hidden
    layer after its activation, and the class probabilities. Every unit map reads these: the
    Playground's diagram and Under the hood's maps."""
    inputs = sn.expand_features(centers, features)
    with np.errstate(all="ignore"):
        outputs = net.activations(inputs)
    after_activation = [out for layer, out in zip(net.layers, outputs) if not isinstance(layer, Dense)]
    with np.errstate(all="ignore"):
        probabilities = sn.softmax(outputs[-1])
    values = [inputs, *after_activation[: len(net.sizes) - 2], probabilities]
    return [np.asarray(v, dtype=np.float64) for v in values]

"""Input features: what the network sees of a point ``(x1, x2)``.

A network fed only ``x1`` and ``x2`` must bend its own boundaries out of its hidden units; fed
``x1^2`` and ``x2^2`` too, even a network without hidden layers draws a circle, since a straight
line in ``(x1², x2²)`` is a circle (or ellipse) in the plane. ``expand_features`` turns the points'
two coordinates into the chosen columns, in the order given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .checks import check_features, short_repr

FeatureFunction = Callable[[np.ndarray], np.ndarray]

#: Each feature's function of ``X`` (n, 2) to a column (n,), in the order they are offered.
FEATURES: dict[str, FeatureFunction] = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] * X[:, 0],
    "x2^2": lambda X: X[:, 1] * X[:, 1],
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin(x1)": lambda X: np.sin(X[:, 0]),
    "sin(x2)": lambda X: np.sin(X[:, 1]),
}

#: How each feature is written for people.
FEATURE_LABELS: dict[str, str] = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁·x₂",
    "sin(x1)": "sin x₁",
    "sin(x2)": "sin x₂",
}

#: The plain coordinates: what a network sees unless told otherwise.
DEFAULT_FEATURES = ("x1", "x2")

_ALLOWED = ", ".join(FEATURES)


def check_feature_names(names: object) -> tuple[str, ...]:
    """``names`` as a tuple, if it is a non-empty list of distinct names from ``FEATURES``.

    Otherwise a ``ValueError`` saying what is wrong and listing the allowed names, e.g.
    ``features must be names from x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2); got 'x3'``.
    """
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
        raise ValueError(f"features must be a list of names from {_ALLOWED}; got {short_repr(names)}")
    if not names:
        raise ValueError(f"features must name at least one of {_ALLOWED}; got none")
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str) or name not in FEATURES:
            raise ValueError(f"features must be names from {_ALLOWED}; got {short_repr(name)}")
        if name in seen:
            raise ValueError(f"features must not repeat a name; {name!r} is listed twice")
        seen.add(name)
    return tuple(names)


def expand_features(X: object, names: Sequence[str]) -> np.ndarray:
    """The columns ``names`` of the points ``X`` (n, 2), in that order: an (n, len(names)) array.

    Float32 points give float32 columns; integer points, float64. No points (shape (0, 2), an
    empty held-out set) give no rows.
    """
    names = check_feature_names(names)
    if isinstance(X, np.ndarray) and X.shape == (0, 2):
        return np.empty((0, len(names)), X.dtype if X.dtype.kind == "f" else np.float64)
    X = check_features(X, features=2)
    columns = np.empty((X.shape[0], len(names)), X.dtype)
    for j, name in enumerate(names):
        columns[:, j] = FEATURES[name](X)
    return columns


# ---- names of units ------------------------------------------------------------------------------
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(number: int) -> str:
    """``number`` in subscript digits: 12 → ₁₂."""
    return str(number).translate(_SUBSCRIPTS)


def input_names(features: Sequence[str] | int) -> tuple[str, ...]:
    """How a network's inputs are written: its features' labels (x₁, x₂, x₁², …), or for a count of
    unnamed inputs x₁, x₂, …, xₙ."""
    if isinstance(features, int):
        return tuple(f"x{subscript(j + 1)}" for j in range(features))
    return tuple(FEATURE_LABELS.get(name, name) for name in features)


def hidden_unit_name(layer: int, unit: int, hidden_layers: int) -> str:
    """How unit ``unit`` (from 0) of hidden layer ``layer`` (from 1) is written: ``h₃`` when the
    network has one hidden layer, ``h2.3`` (layer 2, unit 3) when it has several."""
    if hidden_layers == 1:
        return f"h{subscript(unit + 1)}"
    return f"h{layer}.{unit + 1}"


def unit_names(
    sizes: Sequence[int], features: Sequence[str] | None = None, class_names: Sequence[str] | None = None
) -> list[list[str]]:
    """Every unit's name, layer by layer (``sizes`` inputs first): the inputs (``input_names`` of
    ``features``, else x₁, x₂, …), the hidden units (``hidden_unit_name``) and the classes
    (``class_names``, else class 0, class 1, …)."""
    hidden = len(sizes) - 2
    names = [list(input_names(features if features is not None else sizes[0]))]
    for layer in range(1, hidden + 1):
        names.append([hidden_unit_name(layer, j, hidden) for j in range(sizes[layer])])
    names.append(list(class_names) if class_names is not None else [f"class {c}" for c in range(sizes[-1])])
    return names

"""A student's own data: labelled 2-D points, checked, and turned into a run's data.

Points come from an uploaded CSV (``upload.read_points``) or are drawn on the map
(``runs.drawing``); both end here as one ``Points``, checked the same way, trained the same
way and downloaded as the same CSV. ``to_data`` standardises them for training and records how
to show them in their own units again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import scratchnet as sn
from scratchnet.app.runs.result import DataSplit

MAX_ROWS = 20_000
MIN_PER_CLASS = 5
MAX_CLASSES = 10
MIN_CLASSES = 2
MAX_COORDINATE = 1e15  # bigger magnitudes are refused: squaring them for the spread would overflow
MAX_LABEL_CHARS = 40
LIMIT_TEXT = f"{MAX_COORDINATE:.0e}".replace("+", "")  # 1e15


@dataclass(frozen=True, eq=False)
class Points:
    """Labelled 2-D points.

    ``X`` (n, 2) float64 in their own units; ``y`` (n,) int64 class indices ``0..C-1`` into
    ``class_names`` (sorted naturally: numbers by value, then words alphabetically);
    ``fingerprint``: a short hash of exactly this content, equal for equal data. The arrays are
    read-only, so a ``Points`` can be shared. Two ``Points`` are equal when their fingerprints are.
    """

    X: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]
    fingerprint: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Points) and other.fingerprint == self.fingerprint

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __len__(self) -> int:
        return len(self.y)

    @property
    def classes(self) -> int:
        return len(self.class_names)

    @property
    def counts(self) -> tuple[int, ...]:
        """Points per class, in ``class_names`` order."""
        return tuple(int(count) for count in np.bincount(self.y, minlength=self.classes))

    def describe(self) -> str:
        """One sentence, e.g. ``300 points in 3 classes: a (100), b (100), c (100).``"""
        parts = ", ".join(f"{name} ({count:,})" for name, count in zip(self.class_names, self.counts))
        return f"{len(self):,} points in {self.classes} classes: {parts}."


def fingerprint(X: np.ndarray, y: np.ndarray, class_names: Sequence[str]) -> str:
    """16 hex digits of SHA-256 over the coordinates (float64), the labels (int64) and the names."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(X, dtype="<f8").tobytes())
    digest.update(np.ascontiguousarray(y, dtype="<i8").tobytes())
    digest.update("\n".join(class_names).encode("utf-8"))
    return digest.hexdigest()[:16]


def quoted(text: str, limit: int = 30) -> str:
    """``text`` in quotes for a message, shortened past ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def class_name(field: str) -> str:
    """The class name for a label: words as written (spaces tidied), numbers in one spelling
    (``1``, ``1.0`` and ``+1`` are one class, shown as ``1``)."""
    try:
        value = float(field)
    except ValueError:
        return " ".join(field.split())
    if not math.isfinite(value):
        return " ".join(field.split())
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def natural_key(name: str) -> tuple:
    """Numbers by value first, then words alphabetically with digit runs compared as numbers
    (``class 2`` before ``class 10``)."""
    try:
        value = float(name)
        if math.isfinite(value):
            return (0, value, ())
    except ValueError:
        pass
    pieces = re.split(r"(\d+)", name.casefold())  # odd positions hold the digit runs
    parts = tuple((0, int(piece), "") if i % 2 else (1, 0, piece) for i, piece in enumerate(pieces))
    return (1, 0.0, (parts, name))


def check_classes(names: Sequence[str], counts: Sequence[int]) -> None:
    """``ValueError`` unless there are 2-10 classes with at least ``MIN_PER_CLASS`` points each."""
    if len(names) < MIN_CLASSES:
        only = f" ({quoted(names[0])})" if names else ""
        raise ValueError(
            f"Every point has the same label{only}, so there is nothing to tell apart. "
            f"The label column needs {MIN_CLASSES} to {MAX_CLASSES} different classes."
        )
    if len(names) > MAX_CLASSES:
        examples = ", ".join(quoted(name, 12) for name in names[:4])
        raise ValueError(
            f"The label column holds {len(names):,} different labels (such as {examples}); at most {MAX_CLASSES} "
            "classes are allowed. Is the third column really the class of each point?"
        )
    small = [(name, count) for name, count in zip(names, counts) if count < MIN_PER_CLASS]
    if small:
        shown = "; ".join(f"class {quoted(name)} has {count}" for name, count in small[:3])
        more = f" (and {len(small) - 3} more)" if len(small) > 3 else ""
        raise ValueError(
            f"Too few points: {shown}{more}. Each class needs at least {MIN_PER_CLASS} points, "
            "so that some can be held out for testing."
        )


def make_points(X: np.ndarray, y: np.ndarray, class_names: Sequence[str]) -> Points:
    """``Points`` from arrays, checked like a file: finite coordinates, 2-10 classes, enough per class.

    Names are written as a file's labels would be read (``1.0`` becomes ``1``) and put in natural
    order, the labels renumbered to match: equal data gives equal ``Points`` however it was built.
    """
    X = np.array(X, dtype=np.float64)  # a copy: the caller keeps its own
    y = np.array(y)
    names = tuple(class_name(str(name)) for name in class_names)
    if not all(names) or max(map(len, names), default=0) > MAX_LABEL_CHARS:
        raise ValueError(f"class names must be 1 to {MAX_LABEL_CHARS} characters long; got {names!r}")
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, 2) and y (n,); got X {X.shape} and y {y.shape}")
    if len(y) > MAX_ROWS:
        raise ValueError(f"There are {len(y):,} points; at most {MAX_ROWS:,} are allowed.")
    if not np.isfinite(X).all() or (np.abs(X) > MAX_COORDINATE).any():
        raise ValueError(f"Coordinates must be finite numbers between -{LIMIT_TEXT} and {LIMIT_TEXT}.")
    if len(set(names)) != len(names):
        raise ValueError(f"class_names must be different from each other; got {names!r}")
    if y.size and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= len(names)):
        raise ValueError(f"y must hold class indices from 0 to {len(names) - 1}")
    order = sorted(range(len(names)), key=lambda i: natural_key(names[i]))
    renumber = np.argsort(order)  # old index -> new index
    names = tuple(names[i] for i in order)
    y = renumber[y.astype(np.int64)].astype(np.int64) if y.size else y.astype(np.int64)
    check_classes(names, np.bincount(y, minlength=len(names)).tolist())
    X += 0.0  # -0.0 -> 0.0: the same numbers, the same fingerprint
    X.flags.writeable = False
    y.flags.writeable = False
    return Points(X, y, names, fingerprint(X, y, names))


def to_data(points: Points, test_share: float, seed: int) -> DataSplit:
    """Split ``points`` (stratified, seeded like the built-in datasets) and standardise them.

    The network trains on unit-scale inputs: each axis minus the training points' mean, divided
    by their standard deviation (1 where it is 0). ``DataSplit.shown`` gives the points' units back.
    """
    X_train, X_test, y_train, y_test = sn.train_test_split(points.X, points.y, test_share, seed=seed)
    center = X_train.mean(axis=0)
    scale = X_train.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return DataSplit(
        (X_train - center) / scale, y_train, (X_test - center) / scale, y_test, points.class_names, center, scale
    )


def points_csv(points: Points) -> bytes:
    """``points`` as a plain UTF-8 CSV (header ``x,y,label``, exact coordinates): reading it back
    gives the same points (the same fingerprint)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("x", "y", "label"))
    names = points.class_names
    writer.writerows((repr(float(x)), repr(float(y)), names[label]) for (x, y), label in zip(points.X, points.y))
    return buffer.getvalue().encode("utf-8")


SAMPLE_NAMES = ("alpha", "beta", "gamma")
SAMPLE_PER_CLASS = 40


def sample_csv() -> bytes:
    """A small valid example to download: a 3-class spiral (40 points a class, seed 0) with word labels."""
    X, y = sn.spiral_data(samples=SAMPLE_PER_CLASS, classes=len(SAMPLE_NAMES), noise=0.2, seed=0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("x", "y", "label"))
    writer.writerows((f"{a:.4f}", f"{b:.4f}", SAMPLE_NAMES[label]) for (a, b), label in zip(X, y))
    return buffer.getvalue().encode("utf-8")

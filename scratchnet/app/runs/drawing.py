"""Points the student draws on a canvas: adding, removing, checking, and carrying them in a link.

A drawing is at most ``MAX_DRAWN`` points on the square ``[-BOUND, BOUND]²``, each snapped to a
grid of ``STEPS`` steps per axis, with a class 0-9. It becomes the student's own data as the same
``Points`` an uploaded CSV gives (same checks, same training, same CSV download).

In a link a drawing is short: each point packs into three bytes (10 bits for x, 10 for y, 4 for
the class), written in URL-safe base64 without padding, after a version letter — 300 points take
1 201 characters. ``decode`` refuses anything else with a sentence saying what is wrong.
No Streamlit here; the canvas a drawing is made on is ``playground/draw.py``.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from dataclasses import dataclass

import numpy as np

import scratchnet as sn
from scratchnet.app.runs.points import MAX_CLASSES, MIN_PER_CLASS, Points, make_points

MAX_DRAWN = 300
BOUND = 2.0  # the canvas is [-2, 2]²: every built-in dataset at its default noise fits
STEPS = 1000  # grid steps per axis: 0.004 apart, finer than a click can aim
VERSION = "a"  # the first letter of a drawing's link code: its format
MAX_CODE_CHARS = 1 + math.ceil(MAX_DRAWN * 3 * 4 / 3)
REMOVE_RADIUS = 0.2  # a "remove" click takes the nearest point at most this far away
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*\Z")


def snap(value: float) -> int:
    """The grid step nearest to a coordinate, clamped to the canvas."""
    return round((min(max(float(value), -BOUND), BOUND) + BOUND) / (2 * BOUND) * STEPS)


def unsnap(step: int) -> float:
    return step / STEPS * 2 * BOUND - BOUND


@dataclass(frozen=True)
class Drawing:
    """Drawn points as grid steps ``(x step, y step, class)``, in the order they were drawn."""

    cells: tuple[tuple[int, int, int], ...] = ()

    def __post_init__(self) -> None:
        if len(self.cells) > MAX_DRAWN:
            raise ValueError(f"A drawing holds at most {MAX_DRAWN} points; got {len(self.cells):,}.")
        for x, y, label in self.cells:
            if not (0 <= x <= STEPS and 0 <= y <= STEPS and 0 <= label < MAX_CLASSES):
                raise ValueError(f"A drawn point must lie on the canvas with a class 0-{MAX_CLASSES - 1}.")

    def __len__(self) -> int:
        return len(self.cells)

    @property
    def full(self) -> bool:
        return len(self.cells) >= MAX_DRAWN

    @property
    def X(self) -> np.ndarray:
        """(n, 2) coordinates on the canvas."""
        return np.array([(unsnap(x), unsnap(y)) for x, y, _ in self.cells], dtype=np.float64).reshape(-1, 2)

    @property
    def y(self) -> np.ndarray:
        return np.array([label for *_, label in self.cells], dtype=np.int64)

    def counts(self) -> dict[int, int]:
        """Points per class drawn, by class."""
        labels, counts = np.unique(self.y, return_counts=True)
        return {int(label): int(count) for label, count in zip(labels, counts)}

    def add(self, x: float, y: float, label: int) -> Drawing:
        """This drawing with one more point (unchanged when it is full or the point is not a number)."""
        if self.full or not (math.isfinite(x) and math.isfinite(y)) or not 0 <= label < MAX_CLASSES:
            return self
        return Drawing((*self.cells, (snap(x), snap(y), int(label))))

    def remove_near(self, x: float, y: float, radius: float = REMOVE_RADIUS) -> Drawing:
        """This drawing without the point nearest ``(x, y)``, if one lies within ``radius``."""
        if not self.cells or not (math.isfinite(x) and math.isfinite(y)):
            return self
        distances = np.hypot(*(self.X - (x, y)).T)
        nearest = int(np.argmin(distances))
        if distances[nearest] > radius:
            return self
        return Drawing(self.cells[:nearest] + self.cells[nearest + 1 :])

    def problem(self) -> str | None:
        """Why these points cannot train yet, in a sentence; ``None`` when they can."""
        counts = self.counts()
        enough = [label for label, count in counts.items() if count >= MIN_PER_CLASS]
        if len(counts) >= 2 and len(enough) == len(counts):
            return None
        drawn = ", ".join(f"class {label}: {count}" for label, count in counts.items()) or "none yet"
        return (
            f"Draw points of at least 2 classes, {MIN_PER_CLASS} or more of each, to train on them "
            f"(drawn so far: {drawn})."
        )

    def to_points(self) -> Points:
        """The drawing as the student's own ``Points`` (classes named as on the built-in datasets);
        ``ValueError`` with ``problem()``'s sentence when it cannot train yet."""
        if (problem := self.problem()) is not None:
            raise ValueError(problem)
        labels = sorted(self.counts())
        index = {label: i for i, label in enumerate(labels)}
        return make_points(self.X, np.array([index[c] for c in self.y.tolist()]), [f"class {c}" for c in labels])

    def encode(self) -> str:
        """The link code: the version letter, then 3 bytes a point in URL-safe base64."""
        packed = bytearray()
        for x, y, label in self.cells:
            packed += ((x << 14) | (y << 4) | label).to_bytes(3, "big")
        return VERSION + base64.urlsafe_b64encode(bytes(packed)).decode("ascii").rstrip("=")


def from_points(X: np.ndarray, y: np.ndarray, seed: int = 0) -> Drawing:
    """A drawing from labelled points (a dataset to start from): at most ``MAX_DRAWN`` of them, as
    many of each class as fit, drawn at random (seeded); points off the canvas are left out."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    inside = np.flatnonzero(
        np.isfinite(X).all(axis=1) & (np.abs(X) <= BOUND).all(axis=1) & (y >= 0) & (y < MAX_CLASSES)
    )
    chosen = np.sort(np.random.default_rng(seed).permutation(inside)[:MAX_DRAWN])
    return Drawing(tuple((snap(X[i, 0]), snap(X[i, 1]), int(y[i])) for i in chosen))


def from_dataset(dataset: str, classes: int, noise: float, seed: int) -> Drawing:
    """A drawing to start from: the built-in dataset with as many points per class as fit."""
    X, y = sn.make_dataset(dataset, max(MAX_DRAWN // classes, 1), classes, noise, seed=seed)
    return from_points(X, y, seed)


def decode(code: object) -> Drawing:
    """The drawing a link code holds; ``ValueError`` saying what is wrong with anything else."""
    if not isinstance(code, str) or not code:
        raise ValueError("the drawn points in the link are empty")
    if len(code) > MAX_CODE_CHARS:
        about = (len(code) - 1) * 3 // 4 // 3
        raise ValueError(f"the link holds about {about:,} drawn points; at most {MAX_DRAWN} travel in a link")
    body = code[1:]
    if code[0] != VERSION or not _BASE64URL.match(body) or len(body) % 4 == 1:
        raise ValueError("the drawn points in the link are not in a form this app writes (the link may be cut short)")
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("the drawn points in the link are not in a form this app writes") from None
    if len(packed) % 3:
        raise ValueError("the drawn points in the link are cut short: a point is missing some of its parts")
    cells = []
    for i in range(0, len(packed), 3):
        value = int.from_bytes(packed[i : i + 3], "big")
        x, y, label = value >> 14, (value >> 4) & 0x3FF, value & 0xF
        if x > STEPS or y > STEPS or label >= MAX_CLASSES:
            raise ValueError(
                f"drawn point {i // 3 + 1} in the link lies off the canvas or has a class over {MAX_CLASSES - 1}"
            )
        cells.append((x, y, label))
    return Drawing(tuple(cells))

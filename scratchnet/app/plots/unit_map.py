"""A unit's map: what one unit outputs over the decision map's window, painted as one small picture.

Every page that shows a unit's map paints it here, from the values ``frames.layer_values`` works
out: the Playground's network diagram (a thumbnail per unit, the chosen unit large) and Under the
hood's maps of a hidden layer. So a unit looks the same wherever it is shown: the same colours
(the sign pair of ``palette``, a class's colour for an output), the same orientation as the
decision map (top row = highest y), the same scaling (by the unit's largest absolute output).
"""

from __future__ import annotations

import numpy as np

from scratchnet.app.plots.charts import MAP_OPACITY
from scratchnet.app.plots.palette import NEGATIVE, PALETTE, POSITIVE
from scratchnet.app.plots.picture import data_url, rgb

FRAME = (200, 200, 200, 255)  # a unit map's edge


def signed_pixels(values: np.ndarray, resolution: int) -> np.ndarray:
    """A unit's values over the grid (row by row from the bottom left, as ``frames.grid_points``
    gives the cells) as RGBA pixels (top row = highest y): orange where it is high, blue where
    negative, white at 0, scaled by its largest absolute value."""
    finite = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    peak = np.abs(finite).max()
    level = finite / peak if peak > 0 else np.zeros_like(finite)
    strength = np.abs(level)[:, None]
    colour = np.where(level[:, None] >= 0, rgb(POSITIVE), rgb(NEGATIVE))
    pixels = np.empty((len(values), 4))
    pixels[:, :3] = 255 * (1 - strength) + colour * strength
    pixels[:, 3] = 255
    return pixels.reshape(resolution, resolution, 4)[::-1]


def class_pixels(probabilities: np.ndarray, class_index: int, resolution: int) -> np.ndarray:
    """A class's probability over the grid as RGBA pixels: its colour, as opaque as the decision
    map's most certain cell where the probability is 1, clear where it is 0."""
    pixels = np.empty((len(probabilities), 4))
    pixels[:, :3] = rgb(PALETTE[class_index % len(PALETTE)])
    pixels[:, 3] = np.round(255 * MAP_OPACITY[1] * np.clip(np.nan_to_num(probabilities), 0, 1))
    return pixels.reshape(resolution, resolution, 4)[::-1]


def unit_pixels(values: np.ndarray, kind: str, index: int, resolution: int, *, framed: bool = True) -> np.ndarray:
    """A unit's map: a class's probability for an output, else its signed values; ``framed``: inside
    a one-pixel grey edge (``resolution`` + 2 pixels a side), so that a unit that outputs 0 everywhere
    (all white) still shows. The edge is added around the cells, never painted over them: a unit that
    fires only along the window's border shows it."""
    pixels = class_pixels(values, index, resolution) if kind == "output" else signed_pixels(values, resolution)
    if not framed:
        return pixels
    edged = np.empty((resolution + 2, resolution + 2, 4))
    edged[:] = FRAME
    edged[1:-1, 1:-1] = pixels
    return edged


def unit_picture(values: np.ndarray, kind: str, index: int, resolution: int, *, framed: bool = True) -> str:
    """``unit_pixels`` as the PNG a chart shows (a ``data:`` URL): the one picture of a unit's map."""
    return data_url(unit_pixels(values, kind, index, resolution, framed=framed))


def value_range(values: np.ndarray) -> tuple[float, float]:
    """The lowest and the highest finite value a unit outputs over the map (NaN, NaN: none is finite)."""
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if len(finite) else (float("nan"), float("nan"))

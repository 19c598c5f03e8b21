"""The decision map's picture: a PNG any decoder reads back exactly, laid out as the map's cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from app_helpers import picture

from scratchnet.app.plots import charts
from scratchnet.app.plots.picture import data_url, png

NAMES = ("class 0", "class 1", "class 2")


def rgb(name: str) -> tuple[int, int, int]:
    return charts.rgb(charts.PALETTE[NAMES.index(name)])


@pytest.mark.parametrize("shape", [(1, 1), (3, 7), (100, 100)])
def test_a_png_decodes_to_exactly_its_pixels(shape: tuple[int, int]) -> None:
    pixels = np.random.default_rng(sum(shape)).integers(0, 256, size=(*shape, 4), dtype=np.uint8)
    assert png(pixels).startswith(b"\x89PNG\r\n\x1a\n")
    np.testing.assert_array_equal(picture(data_url(pixels)), pixels)


@pytest.mark.parametrize("shape", [(0, 3, 4), (3, 3), (2, 2, 3)])
def test_a_png_needs_rows_of_rgba_pixels(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="height x width x 4"):
        png(np.zeros(shape))


def grid(predicted: list[str], confidence: list[float]) -> pd.DataFrame:
    """A 2 x 2 grid over [0, 2]², rows in the order ``frames.grid_frame`` gives (y rising, then x)."""
    return pd.DataFrame(
        {
            "x": [0.0, 1.0, 0.0, 1.0],
            "x2": [1.0, 2.0, 1.0, 2.0],
            "y": [0.0, 0.0, 1.0, 1.0],
            "y2": [1.0, 1.0, 2.0, 2.0],
            "predicted": predicted,
            "confidence": confidence,
        }
    )


def test_map_pixels_put_high_y_on_top_and_shade_by_confidence() -> None:
    cells = grid(["class 0", "class 1", "class 2", "class 0"], [1 / 3, 1.0, 2 / 3, 1.0])
    pixels = charts.map_pixels(cells, NAMES)
    assert pixels.shape == (2, 2, 4)
    # bottom row (y 0..1) is the picture's last row: class 0 then class 1; top row: class 2 then class 0
    assert [tuple(pixels[1, 0, :3]), tuple(pixels[1, 1, :3])] == [rgb("class 0"), rgb("class 1")]
    assert [tuple(pixels[0, 0, :3]), tuple(pixels[0, 1, :3])] == [rgb("class 2"), rgb("class 0")]
    low, high = charts.MAP_OPACITY
    assert pixels[1, 0, 3] == pytest.approx(255 * low, abs=1)  # a coin toss among three: palest
    assert pixels[1, 1, 3] == pytest.approx(255 * high, abs=1)  # certain: strongest
    assert pixels[1, 0, 3] < pixels[0, 0, 3] < pixels[1, 1, 3]


def test_map_pixels_without_shading_are_flat_and_any_row_order_is_fine() -> None:
    cells = grid(["class 0", "class 1", "class 2", "class 0"], [0.4, 1.0, 0.7, 0.9])
    flat = charts.map_pixels(cells, NAMES, confidence=False)
    assert set(flat[..., 3].ravel()) == {round(255 * charts.FLAT_OPACITY)}
    shuffled = cells.sample(frac=1.0, random_state=0)
    np.testing.assert_array_equal(charts.map_pixels(shuffled, NAMES), charts.map_pixels(cells, NAMES))


@pytest.mark.parametrize(
    ("color", "expected"),
    [("#4C78A8", (76, 120, 168)), ("#fff", (255, 255, 255)), ("red", (255, 0, 0)), ("#00000080", (0, 0, 0))],
)
def test_colours_are_parsed_to_rgb(color: str, expected: tuple[int, int, int]) -> None:
    assert charts.rgb(color) == expected


def test_every_palette_colour_parses() -> None:
    assert all(len(charts.rgb(color)) == 3 for color in charts.PALETTE)


def test_a_bad_colour_is_refused() -> None:
    with pytest.raises(ValueError):
        charts.rgb("#12")


def test_values_outside_0_255_are_clipped() -> None:
    pixels = np.array([[[-5, 300, 128, 255]]])
    np.testing.assert_array_equal(picture(data_url(pixels)), [[[0, 255, 128, 255]]])

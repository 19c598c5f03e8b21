"""The app's colours are defined once (scratchnet/app/plots/palette.py): the class palette, which
Streamlit's theme repeats in .streamlit/config.toml, and one sign pair (blue negative, orange
positive) on every page that colours a weight or a value by its sign."""

from __future__ import annotations

import tomllib

import numpy as np
from app_helpers import ROOT

from scratchnet.app.playground import charts as diagram_charts
from scratchnet.app.plots import charts, palette, unit_map
from scratchnet.app.under_the_hood import charts as hood_charts
from scratchnet.app.under_the_hood import logic as hood_logic


def test_the_themes_chart_colours_are_the_class_palette() -> None:
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    assert theme["chartCategoricalColors"] == list(palette.PALETTE)
    class_map = unit_map.class_pixels(np.ones(4), 1, 2)  # an output unit's map of class 1: its colour
    assert tuple(class_map[0, 0, :3]) == charts.rgb(palette.PALETTE[1])
    assert charts.class_scale(["a", "b", "c"]).to_dict()["range"] == list(palette.PALETTE[:3])


def _ends(scale: dict) -> tuple[str, str]:
    """The colours a signed scale gives its lowest and its highest value."""
    return scale["range"][0], scale["range"][-1]


def test_a_weights_sign_has_one_colour_pair_on_every_page() -> None:
    assert palette.NEGATIVE != palette.POSITIVE
    weights = hood_logic.weight_frame(np.array([[1.5, -0.5], [0.25, -2.0]]))
    scale = hood_charts.weight_chart(weights, name="W1").to_dict()["encoding"]["color"]["scale"]
    assert _ends(scale) == (palette.NEGATIVE, palette.POSITIVE) and scale["domain"] == [-2.0, 0, 2.0]
    assert (diagram_charts.SIGNS["negative"], diagram_charts.SIGNS["positive"]) == (palette.NEGATIVE, palette.POSITIVE)
    # every unit map, in the diagram and Under the hood, is painted by plots.unit_map
    pixels = unit_map.signed_pixels(np.array([-1.0, 0.0, 1.0, 0.0]), 2)[::-1].reshape(4, 4)[:, :3]
    assert tuple(pixels[0]) == charts.rgb(palette.NEGATIVE) and tuple(pixels[2]) == charts.rgb(palette.POSITIVE)
    marked = hood_charts.table_markdown(np.array([[1.0, -1.0]]), ("1",), ("a", "b"))
    assert f":{palette.POSITIVE_MARK}-background[1.0000]" in marked
    assert f":{palette.NEGATIVE_MARK}-background[-1.0000]" in marked

"""The class colours stay apart for the common colour-vision deficiencies (simulated, ``plots/vision.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from scratchnet.app.plots import vision
from scratchnet.app.plots.palette import PALETTE

#: ΔE (CIE76) two class colours keep at least, for the classes most datasets have: above 10 they are
#: told apart at a glance.
APART = 10.0
FIRST_CLASSES = 5


def test_the_simulation_keeps_grey_grey_and_confuses_what_each_deficiency_confuses() -> None:
    grey = vision.srgb(["#808080"])
    for deficiency in vision.DEFICIENCIES:
        assert np.allclose(vision.simulate(grey, deficiency), grey, atol=0.01), deficiency  # rows sum to 1
    red_green = ["#D62728", "#2CA02C"]  # pure red and green: apart for most, close without L or M cones
    assert vision.closest_pair(red_green)[0] > 60
    assert vision.closest_pair(red_green, "deuteranopia")[0] < vision.closest_pair(red_green, "tritanopia")[0] / 2
    blue_green = ["#1F77B4", "#2CA02C"]
    assert vision.closest_pair(blue_green, "tritanopia")[0] < vision.closest_pair(blue_green)[0] / 2


def test_lab_of_white_and_black_are_the_ends_of_lightness() -> None:
    white, black = vision.lab(vision.srgb(["#FFFFFF", "#000000"]))
    assert white == pytest.approx([100, 0, 0], abs=0.05)
    assert black == pytest.approx([0, 0, 0], abs=0.05)


@pytest.mark.parametrize("deficiency", [None, *vision.DEFICIENCIES])
def test_the_first_class_colours_stay_apart(deficiency) -> None:
    distance, pair = vision.closest_pair(PALETTE[:FIRST_CLASSES], deficiency)
    assert distance >= APART, f"classes {pair} are {distance:.1f} ΔE apart with {deficiency or 'normal vision'}"

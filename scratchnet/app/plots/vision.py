"""How the class colours look to someone with a colour-vision deficiency, and how far apart they stay.

Pure NumPy. ``simulate`` applies Machado, Oliveira and Fernandes' (2009) matrices at full severity to
linear RGB; ``delta_e`` is the CIE 1976 distance between two colours in CIE L*a*b* (D65): about 2 is
just noticeable, above 10 two colours are told apart at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

#: Machado et al. (2009), severity 1.0, on linear RGB.
DEFICIENCIES = {
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}
#: linear sRGB -> CIE XYZ (D65), and the D65 white point.
_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def srgb(hex_colors: Sequence[str]) -> np.ndarray:
    """``#RRGGBB`` colours as sRGB values in 0..1, one row each."""
    return np.array([[int(c.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)] for c in hex_colors])


def to_linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0, 1)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def simulate(rgb: np.ndarray, deficiency: str) -> np.ndarray:
    """sRGB colours (rows, 0..1) as seen with ``deficiency`` (a key of ``DEFICIENCIES``), in sRGB."""
    return to_srgb(to_linear(rgb) @ DEFICIENCIES[deficiency].T)


def lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB colours (rows, 0..1) in CIE L*a*b* (D65)."""
    xyz = to_linear(rgb) @ _TO_XYZ.T / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def delta_e(first: np.ndarray, second: np.ndarray) -> float:
    """CIE76 ΔE between two L*a*b* colours: their straight-line distance."""
    return float(np.linalg.norm(first - second))


def closest_pair(hex_colors: Sequence[str], deficiency: str | None = None) -> tuple[float, tuple[int, int]]:
    """The smallest ΔE between any two of ``hex_colors`` (as seen with ``deficiency``; None: normal
    vision), and which two (their indices)."""
    rgb = srgb(hex_colors)
    points = lab(simulate(rgb, deficiency) if deficiency else rgb)
    return min((delta_e(points[i], points[j]), (i, j)) for i, j in combinations(range(len(points)), 2))

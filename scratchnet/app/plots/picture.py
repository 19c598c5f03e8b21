"""Pixels → a PNG, as a ``data:`` URL a chart can show; colour names → RGB. Encoded by Pillow.

The decision map is ten thousand coloured cells. Drawn as ten thousand rectangles the browser
takes over a second; drawn as one 100 × 100 picture it takes a few milliseconds.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image, ImageColor


def png(rgba: np.ndarray) -> bytes:
    """An 8-bit RGBA PNG of ``rgba`` (height × width × 4, values 0-255; row 0 is the top)."""
    pixels = np.asarray(rgba)
    if pixels.ndim != 3 or pixels.shape[2] != 4 or not pixels.shape[0] or not pixels.shape[1]:
        raise ValueError(f"png needs a height x width x 4 array, not one of shape {pixels.shape}")
    buffer = io.BytesIO()
    # compress_level 6: zlib's default, a small file in a millisecond or two for the map's 100 x 100
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="RGBA").save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def data_url(rgba: np.ndarray) -> str:
    """``rgba`` as a PNG inside a ``data:image/png;base64,...`` URL."""
    return "data:image/png;base64," + base64.b64encode(png(rgba)).decode("ascii")


def rgb(color: str) -> tuple[int, int, int]:
    """A CSS colour (``"#RRGGBB"``, ``"#RGB"``, a name such as ``"red"``) as red, green, blue (0-255)."""
    red, green, blue = ImageColor.getrgb(color)[:3]
    return red, green, blue

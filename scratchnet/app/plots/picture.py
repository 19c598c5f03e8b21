"""Pixels → a PNG, as a ``data:`` URL a chart can show. NumPy and the standard library only.

The decision map is ten thousand coloured cells. Drawn as ten thousand rectangles the browser
takes over a second; drawn as one 100 × 100 picture it takes a few milliseconds.
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, body: bytes) -> bytes:
    """A PNG chunk: length, type, body, and the CRC-32 of type and body."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(rgba: np.ndarray) -> bytes:
    """An 8-bit RGBA PNG of ``rgba`` (height × width × 4, values 0-255; row 0 is the top)."""
    pixels = np.asarray(rgba)
    if pixels.ndim != 3 or pixels.shape[2] != 4 or not pixels.shape[0] or not pixels.shape[1]:
        raise ValueError(f"png needs a height x width x 4 array, not one of shape {pixels.shape}")
    height, width = pixels.shape[:2]
    rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)  # each row: filter type 0 ("none"), then pixels
    rows[:, 1:] = np.clip(pixels, 0, 255).astype(np.uint8).reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, RGBA, deflate, no interlace
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + _chunk(b"IEND", b"")
    )


def data_url(rgba: np.ndarray) -> str:
    """``rgba`` as a PNG inside a ``data:image/png;base64,...`` URL."""
    return "data:image/png;base64," + base64.b64encode(png(rgba)).decode("ascii")

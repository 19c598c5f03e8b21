"""Reused arrays: the engine's speed devices, apart from the flat parameter vector (see ``network``).

Training runs the same passes on same-shaped batches thousands of times, so two things are
allocated once and reused rather than made afresh at every step:

- **Work buffers.** A layer's ``forward`` and ``backward`` write their results into arrays kept
  in the layer's ``Workspace`` (same name and shape → same array). A result is therefore only
  valid until the next pass: copy it to keep it.
- **Ones vectors.** A row sum ``Z @ 1`` or a column sum ``1 @ Z`` is one BLAS matrix-vector
  product, much faster than NumPy's ``sum`` over many short rows; the ones are cached per length.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


class Workspace:
    """Named work arrays, each reused while its requested shape and dtype stay the same."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def array(self, name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """The array called ``name`` with this shape and dtype (its contents are left over: overwrite them)."""
        array = self.arrays.get(name)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = self.arrays[name] = np.empty(shape, dtype)
        return array


@lru_cache(maxsize=64)
def ones(n: int, dtype: np.dtype) -> np.ndarray:
    """A read-only vector of ``n`` ones, cached: multiply by it to sum rows or columns through BLAS."""
    vector = np.ones(n, dtype)
    vector.flags.writeable = False
    return vector

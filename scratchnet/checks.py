"""Argument checks shared by the engine and the app.

Every check either returns the value in its canonical type or raises a
``ValueError`` whose message names the argument, the value it got and what is
allowed, e.g. ``samples must be an integer from 1 to 100000; got 0``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np


def short_repr(value: object) -> str:
    """``value`` as error messages show it: its ``repr``, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value: float) -> str:
    """Integers in full (``4294967295``, not ``4.29497e+09``), other numbers compactly."""
    return str(value) if isinstance(value, int) else f"{value:g}"


def _range_text(low: float | None, high: float | None, low_open: bool = False) -> str:
    if low is not None and high is not None:
        low_text, high_text = _number(low), _number(high)
        return f"from {low_text} to {high_text}" if not low_open else f"above {low_text} and at most {high_text}"
    if low is not None:
        return f"{'>' if low_open else '≥'} {_number(low)}"
    if high is not None:
        return f"≤ {_number(high)}"
    return "any value"


def check_int(name: str, value: object, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an ``int`` within ``[low, high]``; bools and non-integral floats are refused."""
    allowed = f"{name} must be an integer {_range_text(low, high)}; got {short_repr(value)}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(allowed)
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        try:
            as_float = float(value)
        except OverflowError:  # e.g. a Fraction too large for a float
            raise ValueError(allowed) from None
        if not math.isfinite(as_float) or as_float != int(as_float):
            raise ValueError(allowed)
        number = int(as_float)
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(allowed)
    return number


def check_float(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
) -> float:
    """``value`` as a finite ``float`` within the range (``low`` excluded when ``low_open``)."""
    allowed = f"{name} must be a finite number {_range_text(low, high, low_open)}; got {short_repr(value)}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(allowed)
    try:
        number = float(value)
    except OverflowError:  # an int (or Fraction) too large for a float
        raise ValueError(allowed) from None
    if not math.isfinite(number):
        raise ValueError(allowed)
    if low is not None and (number < low or (low_open and number == low)):
        raise ValueError(allowed)
    if high is not None and number > high:
        raise ValueError(allowed)
    return number


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """``value`` if it is one of ``choices``."""
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(options)}; got {short_repr(value)}")
    return value


def check_features(X: object, *, name: str = "X", features: int | None = None) -> np.ndarray:
    """``X`` as a 2-D float array of finite numbers (``features`` columns when given)."""
    try:
        array = np.asarray(X)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a 2-D array of numbers; could not read it ({error})") from None
    if array.dtype.kind not in "biuf" or array.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of numbers (rows = points); got shape {array.shape}, dtype {array.dtype}"
        )
    if array.shape[0] < 1:
        raise ValueError(f"{name} must hold at least one row; got shape {array.shape}")
    if features is not None and array.shape[1] != features:
        raise ValueError(f"{name} must have {features} columns; got {array.shape[1]}")
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold only finite numbers; it has NaN or infinite values")
    return array


def check_labels(y: object, *, rows: int, classes: int | None = None, name: str = "y") -> np.ndarray:
    """``y`` as a 1-D int64 array of ``rows`` labels in ``0..classes-1``."""
    try:
        array = np.asarray(y)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a 1-D array of integer labels; could not read it ({error})") from None
    # Whole numbers stored as floats are accepted too (cast below, once their range is checked).
    whole_floats = array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array))
    if array.ndim != 1 or not (array.dtype.kind in "iub" or whole_floats):
        raise ValueError(
            f"{name} must be a 1-D array of integer class labels; got shape {array.shape}, dtype {array.dtype}"
        )
    if array.shape[0] != rows:
        raise ValueError(f"{name} must have one label per row of X ({rows}); got {array.shape[0]}")
    # Range first, on the original values: a cast to int64 would wrap labels too large for it.
    top = int(np.iinfo(np.int64).max) if classes is None else classes - 1
    allowed = f"from 0 to {top}"
    if rows:
        low, high = array.min().item(), array.max().item()  # Python numbers: float-int comparisons are exact
        if low < 0 or high > top:
            raise ValueError(f"{name} labels must be {allowed}; got {short_repr(low if low < 0 else high)}")
    return array.astype(np.int64, copy=False)


MAX_SEED = 2**32 - 1


def check_seed(value: object, name: str = "seed") -> int | None:
    """``None`` (fresh entropy) or an integer seed from 0 to 2³²−1."""
    return None if value is None else check_int(name, value, low=0, high=MAX_SEED)

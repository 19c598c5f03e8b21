"""Shared fixtures for the engine tests (kept minimal on purpose)."""

from __future__ import annotations

import numpy as np
import pytest

import scratchnet as sn


@pytest.fixture(scope="session")
def spiral() -> tuple[np.ndarray, np.ndarray]:
    """The reference spiral (100 points a class, 3 classes, seed 0), read-only so no test can change it for another."""
    X, y = sn.spiral_data(samples=100, classes=3, seed=0)
    X.flags.writeable = False
    y.flags.writeable = False
    return X, y

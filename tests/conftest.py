"""Shared fixtures: the reference spiral for the engine tests; empty Streamlit caches for the app tests."""

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


@pytest.fixture
def fresh_caches():
    """Streamlit's data and resource caches emptied, so no test sees another's runs."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield

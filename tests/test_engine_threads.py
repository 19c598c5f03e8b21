"""One trained network shared by many threads: same answers, and nothing in it changes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import scratchnet as sn

THREADS = 16
CALLS = 6


@pytest.fixture(scope="module")
def trained() -> sn.Network:
    X, y = sn.spiral_data(100, 3, seed=0)
    net = sn.mlp([2, 64, 3], seed=0)
    sn.train(net, X, y, sn.Adam(lr=0.05), epochs=300)
    return net


def _inputs(i: int) -> np.ndarray:
    """A different batch per call, all of one shape: any state shared between calls would be overwritten."""
    return np.random.default_rng(i).uniform(-1.2, 1.2, (2000, 2))


@pytest.mark.parametrize("method", ["predict", "predict_proba", "logits", "activations"])
def test_many_threads_get_the_single_threaded_answers(trained: sn.Network, method: str) -> None:
    params_before = {name: value.copy() for name, value in trained.params.items()}
    flat_before = trained.flat_params.copy()
    n_jobs = THREADS * CALLS
    expected = [getattr(trained, method)(_inputs(i)) for i in range(n_jobs)]
    start = threading.Barrier(THREADS)

    def call(i: int):
        if i < THREADS:
            start.wait()  # release the first wave together
        return getattr(trained, method)(_inputs(i))

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(call, range(n_jobs)))

    for got, want in zip(results, expected):
        if method == "activations":
            assert len(got) == len(want)
            for a, b in zip(got, want):
                np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(trained.flat_params, flat_before)
    for name, value in params_before.items():
        np.testing.assert_array_equal(trained.params[name], value)
        assert np.shares_memory(trained.params[name], trained.flat_params)  # still views, not replaced


def test_predicting_while_a_copy_trains_is_unaffected(trained: sn.Network) -> None:
    """The app trains a copy in one thread while others draw the shared network."""
    X, y = sn.spiral_data(100, 3, seed=1)
    grid = _inputs(0)
    expected = trained.predict_proba(grid)
    flat_before = trained.flat_params.copy()
    student = trained.copy()
    with ThreadPoolExecutor(max_workers=5) as pool:
        training = pool.submit(sn.train, student, X, y, sn.Adam(lr=0.05), 200)
        readers = [pool.submit(trained.predict_proba, grid) for _ in range(20)]
        for reader in readers:
            np.testing.assert_array_equal(reader.result(), expected)
        assert training.result().status == "completed"
    np.testing.assert_array_equal(trained.flat_params, flat_before)
    assert not np.array_equal(student.flat_params, flat_before)


def test_evaluate_is_pure(trained: sn.Network) -> None:
    X, y = sn.spiral_data(50, 3, seed=2)
    flat_before = trained.flat_params.copy()
    first = sn.evaluate(trained, X, y)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: sn.evaluate(trained, X, y), range(32)))
    assert all(result == first for result in results)
    np.testing.assert_array_equal(trained.flat_params, flat_before)

"""The network really learns the spiral, and every run is reproducible from its seeds."""

from __future__ import annotations

import numpy as np
import pytest

import scratchnet as sn


@pytest.mark.slow
def test_adam_learns_the_spiral(spiral) -> None:
    X, y = spiral
    net = sn.mlp([2, 64, 3], seed=0)
    history = sn.train(net, X, y, sn.Adam(lr=0.05, decay=5e-7), epochs=10_000)
    assert history.status == "completed"
    loss, acc = sn.evaluate(net, X, y)
    assert acc >= 0.93  # reference: 0.967-0.983
    assert loss < 0.2
    assert history.loss[-1] < history.loss[0] / 5


@pytest.mark.slow
def test_sgd_with_momentum_and_decay_learns_the_spiral(spiral) -> None:
    X, y = spiral
    net = sn.mlp([2, 64, 3], seed=0)
    history = sn.train(net, X, y, sn.SGD(lr=1.0, decay=1e-3, momentum=0.9), epochs=10_000)
    assert history.status == "completed"
    _, acc = sn.evaluate(net, X, y)
    assert acc >= 0.90  # reference: 0.957
    assert history.lr[-1] == pytest.approx(1.0 / (1 + 1e-3 * 9_999))


def test_plain_sgd_learns_less_than_momentum_in_the_same_time(spiral) -> None:
    X, y = spiral
    plain, momentum = sn.mlp([2, 64, 3], seed=0), sn.mlp([2, 64, 3], seed=0)
    sn.train(plain, X, y, sn.SGD(lr=1.0), epochs=1000)
    sn.train(momentum, X, y, sn.SGD(lr=1.0, momentum=0.9), epochs=1000)
    assert sn.evaluate(momentum, X, y)[0] < sn.evaluate(plain, X, y)[0]


def _run(net_seed: int, train_seed: int = 0, batch_size: int | None = None, epochs: int = 150):
    X, y = sn.spiral_data(100, 3, seed=0)
    net = sn.mlp([2, 32, 3], seed=net_seed)
    history = sn.train(net, X, y, sn.SGD(lr=0.5, momentum=0.9), epochs=epochs, batch_size=batch_size, seed=train_seed)
    return net, history


def _same(a: tuple[sn.Network, sn.History], b: tuple[sn.Network, sn.History]) -> bool:
    (net_a, hist_a), (net_b, hist_b) = a, b
    return np.array_equal(net_a.flat_params, net_b.flat_params) and all(
        np.array_equal(hist_a.columns()[k], hist_b.columns()[k]) for k in hist_a.columns()
    )


def test_full_batch_runs_are_bit_for_bit_reproducible() -> None:
    first, again = _run(net_seed=3), _run(net_seed=3)
    assert _same(first, again)
    assert not _same(first, _run(net_seed=4))
    # Full batch has no shuffling: the training seed plays no part.
    assert _same(first, _run(net_seed=3, train_seed=99))


def test_minibatch_runs_are_reproducible_from_their_seed() -> None:
    first = _run(net_seed=3, train_seed=1, batch_size=32, epochs=40)
    assert _same(first, _run(net_seed=3, train_seed=1, batch_size=32, epochs=40))
    assert not _same(first, _run(net_seed=3, train_seed=2, batch_size=32, epochs=40))  # another shuffle


def test_minibatch_training_learns(spiral) -> None:
    X, y = spiral
    net = sn.mlp([2, 64, 3], seed=0)
    start_loss, _ = sn.evaluate(net, X, y)
    history = sn.train(net, X, y, sn.Adam(lr=0.01), epochs=300, batch_size=16, seed=1)
    loss, acc = sn.evaluate(net, X, y)
    assert history.status == "completed"
    assert acc >= 0.70  # observed 0.77; a linear model manages about 0.5
    assert loss < 0.7 * start_loss


def test_batch_size_at_least_the_rows_is_full_batch(spiral) -> None:
    X, y = spiral
    a, b = sn.mlp([2, 8, 3], seed=0), sn.mlp([2, 8, 3], seed=0)
    sn.train(a, X, y, sn.SGD(lr=0.5), epochs=20)
    sn.train(b, X, y, sn.SGD(lr=0.5), epochs=20, batch_size=10_000, seed=5)
    np.testing.assert_array_equal(a.flat_params, b.flat_params)


def test_float32_training_works_and_stays_float32(spiral) -> None:
    X, y = spiral
    net = sn.mlp([2, 64, 3], seed=0, dtype="float32")
    history = sn.train(net, X, y, sn.Adam(lr=0.05), epochs=1000, validation=(X, y))
    assert history.status == "completed"
    assert net.dtype == np.float32 and net.flat_params.dtype == np.float32 and net.flat_grads.dtype == np.float32
    assert all(value.dtype == np.float32 for value in net.params.values())
    assert net.logits(X).dtype == np.float32
    _, acc = sn.evaluate(net, X, y)
    assert acc >= 0.9  # observed 0.957
    # float32 follows the float64 run closely over a short horizon.
    net64 = sn.mlp([2, 64, 3], seed=0)
    short32 = sn.train(sn.mlp([2, 64, 3], seed=0, dtype="float32"), X, y, sn.Adam(lr=0.05), epochs=20)
    short64 = sn.train(net64, X, y, sn.Adam(lr=0.05), epochs=20)
    np.testing.assert_allclose(short32.loss, short64.loss, rtol=1e-3)


def test_the_notebook_as_written_learns_less_than_when_fixed(spiral) -> None:
    """The notebook's ReLU derivative costs accuracy at its own settings (lr 2, constant)."""
    X, y = spiral
    accuracy = {}
    for variant in ("as written", "ReLU fixed"):
        net = sn.notebook_network(variant, seed=0)
        sn.train(net, X, y, sn.notebook_optimizer(2.0, 0.01, variant), epochs=2000)
        accuracy[variant] = sn.evaluate(net, X, y)[1]
    assert accuracy["ReLU fixed"] > accuracy["as written"]

"""Networks: parameter names and storage, copies, per-layer outputs, predictions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import scratchnet as sn


@pytest.mark.parametrize("sizes", [[2, 3], [2, 8, 3], [2, 8, 6, 4], [3, 5, 5, 5, 2]])
def test_params_and_grads_share_names_and_shapes(sizes: list[int]) -> None:
    net = sn.mlp(sizes, seed=0)
    layers = len(sizes) - 1
    names = [f"{p}{i}" for i in range(1, layers + 1) for p in "Wb"]
    assert list(net.params) == names and list(net.grads) == names
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        assert net.params[f"W{i}"].shape == net.grads[f"W{i}"].shape == (n_in, n_out)
        assert net.params[f"b{i}"].shape == net.grads[f"b{i}"].shape == (n_out,)
    assert net.sizes == sizes and net.n_inputs == sizes[0] and net.n_classes == sizes[-1]
    assert net.n_params == sum(a * b + b for a, b in itertools.pairwise(sizes)) == net.flat_params.size
    # Dense, activation, Dense, …, Dense: one activation between each pair of dense layers.
    assert len(net.layers) == 2 * layers - 1
    assert all(isinstance(layer, sn.Dense) for layer in net.layers[::2])
    assert all(isinstance(layer, sn.ReLU) for layer in net.layers[1::2])


def test_params_are_views_into_flat_params() -> None:
    net = sn.mlp([2, 4, 3], seed=0)
    for name in net.params:
        assert np.shares_memory(net.params[name], net.flat_params)
        assert np.shares_memory(net.grads[name], net.flat_grads)
    net.params["W2"][1, 2] = 123.0
    net.params["b1"][:] = -7.0
    assert np.count_nonzero(net.flat_params == 123.0) == 1
    assert np.count_nonzero(net.flat_params == -7.0) == 4
    net.flat_params[:] = 0.5  # and the other way: the layers compute with the flat vector
    logits = net.logits(np.ones((1, 2)))
    hidden = 0.5 * 2 + 0.5  # each hidden unit: two inputs of 1 times 0.5, plus bias 0.5
    np.testing.assert_allclose(logits, [[4 * hidden * 0.5 + 0.5] * 3])


def test_mlp_is_seeded_and_uses_its_init_scale() -> None:
    a, b, c = sn.mlp([2, 64, 3], seed=1), sn.mlp([2, 64, 3], seed=1), sn.mlp([2, 64, 3], seed=2)
    np.testing.assert_array_equal(a.flat_params, b.flat_params)
    assert not np.array_equal(a.flat_params, c.flat_params)
    big = sn.mlp([400, 400, 3], init="he", seed=0)
    assert big.params["W1"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert sn.mlp([400, 400, 3], init="glorot", seed=0).params["W1"].std() == pytest.approx(np.sqrt(2 / 800), rel=0.02)
    assert sn.mlp([400, 400, 3], init="notebook", seed=0).params["W1"].std() == pytest.approx(0.01, rel=0.02)
    np.testing.assert_array_equal(big.params["b1"], 0.0)


def test_copy_is_independent() -> None:
    net = sn.mlp([2, 8, 3], seed=0)
    twin = net.copy()
    np.testing.assert_array_equal(twin.flat_params, net.flat_params)
    assert not np.shares_memory(twin.flat_params, net.flat_params)
    before = net.flat_params.copy()
    X, y = sn.spiral_data(20, 3, seed=0)
    sn.train(twin, X, y, sn.SGD(lr=0.5), epochs=5)
    np.testing.assert_array_equal(net.flat_params, before)
    assert not np.array_equal(twin.flat_params, before)
    net.params["W1"][:] = 0.0
    assert np.abs(twin.params["W1"]).sum() > 0


def test_with_params_builds_an_independent_network_holding_them() -> None:
    net = sn.mlp([2, 8, 3], seed=0)
    other = sn.mlp([2, 8, 3], seed=1)
    snapshot = other.get_params()
    moved = net.with_params(snapshot)
    X = np.random.default_rng(0).standard_normal((10, 2))
    np.testing.assert_array_equal(moved.logits(X), other.logits(X))
    for name, value in snapshot.items():
        assert not np.shares_memory(moved.params[name], value)
    snapshot["W1"][:] = 0.0  # changing the source afterwards changes nothing
    np.testing.assert_array_equal(moved.logits(X), other.logits(X))
    assert not np.array_equal(net.logits(X), moved.logits(X))


def test_get_params_is_a_copy() -> None:
    net = sn.mlp([2, 4, 3], seed=0)
    kept = net.get_params()
    net.flat_params[:] = 0.0
    assert np.abs(kept["W1"]).sum() > 0


def test_set_params_refuses_wrong_names_and_shapes() -> None:
    net = sn.mlp([2, 4, 3], seed=0)
    params = net.get_params()
    with pytest.raises(ValueError, match="names"):
        net.set_params({k: v for k, v in params.items() if k != "b2"})
    with pytest.raises(ValueError, match=r"W1 must have shape \(2, 4\); got \(4, 2\)"):
        net.set_params({**params, "W1": np.zeros((4, 2))})


@pytest.mark.parametrize("activation", sorted(sn.ACTIVATIONS))
def test_activations_returns_one_output_per_layer(activation: str) -> None:
    net = sn.mlp([2, 5, 4, 3], activation=activation, seed=0)
    X = np.random.default_rng(1).standard_normal((7, 2))
    outputs = net.activations(X)
    assert len(outputs) == len(net.layers) == 5
    assert [out.shape for out in outputs] == [(7, 5), (7, 5), (7, 4), (7, 4), (7, 3)]
    np.testing.assert_array_equal(outputs[-1], net.logits(X))
    np.testing.assert_allclose(outputs[0], X @ net.params["W1"] + net.params["b1"])
    np.testing.assert_allclose(outputs[1], net.layers[1].apply(outputs[0]))


def test_predictions_are_consistent(spiral) -> None:
    X, y = spiral
    net = sn.mlp([2, 16, 3], seed=0)
    sn.train(net, X, y, sn.Adam(lr=0.05), epochs=50)
    probs = net.predict_proba(X)
    assert probs.shape == (300, 3)
    assert np.all((probs >= 0) & (probs <= 1))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(net.predict(X), probs.argmax(axis=1))
    np.testing.assert_array_equal(net.predict(X), net.logits(X).argmax(axis=1))
    loss, acc = sn.evaluate(net, X, y)
    assert acc == pytest.approx(np.mean(net.predict(X) == y))
    assert loss == pytest.approx(np.mean(-np.log(probs[np.arange(300), y])), rel=1e-12)


def test_prediction_accepts_lists_and_ints() -> None:
    net = sn.mlp([2, 4, 3], seed=0)
    np.testing.assert_allclose(net.predict_proba([[1, 2], [3, 4]]), net.predict_proba(np.array([[1.0, 2], [3, 4]])))


def test_forward_backward_fill_the_named_grads() -> None:
    net = sn.mlp([2, 4, 3], activation="tanh", seed=0)
    X = np.random.default_rng(0).standard_normal((5, 2))
    logits = net.forward(X)
    np.testing.assert_allclose(logits, net.logits(X))
    net.backward(np.ones_like(logits))
    np.testing.assert_allclose(net.grads["b2"], [5.0, 5.0, 5.0])  # Σ_rows of the upstream gradient
    assert np.abs(net.flat_grads).sum() > 0


def test_network_refuses_layers_that_do_not_chain() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="do not chain"):
        sn.Network([sn.Dense(2, 4, rng=rng), sn.ReLU(), sn.Dense(5, 3, rng=rng)])
    with pytest.raises(ValueError, match="at least one Dense"):
        sn.Network([sn.ReLU()])


def test_leaky_relu_class_and_float32_networks() -> None:
    net = sn.mlp([2, 4, 3], activation=sn.LeakyReLU, dtype="float32", seed=0)
    assert isinstance(net.layers[1], sn.LeakyReLU) and net.layers[1].alpha == 0.01
    assert net.dtype == np.float32 and net.flat_params.dtype == np.float32
    assert net.predict_proba(np.ones((2, 2))).dtype == np.float32
    assert sn.mlp([2, 3], dtype=np.float32).dtype == np.float32


def test_backward_can_keep_each_layers_input_gradient_for_a_reader():
    """``kept`` receives ∂L/∂(output of each layer below the top), topmost first, and changes nothing else."""
    net = sn.mlp([2, 5, 3], activation="tanh", seed=4, dtype="float64")
    X, y = np.random.default_rng(1).normal(size=(7, 2)), np.arange(7) % 3
    _, dlogits = sn.softmax_cross_entropy(net.forward(X), y)
    kept: list[np.ndarray] = []
    net.backward(dlogits, kept=kept)
    with_kept = {name: value.copy() for name, value in net.grads.items()}
    W2 = net.get_params()["W2"]
    hidden = np.tanh(X @ net.get_params()["W1"] + net.get_params()["b1"])
    np.testing.assert_allclose(kept[0], dlogits @ W2.T)  # ∂L/∂a1, the tanh layer's output
    np.testing.assert_allclose(kept[1], dlogits @ W2.T * (1 - hidden**2))  # ∂L/∂z1, the first Dense's output
    net.forward(X)
    net.backward(dlogits)
    for name, value in net.grads.items():
        np.testing.assert_array_equal(value, with_kept[name])

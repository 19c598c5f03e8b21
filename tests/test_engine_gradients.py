"""Back-propagation against central finite differences (float64), layer by layer and for whole networks."""

from __future__ import annotations

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import numerical_gradient, relative_error

TOL = 1e-6
# Central differences are most accurate in float64 near eps ≈ cbrt(machine epsilon) ≈ 6e-6;
# 1e-5 keeps rounding noise well below TOL even where gradients are small (deep sigmoid nets).
EPS = 1e-5


def _off_kink(rng: np.random.Generator, shape: tuple[int, ...], margin: float = 0.05) -> np.ndarray:
    """Standard normal values with none closer than ``margin`` to 0 (the ReLU kink)."""
    x = rng.standard_normal(shape)
    x[np.abs(x) < margin] += 2 * margin
    assert np.abs(x).min() >= margin
    return x


def _kink_margin(net: sn.Network, X: np.ndarray) -> float:
    """The smallest |pre-activation| feeding an activation: finite differences must not cross 0 there."""
    outputs = net.activations(X)
    pre = [out for layer, out in zip(net.layers[:-1], outputs[:-1]) if isinstance(layer, sn.Dense)]
    return min((float(np.abs(z).min()) for z in pre), default=np.inf)


# ---- single layers -------------------------------------------------------------------------


@pytest.mark.parametrize("init", sorted(sn.INITS))
def test_dense_backward_matches_numerical_gradients_of_input_weights_and_bias(init: str) -> None:
    rng = np.random.default_rng(0)
    layer = sn.Dense(4, 3, init=init, rng=rng)
    layer.params["b"][:] = rng.standard_normal(3)
    x = rng.standard_normal((5, 4))
    G = rng.standard_normal((5, 3))

    def f() -> float:
        return float(np.sum(layer.apply(x) * G))

    layer.forward(x)
    dx = layer.backward(G).copy()
    assert dx.shape == x.shape
    assert relative_error(dx, numerical_gradient(f, x, EPS)) < TOL
    for name in ("W", "b"):
        numeric = numerical_gradient(f, layer.params[name], EPS)
        assert np.abs(numeric).max() > 1e-3  # a real gradient, not a trivially zero one
        assert relative_error(layer.grads[name], numeric) < TOL


def test_dense_backward_without_input_grad_still_fills_parameter_grads() -> None:
    rng = np.random.default_rng(1)
    layer = sn.Dense(3, 2, rng=rng)
    x, G = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    layer.forward(x)
    assert layer.backward(G, input_grad=False) is None
    np.testing.assert_allclose(layer.grads["W"], x.T @ G, rtol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], G.sum(axis=0), rtol=1e-12)


def test_backward_before_forward_is_refused() -> None:
    with pytest.raises(RuntimeError, match="forward"):
        sn.Dense(2, 2, rng=np.random.default_rng(0)).backward(np.ones((1, 2)))
    with pytest.raises(RuntimeError, match="forward"):
        sn.ReLU().backward(np.ones((1, 2)))


ACTIVATION_CASES = {
    "relu": sn.ReLU,
    "leaky_relu": sn.LeakyReLU,
    "leaky_relu_0.3": lambda: sn.LeakyReLU(alpha=0.3),
    "tanh": sn.Tanh,
    "sigmoid": sn.Sigmoid,
    "linear": sn.Linear,
}


@pytest.mark.parametrize("name", sorted(ACTIVATION_CASES))
def test_activation_backward_matches_numerical_gradient(name: str) -> None:
    rng = np.random.default_rng(2)
    layer = ACTIVATION_CASES[name]()
    x = 2.0 * _off_kink(rng, (6, 5))  # spans the saturating parts of tanh and sigmoid too
    G = rng.standard_normal((6, 5))

    def f() -> float:
        return float(np.sum(layer.apply(x) * G))

    layer.forward(x)
    analytic = layer.backward(G).copy()
    assert relative_error(analytic, numerical_gradient(f, x, EPS)) < TOL


def test_every_registered_activation_is_gradient_checked() -> None:
    assert set(sn.ACTIVATIONS) <= set(ACTIVATION_CASES)


# ---- losses ----------------------------------------------------------------------------------


def test_softmax_backward_with_an_upstream_gradient_matches_numerical_gradient() -> None:
    rng = np.random.default_rng(3)
    z = 3.0 * rng.standard_normal((5, 4))
    G = rng.standard_normal((5, 4))

    def f() -> float:
        return float(np.sum(sn.softmax(z) * G))

    analytic = sn.softmax_backward(sn.softmax(z), G)
    assert relative_error(analytic, numerical_gradient(f, z, EPS)) < TOL


def test_cross_entropy_backward_matches_numerical_gradient() -> None:
    rng = np.random.default_rng(4)
    p = rng.uniform(0.05, 1.0, (6, 3))  # away from the clipping at EPS
    y = np.array([0, 1, 2, 2, 1, 0])

    def f() -> float:
        return sn.cross_entropy(p, y)

    assert relative_error(sn.cross_entropy_backward(p, y), numerical_gradient(f, p, EPS)) < TOL


def test_fused_softmax_cross_entropy_gradient_matches_numerical_gradient() -> None:
    rng = np.random.default_rng(5)
    z = 2.0 * rng.standard_normal((7, 4))
    y = rng.integers(0, 4, 7)

    def f() -> float:
        return sn.softmax_cross_entropy(z, y)[0]

    _, analytic = sn.softmax_cross_entropy(z, y)
    assert relative_error(analytic, numerical_gradient(f, z, EPS)) < TOL


# ---- whole networks ---------------------------------------------------------------------------

KINKED = {"relu", "leaky_relu"}
NETWORK_CASES = [(0, "relu")] + [(depth, act) for depth in (1, 2, 3) for act in sorted(sn.ACTIVATIONS)]


@pytest.mark.parametrize(("depth", "activation"), NETWORK_CASES)
def test_network_backprop_matches_numerical_gradients(depth: int, activation: str) -> None:
    rng = np.random.default_rng(10 + depth)
    sizes = [2, *[8, 6, 5][:depth], 3]
    init = "he" if "relu" in activation else "glorot"
    net = sn.mlp(sizes, activation=activation, init=init, seed=depth)
    net.flat_params[:] += 0.1 * rng.standard_normal(net.flat_params.size)  # non-zero biases: a generic point
    X = rng.standard_normal((16, 2))
    y = rng.integers(0, 3, 16)
    if activation in KINKED:
        assert _kink_margin(net, X) > 1e-4  # the premise: no pre-activation within reach of the nudges
    report = sn.gradient_check_report(net, X, y, eps=EPS)
    assert set(report) == set(net.params) == {f"{p}{i}" for i in range(1, depth + 2) for p in "Wb"}
    assert max(report.values()) < TOL, report


def test_gradient_check_of_a_float32_network_runs_in_float64_and_leaves_the_network_alone() -> None:
    rng = np.random.default_rng(6)
    net = sn.mlp([2, 8, 3], activation="tanh", seed=0, dtype="float32")
    before = net.flat_params.copy()
    X, y = rng.standard_normal((10, 2)), rng.integers(0, 3, 10)
    assert sn.gradient_check(net, X, y, eps=EPS) < TOL
    assert net.dtype == np.float32
    np.testing.assert_array_equal(net.flat_params, before)


def test_gradient_check_reports_a_wrong_backward() -> None:
    """The check itself can fail: a layer whose backward is off by a factor is caught."""

    class HalfTanh(sn.Tanh):
        def backward(self, dout: np.ndarray) -> np.ndarray:
            return 0.5 * super().backward(dout)

    rng = np.random.default_rng(7)
    net = sn.mlp([2, 6, 3], activation=HalfTanh, init="glorot", seed=0)
    X, y = rng.standard_normal((12, 2)), rng.integers(0, 3, 12)
    report = sn.gradient_check_report(net, X, y)
    assert report["W1"] > 0.1
    assert report["W2"] < TOL  # the layer above the faulty activation is still right


# ---- the notebook's ReLU ---------------------------------------------------------------------


def test_notebook_relu_fails_the_gradient_check_where_the_correct_relu_passes() -> None:
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((20, 2)), rng.integers(0, 3, 20)
    as_written = sn.notebook_network("as written", seed=0)
    fixed = sn.notebook_network("ReLU fixed", seed=0)
    # Same network (weights and shape), only the ReLU derivative differs.
    np.testing.assert_array_equal(as_written.flat_params, fixed.flat_params)
    assert isinstance(as_written.layers[1], sn.NotebookReLU)
    assert type(fixed.layers[1]) is sn.ReLU
    # The notebook's weights are 0.01·randn, so pre-activations are small: check none sits on the kink.
    assert _kink_margin(fixed, X) > 1e-5

    bad = sn.gradient_check_report(as_written, X, y)
    assert bad["W1"] > 0.5 and bad["b1"] > 0.5  # of order 1: the gradient below the ReLU is wrong
    assert sn.gradient_check(fixed, X, y) < TOL

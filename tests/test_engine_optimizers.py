"""Optimizer steps against updates computed by hand from the rules in the optimizers' docstrings."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.optimizers import Nesterov

P0 = np.array([[1.0, -2.0], [0.5, 3.0]])
GRADS = [
    np.array([[0.5, -1.0], [2.0, 0.1]]),
    np.array([[-0.3, 0.4], [1.0, -2.0]]),
    np.array([[0.2, 0.2], [-0.5, 0.7]]),
]


def _run(optimizer: sn.Optimizer, grads: list[np.ndarray] = GRADS) -> list[np.ndarray]:
    """The parameter after each step, starting from P0."""
    param = P0.copy()
    seen = []
    for grad in grads:
        optimizer.step({"p": param}, {"p": grad.copy()})
        seen.append(param.copy())
    return seen


def test_plain_sgd_is_p_minus_lr_g() -> None:
    after = _run(sn.SGD(lr=0.1))
    np.testing.assert_allclose(after[0], [[0.95, -1.9], [0.3, 2.99]], rtol=1e-15)  # by hand: P0 − 0.1·g
    np.testing.assert_allclose(after[-1], P0 - 0.1 * sum(GRADS), rtol=1e-14)


def test_sgd_with_momentum_over_three_steps() -> None:
    lr, mu = 0.1, 0.9
    after = _run(sn.SGD(lr=lr, momentum=mu))
    p, v = P0.copy(), np.zeros_like(P0)
    for step, g in enumerate(GRADS):
        v = mu * v - lr * g
        p = p + v
        np.testing.assert_allclose(after[step], p, rtol=1e-14)
    # Step 2 by hand for one entry: v1 = −0.05, v2 = 0.9·(−0.05) − 0.1·(−0.3) = −0.015, p = 1 − 0.05 − 0.015.
    assert after[1][0, 0] == pytest.approx(0.935, rel=1e-14)


def test_nesterov_over_three_steps() -> None:
    lr, mu = 0.1, 0.9
    after = _run(Nesterov(lr=lr, momentum=mu))
    p, v = P0.copy(), np.zeros_like(P0)
    for step, g in enumerate(GRADS):
        v = mu * v - lr * g
        p = p + mu * v - lr * g
        np.testing.assert_allclose(after[step], p, rtol=1e-14)
    # By hand for one entry (g = 0.5, then −0.3): v1 = −0.05, p1 = 1 + 0.9·(−0.05) − 0.05 = 0.905;
    # v2 = 0.9·(−0.05) + 0.03 = −0.015, p2 = 0.905 + 0.9·(−0.015) + 0.03 = 0.9215.
    assert (after[0][0, 0], after[1][0, 0]) == (pytest.approx(0.905, rel=1e-14), pytest.approx(0.9215, rel=1e-14))


def test_nesterov_without_momentum_is_plain_gradient_descent() -> None:
    for got, want in zip(_run(Nesterov(lr=0.1, momentum=0.0)), _run(sn.SGD(lr=0.1))):
        np.testing.assert_array_equal(got, want)


def test_nesterov_trains_the_spiral(spiral) -> None:
    """lr 1, decay 0.001, momentum 0.9, 1 000 full-batch epochs on the reference spiral, 64 ReLU units:
    it learns the spiral (plain gradient descent at the same rate stays near 55 % here)."""
    X, y = spiral
    net = sn.mlp([2, 64, 3], seed=0)
    history = sn.train(net, X, y, Nesterov(lr=1.0, decay=1e-3, momentum=0.9), epochs=1000)
    loss, accuracy = sn.evaluate(net, X, y)
    assert history.status == "completed"
    assert 0.05 < loss < 0.5 and 0.75 < accuracy <= 1.0
    plain = sn.mlp([2, 64, 3], seed=0)
    sn.train(plain, X, y, sn.SGD(lr=1.0, decay=1e-3), epochs=1000)
    assert accuracy > sn.evaluate(plain, X, y)[1] + 0.15


def test_adagrad_over_three_steps() -> None:
    lr, eps = 0.5, 1e-7
    after = _run(sn.Adagrad(lr=lr, epsilon=eps))
    p, cache = P0.copy(), np.zeros_like(P0)
    for step, g in enumerate(GRADS):
        cache = cache + g**2
        p = p - lr * g / (np.sqrt(cache) + eps)
        np.testing.assert_allclose(after[step], p, rtol=1e-14)
    # First step: g / √(g²) = sign(g), so every weight moves by lr.
    np.testing.assert_allclose(after[0], P0 - lr * np.sign(GRADS[0]), atol=1e-6)


def test_rmsprop_over_three_steps() -> None:
    lr, rho, eps = 0.01, 0.9, 1e-7
    after = _run(sn.RMSprop(lr=lr, rho=rho, epsilon=eps))
    p, cache = P0.copy(), np.zeros_like(P0)
    for step, g in enumerate(GRADS):
        cache = rho * cache + (1 - rho) * g**2
        p = p - lr * g / (np.sqrt(cache) + eps)
        np.testing.assert_allclose(after[step], p, rtol=1e-14)


def test_adam_with_bias_correction_over_three_steps() -> None:
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-7
    after = _run(sn.Adam(lr=lr, beta1=b1, beta2=b2, epsilon=eps))
    p, m, v = P0.copy(), np.zeros_like(P0), np.zeros_like(P0)
    for t, g in enumerate(GRADS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        np.testing.assert_allclose(after[t - 1], p, rtol=1e-13)
    # Bias correction makes the first step lr·sign(g) whatever the gradient's size
    # (without it the step would be lr·0.1/√0.001 ≈ 3.16·lr).
    np.testing.assert_allclose(after[0], P0 - lr * np.sign(GRADS[0]), atol=1e-6)


@pytest.mark.parametrize(
    "make",
    [
        lambda: sn.SGD(lr=0.5, decay=0.25),
        lambda: sn.SGD(lr=0.5, decay=0.25, momentum=0.5),
        lambda: Nesterov(lr=0.5, decay=0.25, momentum=0.5),
        lambda: sn.Adagrad(lr=0.5, decay=0.25),
        lambda: sn.RMSprop(lr=0.5, decay=0.25),
        lambda: sn.Adam(lr=0.5, decay=0.25),
    ],
    ids=["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"],
)
def test_decay_lowers_the_learning_rate_step_by_step(make) -> None:
    optimizer = make()
    param, grad = np.zeros(3), np.array([1.0, -2.0, 0.5])
    for k in range(6):
        assert optimizer.current_lr == pytest.approx(0.5 / (1 + 0.25 * k), rel=1e-15)
        optimizer.step({"p": param}, {"p": grad})
    assert optimizer.iterations == 6
    assert optimizer.current_lr == pytest.approx(0.5 / 2.5)


def test_decay_really_shrinks_the_parameter_change() -> None:
    """Same constant gradient every step: plain SGD moves lr_t·g, with lr_t = lr / (1 + decay·t)."""
    lr, decay, g = 1.0, 0.5, np.array([2.0])
    decayed, constant = sn.SGD(lr=lr, decay=decay), sn.SGD(lr=lr)
    p_decayed, p_constant = np.zeros(1), np.zeros(1)
    changes = []
    for t in range(5):
        before = p_decayed.copy()
        decayed.step({"w": p_decayed}, {"w": g})
        constant.step({"w": p_constant}, {"w": g})
        changes.append(float(np.abs(p_decayed - before)[0]))
        assert changes[-1] == pytest.approx(lr / (1 + decay * t) * 2.0, rel=1e-15)
    assert all(later < earlier for earlier, later in itertools.pairwise(changes))
    assert abs(p_decayed[0]) < abs(p_constant[0]) == pytest.approx(10.0)


def test_notebook_gd_never_applies_its_decay() -> None:
    g = np.array([1.0, -1.0])
    notebook = sn.NotebookGD(lr=1.0, decay=0.1)
    applied = sn.notebook_optimizer(1.0, 0.1, variant="decay applied")
    assert isinstance(sn.notebook_optimizer(1.0, 0.1), sn.NotebookGD)
    p_nb, p_applied = np.zeros(2), np.zeros(2)
    steps_nb = []
    for _ in range(10):
        before = p_nb.copy()
        notebook.step({"w": p_nb}, {"w": g})
        applied.step({"w": p_applied}, {"w": g})
        steps_nb.append(p_nb - before)
    assert notebook.current_lr == 1.0 and notebook.decay == 0.1 and notebook.iterations == 10
    for step in steps_nb:
        np.testing.assert_array_equal(step, -g)  # every step the full lr
    np.testing.assert_array_equal(p_nb, -10 * g)
    assert applied.current_lr == pytest.approx(1.0 / 2.0)
    # Moved Σ_t 1/(1 + 0.1 t) for t = 0..9 (≈ 7.19) instead of 10.
    np.testing.assert_allclose(p_applied, -g * sum(1 / (1 + 0.1 * t) for t in range(10)), rtol=1e-14)


def test_notebook_gd_in_training_records_a_constant_lr(spiral) -> None:
    X, y = spiral
    history = sn.train(sn.notebook_network(seed=0), X, y, sn.NotebookGD(lr=1.0, decay=0.1), epochs=20)
    np.testing.assert_array_equal(history.lr, np.ones(20))
    decayed = sn.train(sn.notebook_network("decay applied", seed=0), X, y, sn.SGD(lr=1.0, decay=0.1), epochs=20)
    np.testing.assert_allclose(decayed.lr, 1.0 / (1 + 0.1 * np.arange(20)), rtol=1e-15)


@pytest.mark.parametrize(
    ("make", "slots"),
    [
        (lambda: sn.SGD(lr=0.1, momentum=0.9), ["velocity"]),
        (lambda: Nesterov(lr=0.1, momentum=0.9), ["velocity"]),
        (lambda: sn.Adagrad(lr=0.1), ["cache"]),
        (lambda: sn.RMSprop(lr=0.1), ["cache"]),
        (lambda: sn.Adam(lr=0.1), ["mean", "square"]),
    ],
    ids=["momentum", "nesterov", "adagrad", "rmsprop", "adam"],
)
def test_state_is_kept_per_parameter(make, slots) -> None:
    """Two parameters stepped together move exactly as if each had its own optimizer."""
    rng = np.random.default_rng(0)
    a0, b0 = rng.standard_normal((3, 2)), rng.standard_normal(4)
    grads_a = [rng.standard_normal((3, 2)) for _ in range(3)]
    grads_b = [10 * rng.standard_normal(4) for _ in range(3)]

    joint = make()
    a, b = a0.copy(), b0.copy()
    for ga, gb in zip(grads_a, grads_b):
        joint.step({"a": a, "b": b}, {"a": ga, "b": gb})
    alone_a, alone_b = make(), make()
    a_alone, b_alone = a0.copy(), b0.copy()
    for ga, gb in zip(grads_a, grads_b):
        alone_a.step({"a": a_alone}, {"a": ga})
        alone_b.step({"b": b_alone}, {"b": gb})

    np.testing.assert_allclose(a, a_alone, rtol=1e-14)
    np.testing.assert_allclose(b, b_alone, rtol=1e-14)
    assert set(joint.state) == {"a", "b"}
    for slot in slots:
        assert joint.state["a"][slot].shape == (3, 2) and joint.state["b"][slot].shape == (4,)
        assert not np.shares_memory(joint.state["a"][slot], joint.state["b"][slot])
        np.testing.assert_allclose(joint.state["a"][slot], alone_a.state["a"][slot], rtol=1e-14)
        np.testing.assert_allclose(joint.state["b"][slot], alone_b.state["b"][slot], rtol=1e-14)


def test_momentum_velocity_is_the_running_sum_by_hand() -> None:
    opt = sn.SGD(lr=1.0, momentum=0.5)
    w, u = np.zeros(1), np.zeros(1)
    opt.step({"w": w, "u": u}, {"w": np.array([1.0]), "u": np.array([-4.0])})
    opt.step({"w": w, "u": u}, {"w": np.array([1.0]), "u": np.array([-4.0])})
    # v1 = −g, v2 = 0.5·v1 − g = −1.5 g; p = v1 + v2 = −2.5 g.
    assert opt.state["w"]["velocity"][0] == pytest.approx(-1.5)
    assert opt.state["u"]["velocity"][0] == pytest.approx(6.0)
    assert w[0] == pytest.approx(-2.5) and u[0] == pytest.approx(10.0)


def test_sgd_without_momentum_keeps_no_state() -> None:
    opt = sn.SGD(lr=0.1)
    opt.step({"w": np.zeros(2)}, {"w": np.ones(2)})
    assert opt.state == {}


def test_float32_parameters_stay_float32() -> None:
    for opt in (
        sn.SGD(lr=0.1, momentum=0.9),
        Nesterov(lr=0.1),
        sn.Adagrad(lr=0.1),
        sn.RMSprop(lr=0.1),
        sn.Adam(lr=0.1),
    ):
        w = np.ones(3, dtype=np.float32)
        opt.step({"w": w}, {"w": np.full(3, 0.5, dtype=np.float32)})
        assert w.dtype == np.float32 and np.all(w < 1)


def test_optimizer_registry_and_repr() -> None:
    registered = {"sgd": sn.SGD, "nesterov": Nesterov, "adagrad": sn.Adagrad, "rmsprop": sn.RMSprop, "adam": sn.Adam}
    assert registered == sn.OPTIMIZERS
    assert repr(sn.SGD(lr=0.5, decay=0.01, momentum=0.9)) == "SGD(lr=0.5, decay=0.01, momentum=0.9)"
    assert sn.Adam(lr=0.05).hyperparameters()["lr"] == 0.05

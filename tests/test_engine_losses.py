"""Softmax and cross-entropy numerics: huge logits, absent classes, and the fused gradient."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import scratchnet as sn


def _onehot(y: np.ndarray, classes: int) -> np.ndarray:
    return np.eye(classes)[y]


def _reference_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_fused_gradient_is_softmax_minus_onehot_over_n() -> None:
    rng = np.random.default_rng(0)
    z = 3.0 * rng.standard_normal((9, 4))
    y = rng.integers(0, 4, 9)
    loss, grad = sn.softmax_cross_entropy(z, y)
    p = _reference_softmax(z)
    np.testing.assert_allclose(grad, (p - _onehot(y, 4)) / 9, rtol=1e-12, atol=1e-15)
    assert loss == pytest.approx(float(np.mean(-np.log(p[np.arange(9), y]))), rel=1e-12)


def test_fused_and_unfused_agree_on_loss_and_gradient() -> None:
    rng = np.random.default_rng(1)
    z = rng.standard_normal((6, 3))
    y = np.array([0, 1, 2, 0, 1, 2])
    p = sn.softmax(z)
    loss, grad = sn.softmax_cross_entropy(z, y)
    assert sn.cross_entropy(p, y) == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(sn.softmax_backward(p, sn.cross_entropy_backward(p, y)), grad, atol=1e-15)


def test_softmax_rows_are_probabilities() -> None:
    z = np.random.default_rng(2).standard_normal((5, 4)) * 10
    p = sn.softmax(z)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)


def test_huge_logits_give_a_finite_loss_and_gradient() -> None:
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [0.0, 0.0, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        loss_right, grad_right = sn.softmax_cross_entropy(z, np.array([0, 1, 2]))
        loss_wrong, grad_wrong = sn.softmax_cross_entropy(z, np.array([1, 0, 0]))
        p = sn.softmax(z)
    assert loss_right == pytest.approx(0.0, abs=1e-12)  # all confident and right
    # Row by row: log Σ e^(z − max) − (z_y − max) = 0 − (−2e4), 0 − (−2e4), 0 − (−1e4).
    assert loss_wrong == pytest.approx((2e4 + 2e4 + 1e4) / 3, rel=1e-12)
    for grad in (grad_right, grad_wrong):
        assert np.isfinite(grad).all()
        np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # The unfused pair clips p before log and divide, so it stays finite too (at −log 1e-12).
    assert sn.cross_entropy(p, np.array([1, 0, 0])) == pytest.approx(-np.log(sn.losses.EPS))
    assert np.isfinite(sn.cross_entropy_backward(p, np.array([1, 0, 0]))).all()


def test_huge_logits_in_float32_stay_finite() -> None:
    z = np.array([[1e4, -1e4, 0.0]], dtype=np.float32)
    loss, grad = sn.softmax_cross_entropy(z, np.array([1]))
    assert loss == pytest.approx(2e4, rel=1e-6)
    assert grad.dtype == np.float32 and np.isfinite(grad).all()


def test_a_class_absent_from_the_labels_is_fine() -> None:
    """The notebook's one-hot crashed when a batch missed a class; here the column just gets p / N."""
    rng = np.random.default_rng(3)
    z = rng.standard_normal((4, 3))
    y = np.array([0, 1, 1, 0])  # class 2 absent
    loss, grad = sn.softmax_cross_entropy(z, y)
    p = _reference_softmax(z)
    assert np.isfinite(loss)
    np.testing.assert_allclose(grad[:, 2], p[:, 2] / 4, rtol=1e-12)
    np.testing.assert_allclose(grad, (p - _onehot(y, 3)) / 4, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sn.cross_entropy_backward(p, y)[:, 2], 0.0)


def test_single_row_and_many_classes() -> None:
    z = np.zeros((1, 10))
    loss, grad = sn.softmax_cross_entropy(z, np.array([7]))
    assert loss == pytest.approx(np.log(10))
    expected = np.full(10, 0.1)
    expected[7] -= 1
    np.testing.assert_allclose(grad[0], expected, rtol=1e-12)


def test_accuracy_counts_rows_whose_top_score_is_the_label() -> None:
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [5.0, -1.0], [0.0, 1.0]])
    assert sn.accuracy(logits, np.array([0, 1, 1, 0])) == 0.5


@pytest.mark.parametrize(
    ("logits", "labels", "words"),
    [
        (np.array([[np.nan, 1.0]]), [0], ["logits", "finite"]),
        (np.array([[np.inf, 1.0]]), [0], ["logits", "finite"]),
        (np.array([[-np.inf, 1.0]]), [1], ["logits", "finite"]),
        (np.zeros((0, 3)), np.zeros(0, int), ["logits", "row"]),
        (np.zeros((2, 0)), [0, 0], ["logits", "column"]),
        (np.zeros(3), [0], ["logits", "2-D"]),
        (np.zeros((2, 3)), [0, 3], ["y", "from 0 to 2", "got 3"]),
        (np.zeros((2, 3)), [0], ["y", "got 1"]),
    ],
)
def test_softmax_cross_entropy_refuses_bad_input_with_a_clear_message(logits, labels, words) -> None:
    with pytest.raises(ValueError) as error:
        sn.softmax_cross_entropy(logits, labels)
    for word in words:
        assert word in str(error.value)

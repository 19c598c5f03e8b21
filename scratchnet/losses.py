"""Softmax and cross-entropy, separately (to study) and fused (to train).

Fused, the gradient of the mean cross-entropy of ``softmax(logits)`` with respect to
the logits is simply ``(p − onehot(y)) / N``, and the log-sum-exp form of the loss
never takes the log of zero, so no probability needs clipping.
"""

from __future__ import annotations

import numpy as np

from .checks import check_labels
from .workspace import ones

#: Probabilities are clipped to ``[EPS, 1]`` before ``log`` in the unfused cross-entropy.
EPS = 1e-12


def _checked_logits(logits: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    logits = np.asarray(logits)
    if logits.ndim != 2 or logits.dtype.kind != "f":
        raise ValueError(f"logits must be a 2-D float array (rows = points); got shape {logits.shape}")
    if logits.shape[0] < 1 or logits.shape[1] < 1:
        raise ValueError(f"logits must have at least one row and one column (class); got shape {logits.shape}")
    if not np.isfinite(logits).all():
        raise ValueError("logits must hold only finite numbers; they have NaN or infinite values")
    return logits, check_labels(y, rows=logits.shape[0], classes=logits.shape[1])


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise ``e^z / Σ e^z``, shifted by the row maximum so ``exp`` never overflows."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    exp /= exp.sum(axis=1, keepdims=True)
    return exp


def softmax_backward(probs: np.ndarray, dprobs: np.ndarray) -> np.ndarray:
    """∂L/∂z = p ⊙ (∂L/∂p − Σ_j p_j ∂L/∂p_j): the softmax Jacobian times dprobs, for all rows at once."""
    return probs * (dprobs - (dprobs * probs).sum(axis=1, keepdims=True))


def cross_entropy(probs: np.ndarray, y: np.ndarray) -> float:
    """Mean of ``−log p[true class]``, with ``p`` clipped to ``[EPS, 1]``."""
    rows = np.arange(len(y))
    return float(-np.log(np.clip(probs[rows, y], EPS, 1.0)).mean())


def cross_entropy_backward(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂L/∂p = −onehot(y) / (N · p), with ``p`` clipped like the loss."""
    rows = np.arange(len(y))
    dprobs = np.zeros_like(probs)
    dprobs[rows, y] = -1.0 / (len(y) * np.clip(probs[rows, y], EPS, 1.0))
    return dprobs


def _row_max(z: np.ndarray) -> np.ndarray:
    # Column by column: NumPy reduces many short rows far more slowly than a few long columns.
    top = z[:, 0].copy()
    for column in z.T[1:]:
        np.maximum(top, column, out=top)
    return top


def one_hot(y: np.ndarray, classes: int, dtype: type | np.dtype = np.float64) -> np.ndarray:
    """Row i is all zeros but a 1 in column ``y[i]``; classes no row carries are simply all-zero columns."""
    target = np.zeros((len(y), classes), dtype)
    target[np.arange(len(y)), y] = 1
    return target


def loss_and_gradient(logits: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """The training loop's fused softmax cross-entropy: the mean loss and ∂L/∂logits against a one-hot ``target``.

    ``L = mean(log Σ_j e^z_j − z·t)`` and ``∂L/∂z = (softmax(z) − t) / N``. Unchecked (the loop
    checked its data once), and the gradient is a fresh array the caller may keep.
    """
    n = logits.shape[0]
    shifted = logits - _row_max(logits)[:, None]
    exp = np.exp(shifted)
    total = exp @ ones(logits.shape[1], exp.dtype)  # row sums, as one matrix-vector product
    loss = float(np.log(total).sum() - np.vdot(shifted, target)) / n
    exp /= total[:, None]
    exp -= target
    exp /= n
    return loss, exp


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of ``softmax(logits)`` against integer labels, and its gradient.

    Loss ``L = mean(log Σ_j e^z_j − z_y)``; gradient ``∂L/∂z = (softmax(z) − onehot(y)) / N``.
    A class that no row carries is fine: its column just gets the gradient ``p / N``.
    """
    logits, y = _checked_logits(logits, y)
    return loss_and_gradient(logits, one_hot(y, logits.shape[1], logits.dtype))


def accuracy(logits: np.ndarray, y: np.ndarray) -> float:
    """Share of rows whose largest logit (or probability) is the true class."""
    return float(np.mean(np.argmax(logits, axis=1) == y))

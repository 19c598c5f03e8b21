"""Gradient checking: back-propagation against central finite differences.

For each parameter entry θ, the numerical slope is ``(L(θ + ε) − L(θ − ε)) / 2ε`` and the
error of a tensor is ``‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖)``: about 1e-9 or less
when backward is right (float64), of order 1 when it is wrong.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .checks import check_features, check_float, check_labels
from .losses import loss_and_gradient, one_hot
from .network import Network


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """``‖a − n‖ / (‖a‖ + ‖n‖)``, and 0 when both are zero."""
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numeric) / scale)


def numerical_gradient(f: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """∂f/∂array by central differences, nudging ``array`` in place and restoring each entry."""
    grad = np.zeros(array.shape, dtype=np.float64)
    flat, out = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        kept = flat[i]
        flat[i] = kept + eps
        up = f()
        flat[i] = kept - eps
        down = f()
        flat[i] = kept
        out[i] = (up - down) / (2 * eps)
    return grad


def gradient_check_report(net: Network, X: np.ndarray, y: np.ndarray, eps: float = 1e-6) -> dict[str, float]:
    """The relative error of back-propagation for each parameter tensor of ``net`` on ``(X, y)``.

    Works on a float64 copy, so ``net`` itself is never touched.
    """
    eps = check_float("eps", eps, low=0.0, high=1.0, low_open=True)
    X = check_features(X, features=net.n_inputs).astype(np.float64)
    y = check_labels(y, rows=X.shape[0], classes=net.n_classes)
    probe = net.copy()
    for layer in probe.dense_layers:
        for name in ("W", "b"):
            layer.params[name] = layer.params[name].astype(np.float64)
            layer.grads[name] = np.zeros_like(layer.params[name])
    probe = Network(probe.layers)

    target = one_hot(y, net.n_classes)

    def loss() -> float:
        return loss_and_gradient(probe.apply(X), target)[0]

    _, dlogits = loss_and_gradient(probe.forward(X), target)
    probe.backward(dlogits)
    return {
        name: relative_error(probe.grads[name], numerical_gradient(loss, param, eps))
        for name, param in probe.params.items()
    }


def gradient_check(net: Network, X: np.ndarray, y: np.ndarray, eps: float = 1e-6) -> float:
    """The largest relative error over all parameter tensors (see ``gradient_check_report``)."""
    return max(gradient_check_report(net, X, y, eps).values())

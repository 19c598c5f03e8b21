"""Element-wise activations. Each caches what its backward needs in ``forward``;
``apply`` is the pure version used for prediction."""

from __future__ import annotations

from typing import Any

import numpy as np

from .checks import check_float
from .layers import Layer


class Activation(Layer):
    """An element-wise function; subclasses define ``apply`` and ``backward``."""

    def __init__(self) -> None:
        super().__init__()
        self._out: np.ndarray | None = None
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        self._out = self.apply(x)
        return self._out

    def forget_forward(self) -> None:
        self._x = self._out = None

    def cached_forward(self) -> tuple[np.ndarray, np.ndarray]:
        """The input and output of the last ``forward``: what every ``backward`` needs."""
        if self._x is None or self._out is None:
            raise RuntimeError(f"{type(self).__name__}.backward needs a forward pass first")
        return self._x, self._out


class ReLU(Activation):
    """``max(0, x)``."""

    kind = "relu"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        self._out = np.maximum(x, 0, out=self.work_array("out", x.shape, x.dtype))
        return self._out

    def apply(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x, 0)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """∂L/∂x = dout · 1[x > 0]: the slope is 1 where the unit is on, 0 where it is off."""
        _, out = self.cached_forward()
        on = np.greater(out, 0, out=self.work_array("on", out.shape, np.dtype(bool)))
        return np.multiply(dout, on, out=self.work_array("dx", dout.shape, dout.dtype))


class LeakyReLU(Activation):
    """``x`` where positive, ``alpha · x`` elsewhere."""

    kind = "leaky_relu"

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = check_float("alpha", alpha, low=0.0, high=1.0)

    def apply(self, x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, x, self.alpha * x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """∂L/∂x = dout · (1 where x > 0, else alpha)."""
        x, _ = self.cached_forward()
        return np.where(x > 0, dout, self.alpha * dout)

    def spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "alpha": self.alpha}


class Tanh(Activation):
    """``tanh(x)``."""

    kind = "tanh"

    def apply(self, x: np.ndarray) -> np.ndarray:
        return np.tanh(x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """∂L/∂x = dout · (1 − tanh²x)."""
        _, out = self.cached_forward()
        return dout * (1 - out * out)


class Sigmoid(Activation):
    """``σ(x) = 1 / (1 + e^−x)``, computed without overflow."""

    kind = "sigmoid"

    def apply(self, x: np.ndarray) -> np.ndarray:
        return np.exp(-np.logaddexp(0, -x)).astype(x.dtype, copy=False)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """∂L/∂x = dout · σ(x)(1 − σ(x))."""
        _, out = self.cached_forward()
        return dout * out * (1 - out)


class Linear(Activation):
    """The identity: a network of only linear layers can draw only straight boundaries."""

    kind = "linear"

    def apply(self, x: np.ndarray) -> np.ndarray:
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """∂L/∂x = dout."""
        self.cached_forward()
        return dout


ACTIVATIONS: dict[str, type[Activation]] = {cls.kind: cls for cls in (ReLU, LeakyReLU, Tanh, Sigmoid, Linear)}

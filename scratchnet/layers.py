"""The layer protocol and the one layer with parameters: ``Dense``.

A layer has three passes:

- ``forward(x)`` computes the output and caches what ``backward`` needs;
- ``backward(dout)`` takes ∂L/∂output, fills ``grads`` (∂L/∂params) and returns ∂L/∂input;
- ``apply(x)`` computes the output and touches nothing, so one layer can serve many threads.

For speed, ``forward`` and ``backward`` write into work arrays that the layer reuses from one
batch to the next (see ``scratchnet.workspace``): copy a result you want to keep past the next pass.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

import numpy as np

from .checks import check_choice, check_int
from .workspace import Workspace, ones

MAX_UNITS = 4096


class Layer:
    """Base class: no parameters, identity passes. Subclasses override what they need."""

    kind: ClassVar[str] = "layer"

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.workspace = Workspace()

    def work_array(self, name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """A work array of this layer, reused while the batch shape stays the same."""
        return self.workspace.array(name, shape, dtype)

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self.apply(x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """The identity's derivative: ∂L/∂x = dout."""
        return dout

    def apply(self, x: np.ndarray) -> np.ndarray:
        return x

    def spec(self) -> dict[str, Any]:
        """What is needed to rebuild the layer (parameters aside)."""
        return {"kind": self.kind}

    def detached_copy(self) -> Layer:
        """A copy with its own parameter arrays and nothing cached from earlier passes."""
        twin = copy.copy(self)
        twin.params = {name: value.copy() for name, value in self.params.items()}
        twin.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        twin.workspace = Workspace()
        twin.forget_forward()
        return twin

    def forget_forward(self) -> None:
        """Drop what ``forward`` cached for ``backward`` (nothing, for a layer that caches nothing)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _he(rng: np.random.Generator, n_in: int, n_out: int) -> np.ndarray:
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)


def _glorot(rng: np.random.Generator, n_in: int, n_out: int) -> np.ndarray:
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / (n_in + n_out))


def _notebook(rng: np.random.Generator, n_in: int, n_out: int) -> np.ndarray:
    return 0.01 * rng.standard_normal((n_in, n_out))


INITS = {
    "he": _he,  # N(0, 2 / n_in): keeps ReLU activations at a steady scale
    "glorot": _glorot,  # N(0, 2 / (n_in + n_out)): for tanh and sigmoid
    "notebook": _notebook,  # 0.01 · N(0, 1): the notebook's; tiny, so deep nets start almost silent
}


class Dense(Layer):
    """A fully connected layer, ``out = x · W + b`` with ``W`` of shape (n_in, n_out)."""

    kind = "dense"

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        init: str = "he",
        rng: np.random.Generator | None = None,
        dtype: type | str = np.float64,
    ) -> None:
        super().__init__()
        n_in = check_int("n_in", n_in, low=1, high=MAX_UNITS)
        n_out = check_int("n_out", n_out, low=1, high=MAX_UNITS)
        make = INITS[check_choice("init", init, INITS)]
        rng = np.random.default_rng() if rng is None else rng
        self.params = {
            "W": make(rng, n_in, n_out).astype(dtype),
            "b": np.zeros(n_out, dtype=dtype),
        }
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self._x: np.ndarray | None = None

    def forget_forward(self) -> None:
        self._x = None

    @property
    def n_in(self) -> int:
        return self.params["W"].shape[0]

    @property
    def n_out(self) -> int:
        return self.params["W"].shape[1]

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        W = self.params["W"]
        out = np.matmul(x, W, out=self.work_array("out", (x.shape[0], W.shape[1]), W.dtype))
        out += self.params["b"]
        return out

    def apply(self, x: np.ndarray) -> np.ndarray:
        out = x @ self.params["W"]
        out += self.params["b"]
        return out

    def backward(self, dout: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:
        """∂L/∂W = xᵀ · dout, ∂L/∂b = Σ_rows dout, ∂L/∂x = dout · Wᵀ (skipped when ``input_grad`` is False)."""
        if self._x is None:
            raise RuntimeError("Dense.backward needs a forward pass first")
        np.matmul(self._x.T, dout, out=self.grads["W"])
        np.matmul(ones(dout.shape[0], dout.dtype), dout, out=self.grads["b"])  # column sums, via BLAS
        if not input_grad:
            return None
        W = self.params["W"]
        return np.matmul(dout, W.T, out=self.work_array("dx", (dout.shape[0], W.shape[0]), W.dtype))

    def spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "n_in": self.n_in, "n_out": self.n_out}

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out})"

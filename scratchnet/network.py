"""A network is a list of layers whose last output is the logits.

Parameters are named after the dense layer they belong to — ``W1, b1, W2, b2, …`` — and
``net.params`` / ``net.grads`` are dictionaries of the live arrays, with the same keys.

The speed device the network owns: all parameters live in one contiguous vector,
``net.flat_params`` (and the gradients in ``net.flat_grads``); each named array is a view into
it. ``train`` hands the optimizer that one vector, so a step updates every parameter in a
handful of NumPy calls however many layers there are. (The layers' reused work arrays are
explained in ``scratchnet.workspace``.)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .activations import ACTIVATIONS, Activation
from .checks import check_choice, check_features, check_int, check_seed
from .layers import INITS, MAX_UNITS, Dense, Layer
from .losses import softmax

MAX_LAYERS = 12
DTYPES = {"float64": np.float64, "float32": np.float32}


class Network:
    """Layers in sequence: ``forward`` caches for ``backward``; ``logits``/``predict*`` are pure."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        self.layers = list(layers)
        dense = [layer for layer in self.layers if isinstance(layer, Dense)]
        if not dense:
            raise ValueError("a network needs at least one Dense layer")
        for before, after in itertools.pairwise(dense):
            if before.n_out != after.n_in:
                raise ValueError(f"layer sizes do not chain: {before!r} feeds {after!r}")
        dtype = np.result_type(*(layer.params["W"] for layer in dense))
        total = sum(layer.params[name].size for layer in dense for name in ("W", "b"))
        self.flat_params = np.empty(total, dtype)
        self.flat_grads = np.zeros(total, dtype)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        offset = 0
        for number, layer in enumerate(dense, start=1):
            for name in ("W", "b"):
                value = layer.params[name]
                span = slice(offset, offset + value.size)
                offset += value.size
                self.flat_params[span] = value.reshape(-1)
                layer.params[name] = self.params[f"{name}{number}"] = self.flat_params[span].reshape(value.shape)
                layer.grads[name] = self.grads[f"{name}{number}"] = self.flat_grads[span].reshape(value.shape)

    # ---- shape -------------------------------------------------------------------------
    @property
    def dense_layers(self) -> list[Dense]:
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    @property
    def sizes(self) -> list[int]:
        """Units per layer, inputs first: ``[2, 64, 3]``."""
        dense = self.dense_layers
        return [dense[0].n_in] + [layer.n_out for layer in dense]

    @property
    def n_inputs(self) -> int:
        return self.sizes[0]

    @property
    def n_classes(self) -> int:
        return self.sizes[-1]

    @property
    def n_params(self) -> int:
        return sum(value.size for value in self.params.values())

    @property
    def dtype(self) -> np.dtype:
        return self.params["W1"].dtype

    def spec(self) -> list[dict[str, Any]]:
        """The architecture as plain data (see ``scratchnet.persistence``)."""
        return [layer.spec() for layer in self.layers]

    def __repr__(self) -> str:
        return f"Network([{', '.join(map(repr, self.layers))}])"

    # ---- training passes (cache state) ------------------------------------------------
    def forward(self, X: np.ndarray) -> np.ndarray:
        """Logits for ``X``, caching each layer's inputs for ``backward``."""
        out = np.asarray(X, dtype=self.dtype)
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def backward(self, dlogits: np.ndarray, *, kept: list[np.ndarray] | None = None) -> None:
        """Back-propagate ∂L/∂logits through every layer, filling ``grads``.

        Each layer maps ∂L/∂(its output) to ∂L/∂(its input) (the chain rule, layer by layer, from
        the top). ``kept``, if given, receives a copy of each of those input gradients, topmost
        layer first: ∂L/∂(output of layer i) for i = n−2 … 0 (for a reader who shows them).
        """
        grad = dlogits
        first = self.layers[0]
        for layer in reversed(self.layers[1:]):
            grad = layer.backward(grad)
            if kept is not None:
                kept.append(grad.copy())  # the layers reuse their buffers: the next pass would overwrite it
        if isinstance(first, Dense):
            first.backward(grad, input_grad=False)
        else:
            first.backward(grad)

    # ---- prediction (pure: safe to share between threads) ------------------------------
    def _checked(self, X: object) -> np.ndarray:
        return np.asarray(check_features(X, features=self.n_inputs), dtype=self.dtype)

    def apply(self, X: np.ndarray) -> np.ndarray:
        """Logits for an already checked array of this network's dtype. Pure."""
        out = X
        for layer in self.layers:
            out = layer.apply(out)
        return out

    def activations(self, X: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for ``X``, in order (the last one is the logits). Pure."""
        out = self._checked(X)
        outputs = []
        for layer in self.layers:
            out = layer.apply(out)
            outputs.append(out)
        return outputs

    def logits(self, X: np.ndarray) -> np.ndarray:
        """The network's raw class scores for ``X``. Pure."""
        return self.apply(self._checked(X))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities, ``softmax(logits)``. Pure."""
        with np.errstate(over="ignore", invalid="ignore"):
            return softmax(self.logits(X))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The most likely class of each row. Pure."""
        return np.argmax(self.logits(X), axis=1)

    # ---- copies ------------------------------------------------------------------------
    def copy(self) -> Network:
        """An independent network with the same layers and parameter values (no shared arrays)."""
        return Network([layer.detached_copy() for layer in self.layers])

    def with_params(self, params: Mapping[str, np.ndarray]) -> Network:
        """A copy of this network holding ``params`` (for example a training snapshot)."""
        fresh = self.copy()
        fresh.set_params(params)
        return fresh

    def set_params(self, params: Mapping[str, np.ndarray]) -> None:
        """Copy ``params`` into this network's live arrays (same names and shapes required)."""
        if set(params) != set(self.params):
            raise ValueError(f"params must have the names {sorted(self.params)}; got {sorted(params)}")
        for name, value in params.items():
            value = np.asarray(value)
            if value.shape != self.params[name].shape:
                raise ValueError(f"{name} must have shape {self.params[name].shape}; got {value.shape}")
            self.params[name][...] = value

    def get_params(self) -> dict[str, np.ndarray]:
        """A copy of every parameter, safe to keep while training goes on."""
        return {name: value.copy() for name, value in self.params.items()}

    def params_in(self, vector: np.ndarray) -> dict[str, np.ndarray]:
        """Named views into ``vector``, an array laid out like ``flat_params`` (e.g. a copy of it)."""
        if vector.shape != self.flat_params.shape:
            raise ValueError(f"vector must have shape {self.flat_params.shape}; got {vector.shape}")
        views, offset = {}, 0
        for name, value in self.params.items():  # in the order __init__ laid them out
            views[name] = vector[offset : offset + value.size].reshape(value.shape)
            offset += value.size
        return views


def _dtype_name(dtype: object) -> object:
    try:
        return np.dtype(dtype).name  # type: ignore[call-overload]
    except TypeError:
        return dtype


def mlp(
    sizes: Sequence[int],
    activation: str | type[Activation] = "relu",
    init: str = "he",
    seed: int | None = 0,
    dtype: str | type = "float64",
) -> Network:
    """A multi-layer perceptron: ``Dense → activation → … → Dense``, logits out.

    ``sizes`` lists the units per layer, inputs first, e.g. ``[2, 64, 3]``.
    ``activation`` is a name from ``ACTIVATIONS`` or an ``Activation`` subclass.
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise ValueError(f"sizes must be a list of layer sizes such as [2, 64, 3]; got {sizes!r}")
    if not 2 <= len(sizes) <= MAX_LAYERS + 1:
        raise ValueError(f"sizes must list from 2 to {MAX_LAYERS + 1} layer sizes; got {len(sizes)}")
    sizes = [check_int(f"sizes[{i}]", size, low=1, high=MAX_UNITS) for i, size in enumerate(sizes)]
    if isinstance(activation, str):
        make_activation: type[Activation] = ACTIVATIONS[check_choice("activation", activation, ACTIVATIONS)]
    elif isinstance(activation, type) and issubclass(activation, Activation):
        make_activation = activation
    else:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    check_choice("init", init, INITS)
    dtype_type = DTYPES[check_choice("dtype", _dtype_name(dtype), DTYPES)]
    rng = np.random.default_rng(check_seed(seed))
    layers: list[Layer] = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        if i:
            layers.append(make_activation())
        layers.append(Dense(n_in, n_out, init=init, rng=rng, dtype=dtype_type))
    return Network(layers)

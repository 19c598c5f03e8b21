"""Gradient-descent optimizers, one update rule each.

All share a learning-rate decay ``lr_t = lr / (1 + decay · t)``, where ``t`` counts the
steps taken so far. ``step(params, grads)`` takes two dictionaries with the same keys and
updates each array in place; state (velocities, caches, moments) is kept per key. ``train``
passes a network's whole parameter vector as one entry (see ``scratchnet.network``).

A new rule is a subclass with an ``update(name, param, grad, lr)`` method.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from .checks import check_float


class Optimizer:
    """Base: the decayed learning rate and the step count; subclasses give the rule, ``update``."""

    name = "optimizer"

    def __init__(self, lr: float, decay: float = 0.0) -> None:
        self.lr = check_float("lr", lr, low=0.0, high=1e6, low_open=True)
        self.decay = check_float("decay", decay, low=0.0, high=1e6)
        self.iterations = 0
        self.state: dict[str, dict[str, np.ndarray]] = {}

    @property
    def current_lr(self) -> float:
        """The learning rate the next step will use: ``lr / (1 + decay · t)``."""
        return self.lr / (1.0 + self.decay * self.iterations)

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update every parameter in place from its gradient, then count the step."""
        lr = self.current_lr
        for name, param in params.items():
            self.update(name, param, grads[name], lr)
        self.iterations += 1

    def state_array(self, name: str, slot: str, like: np.ndarray) -> np.ndarray:
        """The rule's running array ``slot`` (e.g. ``"velocity"``) for parameter ``name``; zeros at first."""
        return self.state.setdefault(name, {}).setdefault(slot, np.zeros_like(like))

    def update(self, name: str, param: np.ndarray, grad: np.ndarray, lr: float) -> None:
        """Change ``param`` in place by this rule, from its gradient and the step's learning rate."""
        raise NotImplementedError

    def copy(self) -> Optimizer:
        """An independent optimizer in the same state: hyperparameters, step count and state arrays."""
        return copy.deepcopy(self)

    def hyperparameters(self) -> dict[str, Any]:
        return {"lr": self.lr, "decay": self.decay}

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value:g}" for key, value in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Gradient descent, with optional momentum: ``v ← μv − lr·g``, ``p ← p + v`` (``μ = 0``: ``p ← p − lr·g``)."""

    name = "sgd"

    def __init__(self, lr: float = 1.0, decay: float = 0.0, momentum: float = 0.0) -> None:
        super().__init__(lr, decay)
        self.momentum = check_float("momentum", momentum, low=0.0, high=0.999)

    def update(self, name: str, param: np.ndarray, grad: np.ndarray, lr: float) -> None:
        if not self.momentum:
            param -= lr * grad
            return
        velocity = self.state_array(name, "velocity", param)
        velocity *= self.momentum
        velocity -= lr * grad
        param += velocity

    def hyperparameters(self) -> dict[str, Any]:
        return {**super().hyperparameters(), "momentum": self.momentum}


class Nesterov(Optimizer):
    """Nesterov momentum: the gradient step is taken again from where the momentum is heading,
    ``v ← μv − lr·g``, ``p ← p + μv − lr·g`` (the look-ahead written at the current weights, so the
    gradient is the one ``train`` already computed). It brakes sooner than plain momentum when the
    gradient turns against the velocity."""

    name = "nesterov"

    def __init__(self, lr: float = 1.0, decay: float = 0.0, momentum: float = 0.9) -> None:
        super().__init__(lr, decay)
        self.momentum = check_float("momentum", momentum, low=0.0, high=0.999)

    def update(self, name: str, param: np.ndarray, grad: np.ndarray, lr: float) -> None:
        velocity = self.state_array(name, "velocity", param)
        velocity *= self.momentum
        velocity -= lr * grad
        param += self.momentum * velocity
        param -= lr * grad

    def hyperparameters(self) -> dict[str, Any]:
        return {**super().hyperparameters(), "momentum": self.momentum}


class Adagrad(Optimizer):
    """Per-weight rates from the sum of squared gradients: ``c ← c + g²``, ``p ← p − lr·g / (√c + ε)``."""

    name = "adagrad"

    def __init__(self, lr: float = 1.0, decay: float = 0.0, epsilon: float = 1e-7) -> None:
        super().__init__(lr, decay)
        self.epsilon = check_float("epsilon", epsilon, low=0.0, high=1.0, low_open=True)

    def update(self, name: str, param: np.ndarray, grad: np.ndarray, lr: float) -> None:
        cache = self.state_array(name, "cache", param)
        cache += grad * grad
        param -= lr * grad / (np.sqrt(cache) + self.epsilon)

    def hyperparameters(self) -> dict[str, Any]:
        return {**super().hyperparameters(), "epsilon": self.epsilon}


class RMSprop(Optimizer):
    """A decaying average of squared gradients: ``c ← ρc + (1−ρ)g²``, ``p ← p − lr·g / (√c + ε)``."""

    name = "rmsprop"

    def __init__(self, lr: float = 0.001, decay: float = 0.0, rho: float = 0.9, epsilon: float = 1e-7) -> None:
        super().__init__(lr, decay)
        self.rho = check_float("rho", rho, low=0.0, high=0.9999)
        self.epsilon = check_float("epsilon", epsilon, low=0.0, high=1.0, low_open=True)

    def update(self, name: str, param: np.ndarray, grad: np.ndarray, lr: float) -> None:
        cache = self.state_array(name, "cache", param)
        cache *= self.rho
        cache += (1 - self.rho) * grad * grad
        param -= lr * grad / (np.sqrt(cache) + self.epsilon)

    def hyperparameters(self) -> dict[str, Any]:
        return {**super().hyperparameters(), "rho": self.rho, "epsilon": self.epsilon}


class Adam(Optimizer):
    """Momentum plus RMSprop, bias-corrected: ``m ← β₁m + (1−β₁)g``, ``v ← β₂v + (1−β₂)g²``,
    ``p ← p − lr · m̂ / (√v̂ + ε)`` with ``m̂ = m / (1−β₁ᵗ)``, ``v̂ = v / (1−β₂ᵗ)``."""

    name = "adam"

    def __init__(
        self,
        lr: float = 0.001,
        decay: float = 0.0,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-7,
    ) -> None:
        super().__init__(lr, decay)
        self.beta1 = check_float("beta1", beta1, low=0.0, high=0.9999)
        self.beta2 = check_float("beta2", beta2, low=0.0, high=0.99999)
        self.epsilon = check_float("epsilon", epsilon, low=0.0, high=1.0, low_open=True)

    def update(self, name: str, param: np.ndarray, grad: np.ndarray, lr: float) -> None:
        t = self.iterations + 1
        mean = self.state_array(name, "mean", param)
        square = self.state_array(name, "square", param)
        mean *= self.beta1
        mean += (1 - self.beta1) * grad
        square *= self.beta2
        square += (1 - self.beta2) * grad * grad
        corrected_mean = mean / (1 - self.beta1**t)
        corrected_square = square / (1 - self.beta2**t)
        param -= lr * corrected_mean / (np.sqrt(corrected_square) + self.epsilon)

    def hyperparameters(self) -> dict[str, Any]:
        return {**super().hyperparameters(), "beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon}


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, Nesterov, Adagrad, RMSprop, Adam)}

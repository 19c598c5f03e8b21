"""The activations the step-through can show: each one's formula, the factor its backward pass
multiplies by, and a sentence on what it does, beside the engine's class that computes it."""

from __future__ import annotations

import scratchnet as sn
from scratchnet.checks import check_choice
from scratchnet.notebook import NotebookReLU

#: a_k = f(z_k) and the factor f'(…) that the backward pass multiplies by, per activation kind.
ACTIVATION_LATEX: dict[str, tuple[str, str]] = {
    "relu": (r"\max(0,\ {z})", r"\mathbf{{1}}[{z} > 0]"),
    "notebook_relu": (r"\max(0,\ {z})", r"\max({z},\ 0)"),
    "leaky_relu": (r"\max(\alpha {z},\ {z})", r"\big(1 \text{{ if }} {z} > 0 \text{{ else }} \alpha\big)"),
    "tanh": (r"\tanh {z}", r"(1 - {a}^2)"),
    "sigmoid": (r"\sigma({z}) = \frac{{1}}{{1 + e^{{-{z}}}}}", r"{a}\,(1 - {a})"),
    "linear": (r"{z}", r"1"),
}
ACTIVATION_NOTES = {
    "relu": "Negative sums become 0: for that point the unit is off.",
    "notebook_relu": "Forward, the notebook's ReLU is the ordinary one: negative sums become 0.",
    "leaky_relu": "Negative sums are scaled by α = 0.01 instead of cut to 0.",
    "tanh": "Squashes every sum into (−1, 1).",
    "sigmoid": "Squashes every sum into (0, 1).",
    "linear": "Passes the sums through unchanged: without a non-linearity, the layers add up to one linear map.",
}
DERIVATIVE_NOTES = {
    "relu": "Only units that were on (z > 0) pass the gradient back; the slope of ReLU there is 1.",
    "notebook_relu": (
        "The notebook's bug: it multiplies by z itself where the slope of ReLU is 1, so units with big inputs get "
        "inflated gradients and units with small ones almost none. The right factor is 1[z > 0]."
    ),
    "leaky_relu": "The slope is 1 where the unit is on and α = 0.01 where it is off.",
    "tanh": "The slope of tanh is 1 − tanh², largest near 0 and vanishing where the unit saturates.",
    "sigmoid": "The slope of σ is σ(1 − σ), at most 0.25.",
    "linear": "The slope of the identity is 1: the gradient passes unchanged.",
}


def activation_class(kind: str) -> type[sn.Activation]:
    """The engine's activation class for ``kind`` (a name from ``ACTIVATION_LATEX``)."""
    kind = check_choice("activation", kind, ACTIVATION_LATEX)
    return NotebookReLU if kind == "notebook_relu" else sn.ACTIVATIONS[kind]

"""One training step of a network, traced stage by stage.

Pure NumPy and pandas (no Streamlit), so every number the step-through of the "Under the hood"
page and the lesson *One point through the network* show can be tested. ``trace_step`` runs the
engine's own passes — ``Network.activations`` and ``forward``, ``softmax_cross_entropy``,
``Network.backward`` (keeping each layer's gradient), ``net.grads`` and the ``SGD`` optimizer — on
a private copy of the network, and turns what they computed into ``Stage``s
(``trace_stages``), one short function per part of the step. Every array is a copy (the layers
reuse their work buffers from one pass to the next, so an uncopied array would change under the
reader's eyes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

import scratchnet as sn
from scratchnet.app.runs.trace_stages import Stage, StepTrace, parameter_stage
from scratchnet.app.text import fmt
from scratchnet.checks import check_features, check_float, check_labels
from scratchnet.features import hidden_unit_name, input_names
from scratchnet.layers import Dense


@dataclass(frozen=True)
class _Names:
    """How the step's arrays are labelled and written: the points, the inputs, each dense layer's units."""

    points: tuple[str, ...]
    inputs: tuple[str, ...]
    classes: tuple[str, ...]
    widths: tuple[int, ...]  # units of each dense layer, the last one the classes

    @property
    def last(self) -> int:
        return len(self.widths)

    def units(self, k: int) -> tuple[str, ...]:
        """The units dense layer ``k`` (from 1) feeds."""
        if k == self.last:
            return self.classes
        return tuple(hidden_unit_name(k, j, self.last - 1) for j in range(self.widths[k - 1]))  # as every page

    def fed_by(self, k: int) -> tuple[str, ...]:
        return self.inputs if k == 1 else self.units(k - 1)


def _a(k: int) -> str:
    return "X" if k == 0 else f"a_{{{k}}}"


def _z(k: int) -> str:
    return f"z_{{{k}}}"


def _d(symbol: str) -> str:
    return rf"\frac{{\partial L}}{{\partial {symbol}}}"


def _names(net: sn.Network, n: int, inputs: Sequence[str] | None) -> _Names:
    if inputs is None:
        inputs = input_names(net.n_inputs)
    inputs = tuple(inputs)
    if len(inputs) != net.n_inputs:
        raise ValueError(f"inputs must name the network's {net.n_inputs} inputs; got {len(inputs)} names")
    return _Names(
        tuple(str(i + 1) for i in range(n)),
        inputs,
        tuple(f"class {c}" for c in range(net.n_classes)),
        tuple(layer.n_out for layer in net.dense_layers),
    )


def _dense_number(layers: Sequence, i: int) -> int:
    """Which dense layer (from 1) layer ``i`` is, or follows (an activation belongs to the dense layer below it)."""
    return sum(isinstance(layer, Dense) for layer in layers[: i + 1])


def _input_stage(names: _Names, X: np.ndarray, y: np.ndarray) -> Stage:
    what = "its two coordinates" if names.inputs == ("x₁", "x₂") else f"its inputs {', '.join(names.inputs)}"
    return Stage(
        "X",
        "forward",
        "Inputs X",
        rf"X \in \mathbb{{R}}^{{N \times {len(names.inputs)}}},\quad N = {len(names.points)}",
        f"One row per point: {what}. Their classes: y = ({', '.join(map(str, y))}).",
        X.copy(),
        names.points,
        names.inputs,
    )


def _dense_stages(names: _Names, k: int, params: dict[str, np.ndarray], output: np.ndarray) -> list[Stage]:
    """Dense layer ``k``'s weights, and what it computes: ``z_k = a_{k-1} W_k + b_k``."""
    is_last = k == names.last
    units, below = names.units(k), names.fed_by(k)
    weights = parameter_stage(
        f"W{k}b{k}",
        "forward",
        f"W{k} and b{k} (b is the last row)",
        rf"W_{{{k}}} \in \mathbb{{R}}^{{{len(below)} \times {len(units)}}}, \quad b_{{{k}}} \in \mathbb{{R}}^{{{len(units)}}}",
        "Column c holds the weights into class c's score, then its bias."
        if is_last
        else "Column j holds the weights into unit j from each unit below, then its bias.",
        params,
        k,
        below,
        units,
    )
    formula = f"{_z(k)} = {_a(k - 1)}\\, W_{{{k}}} + b_{{{k}}}"
    scores = Stage(
        "logits" if is_last else f"z{k}",
        "forward",
        "Logits (class scores)" if is_last else f"Pre-activations z{k}",
        (r"\text{logits} = " if is_last else "") + formula,
        "One score per class: a weighted sum of the layer below, plus a bias."
        if is_last
        else "Each unit: a weighted sum of its inputs plus its bias.",
        output,
        names.points,
        units,
    )
    return [weights, scores]


def _forward_stages(names: _Names, work: sn.Network, outputs: list[np.ndarray], params: dict) -> list[Stage]:
    """Each layer's output as the engine's forward pass computed it, then the softmax."""
    stages: list[Stage] = []
    for i, layer in enumerate(work.layers):
        k = _dense_number(work.layers, i)
        if isinstance(layer, Dense):
            stages += _dense_stages(names, k, params, outputs[i])
            continue
        choice = sn.ACTIVATION_CHOICES[layer.kind]
        rule = choice.formula.format(z=_z(k), a=_a(k))
        stages.append(
            Stage(
                f"a{k}",
                "forward",
                f"Activations a{k} ({choice.label})",
                f"{_a(k)} = {rule}",
                choice.notes,
                outputs[i],
                names.points,
                names.units(k),
            )
        )
    stages.append(
        Stage(
            "p",
            "forward",
            "Probabilities p (softmax)",
            r"p_{ic} = \frac{e^{z_{ic}}}{\sum_{j} e^{z_{ij}}}",
            "Each row sums to 1: how likely the network thinks each class is for that point.",
            sn.softmax(outputs[-1]),
            names.points,
            names.classes,
        )
    )
    return stages


def per_point_loss(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``ℓ_i = −log p_{i, y_i}``: the engine's own loss, of each point alone."""
    return np.array([sn.softmax_cross_entropy(logits[i : i + 1], y[i : i + 1])[0] for i in range(len(y))])


def _loss_stage(names: _Names, probs: np.ndarray, y: np.ndarray, per_point: np.ndarray, loss: float) -> Stage:
    return Stage(
        "loss",
        "loss",
        "Loss per point, and its mean",
        r"\ell_i = -\log p_{i, y_i}, \qquad L = \frac{1}{N} \sum_i \ell_i = " + f"{loss:.4f}",
        "Small where the true class got a high probability; the step will try to lower the mean L.",
        np.c_[y, probs[np.arange(len(y)), y], per_point],
        names.points,
        ("true class y", "p of true class", "loss ℓ"),
    )


def _dense_gradient_stages(names: _Names, k: int, grads: dict, below: np.ndarray | None, out: np.ndarray) -> list:
    """∂L/∂W_k, ∂L/∂b_k and (below the first layer) ∂L/∂a_{k−1}; the logits' gradient on top."""
    out_symbol = r"\text{logits}" if k == names.last else _z(k)
    stages = []
    if k == names.last:
        stages.append(
            Stage(
                "dlogits",
                "backward",
                "Gradient of the loss w.r.t. the logits",
                f"{_d(out_symbol)} = " + r"\frac{p - Y}{N}",
                "Y is the one-hot labels: lower the scores of the wrong classes, raise the true one's; "
                "÷ N because L is a mean.",
                out,
                names.points,
                names.classes,
            )
        )
    units, fed = names.units(k), names.fed_by(k)
    stages.append(
        Stage(
            f"dW{k}",
            "backward",
            f"Gradient w.r.t. W{k}",
            f"{_d(f'W_{{{k}}}')} = {_a(k - 1)}^\\top\\, {_d(out_symbol)}",
            f"Sums over the points of (input value) × (error at the output): shape of W, {len(fed)} × {len(units)}.",
            grads[f"W{k}"],
            fed,
            units,
            row_title="from",
        )
    )
    stages.append(
        Stage(
            f"db{k}",
            "backward",
            f"Gradient w.r.t. b{k}",
            f"{_d(f'b_{{{k}}}')} = \\sum_i {_d(out_symbol)}_{{\\,i}}",
            "The column sums of the gradient above: every point adds its error.",
            grads[f"b{k}"][None, :],
            ("b",),
            units,
            row_title="",
        )
    )
    if below is not None:
        stages.append(
            Stage(
                f"da{k - 1}",
                "backward",
                f"Gradient w.r.t. a{k - 1}",
                f"{_d(_a(k - 1))} = {_d(out_symbol)}\\, W_{{{k}}}^\\top",
                "Each unit collects the errors of the units it feeds, weighted by its outgoing weights.",
                below,
                names.points,
                names.fed_by(k),
            )
        )
    return stages


def _backward_stages(names: _Names, layers: Sequence, grad_of_output: dict[int, np.ndarray], grads: dict) -> list:
    """Each gradient the engine's backward pass computed, from the top down."""
    stages: list[Stage] = []
    for i in range(len(layers) - 1, -1, -1):
        layer, k = layers[i], _dense_number(layers, i)
        if isinstance(layer, Dense):
            below = grad_of_output.get(i - 1) if k > 1 else None
            stages += _dense_gradient_stages(names, k, grads, below, grad_of_output[i])
            continue
        choice = sn.ACTIVATION_CHOICES[layer.kind]
        factor = choice.derivative.format(z=_z(k), a=_a(k))
        buggy = choice.bug
        stages.append(
            Stage(
                f"dz{k}",
                "backward",
                f"Gradient w.r.t. z{k}" + (" — the notebook's way (wrong)" if buggy else ""),
                f"{_d(_z(k))} = {_d(_a(k))} \\odot {factor}",
                choice.derivative_notes,
                grad_of_output[i - 1],
                names.points,
                names.units(k),
                warning=buggy,
            )
        )
    return stages


def _update_stages(names: _Names, params: dict[str, np.ndarray], lr: float) -> list[Stage]:
    return [
        parameter_stage(
            f"W{k}b{k}_new",
            "update",
            f"W{k} and b{k} after the step",
            f"W_{{{k}}} \\leftarrow W_{{{k}}} - \\eta\\, {_d(f'W_{{{k}}}')}, \\quad "
            f"b_{{{k}}} \\leftarrow b_{{{k}}} - \\eta\\, {_d(f'b_{{{k}}}')}, \\quad \\eta = {fmt(lr)}",
            "Compare with the forward pass: every entry moved by −η × its gradient.",
            params,
            k,
            names.fed_by(k),
            names.units(k),
        )
        for k in range(1, names.last + 1)
    ]


def trace_step(
    net: sn.Network, X: np.ndarray, y: np.ndarray, lr: float, *, inputs: Sequence[str] | None = None
) -> StepTrace:
    """One full-batch gradient-descent step of ``net`` on ``(X, y)``, stage by stage. ``net`` is not touched.

    ``X`` is what the network sees (one column per input); ``inputs`` name its columns (x₁, x₂, …
    by default). The passes are the engine's own: ``Network.forward`` and ``activations``, the
    fused ``softmax_cross_entropy`` (∂L/∂logits = (p − Y)/N), ``Network.backward`` keeping each
    layer's input gradient (the chain rule from the top: ∂L/∂W_k = a_{k−1}ᵀ ∂L/∂z_k, ∂L/∂b_k =
    Σ_i ∂L/∂z_k, ∂L/∂a_{k−1} = ∂L/∂z_k W_kᵀ, ∂L/∂z_k = ∂L/∂a_k ⊙ f'(z_k)), and an ``SGD(lr)`` step.
    """
    lr = check_float("lr", lr, low=0.0, high=1e3, low_open=True)
    work = net.copy()
    X = np.asarray(check_features(X, features=work.n_inputs), dtype=work.dtype)
    y = check_labels(y, rows=X.shape[0], classes=work.n_classes)
    names = _names(work, X.shape[0], inputs)
    params_before = work.get_params()
    outputs = [out.copy() for out in work.activations(X)]
    logits = work.forward(X)  # the training pass: the layers keep what backward needs
    loss_before, dlogits = sn.softmax_cross_entropy(logits, y)
    per_point = per_point_loss(outputs[-1], y)
    kept: list[np.ndarray] = []
    work.backward(dlogits, kept=kept)
    last = len(work.layers) - 1
    grad_of_output = {last: dlogits.copy(), **{last - 1 - j: grad for j, grad in enumerate(kept)}}
    grads = {name: value.copy() for name, value in work.grads.items()}
    sn.SGD(lr=lr).step(work.params, work.grads)
    params_after = work.get_params()
    logits_after = work.logits(X)
    stages = [
        _input_stage(names, X, y),
        *_forward_stages(names, work, outputs, params_before),
        _loss_stage(names, sn.softmax(outputs[-1]), y, per_point, float(loss_before)),
        *_backward_stages(names, work.layers, grad_of_output, grads),
        *_update_stages(names, params_after, lr),
    ]
    return StepTrace(
        stages=tuple(stages),
        lr=lr,
        loss_before=float(loss_before),
        loss_after=float(sn.softmax_cross_entropy(logits_after, y)[0]),
        per_point_before=per_point,
        per_point_after=per_point_loss(logits_after, y),
        params_before=params_before,
        grads=grads,
        params_after=params_after,
    )


def loss_change_frame(trace: StepTrace) -> pd.DataFrame:
    """Per point: the loss before and after the step, and the change."""
    before, after = trace.per_point_before, trace.per_point_after
    index = pd.Index([str(i + 1) for i in range(len(before))], name="point")
    return pd.DataFrame({"loss before": before, "loss after": after, "change": after - before}, index=index)

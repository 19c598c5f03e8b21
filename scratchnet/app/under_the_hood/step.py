"""One training step of a network, traced stage by stage.

Pure NumPy and pandas (no Streamlit), so every number the step-through of the "Under the hood"
page shows can be tested. ``trace_step`` runs the engine's own passes — ``layer.forward``,
``layer.backward``, ``net.grads`` and the ``SGD`` optimizer — on a private copy of the network,
and keeps a copy of every intermediate array (the layers reuse their work buffers from one pass
to the next, so an uncopied array would change under the reader's eyes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import scratchnet as sn
from scratchnet.app.text import fmt
from scratchnet.checks import check_features, check_float, check_labels
from scratchnet.features import hidden_unit_name, input_names
from scratchnet.layers import Dense

PHASES = ("forward", "loss", "backward", "update")


@dataclass(frozen=True)
class Stage:
    """One array of the step: its symbol, its formula, what it means, and its values (a private copy)."""

    key: str  # "z1", "a1", "logits", "p", "loss", "dlogits", "dW2", … "W1_new"
    phase: str  # one of PHASES
    title: str
    formula: str  # LaTeX
    note: str
    values: np.ndarray  # 2-D
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    row_title: str = "point"
    warning: bool = False  # a stage computed the notebook's wrong way
    shape_text: str = ""  # how to state the shape when the table is not one array (W with b beneath)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.values.shape

    def frame(self) -> pd.DataFrame:
        """The values as a table, rows and columns labelled."""
        index = pd.Index(self.rows, name=self.row_title)
        return pd.DataFrame(self.values, index=index, columns=list(self.columns))


@dataclass(frozen=True)
class StepTrace:
    """Everything one gradient-descent step computes, in order, and the loss before and after it."""

    stages: tuple[Stage, ...]
    lr: float
    loss_before: float
    loss_after: float
    per_point_before: np.ndarray
    per_point_after: np.ndarray
    params_before: dict[str, np.ndarray] = field(repr=False)
    grads: dict[str, np.ndarray] = field(repr=False)
    params_after: dict[str, np.ndarray] = field(repr=False)

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(f"no stage {key!r}; the stages are {', '.join(s.key for s in self.stages)}")

    def phase(self, phase: str) -> list[Stage]:
        return [stage for stage in self.stages if stage.phase == phase]


def parameter_stage(
    key: str,
    phase: str,
    title: str,
    formula: str,
    note: str,
    params: dict[str, np.ndarray],
    k: int,
    rows: tuple[str, ...],
    columns: tuple[str, ...],
) -> Stage:
    """Dense layer ``k``'s weights with its biases as one extra row, as a stage."""
    W, b = params[f"W{k}"], params[f"b{k}"]
    return Stage(
        key,
        phase,
        title,
        formula,
        note,
        np.vstack([W, b[None, :]]),
        (*rows, "b"),
        columns,
        row_title="from",
        shape_text=f"W {W.shape[0]} × {W.shape[1]}, b {b.shape[0]}",
    )


def _per_point_loss(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``ℓ_i = log Σ_j e^{z_ij} − z_{i,y_i}`` (the same log-sum-exp form as the engine's loss)."""
    top = logits.max(axis=1, keepdims=True)
    log_total = np.log(np.exp(logits - top).sum(axis=1)) + top[:, 0]
    return log_total - logits[np.arange(len(y)), y]


def trace_step(
    net: sn.Network, X: np.ndarray, y: np.ndarray, lr: float, *, inputs: Sequence[str] | None = None
) -> StepTrace:
    """One full-batch gradient-descent step of ``net`` on ``(X, y)``, stage by stage. ``net`` is not touched.

    ``X`` is what the network sees (one column per input); ``inputs`` name its columns (x₁, x₂, …
    by default).

    The passes are the engine's: each layer's ``forward``, the fused ``softmax_cross_entropy``,
    each layer's ``backward`` (in the order ``Network.backward`` calls them), the gradients from
    ``net.grads``, and an ``SGD(lr)`` step.
    """
    lr = check_float("lr", lr, low=0.0, high=1e3, low_open=True)
    work = net.copy()
    X = np.asarray(check_features(X, features=work.n_inputs), dtype=work.dtype)
    y = check_labels(y, rows=X.shape[0], classes=work.n_classes)
    n = X.shape[0]
    layers = work.layers
    dense_numbers = {id(layer): k for k, layer in enumerate(work.dense_layers, start=1)}
    last = len(work.dense_layers)
    hidden_layers = last - 1
    points = tuple(str(i + 1) for i in range(n))
    classes = tuple(f"class {c}" for c in range(work.n_classes))
    if inputs is None:
        inputs = input_names(work.n_inputs)
    inputs = tuple(inputs)
    if len(inputs) != work.n_inputs:
        raise ValueError(f"inputs must name the network's {work.n_inputs} inputs; got {len(inputs)} names")
    what = "its two coordinates" if inputs == ("x₁", "x₂") else f"its inputs {', '.join(inputs)}"

    def names(k: int) -> tuple[str, ...]:  # the units dense layer k feeds
        if k == last:
            return classes
        return tuple(hidden_unit_name(k, j, hidden_layers) for j in range(work.dense_layers[k - 1].n_out))

    def fed_by(k: int) -> tuple[str, ...]:
        return inputs if k == 1 else names(k - 1)

    def a(k: int) -> str:
        return "X" if k == 0 else f"a_{{{k}}}"

    def z(k: int) -> str:
        return f"z_{{{k}}}"

    def d(symbol: str) -> str:
        return rf"\frac{{\partial L}}{{\partial {symbol}}}"

    stages: list[Stage] = [
        Stage(
            "X",
            "forward",
            "Inputs X",
            rf"X \in \mathbb{{R}}^{{N \times {work.n_inputs}}},\quad N = {n}",
            f"One row per point: {what}. Their classes: y = ({', '.join(map(str, y))}).",
            X.copy(),
            points,
            inputs,
        )
    ]

    # ---- forward: layer by layer, with the engine's own passes
    params_before = work.get_params()
    out = X
    outputs: list[np.ndarray] = []
    for layer in layers:
        out = layer.forward(out)
        outputs.append(out.copy())
    kinds: dict[int, str] = {}
    for i, layer in enumerate(layers):
        if isinstance(layer, Dense):
            k = dense_numbers[id(layer)]
            is_last = k == last
            stages.append(
                parameter_stage(
                    f"W{k}b{k}",
                    "forward",
                    f"W{k} and b{k} (b is the last row)",
                    rf"W_{{{k}}} \in \mathbb{{R}}^{{{len(fed_by(k))} \times {len(names(k))}}}, \quad "
                    rf"b_{{{k}}} \in \mathbb{{R}}^{{{len(names(k))}}}",
                    "Column j holds the weights into unit j from each unit below, then its bias."
                    if not is_last
                    else "Column c holds the weights into class c's score, then its bias.",
                    params_before,
                    k,
                    fed_by(k),
                    names(k),
                )
            )
            formula = f"{z(k)} = {a(k - 1)}\\, W_{{{k}}} + b_{{{k}}}"
            stages.append(
                Stage(
                    "logits" if is_last else f"z{k}",
                    "forward",
                    "Logits (class scores)" if is_last else f"Pre-activations z{k}",
                    (r"\text{logits} = " if is_last else "") + formula,
                    "One score per class: a weighted sum of the layer below, plus a bias."
                    if is_last
                    else "Each unit: a weighted sum of its inputs plus its bias.",
                    outputs[i],
                    points,
                    names(k),
                )
            )
        else:
            k = dense_numbers[id(layers[i - 1])]
            kinds[k] = layer.kind
            choice = sn.ACTIVATION_CHOICES[layer.kind]
            rule = choice.formula.format(z=z(k), a=a(k))
            stages.append(
                Stage(
                    f"a{k}",
                    "forward",
                    f"Activations a{k} ({choice.label})",
                    f"{a(k)} = {rule}",
                    choice.notes,
                    outputs[i],
                    points,
                    names(k),
                )
            )
    logits = outputs[-1]
    probs = sn.softmax(logits)
    stages.append(
        Stage(
            "p",
            "forward",
            "Probabilities p (softmax)",
            r"p_{ic} = \frac{e^{z_{ic}}}{\sum_{j} e^{z_{ij}}}",
            "Each row sums to 1: how likely the network thinks each class is for that point.",
            probs,
            points,
            classes,
        )
    )

    # ---- loss: the engine's fused softmax cross-entropy
    loss_before, dlogits = sn.softmax_cross_entropy(logits, y)
    per_point = _per_point_loss(logits, y)
    stages.append(
        Stage(
            "loss",
            "loss",
            "Loss per point, and its mean",
            r"\ell_i = -\log p_{i, y_i}, \qquad L = \frac{1}{N} \sum_i \ell_i = " + f"{loss_before:.4f}",
            "Small where the true class got a high probability; the step will try to lower the mean L.",
            np.c_[y, probs[np.arange(n), y], per_point],
            points,
            ("true class y", "p of true class", "loss ℓ"),
        )
    )

    # ---- backward: in the order Network.backward runs it, keeping each gradient
    grad = dlogits
    grad_of_output = {len(layers) - 1: dlogits.copy()}
    for i in range(len(layers) - 1, 0, -1):
        grad = layers[i].backward(grad)
        grad_of_output[i - 1] = grad.copy()
    first = layers[0]
    if isinstance(first, Dense):
        first.backward(grad, input_grad=False)
    else:
        first.backward(grad)
    grads = {name: value.copy() for name, value in work.grads.items()}

    ones_y = r"\frac{p - Y}{N}"
    logits_symbol = r"\text{logits}"
    for i in range(len(layers) - 1, -1, -1):
        layer = layers[i]
        if isinstance(layer, Dense):
            k = dense_numbers[id(layer)]
            out_symbol = r"\text{logits}" if k == last else z(k)
            if k == last:
                stages.append(
                    Stage(
                        "dlogits",
                        "backward",
                        "Gradient of the loss w.r.t. the logits",
                        f"{d(logits_symbol)} = {ones_y}",
                        "Y is the one-hot labels: lower the scores of the wrong classes, raise the true one's; "
                        "÷ N because L is a mean.",
                        grad_of_output[i],
                        points,
                        classes,
                    )
                )
            stages.append(
                Stage(
                    f"dW{k}",
                    "backward",
                    f"Gradient w.r.t. W{k}",
                    f"{d(f'W_{{{k}}}')} = {a(k - 1)}^\\top\\, {d(out_symbol)}",
                    "Sums over the points of (input value) × (error at the output): shape of W, "
                    f"{len(fed_by(k))} × {len(names(k))}.",
                    grads[f"W{k}"],
                    fed_by(k),
                    names(k),
                    row_title="from",
                )
            )
            stages.append(
                Stage(
                    f"db{k}",
                    "backward",
                    f"Gradient w.r.t. b{k}",
                    f"{d(f'b_{{{k}}}')} = \\sum_i {d(out_symbol)}_{{\\,i}}",
                    "The column sums of the gradient above: every point adds its error.",
                    grads[f"b{k}"][None, :],
                    ("b",),
                    names(k),
                    row_title="",
                )
            )
            if k > 1:
                stages.append(
                    Stage(
                        f"da{k - 1}",
                        "backward",
                        f"Gradient w.r.t. a{k - 1}",
                        f"{d(a(k - 1))} = {d(out_symbol)}\\, W_{{{k}}}^\\top",
                        "Each unit collects the errors of the units it feeds, weighted by its outgoing weights.",
                        grad_of_output[i - 1],
                        points,
                        names(k - 1),
                    )
                )
        else:
            k = dense_numbers[id(layers[i - 1])]
            choice = sn.ACTIVATION_CHOICES[layer.kind]
            factor = choice.derivative.format(z=z(k), a=a(k))
            buggy = choice.bug
            stages.append(
                Stage(
                    f"dz{k}",
                    "backward",
                    f"Gradient w.r.t. z{k}" + (" — the notebook's way (wrong)" if buggy else ""),
                    f"{d(z(k))} = {d(a(k))} \\odot {factor}",
                    choice.derivative_notes,
                    grad_of_output[i - 1],
                    points,
                    names(k),
                    warning=buggy,
                )
            )

    # ---- update: one plain gradient-descent step with the engine's optimizer
    sn.SGD(lr=lr).step(work.params, work.grads)
    params_after = work.get_params()
    for k in range(1, last + 1):
        stages.append(
            parameter_stage(
                f"W{k}b{k}_new",
                "update",
                f"W{k} and b{k} after the step",
                f"W_{{{k}}} \\leftarrow W_{{{k}}} - \\eta\\, {d(f'W_{{{k}}}')}, \\quad "
                f"b_{{{k}}} \\leftarrow b_{{{k}}} - \\eta\\, {d(f'b_{{{k}}}')}, \\quad \\eta = {fmt(lr)}",
                "Compare with the forward pass: every entry moved by −η × its gradient.",
                params_after,
                k,
                fed_by(k),
                names(k),
            )
        )
    logits_after = work.logits(X)
    loss_after, _ = sn.softmax_cross_entropy(logits_after, y)
    return StepTrace(
        stages=tuple(stages),
        lr=lr,
        loss_before=float(loss_before),
        loss_after=float(loss_after),
        per_point_before=per_point,
        per_point_after=_per_point_loss(logits_after, y),
        params_before=params_before,
        grads=grads,
        params_after=params_after,
    )


def loss_change_frame(trace: StepTrace) -> pd.DataFrame:
    """Per point: the loss before and after the step, and the change."""
    before, after = trace.per_point_before, trace.per_point_after
    index = pd.Index([str(i + 1) for i in range(len(before))], name="point")
    return pd.DataFrame({"loss before": before, "loss after": after, "change": after - before}, index=index)

"""What a traced training step holds: its stages (each one array, with its formula and meaning)
and the step as a whole. Plain data, built by ``step_trace.trace_step``; no Streamlit here."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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

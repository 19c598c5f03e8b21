"""A sweep: one small network per cell of a grid over two settings, and the table of how each did.

Pure logic, no Streamlit: the grid of ``RunConfig`` cells over two ``axes``, the bound on its
cost, each cell's state as read from its training job, the table with one row per cell (which
``charts`` draws), and the words the page says about it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from scratchnet.app.runs.config import OPTIMIZER_LABELS, RunConfig
from scratchnet.app.runs.cost import COST_LIMIT_SECONDS, Verdict, cost_verdict, estimate_seconds
from scratchnet.app.runs.trainer import WORKERS
from scratchnet.app.sweep.axes import (  # noqa: F401 (the axes are part of a sweep's vocabulary: re-exported)
    AXES,
    AXIS_NOTES,
    MAX_VALUES,
    MIN_VALUES,
    Axis,
    AxisSpec,
    axis_choices,
    check_axis_value,
    explainer,
    format_value,
    hidden_fields,
    parse_values,
    spaced_values,
    too_few_axes,
)
from scratchnet.app.text import fmt
from scratchnet.choices import OPTIMIZER_SETTINGS, users, uses

if TYPE_CHECKING:
    from scratchnet.app.runs.jobs import TrainingJob
    from scratchnet.app.runs.result import RunResult

MAX_CELLS = 64
SWEEP_LIMIT_SECONDS = 60.0  # estimated wall-clock time of a whole sweep on the trainers
SWEEP_WARN_SECONDS = 20.0
BASE_EPOCHS = 1000  # the default base: the Playground's default run, shorter


@dataclass(frozen=True)
class Cell:
    """One grid cell: its position (``row`` down the y axis, ``col`` across the x axis) and its config."""

    index: int
    row: int
    col: int
    x: float
    y: float
    config: RunConfig


@dataclass(frozen=True)
class Sweep:
    """A grid: ``x`` across, ``y`` down, every other setting from ``base``."""

    base: RunConfig
    x: Axis
    y: Axis

    def __post_init__(self) -> None:
        if self.x.name == self.y.name:
            raise ValueError(f"the two axes must be different settings; both are {self.x.spec.label.lower()}")
        unread = unread_setting(self.base, (self.x.name, self.y.name))
        if unread is not None:
            readers = " or ".join(OPTIMIZER_LABELS[key] for key in users(unread))
            raise ValueError(
                f"{unread} acts only with {readers}: set the optimizer to one of them "
                f"(it is {OPTIMIZER_LABELS[self.base.optimizer]})"
            )
        if len(self.x.values) * len(self.y.values) > MAX_CELLS:
            raise ValueError(
                f"a sweep may have at most {MAX_CELLS} cells; {len(self.x.values)} × {len(self.y.values)} = "
                f"{len(self.x.values) * len(self.y.values)}"
            )

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        """Row by row (the trainers take them in this order)."""
        cells = []
        for row, y in enumerate(self.y.values):
            for col, x in enumerate(self.x.values):
                config = self.base.replace(**self.x.change(x), **self.y.change(y))
                cells.append(Cell(len(cells), row, col, x, y, config))
        return tuple(cells)

    def describe(self, cell: Cell) -> str:
        """``lr 0.1 · decay 0.01``."""
        return (
            f"{self.x.spec.short} {format_value(self.x.name, cell.x)} · {self.y.spec.short} "
            f"{format_value(self.y.name, cell.y)}"
        )


def make_sweep(
    base: RunConfig, x_name: str, x_values: Sequence[float], y_name: str, y_values: Sequence[float]
) -> Sweep:
    return Sweep(base, Axis(x_name, tuple(x_values)), Axis(y_name, tuple(y_values)))


def default_base() -> RunConfig:
    return RunConfig(epochs=BASE_EPOCHS)


# ---- cost ---------------------------------------------------------------------------------------
def sweep_cost(sweep: Sweep, workers: int = WORKERS, limit: float = SWEEP_LIMIT_SECONDS) -> Verdict:
    """The sweep's estimated time on ``workers`` trainers, and whether it may run: a run's ``Verdict``.

    Refused when any one cell would be refused in the Playground, or when the sum of the cells'
    estimates shared among the trainers passes ``limit``.
    """
    cells = sweep.cells
    costs = [estimate_seconds(cell.config) for cell in cells]
    seconds = sum(costs) / max(workers, 1)
    n = len(cells)
    trainers = f"{workers} trainer{'s' if workers != 1 else ''}"
    text = f"Estimated time: about {seconds:.1f} s for {n} cells on {trainers}"
    costly = [axis for axis in (sweep.x, sweep.y) if axis.name in ("epochs", "hidden")]
    lower = "".join(f" a lower top value on the {axis.spec.label.lower()} axis," for axis in costly)
    worst = max(range(n), key=costs.__getitem__)
    if cost_verdict(cells[worst].config).refused:
        return Verdict(
            "refuse",
            f"The costliest cell ({sweep.describe(cells[worst])}) alone would take about {costs[worst]:.0f} s, "
            f"over the {COST_LIMIT_SECONDS:.0f} s limit for one run. Use{lower} fewer epochs, points or hidden units.",
            seconds,
        )
    if seconds > limit:
        return Verdict(
            "refuse",
            f"{text}, over the {limit:.0f} s limit for a sweep. Use fewer values per axis,{lower} or fewer epochs, "
            "points or hidden units.",
            seconds,
        )
    if seconds > SWEEP_WARN_SECONDS:
        return Verdict(
            "warn", f"{text}. That is a long wait in class; fewer values or epochs would be quicker.", seconds
        )
    return Verdict("ok", text + ".", seconds)


# ---- cell states --------------------------------------------------------------------------------
STATUS_TEXT = {
    "queued": "waiting",
    "training": "training",
    "completed": "trained",
    "diverged": "diverged",
    "cancelled": "stopped",
    "failed": "failed",
}
FINISHED = frozenset({"completed", "diverged", "cancelled", "failed"})


@dataclass(frozen=True)
class CellState:
    """What a cell shows: ``status`` (a key of ``STATUS_TEXT``), how far it is, and its result."""

    status: str
    fraction: float = 0.0
    result: RunResult | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def cell_state(job: TrainingJob, stopped: RunResult | None = None) -> CellState:
    """A cell's state read from its (shared, never changed) job; ``stopped`` is what this session
    kept when it cancelled the cell, shown unless the job went on to finish for someone else."""
    if job.done:
        if job.result is None:
            return CellState("failed", 1.0, error=job.error)
        return CellState(job.result.status, 1.0, job.result)
    if stopped is not None:
        return CellState("cancelled", 1.0, stopped)
    if job.state == "queued":
        return CellState("queued")
    return CellState("training", min(job.progress().fraction, 1.0))


# ---- the table ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Metric:
    label: str
    accuracy: bool  # True: a share from 0 to 1, higher is better; False: a loss, lower is better
    held_out: bool
    help: str


METRICS: dict[str, Metric] = {
    "train_accuracy": Metric("Train accuracy", True, False, "Share of the training points classified right."),
    "test_accuracy": Metric("Held-out accuracy", True, True, "Share of the held-out points classified right."),
    "train_loss": Metric("Final loss", False, False, "Cross-entropy on the training points at the end."),
}

FRAME_COLUMNS = (
    "cell",
    "row",
    "col",
    "x",
    "y",
    "status",
    "state",
    "value",
    "train_accuracy",
    "test_accuracy",
    "train_loss",
    "text",
    "ink",
    "picked",
)


def _number(value: float | None) -> float:
    return float(value) if value is not None and math.isfinite(value) else math.nan


def state_text(state: CellState) -> str:
    if state.status == "training":
        return f"training, {state.fraction:.0%}"
    if state.status == "diverged" and state.result is not None:
        return f"diverged at epoch {state.result.history.diverged_at:,}"
    if state.status == "cancelled" and state.result is not None:
        return f"stopped at epoch {state.result.history.epochs_run:,}"
    if state.status == "failed":
        return f"failed: {state.error}"
    return STATUS_TEXT[state.status]


def sweep_frame(
    sweep: Sweep, states: Sequence[CellState], metric: str, picked: int | None = None
) -> tuple[pd.DataFrame, tuple[float, float]]:
    """One row per cell, and the colour domain of ``metric``.

    ``value`` (the metric) is set only for cells that trained to the end: a diverged, stopped or
    unfinished cell is not coloured, it says what happened (``text``). ``ink`` is the text colour
    that reads on the cell's fill.
    """
    spec = METRICS[metric]
    if len(states) != len(sweep.cells):
        raise ValueError(f"states must have one entry per cell ({len(sweep.cells)}); got {len(states)}")
    rows = []
    for cell, state in zip(sweep.cells, states, strict=True):
        result = state.result
        numbers = {
            "train_accuracy": _number(result.train_accuracy) if result else math.nan,
            "test_accuracy": _number(result.test_accuracy) if result else math.nan,
            "train_loss": _number(result.train_loss) if result else math.nan,
        }
        value = numbers[metric] if state.status == "completed" else math.nan
        rows.append(
            {
                "cell": cell.index,
                "row": cell.row,
                "col": cell.col,
                "x": format_value(sweep.x.name, cell.x),
                "y": format_value(sweep.y.name, cell.y),
                "status": state.status,
                "state": state_text(state),
                "value": value,
                **numbers,
                "picked": cell.index == picked,
            }
        )
    frame = pd.DataFrame(rows, columns=[c for c in FRAME_COLUMNS if c not in ("text", "ink")])
    domain = _domain(frame["value"], spec)
    shade = _shade(frame["value"], spec, domain)
    frame["text"] = [
        _cell_text(status, value, spec) for status, value in zip(frame["status"], frame["value"], strict=True)
    ]
    frame["ink"] = np.where(frame["status"] == "completed", np.where(shade < 0.55, "light", "dark"), "dark")
    frame.loc[frame["status"].isin(("diverged", "failed")), "ink"] = "light"
    return frame[list(FRAME_COLUMNS)], domain


def _domain(values: pd.Series, spec: Metric) -> tuple[float, float]:
    if spec.accuracy:
        return 0.0, 1.0
    finite = values[np.isfinite(values) & (values > 0)]
    if finite.empty:
        return 0.01, 1.0
    low, high = max(float(finite.min()), 1e-4), float(finite.max())
    return (low, high) if high > low * 1.01 else (low / 1.5, high * 1.5)


def _shade(values: pd.Series, spec: Metric, domain: tuple[float, float]) -> np.ndarray:
    """Where each value sits on the colour scale, 0 (dark end) to 1 (light end)."""
    v = values.to_numpy(dtype=float)
    with np.errstate(all="ignore"):
        if spec.accuracy:
            t = (v - domain[0]) / (domain[1] - domain[0])
        else:  # a lower loss is better, and drawn lighter
            logs = np.log(np.clip(v, *domain))
            t = 1 - (logs - math.log(domain[0])) / (math.log(domain[1]) - math.log(domain[0]))
    return np.nan_to_num(np.clip(t, 0, 1), nan=1.0)


def _cell_text(status: str, value: float, spec: Metric) -> str:
    if status != "completed":
        return STATUS_TEXT[status]
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.0%}" if spec.accuracy else f"{value:.3g}"


def progress_counts(states: Sequence[CellState]) -> Mapping[str, int]:
    """How many cells are in each status (every status present, zeros included)."""
    counts = dict.fromkeys(STATUS_TEXT, 0)
    for state in states:
        counts[state.status] += 1
    return counts


def progress_text(counts: Mapping[str, int], total: int) -> str:
    """``34 of 40 cells trained · 6 stopped``: only cells trained to the end count as trained; the
    others are counted by what happened to them."""
    parts = [f"{counts.get('completed', 0)} of {total} cells trained"]
    parts += [f"{counts[s]} {STATUS_TEXT[s]}" for s in ("training", "diverged", "cancelled", "failed") if counts.get(s)]
    return " · ".join(parts)


# ---- the page's pieces ------------------------------------------------------------------------------
#: The settings the cells share that the Sweep's sidebar offers (the rest keep the base's values).
BASE_FIELDS = frozenset(
    {
        "dataset",
        "classes",
        "samples",
        "noise",
        "test_share",
        "hidden",
        "features",
        "activation",
        "optimizer",
        "lr",
        "decay",
        "epochs",
        "seed",
        *OPTIMIZER_SETTINGS,
    }
)


def first_base(link: RunConfig | None, hidden: frozenset[str]) -> RunConfig:
    """The base a session starts from: the default base, with the link's values for the settings it hides
    (the student cannot change them here either, so they are the teacher's)."""
    fixed = {name: getattr(link, name) for name in hidden_fields(hidden)} if link is not None else {}
    return default_base().replace(**fixed)


def sentence(message: str) -> str:
    """A message as a sentence: capital first, full stop last."""
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


@dataclass(frozen=True)
class SweepRun:
    """A started sweep: its grid and one shared job per cell, in cell order."""

    sweep: Sweep
    jobs: tuple[TrainingJob, ...]


@dataclass(frozen=True)
class Reading:
    """What the controls describe: the sweep, or why there is none (``problem``); ``at_axis`` when
    the problem is an axis's values, already shown beside that axis's controls."""

    sweep: Sweep | None
    problem: str = ""
    at_axis: bool = False
    switch_to: str = ""  # an optimizer that reads the setting an axis varies, when the base's does not


def unread_setting(base: RunConfig, names: Sequence[str]) -> str | None:
    """The first of ``names`` (the axes' settings) that ``base``'s optimizer does not read, such as
    momentum under Adam: a sweep of it would train the same cell again and again."""
    return next((name for name in names if name in OPTIMIZER_SETTINGS and not uses(base.optimizer, name)), None)


def cell_label(sweep: Sweep, state: CellState, index: int) -> str:
    """``lr 0.1 · decay 0.01 — train accuracy 93%`` (or what happened to the cell)."""
    result = state.result
    if state.status == "completed" and result is not None:
        return f"{sweep.describe(sweep.cells[index])} — train accuracy {fmt(result.train_accuracy, '.0%')}"
    return f"{sweep.describe(sweep.cells[index])} — {state_text(state)}"

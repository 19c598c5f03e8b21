"""A sweep: one small network per cell of a grid over two settings, and the map of how each did.

Pure logic, no Streamlit: the axes and their values (checked against ``config.FIELDS``), the grid
of ``RunConfig`` cells, the bound on its cost, each cell's state as read from its training job,
the table with one row per cell, and the Altair heatmap drawn from that table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import altair as alt
import numpy as np
import pandas as pd

from scratchnet.app.runs.config import FIELDS, RunConfig, check_field
from scratchnet.app.runs.cost import COST_LIMIT_SECONDS, cost_verdict, estimate_seconds
from scratchnet.app.runs.trainer import WORKERS

if TYPE_CHECKING:
    from scratchnet.app.runs.jobs import TrainingJob
    from scratchnet.app.runs.result import RunResult

MIN_VALUES, MAX_VALUES = 2, 8  # values per axis
MAX_CELLS = 64
SWEEP_LIMIT_SECONDS = 60.0  # estimated wall-clock time of a whole sweep on the trainers
SWEEP_WARN_SECONDS = 20.0
BASE_EPOCHS = 1000  # the default base: the Playground's default run, shorter


@dataclass(frozen=True)
class AxisSpec:
    """A setting a sweep can vary: how to space its values and the stops its range slider offers."""

    label: str
    short: str  # in cell names and tooltips
    spacing: str  # "log" (from 0, the first value is 0 and the rest are decades below the top) or "linear"
    stops: tuple[float, ...]
    default_range: tuple[float, float]
    default_count: int
    integer: bool = False
    note: str = ""


AXES: dict[str, AxisSpec] = {
    "lr": AxisSpec(
        "Learning rate",
        "lr",
        "log",
        (1e-5, 1e-4, 1e-3, 0.01, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0),
        (1e-3, 10.0),
        5,
    ),
    "decay": AxisSpec(
        "Decay",
        "decay",
        "log",
        (0.0, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1.0),
        (0.0, 0.1),
        5,
        note="From 0, the other values are whole decades below the top one.",
    ),
    "hidden": AxisSpec(
        "Hidden units",
        "units",
        "log",
        (1, 2, 4, 8, 16, 32, 64, 128),
        (4, 64),
        5,
        integer=True,
        note="Each cell has one hidden layer of this many units.",
    ),
    "epochs": AxisSpec(
        "Epochs",
        "epochs",
        "log",
        (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000),
        (100, 10_000),
        5,
        integer=True,
    ),
    "momentum": AxisSpec(
        "Momentum",
        "momentum",
        "linear",
        (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99),
        (0.0, 0.9),
        4,
        note="Momentum acts only with gradient descent (optimizer sgd).",
    ),
}


def format_value(name: str, value: float) -> str:
    """A value as an axis label: ``0.001``, ``1,000`` epochs, ``0`` decay."""
    if AXES[name].integer:
        return f"{int(value):,}"
    return f"{value:g}" if value else "0"


def _nice(value: float, integer: bool) -> float:
    """Two significant digits (``0.0037``, ``1,400``)."""
    rounded = float(f"{float(value):.2g}") if value else 0.0
    return round(rounded) if integer else rounded


def spaced_values(name: str, low: float, high: float, count: int) -> tuple[float, ...]:
    """``count`` values from ``low`` to ``high``, spaced as the axis wants and rounded to two digits.

    Log axes space values evenly in log; from 0, the first value is 0 and the others are whole
    decades below ``high``. Rounding can merge values (1 to 4 units in 8 steps): duplicates go.
    """
    spec = AXES[name]
    if not MIN_VALUES <= count <= MAX_VALUES:
        raise ValueError(f"count must be from {MIN_VALUES} to {MAX_VALUES} values per axis; got {count!r}")
    low, high = sorted((float(low), float(high)))
    if spec.spacing == "linear":
        raw = np.linspace(low, high, count)
    elif low > 0:
        raw = np.geomspace(low, high, count)
    elif high > 0:
        raw = np.r_[0.0, high / 10.0 ** np.arange(count - 2, -1, -1)]
    else:
        raw = np.zeros(1)
    nice = (min(max(_nice(v, spec.integer), low), high) for v in raw)  # rounding must not leave the range
    return tuple(sorted({round(v) if spec.integer else v for v in nice}))


def check_axis_value(name: str, value: object) -> float | int:
    """One value for axis ``name``, checked against ``config.FIELDS`` (``ValueError`` if refused)."""
    if name not in AXES:
        raise ValueError(f"a sweep axis must be one of {', '.join(AXES)}; got {name!r}")
    if name == "hidden":
        return check_field("hidden", (value,))[0]
    return check_field(name, value)


def parse_values(name: str, text: str) -> tuple[float, ...]:
    """Values typed by hand (``"0.01, 0.1, 1"``), each checked against the axis's bounds."""
    parts = [part for part in re.split(r"[,;\s]+", text.strip()) if part]
    values = []
    for part in parts:
        try:
            number = float(part)
        except ValueError:
            raise ValueError(
                f"{AXES[name].short} values must be numbers separated by commas; got {part[:20]!r}"
            ) from None
        values.append(int(number) if AXES[name].integer and number.is_integer() else number)
    return tuple(values)


@dataclass(frozen=True)
class Axis:
    """One side of the grid: a setting and its values (checked, distinct, ascending)."""

    name: str
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if self.name not in AXES:
            raise ValueError(f"a sweep axis must be one of {', '.join(AXES)}; got {self.name!r}")
        values = tuple(check_axis_value(self.name, value) for value in self.values)
        distinct = tuple(sorted(set(values)))
        if not MIN_VALUES <= len(distinct) <= MAX_VALUES:
            raise ValueError(
                f"the {self.spec.label.lower()} axis needs {MIN_VALUES} to {MAX_VALUES} different values; "
                f"got {len(distinct)}"
            )
        object.__setattr__(self, "values", distinct)

    @property
    def spec(self) -> AxisSpec:
        return AXES[self.name]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(format_value(self.name, value) for value in self.values)

    def change(self, value: float) -> dict[str, object]:
        """The ``RunConfig`` change that puts this axis at ``value``."""
        return {"hidden": (int(value),)} if self.name == "hidden" else {self.name: value}


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
        if "momentum" in (self.x.name, self.y.name) and self.base.optimizer != "sgd":
            raise ValueError(
                "momentum acts only with gradient descent: set the optimizer to "
                f"“{FIELDS['optimizer'].choices['sgd']}” (it is {self.base.optimizer})"
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
@dataclass(frozen=True)
class Cost:
    """``verdict`` is "ok", "warn" or "refuse"; ``seconds`` the estimated wall-clock time."""

    verdict: str
    message: str
    seconds: float
    cells: int


def sweep_cost(sweep: Sweep, workers: int = WORKERS, limit: float = SWEEP_LIMIT_SECONDS) -> Cost:
    """The sweep's estimated time on ``workers`` trainers, and whether it may run.

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
    if cost_verdict(cells[worst].config)[0] == "refuse":
        return Cost(
            "refuse",
            f"The costliest cell ({sweep.describe(cells[worst])}) alone would take about {costs[worst]:.0f} s, "
            f"over the {COST_LIMIT_SECONDS:.0f} s limit for one run. Use{lower} fewer epochs, points or hidden units.",
            seconds,
            n,
        )
    if seconds > limit:
        return Cost(
            "refuse",
            f"{text}, over the {limit:.0f} s limit for a sweep. Use fewer values per axis,{lower} or fewer epochs, "
            "points or hidden units.",
            seconds,
            n,
        )
    if seconds > SWEEP_WARN_SECONDS:
        return Cost(
            "warn", f"{text}. That is a long wait in class; fewer values or epochs would be quicker.", seconds, n
        )
    return Cost("ok", text + ".", seconds, n)


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


# ---- the heatmap ----------------------------------------------------------------------------------
STATUS_FILLS = {
    "queued": "#ececec",
    "training": "#dde8f3",
    "diverged": "#7f7f7f",
    "cancelled": "#d4d4d4",
    "failed": "#b8403d",
}
PICKED_COLOR = "#e4572e"
MAP_WIDTH = 600  # pixels the cells may take across, at most
SELECTION = "pick"  # the click selection's name: Streamlit reports {"pick": [{"cell": i}]}


def sweep_chart(
    frame: pd.DataFrame,
    sweep: Sweep,
    metric: str,
    domain: tuple[float, float],
    *,
    cell_width: int = 100,
    cell_height: int = 46,
) -> alt.LayerChart:
    """The grid: trained cells coloured by ``metric`` with its value written in; the others grey with
    what happened to them (waiting, training, diverged, stopped, failed). Click a cell to pick it."""
    spec = METRICS[metric]
    x = alt.X("x:O", sort=list(sweep.x.labels), title=sweep.x.spec.label, axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("y:O", sort=list(sweep.y.labels), title=sweep.y.spec.label)
    base = alt.Chart(frame)
    scale = (
        alt.Scale(scheme="viridis", domain=list(domain))
        if spec.accuracy
        else alt.Scale(scheme="viridis", type="log", domain=list(domain), reverse=True)
    )
    trained = base.transform_filter("datum.status == 'completed' && isFinite(datum.value)").mark_rect(
        stroke="white", strokeWidth=1
    )
    trained = trained.encode(
        x=x,
        y=y,
        color=alt.Color(
            "value:Q",
            scale=scale,
            title=spec.label,
            legend=alt.Legend(
                format=".0%" if spec.accuracy else "~g",
                values=([0, 0.25, 0.5, 0.75, 1] if len(sweep.y.values) >= 4 else [0, 0.5, 1])
                if spec.accuracy
                else alt.Undefined,
                orient="right",
                gradientLength=max(60, min(160, cell_height * len(sweep.y.values) - 40)),
            ),
        ),
    )
    present = [status for status in STATUS_FILLS if (frame["status"] == status).any()]
    others = (
        base.transform_filter("datum.status != 'completed' || !isFinite(datum.value)")
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill(
                "status:N",
                scale=alt.Scale(domain=present or ["queued"], range=[STATUS_FILLS[s] for s in present or ["queued"]]),
                legend=None,  # each grey cell says what happened to it
            ),
        )
    )
    text = base.mark_text(fontSize=12, fontWeight=500).encode(
        x=x,
        y=y,
        text=alt.Text("text:N"),
        color=alt.Color("ink:N", scale=alt.Scale(domain=["light", "dark"], range=["white", "#222"]), legend=None),
    )
    picked = (
        base.transform_filter("datum.picked")
        .mark_rect(fillOpacity=0, stroke=PICKED_COLOR, strokeWidth=3)
        .encode(x=x, y=y)
    )
    pick = alt.selection_point(name=SELECTION, fields=["cell"], on="click", toggle=False, clear=False)
    hits = (
        base.mark_rect(fill="white", fillOpacity=0, cursor="pointer")
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("x:N", title=sweep.x.spec.label),
                alt.Tooltip("y:N", title=sweep.y.spec.label),
                alt.Tooltip("train_accuracy:Q", title="Train accuracy", format=".1%"),
                alt.Tooltip("test_accuracy:Q", title="Held-out accuracy", format=".1%"),
                alt.Tooltip("train_loss:Q", title="Final loss", format=".4g"),
                alt.Tooltip("state:N", title="Status"),
            ],
        )
        .add_params(pick)
    )
    step = max(60, min(cell_width, MAP_WIDTH // len(sweep.x.values)))  # many columns: narrower cells
    return alt.layer(trained, others, text, picked, hits, width=alt.Step(step), height=alt.Step(cell_height))


def picked_cell(selection: Mapping[str, object] | None) -> int | None:
    """The cell index a click selection names (Streamlit's ``{"pick": [{"cell": i}]}``), if any."""
    if not selection:
        return None
    points = selection.get(SELECTION) if isinstance(selection, Mapping) else None
    if not points or not isinstance(points, Sequence):
        return None
    first = points[0]
    cell = first.get("cell") if isinstance(first, Mapping) else None
    return int(cell) if isinstance(cell, (int, float)) and not isinstance(cell, bool) else None


__all__ = [
    "AXES",
    "MAX_CELLS",
    "METRICS",
    "SWEEP_LIMIT_SECONDS",
    "Axis",
    "Cell",
    "CellState",
    "Cost",
    "Sweep",
    "cell_state",
    "check_axis_value",
    "default_base",
    "format_value",
    "make_sweep",
    "parse_values",
    "picked_cell",
    "progress_counts",
    "spaced_values",
    "state_text",
    "sweep_chart",
    "sweep_cost",
    "sweep_frame",
]

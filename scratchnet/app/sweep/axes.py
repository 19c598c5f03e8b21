"""The settings a sweep can vary, and the values along one side of its grid.

Pure logic, no Streamlit: each axis's spacing and range stops, evenly spaced values, typed values
parsed, and every value checked against ``config.FIELDS``. A refused value is named by the
control's label (what the student sees), never by the field's internal name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from scratchnet.app.runs.config import FIELDS, OPTIMIZER_LABELS, check_field
from scratchnet.app.text import fmt
from scratchnet.choices import users

MIN_VALUES, MAX_VALUES = 2, 8  # values per axis


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
        note=f"Momentum is read only by {' and '.join(OPTIMIZER_LABELS[key] for key in users('momentum'))}.",
    ),
}


def format_value(name: str, value: float) -> str:
    """A value as an axis label, in the app's one number form: ``0.001``, ``1e-5``, ``1,000`` epochs."""
    return fmt(int(value), ",") if AXES[name].integer else fmt(value)


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
    """One value for axis ``name``, checked against ``config.FIELDS`` (``ValueError`` if refused,
    naming the axis by its label: "Learning rate: each value must be …")."""
    if name not in AXES:
        raise ValueError(f"a sweep axis must be one of {', '.join(AXES)}; got {name!r}")
    try:
        return check_field("hidden", (value,))[0] if name == "hidden" else check_field(name, value)
    except ValueError as error:
        reason = str(error)
        for internal in ("hidden units", name):  # the field's own words start its messages
            if reason.startswith(internal + " "):
                reason = reason[len(internal) + 1 :]
                break
        raise ValueError(f"{AXES[name].label}: each value {reason}") from None


def parse_values(name: str, text: str) -> tuple[float, ...]:
    """Values typed by hand (``"0.01, 0.1, 1"``), each checked against the axis's bounds."""
    parts = [part for part in re.split(r"[,;\s]+", text.strip()) if part]
    values = []
    for part in parts:
        try:
            number = float(part)
        except ValueError:
            raise ValueError(
                f"{AXES[name].label}: the values must be numbers separated by commas; got {part[:20]!r}"
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


# ---- what a map over two settings shows -------------------------------------------------------------
AXIS_NOTES: dict[str, tuple[str, ...]] = {
    "lr": (
        "**Too large a learning rate** and the steps overshoot: the loss blows up (grey, *diverged*) or "
        "jumps about without settling.",
        "**Too small** and the network barely moves in the epochs it has: it stays near chance.",
    ),
    "decay": (
        "**Decay** shrinks the step as training goes on, `lr / (1 + decay · t)`: a little can help it settle, "
        "too much stops it before it has learned.",
    ),
    "hidden": (
        "**More hidden units** can draw more winding boundaries; too few and the network cannot follow the shape "
        "of the data. Each unit also costs training time.",
    ),
    "epochs": (
        "**More epochs** give the network longer to learn: accuracy climbs, then levels off. Colour by held-out "
        "accuracy to see whether the extra epochs still help on unseen points.",
    ),
    "momentum": (
        "**Momentum** carries part of each step into the next: it speeds gradient descent along long, shallow "
        "valleys, and near 1 it overshoots and swings about.",
    ),
}


def explainer(x_name: str, y_name: str) -> tuple[str, str]:
    """The title and the bullet points (Markdown) of "what this map shows", for the two axes chosen."""
    names = [name for name in dict.fromkeys((x_name, y_name)) if name in AXES]
    title = "What a " + " × ".join(AXES[name].label.lower() for name in names) + " map shows"
    bullets = [note for name in names for note in AXIS_NOTES[name]]
    bullets.append("Good settings form a region, not a single point: look for its edges.")
    return title, "\n".join(f"- {bullet}" for bullet in bullets)


# ---- axes under a classroom link ------------------------------------------------------------
def hidden_fields(hidden: frozenset[str]) -> frozenset[str]:
    """The settings a teacher's hide list hides, by name or by group."""
    return frozenset(name for name, spec in FIELDS.items() if name in hidden or spec.group in hidden)


def axis_choices(hidden: frozenset[str]) -> tuple[str, ...]:
    """The settings an axis may vary: every one but those a teacher's hide list keeps fixed (an axis
    would hand the student the very setting the link holds)."""
    fixed = hidden_fields(hidden)
    return tuple(name for name in AXES if name not in fixed)


def too_few_axes(hidden: frozenset[str]) -> str | None:
    """Why no sweep can be set up under this hide list (it leaves fewer than two axis settings), or None."""
    choices = axis_choices(hidden)
    if len(choices) >= 2:
        return None
    kept = " and ".join(AXES[name].label.lower() for name in AXES if name not in choices)
    left = f"only {AXES[choices[0]].label.lower()} is left" if choices else "none is left"
    return f"This classroom link keeps {kept} fixed. A sweep varies two settings, and {left}."

"""One training run's whole configuration, its bounds, and how it travels through a URL.

``FIELDS`` is the single source of truth for every control: its type, default, bounds and
label. The sidebar draws its widgets from it, ``from_query`` validates URL values against it,
and ``RunConfig`` takes its defaults from it and checks itself against it, so a value that a
widget could not produce is refused in the same words wherever it comes from.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scratchnet import DEFAULT_FEATURES, FEATURE_LABELS, FEATURES  # what a network may see, and how it is written
from scratchnet.checks import check_choice, check_float, check_int
from scratchnet.choices import ACTIVATION_CHOICES, OPTIMIZER_CHOICES, OPTIMIZER_SETTINGS, users, uses
from scratchnet.datasets import DATASETS

MAX_HIDDEN_LAYERS = 4
MAX_POINTS = 20_000  # uploaded points (the built-in datasets stop at 1 000 per class)
MAX_UNITS = 128
SNAPSHOTS = 60  # parameter snapshots kept per run, for the replay slider


@dataclass(frozen=True)
class Field:
    """A control: ``kind`` is "int", "float", "choice", "layers" or "features" (a subset of ``choices``)."""

    kind: str
    default: Any
    label: str
    help: str = ""
    low: float | None = None
    high: float | None = None
    choices: Mapping[str, str] | None = None  # value -> label shown to the user
    group: str = "data"


DATASET_LABELS = {"spiral": "Spiral", "moons": "Moons", "circles": "Circles", "xor": "XOR", "blobs": "Gaussian blobs"}
INIT_LABELS = {"he": "He", "glorot": "Glorot", "notebook": "0.01 × randn (the notebook's)"}
#: Activations and optimizers: each one's link value and label, from its record (``scratchnet.choices``).
ACTIVATION_LABELS = {key: choice.label for key, choice in ACTIVATION_CHOICES.items()}
OPTIMIZER_LABELS = {key: choice.label for key, choice in OPTIMIZER_CHOICES.items()}


def used_by(setting: str) -> str:
    """Which optimizers read ``setting``, in words: "For GD and Nesterov only."."""
    return f"For {' and '.join(OPTIMIZER_CHOICES[key].short for key in users(setting))} only."


FIELDS: dict[str, Field] = {
    "dataset": Field("choice", "spiral", "Dataset", choices=DATASET_LABELS),
    "samples": Field("int", 100, "Points per class", "How many points each class gets.", 5, 1000),
    "classes": Field("int", 3, "Classes", "Spiral, circles and blobs take 2-10; moons and XOR have 2.", 2, 10),
    "noise": Field("float", 0.2, "Noise", "Standard deviation of the random jitter.", 0.0, 1.0),
    "data_seed": Field("int", 0, "Data seed", "Same seed, same points.", 0, 999_999),
    "test_share": Field("float", 0.2, "Held out for testing", "Share of each class kept out of training.", 0.0, 0.5),
    "hidden": Field(
        "layers",
        (64,),
        "Hidden layers",
        f"Units per hidden layer, up to {MAX_HIDDEN_LAYERS} layers.",
        1,
        MAX_UNITS,
        group="network",
    ),
    "features": Field(
        "features",
        DEFAULT_FEATURES,
        "Inputs",
        "What the network sees of each point: x₁, x₂ and functions of them.",
        choices=FEATURE_LABELS,
        group="network",
    ),
    "activation": Field("choice", "relu", "Activation", choices=ACTIVATION_LABELS, group="network"),
    "init": Field("choice", "he", "Weight init", choices=INIT_LABELS, group="network"),
    "optimizer": Field("choice", "adam", "Optimizer", choices=OPTIMIZER_LABELS, group="training"),
    "lr": Field("float", 0.05, "Learning rate", "Step size.", 1e-5, 100.0, group="training"),
    "decay": Field("float", 0.0, "Decay", "lr_t = lr / (1 + decay · t), t = steps taken.", 0.0, 1.0, group="training"),
    "momentum": Field("float", 0.0, "Momentum", used_by("momentum"), 0.0, 0.99, group="training"),
    "epochs": Field("int", 2000, "Epochs", "Passes over the training points.", 1, 100_000, group="training"),
    "patience": Field(
        "int",
        0,
        "Stop early (patience)",
        "0 = off. Stops when the held-out loss has not improved for this many epochs (needs held-out points); "
        "the network stays as it was when it stopped, and the replay can go to its best epoch.",
        0,
        2000,
        group="training",
    ),
    "batch_size": Field(
        "int", 0, "Batch size", "0 = all training points at once (full batch).", 0, 10_000, group="training"
    ),
    "l2": Field(
        "float", 0.0, "L2 penalty", "Adds ½·l2·Σ‖W‖² to the loss: smaller weights.", 0.0, 0.1, group="training"
    ),
    "dtype": Field(
        "choice", "float64", "Precision", choices={"float64": "float64", "float32": "float32"}, group="training"
    ),
    "seed": Field("int", 0, "Seed", "Initial weights and batch order.", 0, 999_999, group="training"),
}


def check_field(name: str, value: Any) -> Any:
    """``value`` checked against ``FIELDS[name]``; ``ValueError`` naming the field and what is allowed."""
    spec = FIELDS[name]
    if spec.kind == "int":
        return check_int(name, value, low=int(spec.low), high=int(spec.high))
    if spec.kind == "float":
        return check_float(name, value, low=spec.low, high=spec.high)
    if spec.kind == "choice":
        return check_choice(name, value, spec.choices)
    if spec.kind == "features":
        return check_feature_choice(value)
    layers = tuple(value) if isinstance(value, (list, tuple)) else None
    if layers is None or len(layers) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"hidden must list 0 to {MAX_HIDDEN_LAYERS} layer sizes, each 1 to {MAX_UNITS}; got {value!r}")
    return tuple(check_int("hidden units", units, low=1, high=MAX_UNITS) for units in layers)


def check_feature_choice(value: Any) -> tuple[str, ...]:
    """``value`` (names from ``FEATURES``, as a control or a link gives them: one name or several, in
    any order, a name given twice counted once) as a tuple in the engine's order, so that equal choices
    make equal configs. The engine's ``check_feature_names`` checks a network's own list instead
    (its order kept, no repeats)."""
    allowed = f"features must be one or more of {', '.join(FEATURES)}, separated by commas"
    names = (value,) if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not names or not all(isinstance(name, str) for name in names):
        shown = ", ".join(map(str, names)) if isinstance(names, (list, tuple)) else str(value)
        raise ValueError(f"{allowed}; got {shown[:40]!r}")
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"{allowed}; got {', '.join(unknown)[:40]!r}")
    return tuple(name for name in FEATURES if name in names)  # one order: equal choices make equal configs


def _default(name: str) -> Any:
    """A ``RunConfig`` field's default, read from ``FIELDS`` (defaults are written only there)."""
    return dataclasses.field(default=FIELDS[name].default)


@dataclass(frozen=True)
class RunConfig:
    """Everything that decides a run's result. Equal configs train to identical results."""

    dataset: str = _default("dataset")
    samples: int = _default("samples")
    classes: int = _default("classes")
    noise: float = _default("noise")
    data_seed: int = _default("data_seed")
    test_share: float = _default("test_share")
    hidden: tuple[int, ...] = _default("hidden")
    features: tuple[str, ...] = _default("features")
    activation: str = _default("activation")
    init: str = _default("init")
    optimizer: str = _default("optimizer")
    lr: float = _default("lr")
    decay: float = _default("decay")
    momentum: float = _default("momentum")
    epochs: int = _default("epochs")
    patience: int = _default("patience")  # 0 = off
    batch_size: int = _default("batch_size")
    l2: float = _default("l2")
    dtype: str = _default("dtype")
    seed: int = _default("seed")
    data_id: str = ""  # fingerprint of uploaded points; "" for a built-in dataset
    data_points: int = 0  # how many uploaded points (0 for a built-in dataset)

    def __post_init__(self) -> None:
        for name in FIELDS:
            object.__setattr__(self, name, check_field(name, getattr(self, name)))
        if self.data_id:
            object.__setattr__(self, "data_points", check_int("data_points", self.data_points, low=1, high=MAX_POINTS))
        else:
            info = DATASETS[self.dataset]
            if not info.min_classes <= self.classes <= info.max_classes:
                raise ValueError(
                    f"classes must be from {info.min_classes} to {info.max_classes} for the {self.dataset} "
                    f"dataset; got {self.classes}"
                )

    def replace(self, **changes: Any) -> RunConfig:
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @property
    def sizes(self) -> list[int]:
        """Units per layer, the inputs (one per feature) first."""
        return [len(self.features), *self.hidden, self.classes]

    @property
    def points(self) -> int:
        return self.data_points if self.data_id else self.samples * self.classes

    @property
    def train_points(self) -> int:
        """How many points the network trains on (the rest are held out)."""
        if self.data_id:
            return max(self.classes, round(self.data_points * (1 - self.test_share)))
        per_class = self.samples - min(round(self.test_share * self.samples), self.samples - 1)
        return per_class * self.classes

    @property
    def n_params(self) -> int:
        sizes = self.sizes
        return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


#: Every control is a field of the configuration (the uploaded points' two fields are not controls).
assert set(FIELDS) <= {spec.name for spec in dataclasses.fields(RunConfig)}


def fit_classes(config_values: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Bring ``classes`` into the chosen dataset's range; returns the values and a note when it moved."""
    info = DATASETS.get(config_values.get("dataset", ""), None)
    classes = config_values.get("classes")
    if info is None or not isinstance(classes, int) or info.min_classes <= classes <= info.max_classes:
        return config_values, None
    fitted = min(max(classes, info.min_classes), info.max_classes)
    allowed = (
        f"exactly {info.min_classes}"
        if info.min_classes == info.max_classes
        else f"{info.min_classes} to {info.max_classes}"
    )
    note = f"The {config_values['dataset']} dataset takes {allowed} classes; using {fitted}."
    return {**config_values, "classes": fitted}, note


def without_unused(config: RunConfig) -> RunConfig:
    """``config`` with each optimizer setting its optimizer does not read (momentum for Adam) at its
    default: a control that is hidden for that optimizer changes nothing."""
    unused = {
        name: FIELDS[name].default
        for name in OPTIMIZER_SETTINGS
        if not uses(config.optimizer, name) and getattr(config, name) != FIELDS[name].default
    }
    return config.replace(**unused) if unused else config


# ---- URLs -----------------------------------------------------------------------------
def _parse(name: str, text: str) -> Any:
    kind = FIELDS[name].kind
    if kind == "int":
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{name} must be a whole number; got {text[:40]!r}") from None
        if not math.isfinite(number) or number != int(number):
            raise ValueError(f"{name} must be a whole number; got {text[:40]!r}")
        return int(number)
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{name} must be a number; got {text[:40]!r}") from None
    if kind == "features":
        return tuple(part.strip() for part in text.split(",") if part.strip())
    if kind == "layers":
        if text.strip() in ("", "none", "0"):
            return ()
        try:
            return tuple(int(part) for part in text.split(","))
        except ValueError:
            raise ValueError(
                f"hidden must be unit counts separated by commas, like 64 or 32,32; got {text[:40]!r}"
            ) from None
    return text


def from_query(params: Mapping[str, str | list[str]], base: RunConfig | None = None) -> tuple[RunConfig, list[str]]:
    """A config from URL query parameters, and one message per value that was refused.

    Unknown keys are ignored; a refused value keeps the default (or ``base``'s value), so one
    bad parameter never costs the rest of the configuration.
    """
    values = (base or RunConfig()).as_dict()
    messages: list[str] = []
    for name in FIELDS:
        if name not in params:
            continue
        raw = params[name]
        if isinstance(raw, list):
            if len(raw) > 1:
                messages.append(f"{name} was given {len(raw)} times in the link; using the last one.")
            raw = raw[-1] if raw else ""
        try:
            values[name] = check_field(name, _parse(name, str(raw)))
        except ValueError as error:
            messages.append(f"Ignored a value from the link: {error}. Kept {values[name]!r}.")
    values, note = fit_classes(values)
    if note:
        messages.append(note)
    return RunConfig(**values), messages


def to_query(config: RunConfig, base: RunConfig | None = None) -> dict[str, str]:
    """The URL parameters where ``config`` differs from ``base`` (the defaults): a short link to the same run."""
    base = base or RunConfig()
    query = {}
    for name in FIELDS:
        value = getattr(config, name)
        if value != getattr(base, name):
            if name == "hidden":
                query[name] = ",".join(map(str, value)) or "0"
            elif name == "features":
                query[name] = ",".join(value)
            else:
                query[name] = repr(value) if isinstance(value, float) else str(value)
    return query

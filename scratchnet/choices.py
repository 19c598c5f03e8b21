"""One record per choice: every optimizer and activation a run can name, described once.

A record holds the engine class that computes the choice, its name in links (``optimizer=adam``),
its label and short label (one spelling each, wherever it is shown), its formula (LaTeX, for
Under the hood), a note on what it does, the run settings it reads besides the learning rate and
decay (``momentum`` for gradient descent), and how a script writes its construction. The
notebook's own gradient descent and its ReLU derivative are registered as what they are: choices
that reproduce a bug, flagged ``bug``.

Adding an optimizer or an activation: its class in ``optimizers.py`` / ``activations.py`` and a
record in a table here. Everything that offers, builds, labels or exports a choice reads these
tables, so the new one appears in every control, link, script, comparison and board by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .activations import ACTIVATIONS, LeakyReLU, Linear, ReLU, Sigmoid, Tanh
from .activations import Activation as ActivationLayer
from .notebook import NotebookGD, NotebookReLU
from .optimizers import SGD, Adagrad, Adam, Nesterov, Optimizer, RMSprop


def script_name(cls: type) -> str:
    """How a script that did ``import scratchnet as sn`` names ``cls``: ``sn.Adam`` when the package
    exports it, else through its module (``sn.optimizers.Nesterov``)."""
    import scratchnet  # the package imports this module: look it up only when a script is written

    if getattr(scratchnet, cls.__name__, None) is cls:
        return f"sn.{cls.__name__}"
    return f"sn.{cls.__module__.removeprefix('scratchnet.')}.{cls.__name__}"


@dataclass(frozen=True)
class Comparison:
    """Settings that suit an optimizer on the 3-class spiral with 64 hidden ReLU units (full batch):
    one contender in a side-by-side comparison. ``label`` "" means the optimizer's short label."""

    settings: Mapping[str, float]
    label: str = ""
    note: str = ""


@dataclass(frozen=True)
class OptimizerChoice:
    """An optimizer as a run names it. ``uses``: the run settings its rule reads besides ``lr`` and
    ``decay`` (each a keyword of ``engine`` and a field of the app's run configuration)."""

    key: str
    engine: type[Optimizer]
    label: str
    short: str
    formula: str
    notes: str
    uses: tuple[str, ...] = ()
    bug: bool = False
    script_note: str = ""  # a comment the exported script writes beside the construction
    compared: tuple[Comparison, ...] = ()

    def arguments(self, lr: float, decay: float, settings: Mapping[str, Any]) -> dict[str, Any]:
        """The keywords that build it: ``lr``, ``decay`` and the settings it uses, read from ``settings``."""
        return {"lr": lr, "decay": decay, **{name: settings[name] for name in self.uses}}

    def build(self, lr: float, decay: float, settings: Mapping[str, Any]) -> Optimizer:
        return self.engine(**self.arguments(lr, decay, settings))

    def script(self, lr: float, decay: float, settings: Mapping[str, Any]) -> str:
        """The construction as a line of Python: ``sn.SGD(lr=1.0, decay=0.0, momentum=0.9)``."""
        args = ", ".join(f"{name}={float(value)!r}" for name, value in self.arguments(lr, decay, settings).items())
        note = f"  # {self.script_note}" if self.script_note else ""
        return f"{script_name(self.engine)}({args}){note}"


@dataclass(frozen=True)
class ActivationChoice:
    """An activation as a run names it. ``formula`` and ``derivative`` are LaTeX with ``{z}`` (the
    unit's sum) and ``{a}`` (its output) to fill in; ``symbol`` is how a unit's formula writes the
    function (``""``: no function, the sum itself)."""

    key: str
    engine: type[ActivationLayer]
    label: str
    short: str
    formula: str
    derivative: str
    notes: str
    derivative_notes: str
    symbol: str
    bug: bool = False
    script_note: str = ""  # a comment the exported script writes before the network

    def script(self) -> str:
        """The ``activation=`` value a script passes to ``sn.mlp``: its name, or its class when the
        engine's ``ACTIVATIONS`` does not know it."""
        return f'"{self.key}"' if ACTIVATIONS.get(self.key) is self.engine else script_name(self.engine)


OPTIMIZER_CHOICES: dict[str, OptimizerChoice] = {
    choice.key: choice
    for choice in (
        OptimizerChoice(
            "sgd",
            SGD,
            "Gradient descent (+ momentum)",
            "GD",
            r"v \leftarrow \mu v - \eta_t g, \quad \theta \leftarrow \theta + v",
            "A step against the gradient; with momentum μ > 0 part of each step carries into the next.",
            uses=("momentum",),
            compared=(
                Comparison({"lr": 1.0}),
                Comparison({"lr": 1.0, "decay": 1e-3}, "GD + decay"),
                Comparison({"lr": 1.0, "decay": 1e-3, "momentum": 0.9}, "Momentum"),
            ),
        ),
        OptimizerChoice(
            "nesterov",
            Nesterov,
            "Nesterov momentum",
            "Nesterov",
            r"v \leftarrow \mu v - \eta_t g, \quad \theta \leftarrow \theta + \mu v - \eta_t g",
            "Momentum that looks ahead: each step adds where the velocity is heading, so it brakes sooner when the "
            "gradient turns.",
            uses=("momentum",),
            compared=(Comparison({"lr": 1.0, "decay": 1e-3, "momentum": 0.9}),),
        ),
        OptimizerChoice(
            "adagrad",
            Adagrad,
            "Adagrad",
            "Adagrad",
            r"c \leftarrow c + g^2, \quad \theta \leftarrow \theta - \eta_t \frac{g}{\sqrt{c} + \epsilon}",
            "Each weight's step is divided by the root of the sum of its squared gradients so far.",
            compared=(Comparison({"lr": 1.0, "decay": 1e-4}),),
        ),
        OptimizerChoice(
            "rmsprop",
            RMSprop,
            "RMSprop",
            "RMSprop",
            r"c \leftarrow \rho c + (1-\rho) g^2, \quad \theta \leftarrow \theta - \eta_t \frac{g}{\sqrt{c} + \epsilon}",
            "Each weight's step is divided by a decaying average of its squared gradients (ρ 0.9).",
            compared=(Comparison({"lr": 0.02, "decay": 1e-5}, note="ρ 0.9"),),
        ),
        OptimizerChoice(
            "adam",
            Adam,
            "Adam",
            "Adam",
            r"m \leftarrow \beta_1 m + (1-\beta_1) g, \quad v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad "
            r"\theta \leftarrow \theta - \eta_t \frac{m / (1-\beta_1^t)}{\sqrt{v / (1-\beta_2^t)} + \epsilon}",
            "Momentum and RMSprop together, bias-corrected (β₁ 0.9, β₂ 0.999).",
            compared=(Comparison({"lr": 0.05, "decay": 5e-7}),),
        ),
        OptimizerChoice(
            "notebook_gd",
            NotebookGD,
            "Gradient descent, the notebook's (decay never applied)",
            "notebook GD",
            r"\theta \leftarrow \theta - \eta g \quad (\eta_t = \eta: \text{the decay is never applied})",
            "The notebook's gradient descent as written: it computed the decayed rate once, before the first step.",
            bug=True,
            script_note="the notebook's: its decay is never applied",
        ),
    )
}

ACTIVATION_CHOICES: dict[str, ActivationChoice] = {
    choice.key: choice
    for choice in (
        ActivationChoice(
            "relu",
            ReLU,
            "ReLU",
            "ReLU",
            r"\max(0,\ {z})",
            r"\mathbf{{1}}[{z} > 0]",
            "Negative sums become 0: for that point the unit is off.",
            "Only units that were on (z > 0) pass the gradient back; the slope of ReLU there is 1.",
            "ReLU",
        ),
        ActivationChoice(
            "leaky_relu",
            LeakyReLU,
            "Leaky ReLU",
            "Leaky ReLU",
            r"\max(\alpha {z},\ {z})",
            r"\big(1 \text{{ if }} {z} > 0 \text{{ else }} \alpha\big)",
            "Negative sums are scaled by α = 0.01 instead of cut to 0.",
            "The slope is 1 where the unit is on and α = 0.01 where it is off.",
            "Leaky ReLU",
        ),
        ActivationChoice(
            "tanh",
            Tanh,
            "tanh",
            "tanh",
            r"\tanh {z}",
            r"(1 - {a}^2)",
            "Squashes every sum into (−1, 1).",
            "The slope of tanh is 1 − tanh², largest near 0 and vanishing where the unit saturates.",
            "tanh",
        ),
        ActivationChoice(
            "sigmoid",
            Sigmoid,
            "sigmoid",
            "sigmoid",
            r"\sigma({z}) = \frac{{1}}{{1 + e^{{-{z}}}}}",
            r"{a}\,(1 - {a})",
            "Squashes every sum into (0, 1).",
            "The slope of σ is σ(1 − σ), at most 0.25.",
            "σ",
        ),
        ActivationChoice(
            "linear",
            Linear,
            "linear (none)",
            "linear",
            r"{z}",
            r"1",
            "Passes the sums through unchanged: without a non-linearity, the layers add up to one linear map.",
            "The slope of the identity is 1: the gradient passes unchanged.",
            "",
        ),
        ActivationChoice(
            "notebook_relu",
            NotebookReLU,
            "ReLU, the notebook's derivative (bug)",
            "notebook ReLU",
            r"\max(0,\ {z})",
            r"\max({z},\ 0)",
            "Forward, the notebook's ReLU is the ordinary one: negative sums become 0.",
            "The notebook's bug: it multiplies by z itself where the slope of ReLU is 1, so units with big inputs get "
            "inflated gradients and units with small ones almost none. The right factor is 1[z > 0].",
            "ReLU",
            bug=True,
            script_note="sn.NotebookReLU: the notebook's ReLU derivative (a bug, kept on purpose)",
        ),
    )
}

#: Every run setting some optimizer reads besides ``lr`` and ``decay`` (``momentum``).
OPTIMIZER_SETTINGS: tuple[str, ...] = tuple(
    dict.fromkeys(name for choice in OPTIMIZER_CHOICES.values() for name in choice.uses)
)


def uses(optimizer: str, setting: str) -> bool:
    """Whether the optimizer named ``optimizer`` reads the run setting ``setting`` (momentum: gradient
    descent does). ``lr`` and ``decay`` are read by all; an unknown optimizer reads nothing else."""
    if setting in ("lr", "decay"):
        return True
    choice = OPTIMIZER_CHOICES.get(optimizer)
    return choice is not None and setting in choice.uses


def users(setting: str) -> tuple[str, ...]:
    """The optimizers (names) that read ``setting``, in the table's order."""
    return tuple(key for key in OPTIMIZER_CHOICES if uses(key, setting))

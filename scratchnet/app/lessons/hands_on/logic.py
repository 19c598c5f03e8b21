"""Be the network: three lessons the student does by hand, inside the Lessons page.

*A neuron by hand* (the student sets one unit's weights and bias), *Which way is downhill* (the
student takes gradient steps one click at a time) and *One point through the network* (one point's
forward pass, loss and backward pass through a 2 → 3 → 2 network, a step at a time). No training
job: every number is the engine's, computed on the fly from the student's own state, which is a
small immutable value (``Unit``, ``Descent``, ``Walk``); the goal is checked on that state.

The unit is a two-class linear softmax whose class-0 score is held at 0: its class-1 score is
``z = w₁x₁ + w₂x₂ + b`` and ``p(class 1) = e^z / (1 + e^z)``, the logistic unit, with the engine's
own loss and gradient. No Streamlit here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

import scratchnet as sn
from scratchnet.app.lessons.model import PLACEHOLDER, UNDER_THE_HOOD, Fact, Sight, about
from scratchnet.app.runs.step_trace import trace_step
from scratchnet.app.runs.trace_stages import StepTrace

UNIT_RANGE = 5.0  # each slider runs from -5 to 5 ...
UNIT_STEP = 0.1  # ... in steps of 0.1
ANGLE = math.radians(35)  # the two blobs lie along a tilted line: both weights and the bias matter
SHIFT = np.array([0.4, -0.3])


@functools.cache
def unit_points() -> tuple[np.ndarray, np.ndarray]:
    """Twenty points in two blobs that a straight line splits but for two (a line along no axis and
    not through 0): with a little overlap, the loss has a lowest point a step can overshoot."""
    X, y = sn.make_dataset("blobs", 10, 2, 0.8, seed=3)
    turn = np.array([[math.cos(ANGLE), math.sin(ANGLE)], [-math.sin(ANGLE), math.cos(ANGLE)]])
    X = X @ turn + SHIFT
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def unit_network(w1: float, w2: float, b: float) -> sn.Network:
    """The unit as the engine's network: class 0's score held at 0, class 1's ``w₁x₁ + w₂x₂ + b``."""
    net = sn.mlp([2, 2], activation="linear", init="he", seed=0, dtype="float64")
    net.set_params({"W1": np.array([[0.0, w1], [0.0, w2]]), "b1": np.array([0.0, b])})
    return net


@dataclass(frozen=True)
class Unit:
    """The unit's weights and bias as the student set them, and what they give on the points."""

    w1: float = 0.0
    w2: float = 0.0
    b: float = 0.0

    @functools.cached_property
    def _measured(self) -> tuple[float, float, np.ndarray]:
        X, y = unit_points()
        net = unit_network(self.w1, self.w2, self.b)
        loss, dlogits = sn.softmax_cross_entropy(net.forward(X), y)
        net.backward(dlogits)  # the engine's backward: ∂L/∂W = Xᵀ ∂L/∂z, ∂L/∂b = Σ ∂L/∂z
        gradient = np.array([net.grads["W1"][0, 1], net.grads["W1"][1, 1], net.grads["b1"][1]])
        return float(loss), sn.accuracy(net.logits(X), y), gradient

    @property
    def loss(self) -> float:
        """The mean cross-entropy of the unit on the points."""
        return self._measured[0]

    @property
    def accuracy(self) -> float:
        return self._measured[1]

    @property
    def gradient(self) -> np.ndarray:
        """∂L/∂(w₁, w₂, b): which way, and how steeply, the loss rises as each one grows."""
        return self._measured[2]

    @property
    def values(self) -> np.ndarray:
        return np.array([self.w1, self.w2, self.b])

    def step(self, lr: float) -> Unit:
        """One gradient-descent step of size ``lr``: each number moves by −lr × its gradient."""
        w1, w2, b = self.values - lr * self.gradient
        return Unit(float(w1), float(w2), float(b))


DESCENT_START = Unit(2.0, 1.0, -1.0)  # a line the wrong way round: every number has a long way to go
LR_CHOICES = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
MAX_STEPS = 200  # a student's walk downhill keeps at most this many steps


@dataclass(frozen=True)
class Descent:
    """The student's own gradient steps from ``DESCENT_START``: the unit after each, and each step's size."""

    units: tuple[Unit, ...] = (DESCENT_START,)
    rates: tuple[float, ...] = ()

    @property
    def now(self) -> Unit:
        return self.units[-1]

    def step(self, lr: float) -> Descent:
        if lr not in LR_CHOICES:
            raise ValueError(f"the step size must be one of {', '.join(map(str, LR_CHOICES))}; got {lr!r}")
        if len(self.rates) >= MAX_STEPS:
            return self
        return Descent((*self.units, self.now.step(lr)), (*self.rates, lr))

    @property
    def losses(self) -> list[float]:
        return [unit.loss for unit in self.units]

    @property
    def rose(self) -> bool:
        """Whether some step made the loss go up (a step too large for the slope)."""
        return any(after > before for before, after in zip(self.losses, self.losses[1:]))


@functools.cache
def best_unit() -> Unit:
    """The unit gradient descent settles on (3 000 steps of η = 1 from 0): the best line there is."""
    unit = Unit()
    for _ in range(3000):
        unit = unit.step(1.0)
    return unit


# ---- one point through a 2 → 3 → 2 network ---------------------------------------------------------------
WALK_POINT = (np.array([[0.6, -0.9]]), np.array([1]))  # one point of class 1
WALK_SEED = 11  # a start whose three hidden units are all active for the point (none is stuck at 0)
WALK_LR = 0.5
WALK_GOAL = 0.92  # the probability of the true class the student's steps should reach
WALK_MAX_STEPS = 50


def walk_network() -> sn.Network:
    return sn.mlp([2, 3, 2], activation="relu", init="he", seed=WALK_SEED, dtype="float64")


@dataclass(frozen=True)
class Walk:
    """The 2 → 3 → 2 network after the student's steps on the one point (each of size ``WALK_LR``)."""

    params: dict[str, np.ndarray] = field(default_factory=lambda: walk_network().get_params(), repr=False)
    steps: int = 0

    def network(self) -> sn.Network:
        net = walk_network()
        net.set_params(self.params)
        return net

    @functools.cached_property
    def trace(self) -> StepTrace:
        """The next step, stage by stage: the same code as Under the hood's step-through."""
        return trace_step(self.network(), *WALK_POINT, WALK_LR, inputs=("x₁", "x₂"))

    @property
    def p_true(self) -> float:
        """The probability the network gives the point's true class now."""
        return float(self.trace.stage("p").values[0, WALK_POINT[1][0]])

    def step(self) -> Walk:
        if self.steps >= WALK_MAX_STEPS:
            return self
        return Walk(self.trace.params_after, self.steps + 1)


# ---- the three lessons --------------------------------------------------------------------------------------
NEURON_GOAL = 0.35
DOWNHILL_GOAL = 0.3


@dataclass(frozen=True)
class HandsOn:
    """A lesson done on the Lessons page: its text (``{fact}`` placeholders as in ``Lesson``), the
    student's state (``start``), and the goal checked on that state (``met``, ``reading``)."""

    key: str
    title: str
    paragraphs: tuple[str, ...]
    task: str
    goal: str
    start: Callable[[], object]
    met: Callable[[object], bool]
    reading: Callable[[object], str]
    hint: str
    why: str
    facts: Mapping[str, Fact] = field(default_factory=dict)
    also: tuple[Sight, ...] = ()

    def text(self) -> list[str]:
        """The paragraphs with every quoted number written in."""
        return [PLACEHOLDER.sub(lambda match: self.facts[match.group(1)].text, part) for part in self.paragraphs]


def _by_hand_met(unit: object) -> bool:
    return isinstance(unit, Unit) and unit.loss <= NEURON_GOAL


def _downhill_met(descent: object) -> bool:
    return isinstance(descent, Descent) and bool(descent.rates) and descent.now.loss <= DOWNHILL_GOAL


NEURON_LESSON = HandsOn(
    key="neuron",
    title="A neuron by hand",
    paragraphs=(
        "A neuron takes a point's two coordinates, multiplies each by a **weight**, adds a **bias**, and gets "
        "one number, its score (z = w₁x₁ + w₂x₂ + b). A big positive score says *class 1*, a big "
        "negative one *class 0*; the line where the score is exactly 0 is where it cannot tell.",
        "How wrong it is, all points together, is one number too: the **loss**. Each point adds how surprised "
        "the neuron was by its true class; a point on the wrong side of the line adds a lot. With every weight "
        "and the bias at 0 the neuron says 50 : 50 for every point: the loss is {zero_loss} and it gets "
        "{zero_accuracy} of the points right. The two groups overlap a little: the best line there is gets "
        "{best_accuracy} right, with a loss of {best_loss}.",
        "Set the weights and the bias yourself and watch the line turn and slide. The weights turn it, the bias "
        "moves it without turning. In formulas: $p = \\sigma(z) = 1 / (1 + e^{-z})$ is the neuron's "
        "probability of class 1, and the loss is the mean of $-\\ln p$ of each point's true class.",
    ),
    task="Move the three sliders until the neuron's loss is at most 0.35.",
    goal=f"a loss of at most {NEURON_GOAL:.2f}, set by hand",
    start=Unit,
    met=_by_hand_met,
    reading=lambda unit: f"loss {unit.loss:.3f}, {unit.accuracy:.0%} of the points right",
    hint="First turn the line until it runs between the two groups (the weights), then slide it into the gap "
    "(the bias). Once every point is on its side, make the weights larger together: the same line, surer.",
    why="Every point is on its own side of the line, and far from it: the neuron is sure, and right, for each. "
    "Larger weights make the score change faster across the line, so the same line gives a smaller loss.",
    facts={
        "zero_loss": about(math.log(2), ".2f", 0.0, lambda trainer: Unit().loss),
        "zero_accuracy": about(0.5, ".0%", 0.0, lambda trainer: Unit().accuracy),
        "best_accuracy": about(0.9, ".0%", 0.0, lambda trainer: best_unit().accuracy),
        "best_loss": about(0.28, ".2f", 0.01, lambda trainer: best_unit().loss),
    },
)

DOWNHILL_LESSON = HandsOn(
    key="downhill",
    title="Which way is downhill",
    paragraphs=(
        "Moving sliders by hand works for three numbers; a network has thousands. It needs to know, for each "
        "number, which way to move it. That is the **gradient**: for each weight, how much the loss rises when "
        "the weight grows a little. A positive gradient says *make it smaller*, a negative one *make it larger*.",
        "One step of **gradient descent** moves every number at once, against its gradient, by the gradient "
        "times the **learning rate** η: $w \\leftarrow w - \\eta\\, \\partial L / \\partial w$. The same neuron "
        "as before starts with its line the wrong way round: loss {start_loss}.",
        "A small η takes small, safe steps. A big one can jump right over the valley and land higher up the "
        "other side: from the start, one step with η = 100 takes the loss from {start_loss} to {jump_loss}.",
    ),
    task="Take gradient steps, one click each, until the loss is at most 0.30. Try a too-large η once.",
    goal=f"a loss of at most {DOWNHILL_GOAL:.2f}, reached by your own steps",
    start=Descent,
    met=_downhill_met,
    reading=lambda descent: f"loss {descent.now.loss:.3f} after {len(descent.rates)} steps",
    hint="Steps of η = 3 go down steadily here; η = 100 overshoots. Press the step button several times.",
    why="Each step moved every number against its gradient, so each step went downhill. The loss chart shows "
    "the curve falling step by step, and any step where a too-large η made it jump up.",
    facts={
        "start_loss": about(2.69, ".2f", 0.01, lambda trainer: DESCENT_START.loss),
        "jump_loss": about(6.1, ".1f", 0.1, lambda trainer: DESCENT_START.step(100.0).loss),
    },
)

WALK_LESSON = HandsOn(
    key="one_point",
    title="One point through the network",
    paragraphs=(
        "A network is neurons in layers. Here: 2 inputs, a hidden layer of 3 neurons, and 2 outputs, one per "
        "class. Follow one point of class 1 through it. **Forward**: each hidden neuron computes its score from "
        "the point and keeps it if positive (ReLU); each output neuron scores the hidden ones; **softmax** turns "
        "the two scores into two probabilities that add to 1. At the start the network gives the true class "
        "{start_p}.",
        "The **loss** for the point is $-\\ln p$ of its true class: {start_loss} now. **Backward**: starting "
        "from the loss, the network works out, layer by layer from the top, how the loss changes with each "
        "weight — the gradient. Each weight then moves against its gradient.",
        "This is the same code as *Under the hood*'s step-through, on a network small enough to read every "
        "number. One step with η = 0.5 takes the true class's probability from {start_p} to {after_p}.",
    ),
    task="Step the network on this one point until it gives the true class a probability of at least 0.92.",
    goal=f"a probability of at least {WALK_GOAL:.2f} for the point's true class, by your own steps",
    start=Walk,
    met=lambda walk: isinstance(walk, Walk) and walk.steps > 0 and walk.p_true >= WALK_GOAL,
    reading=lambda walk: f"p(true class) {walk.p_true:.3f} after {walk.steps} steps",
    hint="Each click is one forward pass, one backward pass and one step. Watch the gradients shrink as the "
    "probability grows: the closer the network is to right, the smaller its steps.",
    why="Every step raised the true class's score and lowered the other's, through the output weights and, "
    "behind them, the hidden neurons that were active for this point. The gradient tables show it: each "
    "weight moved against its own gradient.",
    also=(Sight(UNDER_THE_HOOD, "See a whole batch step by step", tab="One training step"),),
    facts={
        "start_p": about(0.015, ".3f", 0.001, lambda trainer: Walk().p_true),
        "start_loss": about(4.20, ".2f", 0.02, lambda trainer: -math.log(Walk().p_true)),
        "after_p": about(0.73, ".2f", 0.01, lambda trainer: Walk().step().p_true),
    },
)

HANDS_ON: tuple[HandsOn, ...] = (NEURON_LESSON, DOWNHILL_LESSON, WALK_LESSON)
BY_KEY = {lesson.key: lesson for lesson in HANDS_ON}

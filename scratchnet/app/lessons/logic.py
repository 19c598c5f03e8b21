"""The lessons, as data: a guided path from "a line cannot split a spiral" to Adam and past it.

``LESSONS`` is the whole catalogue, in order; a teacher adds a lesson by adding one entry. Each
lesson's text quotes numbers only through its ``facts`` (each says how to measure it, and a test
trains the runs and checks it against this engine); its goal is a tuple of ``Rule``s checked on a
``RunResult``; its ``setup`` is the run it opens, its ``solution`` one that meets the goal. No
Streamlit here (``model`` says what each part means).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from scratchnet.app.lessons.data_lessons import FEATURES_LESSON, OWN_POINTS_LESSON
from scratchnet.app.lessons.measures import falls, final, gradient_error, rises
from scratchnet.app.lessons.model import (
    UNDER_THE_HOOD,
    Fact,
    Lesson,
    Rule,
    Sight,
    Standing,
    Trainer,
    about,
    at_least,
    at_most,
    controls_besides,
    hidden_text,
    plain_number,
    run_fact,
    standing,
    test_loss,
    train,
    train_accuracy,
)
from scratchnet.app.runs.config import RunConfig
from scratchnet.notebook import NotebookReLU

__all__ = ["BY_KEY", "LESSONS", "Fact", "Lesson", "Rule", "Standing", "progress", "standing", "train"]

SPIRAL = RunConfig()  # the Playground's default: the spiral, 64 ReLU units, Adam, 2 000 epochs


# ---- 1 · the spiral -------------------------------------------------------------------------------
_LINEAR = SPIRAL.replace(hidden=(), epochs=1000)
SPIRAL_LESSON = Lesson(
    key="spiral",
    title="A line cannot split a spiral",
    paragraphs=(
        "The spiral: three arms of 100 points each, wound around the centre. The network sees a point's two "
        "coordinates, x₁ and x₂, and has to say which arm it is on.",
        "With no hidden layer the network is a *linear softmax*: $p = \\mathrm{softmax}(Wx + b)$. Between any two "
        "classes the boundary is where their scores are equal, $w_i \\cdot x + b_i = w_j \\cdot x + b_j$: a straight "
        "line. No straight line follows an arm. Trained for 1 000 epochs with Adam it gets {linear_accuracy} of "
        "the training points right; guessing gets {chance_accuracy}.",
        "A hidden layer bends the lines: $h = \\mathrm{ReLU}(W_1 x + b_1)$, $p = \\mathrm{softmax}(W_2 h + b_2)$. "
        "Each ReLU unit folds the plane along one line, and the output layer adds the folds up.",
    ),
    setup=_LINEAR,
    hide=frozenset({"data", "training", "presets", "features"}),
    task="Give the network a hidden layer, press **Train**, and reach at least 90% training accuracy.",
    rules=(at_least("training accuracy", train_accuracy, 0.9),),
    hint="Open **Network** in the sidebar and set **Hidden layers** to 1; 64 units is a good start.",
    solution=_LINEAR.replace(hidden=(64,)),
    why=(
        "The hidden layer's units each fold the plane along a line, and the output adds the folds up: on the map "
        "the boundary now bends along the arms, and in the network diagram each hidden unit's square shows its "
        "own fold."
    ),
    facts={
        "linear_accuracy": about(0.38, ".0%", 0.06, run_fact(_LINEAR, train_accuracy)),
        "chance_accuracy": about(1 / 3, ".0%", 0.0, lambda trainer: 1 / _LINEAR.classes),
    },
)

# ---- 2 · how many units ---------------------------------------------------------------------------
_WIDTHS = {8: 0.54, 16: 0.78, 32: 0.94, 64: 0.975}
UNITS_LESSON = Lesson(
    key="units",
    title="One hidden layer: how many units?",
    paragraphs=(
        "Each hidden unit draws one line across the plane, and ReLU folds the plane along it; the output layer "
        "adds the folds up. More units, more folds, a closer fit to the arms — and more numbers to learn. (The "
        "line is $w \\cdot x + b = 0$; a layer of $n$ units between 2 inputs and 3 classes has $3n + 3(n + 1)$ "
        "weights and biases.)",
        "Trained the same way (Adam, 2 000 epochs), the training accuracy grows with the width: 8 units "
        "{units_8}, 16 units {units_16}, 32 units {units_32}, 64 units {units_64}.",
        "Training accuracy is not the whole story: the held-out points come in the lesson on overfitting.",
    ),
    setup=SPIRAL.replace(hidden=(8,)),
    hide=controls_besides("hidden"),
    task="Find a width that is enough: at least 90% training accuracy with **one** hidden layer of at most 32 units.",
    rules=(
        Rule(
            "one hidden layer of at most 32 units",
            lambda result: len(result.config.hidden) == 1 and result.config.hidden[0] <= 32,
            lambda result: hidden_text(result.config.hidden),
        ),
        at_least("training accuracy", train_accuracy, 0.9),
    ),
    hint="Double the units until the goal lights up; the widths above show where it happens.",
    solution=SPIRAL.replace(hidden=(32,)),
    why=(
        "Enough units give enough folds to follow all three arms: the map's boundary now curls with them. Pick a "
        "hidden unit under **Look at a unit** to see one fold on its own."
    ),
    facts={
        f"units_{width}": about(accuracy, ".0%", 0.05, run_fact(SPIRAL.replace(hidden=(width,)), train_accuracy))
        for width, accuracy in _WIDTHS.items()
    },
)

# ---- 3 · the learning rate ------------------------------------------------------------------------
_GD = SPIRAL.replace(optimizer="sgd", epochs=1000)
LR_LESSON = Lesson(
    key="learning_rate",
    title="The learning rate: too small, too large, blown up",
    paragraphs=(
        "Gradient descent takes a step downhill: it moves every weight a little against the gradient of the loss. "
        "The learning rate, η, is the size of that step ($\\theta \\leftarrow \\theta - \\eta\\, \\nabla_\\theta L$).",
        "Too small, and the network barely moves: with $\\eta = 0.01$, after 1 000 epochs the loss is "
        "{small_loss}, hardly below the {guess_loss} ($\\ln 3$) of guessing every class at one in three.",
        "Too large, and each step jumps across the valley it meant to go down: with $\\eta = 10$ the very first "
        "step takes the loss from {start_loss} up to {jump_loss}, and after 1 000 epochs it gets only "
        "{large_accuracy} of the points right. Larger still and it blows "
        "up: with $\\eta = 30$ the loss leaps so fast that the run stops at epoch {blowup_epoch}, "
        "showing the last network that was still sound.",
        "Try it: blow the loss up, then bring it back by changing only the learning rate.",
    ),
    setup=_GD.replace(lr=0.01),
    hide=controls_besides("lr"),
    task="With plain gradient descent and 1 000 epochs, change only the learning rate and reach at least 65% "
    "training accuracy.",
    rules=(at_least("training accuracy", train_accuracy, 0.65),),
    hint="The good rates lie between the too-small 0.01 and the blown-up 30: try a few in between, then a step "
    "either side of the best.",
    solution=_GD.replace(lr=2.0),
    why=(
        "A step large enough to get somewhere and small enough not to jump across the valley: the loss curve now "
        "falls steadily, where 0.01 crawled and 30 leapt."
    ),
    facts={
        "small_loss": about(1.06, ".2f", 0.03, run_fact(_GD.replace(lr=0.01), final(lambda h: h.loss))),
        "guess_loss": about(math.log(3), ".2f", 0.0, lambda trainer: math.log(_GD.classes)),
        "start_loss": about(1.23, ".2f", 0.05, run_fact(_GD.replace(lr=10.0), lambda r: r.history.loss[0])),
        "jump_loss": about(3.2, ".1f", 0.3, run_fact(_GD.replace(lr=10.0), lambda r: r.history.loss[1])),
        "large_accuracy": about(0.33, ".0%", 0.05, run_fact(_GD.replace(lr=10.0), train_accuracy)),
        "blowup_epoch": about(4, ",", 1, run_fact(_GD.replace(lr=30.0), lambda r: r.history.diverged_at or -1)),
    },
)

# ---- 4 · the notebook's ReLU derivative ------------------------------------------------------------
_NOTEBOOK = SPIRAL.replace(init="notebook", optimizer="sgd", lr=2.0, epochs=2000)  # its second run, decay aside


RELU_LESSON = Lesson(
    key="relu_bug",
    title="The notebook's ReLU derivative",
    paragraphs=(
        "ReLU passes a positive input through and turns a negative one into 0. Its slope is 1 where the input "
        "is positive and 0 elsewhere, so back-propagation lets the gradient through the active units unchanged "
        "($\\partial L / \\partial z = \\partial L / \\partial h \\cdot \\mathbf{1}[z > 0]$). The notebook multiplied "
        "by the input itself instead (`np.where(z > 0, z, 0) * dvalues`). With its tiny starting weights (0.01 × "
        "randn) every input is small, so every gradient into the first layer is shrunk to almost nothing.",
        "A gradient check catches it without trusting the code: nudge each weight by $\\pm\\varepsilon$, measure "
        "the loss, and compare the slope $(L(\\theta + \\varepsilon) - L(\\theta - \\varepsilon)) / 2\\varepsilon$ "
        "with what back-propagation computed. On a 2 → 64 → 3 network at its start (He's weights, zero biases) and "
        "20 spiral points, the first layer's relative error is {notebook_error} with the notebook's derivative "
        "and below {relu_error} (one in ten million) with the correct one. The **Gradient check** tab of *Under "
        "the hood* runs the same check, entry by entry, on its own smaller network (the one its first tab steps "
        "through), so its numbers differ; there too only the first layer fails with the notebook's derivative.",
        "What it cost: 2 000 epochs of gradient descent at learning rate 2, from the notebook's starting weights, "
        "learn {notebook_accuracy} of the training points with the notebook's derivative.",
    ),
    setup=_NOTEBOOK.replace(activation="notebook_relu"),
    hide=controls_besides("activation"),
    task="Switch the activation to the correct ReLU and reach at least 60% training accuracy.",
    rules=(at_least("training accuracy", train_accuracy, 0.6),),
    hint="Open **Network** in the sidebar: the activation is the only control left; pick plain **ReLU**.",
    solution=_NOTEBOOK.replace(activation="relu"),
    also=(Sight(UNDER_THE_HOOD, "See the gradient check", tab="Gradient check"),),
    why=(
        "With the correct derivative the gradient reaches the first layer at full size: the loss curve falls "
        "where the notebook's stayed nearly flat, and the first layer's squares in the network diagram take "
        "shapes of their own."
    ),
    facts={
        "notebook_error": about(0.27, ".2f", 0.08, lambda trainer: gradient_error(NotebookReLU)),
        "relu_error": Fact(1e-7, ".7f", 0.0, 1e-7, lambda trainer: gradient_error("relu")),
        "notebook_accuracy": about(
            0.42, ".0%", 0.05, run_fact(_NOTEBOOK.replace(activation="notebook_relu"), train_accuracy)
        ),
    },
)

# ---- 5 · decay, as the notebook meant it ------------------------------------------------------------
_DECAYED = _NOTEBOOK.replace(decay=0.01)
DECAY_LESSON = Lesson(
    key="decay",
    title="Decay, as the notebook meant it",
    paragraphs=(
        "A decay shrinks the step as training goes on (after $t$ steps the rate is $\\eta_t = \\eta / (1 + d \\cdot "
        "t)$): big steps early, small steps late, to settle into a minimum instead of bouncing around it.",
        "The notebook asked for decays of 0.01 and 0.1 but computed the rate once, at $t = 0$, so its decay never "
        "applied: its runs were constant-rate runs. Applied as meant, those decays are far too strong. From "
        "$\\eta = 2$ with $d = 0.01$, the step by epoch 2 000 is down to {decayed_lr}, and the run learns only "
        "{decayed_accuracy} of the training points.",
        "A decay pays off late in a long run, and only a gentle one: $d \\cdot t$ should stay small for most of "
        "the epochs you train.",
    ),
    setup=_DECAYED,
    hide=controls_besides("decay"),
    task="Find a decay that does not spoil the run: change only the decay, keep it above 0, and reach at least "
    "62% training accuracy in the same 2 000 epochs.",
    rules=(
        Rule(
            "a decay above 0",
            lambda result: result.config.decay > 0,
            lambda result: plain_number(result.config.decay) if result.config.decay > 0 else "no decay (0)",
        ),
        at_least("training accuracy", train_accuracy, 0.62),
    ),
    hint="Ten times smaller is not enough: the step still shrinks too soon. Try a hundred times smaller, or less: "
    "the step should still be large near the end.",
    solution=_DECAYED.replace(decay=1e-4),
    why=(
        "A gentle decay leaves the step large for most of the run: the loss curve keeps falling late in the run, "
        "where the strong decay had frozen it."
    ),
    facts={
        "decayed_lr": about(0.095, ".3f", 0.002, run_fact(_DECAYED, final(lambda h: h.lr))),
        "decayed_accuracy": about(0.44, ".0%", 0.05, run_fact(_DECAYED, train_accuracy)),
    },
)

# ---- 6 · momentum and Adam --------------------------------------------------------------------------
_PLAIN = SPIRAL.replace(optimizer="sgd", lr=1.0)
MOMENTUM_LESSON = Lesson(
    key="momentum_adam",
    title="Momentum and Adam: the notebook's next step",
    paragraphs=(
        "The notebook ends by naming momentum and Adam as the next step. Plain gradient descent at learning rate "
        "1 learns {plain_accuracy} of the spiral's training points in 2 000 epochs.",
        "**Momentum** keeps a velocity: $v \\leftarrow \\mu v - \\eta \\nabla L$, $\\theta \\leftarrow \\theta + v$. "
        "Steps that agree add up, steps that zig-zag cancel out. With $\\mu = 0.9$ the same run learns "
        "{momentum_accuracy}.",
        "**Adam** keeps a running mean $m$ and a running mean square $v$ of each weight's gradient and steps "
        "$\\theta \\leftarrow \\theta - \\eta\\, \\hat m / (\\sqrt{\\hat v} + \\epsilon)$: every weight gets a step "
        "of its own size. The Playground's default, Adam at 0.05, learns {adam_accuracy}.",
    ),
    setup=_PLAIN,
    hide=controls_besides("optimizer", "lr", "decay", "momentum"),
    task="Keep the 2 000 epochs and reach at least 90% training accuracy: change the optimizer, its learning "
    "rate, its momentum.",
    rules=(at_least("training accuracy", train_accuracy, 0.9),),
    hint="Gradient descent: set **Momentum** to 0.9. Or choose **Adam** with a learning rate of 0.05.",
    solution=_PLAIN.replace(momentum=0.9),
    why=(
        "Steps that agree add up: the loss curve drops far faster in the first few hundred epochs than plain "
        "gradient descent's did."
    ),
    facts={
        "plain_accuracy": about(0.54, ".0%", 0.06, run_fact(_PLAIN, train_accuracy)),
        "momentum_accuracy": about(0.96, ".0%", 0.04, run_fact(_PLAIN.replace(momentum=0.9), train_accuracy)),
        "adam_accuracy": about(0.975, ".0%", 0.03, run_fact(SPIRAL, train_accuracy)),
    },
)

# ---- 7 · overfitting --------------------------------------------------------------------------------
_L2 = SPIRAL.replace(l2=1e-4)
OVERFITTING_LESSON = Lesson(
    key="overfitting",
    title="Overfitting: the held-out loss, the best epoch, L2",
    paragraphs=(
        "A fifth of each arm's points is held out: the network never trains on them, so they show how it does on "
        "points it has not seen. The Playground's default run learns {default_train} of its training points but "
        "only {default_test} of the held-out ones.",
        "Its loss curve tells when that started. The held-out loss is lowest at epoch {best_epoch} "
        "({best_loss}); from there on it rises, to {final_loss} by epoch 2 000, while the training loss goes on "
        "down (apart from a brief spike or two, where an Adam step overshoots). The network has begun to "
        "memorise its points instead of learning the arms.",
        "Three cures: stop near the best epoch (fewer epochs, or **Stop early** with a patience); or an **L2 "
        "penalty**, $L + \\tfrac{\\lambda}{2} \\sum \\lVert W \\rVert^2$, which pulls every weight towards 0 a "
        "little at each step and keeps the boundary smooth; or more data.",
    ),
    setup=SPIRAL,
    hide=controls_besides("epochs", "patience", "l2"),
    task="End the run with a held-out loss of at most 0.55: change the epochs, stop early, or add an L2 penalty.",
    rules=(at_most("held-out loss", test_loss, 0.55),),
    hint="Stop where the held-out loss was lowest, or try a small L2 penalty such as 0.0001.",
    solution=_L2,
    why=(
        "The held-out loss is the one that tells how the network does on new points: on the loss curve, the held-"
        "out line now ends near its lowest point instead of climbing after it."
    ),
    facts={
        "default_train": about(0.975, ".0%", 0.03, run_fact(SPIRAL, train_accuracy)),
        "default_test": about(0.78, ".0%", 0.07, run_fact(SPIRAL, lambda r: r.test_accuracy)),
        "best_epoch": about(412, ",", 80, run_fact(SPIRAL, lambda r: r.history.best_epoch or -1)),
        "best_loss": about(0.46, ".2f", 0.05, run_fact(SPIRAL, lambda r: np.nanmin(r.history.val_loss))),
        "final_loss": about(0.81, ".2f", 0.12, run_fact(SPIRAL, final(lambda h: h.val_loss))),
    },
)

# ---- 8 · mini-batches -------------------------------------------------------------------------------
_FULL = SPIRAL.replace(optimizer="sgd", lr=1.0, epochs=100)


BATCH_LESSON = Lesson(
    key="batches",
    title="Mini-batches: more steps, and noise in the curve",
    paragraphs=(
        "Full-batch gradient descent takes one step per epoch, on the gradient of all training points. Mini-batches "
        "take one step per handful of points, each on the gradient of its own handful (with batches of $B$ of the "
        "$N$ points, $\\lceil N / B \\rceil$ steps an epoch): {batch_steps} steps an epoch for the spiral's "
        "{train_points} training points in batches of 16.",
        "Each mini-batch gradient is a noisy estimate of the full one, so the loss no longer falls smoothly. In "
        "100 epochs of full-batch gradient descent the loss fell from each epoch to the next, {full_falls} times "
        "out of {full_steps}; in batches of 16 it went up {batch_rises} times. The noise is the price of the "
        "extra steps — and it can shake a network out of a poor spot.",
        "In those 100 epochs, full batches learn {full_accuracy} of the training points. Too small a batch "
        "is all noise: one point at a time, at this learning rate, ends at {single_accuracy}.",
    ),
    setup=_FULL,
    hide=controls_besides("batch_size"),
    task="In the same 100 epochs, change only the batch size and reach at least 60% training accuracy.",
    rules=(at_least("training accuracy", train_accuracy, 0.6),),
    hint="Try batches of 8 or 16 points: more steps per epoch, each a little noisy.",
    solution=_FULL.replace(batch_size=16),
    why=(
        "Fifteen steps an epoch instead of one: the loss curve falls further in the same 100 epochs, with the "
        "wiggles of noisy steps."
    ),
    facts={
        "batch_steps": about(15, ",", 0, lambda trainer: math.ceil(len(trainer(_FULL).data.y_train) / 16)),
        "train_points": about(240, ",", 0, lambda trainer: len(trainer(_FULL).data.y_train)),
        "full_falls": about(99, ",", 0, run_fact(_FULL, falls)),
        "full_steps": about(99, ",", 0, lambda trainer: _FULL.epochs - 1),
        "batch_rises": about(41, ",", 12, run_fact(_FULL.replace(batch_size=16), rises)),
        "full_accuracy": about(0.49, ".0%", 0.06, run_fact(_FULL, train_accuracy)),
        "single_accuracy": about(0.33, ".0%", 0.08, run_fact(_FULL.replace(batch_size=1), train_accuracy)),
    },
)

LESSONS: tuple[Lesson, ...] = (
    SPIRAL_LESSON,
    UNITS_LESSON,
    LR_LESSON,
    RELU_LESSON,
    DECAY_LESSON,
    MOMENTUM_LESSON,
    OVERFITTING_LESSON,
    BATCH_LESSON,
    FEATURES_LESSON,
    OWN_POINTS_LESSON,
)
BY_KEY = {lesson.key: lesson for lesson in LESSONS}


def progress(runs: Mapping[str, Sequence], passed_before: frozenset[str] = frozenset()) -> dict[str, Standing]:
    """Every lesson's standing against the runs made for it (``runs[key]``, oldest first; a run
    made for no lesson counts for none); ``passed_before`` names the lessons already met."""
    return {lesson.key: standing(lesson, runs.get(lesson.key, ()), lesson.key in passed_before) for lesson in LESSONS}


def measure(fact: Fact, trainer: Trainer = train) -> float:
    """The engine's value of ``fact`` now."""
    return fact.measure(trainer)

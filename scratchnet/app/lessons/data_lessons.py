"""The two lessons about the data itself: inputs chosen by hand (features instead of depth), and the
student's own points. Part of the catalogue in ``logic`` (same parts, same checks); no Streamlit here."""

from __future__ import annotations

from scratchnet.app.lessons.measures import origin, xor_points
from scratchnet.app.lessons.model import (
    Lesson,
    Rule,
    about,
    at_least,
    controls_besides,
    on_points,
    run_fact,
    train_accuracy,
)
from scratchnet.app.runs.config import RunConfig

# ---- 9 · features instead of depth --------------------------------------------------------------------
_CIRCLES = RunConfig(dataset="circles", classes=2, noise=0.1, hidden=(), epochs=500)
FEATURES_LESSON = Lesson(
    key="features",
    title="Features instead of depth",
    paragraphs=(
        "Two rings, one inside the other. No straight line splits them: with no hidden layer the network "
        "learns {linear_accuracy} of the points, about what guessing gets.",
        "But a ring is a circle, $x_1^2 + x_2^2 = r^2$: in the coordinates $(x_1^2, x_2^2)$ the rings lie on "
        "either side of a straight line. Give the network those as its inputs and the same linear softmax can "
        "split them — no hidden layer needed. That is what *features* are: the inputs you choose for it.",
        "A hidden layer can learn such features by itself (four ReLU units learn {hidden_accuracy} here); "
        "choosing them by hand costs nothing to learn, and needs you to know the shape of the data.",
    ),
    setup=_CIRCLES,
    hide=controls_besides("features"),
    task="Keep the network without a hidden layer and reach at least 95% training accuracy by choosing its inputs.",
    rules=(at_least("training accuracy", train_accuracy, 0.95),),
    hint="Open **Network** and tick the inputs x₁² and x₂².",
    solution=_CIRCLES.replace(features=("x1^2", "x2^2")),
    why=(
        "With x₁² and x₂² as inputs the rings lie on either side of a straight line: on the map the boundary is "
        "now a circle, drawn by a network with no hidden layer."
    ),
    facts={
        "linear_accuracy": about(0.53, ".0%", 0.06, run_fact(_CIRCLES, train_accuracy)),
        "hidden_accuracy": about(0.99, ".0%", 0.02, run_fact(_CIRCLES.replace(hidden=(4,)), train_accuracy)),
    },
)

# ---- 10 · your own points ------------------------------------------------------------------------------
_OWN = RunConfig(hidden=(), epochs=1000)  # the Playground's spiral with no hidden layer


OWN_POINTS_LESSON = Lesson(
    key="own_points",
    title="Your own points",
    paragraphs=(
        "Every lesson so far used points someone else made. Make your own: draw them (**Draw your points**, "
        "below the Playground's charts) or upload a CSV file with the columns `x, y, label` (the **Data** group "
        "in the sidebar).",
        "Now beat the straight line. The network here has no hidden layer, a linear softmax: whatever points "
        "you make, it can only draw straight boundaries between the classes. Make points it cannot split. On "
        "four blobs in a checkerboard (XOR), for one, it learns only {xor_accuracy}.",
        "The network's controls stay hidden here, so the lesson tests the straight line alone. Afterwards, press "
        "**Show every control again**, give the same points a hidden layer and watch it succeed: that is the "
        "difference the first lesson was about, on data you made.",
    ),
    setup=_OWN,
    hide=frozenset({"network", "training", "presets"}),
    task="Train the network with no hidden layer on points of your own — drawn or uploaded, not the sample file "
    "and not a built-in dataset copied unchanged — and keep its training accuracy below 75%.",
    rules=(
        Rule(
            "points of your own (drawn or uploaded, not a built-in dataset or the sample file)",
            lambda result: origin(result.config) == "your own",
            lambda result: origin(result.config) if origin(result.config) != "your own" else "yes",
        ),
        Rule(
            "training accuracy below 75%",
            lambda result: result.train_accuracy < 0.75,
            lambda result: f"{result.train_accuracy:.1%}",
        ),
    ),
    hint="A straight line fails on rings, on a checkerboard, on a spiral: put one class in the middle and "
    "another all around it.",
    solution=on_points(_OWN, xor_points()),
    solution_points=xor_points,
    own_data=True,
    why=(
        "Your classes need a bent boundary and a network without a hidden layer can only draw straight ones: the "
        "map shows its straight lines cutting through your classes."
    ),
    facts={
        "xor_accuracy": about(
            0.59, ".0%", 0.06, lambda trainer: trainer(on_points(_OWN, xor_points()), xor_points()).train_accuracy
        ),
    },
)

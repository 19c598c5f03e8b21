"""How long a run will take to train, and whether the app lets it start.

The estimate is fitted to runs timed as the app's trainers run them, and errs on the long side:
a run the app lets start must finish well inside the trainer's time limit.
"""

from __future__ import annotations

import math

from .config import RunConfig

COST_WARN_SECONDS = 10.0
COST_LIMIT_SECONDS = 30.0


#: The cost of training, fitted to 28 runs timed as the app's trainers run them (Adam, one core,
#: 30-3000 points, 0-3 hidden layers of 4-128 units); the fit was within 0.66-1.38x of every run.
EPOCH_SECONDS = 1.0e-4  # per epoch: the loop, the history, the progress reports
STEP_SECONDS_PER_LAYER = 8.0e-5  # per step and layer: the calls into NumPy
STEP_SECONDS_PER_PARAMETER = 2.3e-8  # per step and parameter: the optimizer's update
SECONDS_PER_POINT = 7.0e-8  # per point and epoch: softmax, loss, accuracy
SECONDS_PER_UNIT = 7.0e-9  # per point, hidden unit and epoch: the activations
SECONDS_PER_MULTIPLY_ADD = 2.0e-10  # per point, weight and epoch: the matrix products, both ways
ESTIMATE_MARGIN = 1.5  # on the generous side of the fit's worst miss


def estimate_seconds(config: RunConfig) -> float:
    """A deliberately generous estimate of the training time, from the fitted costs above."""
    train, held_out = config.train_points, config.points - config.train_points
    steps = 1 if not config.batch_size else math.ceil(train / config.batch_size)
    layers = len(config.hidden) + 1
    per_step = STEP_SECONDS_PER_LAYER * layers + STEP_SECONDS_PER_PARAMETER * config.n_params
    per_epoch = EPOCH_SECONDS + steps * per_step + SECONDS_PER_POINT * config.points
    per_epoch += SECONDS_PER_UNIT * train * sum(config.hidden)
    per_epoch += SECONDS_PER_MULTIPLY_ADD * (train + held_out / 3) * config.n_params  # held out: forward only
    return ESTIMATE_MARGIN * config.epochs * per_epoch


def cost_verdict(config: RunConfig) -> tuple[str, str]:
    """("ok" | "warn" | "refuse", a sentence for the user)."""
    seconds = estimate_seconds(config)
    text = f"Estimated training time: about {seconds:.1f} s"
    if seconds > COST_LIMIT_SECONDS:
        return "refuse", (
            f"{text}, over the {COST_LIMIT_SECONDS:.0f} s limit. Use fewer epochs, points or hidden units."
        )
    if seconds > COST_WARN_SECONDS:
        return "warn", f"{text}. That is long for a demo; fewer epochs or units would be quicker."
    return "ok", text + "."

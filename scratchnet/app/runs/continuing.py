"""Training under the student's hand, as configurations: what Step and Continue mean.

A continued run is just the longer configuration: continuing a run that ended at epoch ``e`` by
``k`` epochs asks for the same configuration with ``epochs = e + k``, trained on from where the
run ended (the trainer pool then trains only the ``k`` new epochs). A step is a continue by 1 or
by 10. A run paused at ``e`` of ``E`` continues as ``e + k`` (the learning-rate schedule depends
on steps only, so the paused state is exactly the start of that longer run). A run that stopped
early continues without early stopping (with it, it would stop again at once).

No Streamlit here: ``ui/run_controls.py`` draws the buttons and calls these.
"""

from __future__ import annotations

from scratchnet.app.runs.config import FIELDS, RunConfig
from scratchnet.app.runs.cost import cost_verdict
from scratchnet.app.runs.result import UNTRAINED, RunResult, resumes

STEPS = (1, 10)  # the Step buttons: epochs per press
MAX_EPOCHS = int(FIELDS["epochs"].high)  # a run has at most this many epochs, continued or not
CONTINUE_DEFAULT = 500  # the Continue field's first value
CAN_GO_ON = ("completed", "cancelled", "stopped_early", UNTRAINED)


def continue_limit(result: RunResult) -> int:
    """The most epochs ``result`` can be continued by (0: it is already as long as a run may be)."""
    return max(0, MAX_EPOCHS - result.history.epochs_run)


def continued_config(result: RunResult, epochs: int) -> RunConfig:
    """The configuration of ``result`` continued by ``epochs`` more epochs (checked first with
    ``refusal``): the same run, ``epochs`` longer than where it ended."""
    patience = 0 if result.status == "stopped_early" else result.config.patience
    return result.config.replace(epochs=result.history.epochs_run + epochs, patience=patience)


def parent(result: RunResult, config: RunConfig) -> RunResult | None:
    """The run to train ``config`` on from: ``result`` when its end state can be reused, else None
    (an untrained network, or a run paused while others still watched it: trained from the start)."""
    return result if result.history.epochs_run and resumes(result, config) else None


def epochs_to_train(result: RunResult, config: RunConfig) -> int:
    """How many epochs the trainer will train for ``config`` grown from ``result``."""
    return config.epochs - (result.history.epochs_run if parent(result, config) is not None else 0)


def refusal(result: RunResult | None, epochs: object) -> str | None:
    """Why ``result`` cannot be continued by ``epochs`` (a sentence saying what is allowed), or None."""
    if result is None:
        return "There is no run to continue yet: press **Train** first."
    if result.status == "diverged":
        return "This run blew up: there is nothing to train on from. Try a smaller learning rate and press **Train**."
    if result.status not in CAN_GO_ON:
        return f"A run that is {result.status} cannot be continued; press **Train** to train it again."
    limit = continue_limit(result)
    if limit == 0:
        return f"This run already has {MAX_EPOCHS:,} epochs, the most a run may have."
    if isinstance(epochs, bool) or (
        not isinstance(epochs, int) and not (isinstance(epochs, float) and epochs.is_integer())
    ):
        return f"Continue for a whole number of epochs, 1 to {limit:,}; got {str(epochs)[:40]!r}."
    if not 1 <= epochs <= limit:
        return (
            f"Continue for 1 to {limit:,} epochs (a run has at most {MAX_EPOCHS:,}, and this one has "
            f"{result.history.epochs_run:,}); got {int(epochs):,}."
        )
    config = continued_config(result, int(epochs))
    verdict = cost_verdict(config.replace(epochs=max(1, epochs_to_train(result, config))))
    if verdict.refused:
        return f"Continuing for {int(epochs):,} epochs is too long for a demo: {verdict.message}"
    return None


def step_label(epochs: int) -> str:
    return f"Step +{epochs}"

"""Presets: known settings with a sentence on what they show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config import RunConfig


@dataclass(frozen=True)
class Preset:
    label: str
    description: str
    changes: Mapping[str, Any]

    def config(self) -> RunConfig:
        return RunConfig(**{**RunConfig().as_dict(), **self.changes})


def _notebook(lr: float, decay: float, epochs: int, as_written: bool) -> dict[str, Any]:
    return {
        "hidden": (64,),
        "init": "notebook",
        "optimizer": "notebook_gd" if as_written else "sgd",
        "activation": "notebook_relu" if as_written else "relu",
        "lr": lr,
        "decay": decay,
        "epochs": epochs,
        "test_share": 0.0,
        "momentum": 0.0,
    }


PRESETS: dict[str, Preset] = {
    "learns": Preset(
        "Learns the spiral",
        "Adam, 64 ReLU units, 2 000 epochs: over 90 % of the training points in a second or two.",
        {},
    ),
    "momentum": Preset(
        "Gradient descent + momentum",
        "The step after plain gradient descent: lr 1, decay 0.001, momentum 0.9.",
        {"optimizer": "sgd", "lr": 1.0, "decay": 1e-3, "momentum": 0.9, "epochs": 5000},
    ),
    "linear": Preset(
        "No hidden layer",
        "A linear softmax can only draw straight boundaries: about half the spiral.",
        {"hidden": (), "epochs": 1000},
    ),
    "explode": Preset(
        "Blow it up",
        "Learning rate 100: the loss leaps a thousandfold within a few epochs and the run stops.",
        {"optimizer": "sgd", "lr": 100.0, "epochs": 500},
    ),
}
for _number, (_lr, _decay, _epochs) in enumerate(((0.5, 0.01, 10_000), (2.0, 0.01, 10_000), (1.0, 0.1, 30_000)), 1):
    PRESETS[f"notebook{_number}"] = Preset(
        f"Notebook run {_number}, as written",
        f"lr {_lr:g}, decay {_decay:g}, {_epochs:,} epochs, with its ReLU derivative and its never-applied decay.",
        _notebook(_lr, _decay, _epochs, as_written=True),
    )
    PRESETS[f"notebook{_number}_fixed"] = Preset(
        f"Notebook run {_number}, corrected",
        f"lr {_lr:g}, decay {_decay:g}, {_epochs:,} epochs, with the right ReLU derivative and the decay really "
        "applied — which makes it worse: the decay shrinks the step too fast.",
        _notebook(_lr, _decay, _epochs, as_written=False),
    )

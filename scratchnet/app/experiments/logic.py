"""The Experiments page's logic: the notebook replayed, optimizers side by side, and a session's own runs.

Pure functions of configurations and finished runs, giving tables (pandas), no Streamlit, so all
of this can be tested without an app; ``charts`` draws them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

import scratchnet as sn
from scratchnet.app.plots import frames
from scratchnet.app.runs.config import FIELDS, RunConfig
from scratchnet.app.runs.fresh import fresh_accuracy, fresh_points  # noqa: F401 (re-exported)
from scratchnet.app.runs.result import RunResult
from scratchnet.app.text import fmt  # the one number formatter
from scratchnet.notebook import EXPERIMENTS, HELD_OUT_RECORDED_ACCURACY, VARIANTS, Experiment

FRESH_COLUMN = "fresh-point accuracy"  # on HELD_OUT_SAMPLES new points a class
RECORDED = "recorded by the notebook"
STATUS_WORDS = {"completed": "done", "cancelled": "stopped", "diverged": "diverged"}


FreshAccuracy = Callable[[RunResult], float]


# ---- the notebook, replayed ----------------------------------------------------------------------
#: The notebook's setting: 100 spiral points a class, 3 classes, Dense(2, 64), its 0.01·randn
#: weights, full batch, trained on all 300 points (it held none out).
NOTEBOOK_BASE = RunConfig(
    dataset="spiral",
    samples=100,
    classes=3,
    noise=0.2,
    test_share=0.0,
    hidden=(64,),
    init="notebook",
    momentum=0.0,
    batch_size=0,
    l2=0.0,
    dtype="float64",
)
#: A decay far smaller than the notebook's, chosen by measuring 1e-5, 1e-4 and 1e-3 (seed 0): only
#: 1e-5 raised training accuracy in all three runs (by 2-3 points), where the notebook's 0.01 and
#: 0.1 stall them; 1e-4 and 1e-3 help the lr-2 run and hurt the others.
HELPFUL_DECAY = 1e-5
HELPFUL = f"decay {fmt(HELPFUL_DECAY)} applied"
VERSIONS: dict[str, dict[str, Any]] = {
    "as written": {"activation": "notebook_relu", "optimizer": "notebook_gd"},
    "ReLU fixed": {"activation": "relu", "optimizer": "notebook_gd"},
    "decay applied": {"activation": "relu", "optimizer": "sgd"},
    HELPFUL: {"activation": "relu", "optimizer": "sgd", "decay": HELPFUL_DECAY},
}
VERSION_NOTES = {
    **VARIANTS,
    "decay applied": "the correct ReLU derivative and the notebook's decay applied every epoch",
    HELPFUL: f"the correct ReLU derivative and a much smaller decay, {fmt(HELPFUL_DECAY)}, applied every epoch",
}


@dataclass(frozen=True)
class ReplayRun:
    """One row of the replay: the notebook's run ``number`` (1-3) in one ``version``."""

    number: int
    version: str
    experiment: Experiment
    config: RunConfig

    @property
    def label(self) -> str:
        return experiment_label(self.number, self.experiment)


def experiment_label(number: int, experiment: Experiment) -> str:
    return f"Run {number}: lr {fmt(experiment.lr)}, decay {fmt(experiment.decay)}, {experiment.epochs:,} epochs"


def replay_plan(epochs_scale: float = 1.0, seed: int = 0) -> list[ReplayRun]:
    """Every run of the replay, shortest experiments first. ``epochs_scale`` shortens them all
    (a quick preview or a test); ``seed`` sets both the points and the first weights."""
    if not 0 < epochs_scale <= 1:
        raise ValueError(f"epochs_scale must be above 0 and at most 1; got {epochs_scale!r}")
    plan = []
    for number, experiment in enumerate(EXPERIMENTS, 1):
        base = NOTEBOOK_BASE.replace(
            lr=experiment.lr,
            decay=experiment.decay,
            epochs=max(1, round(experiment.epochs * epochs_scale)),
            seed=seed,
            data_seed=seed,
        )
        plan += [
            ReplayRun(number, version, experiment, base.replace(**changes)) for version, changes in VERSIONS.items()
        ]
    return sorted(plan, key=lambda run: (run.config.epochs, run.number))


def _final_lr(result: RunResult) -> float:
    lr = result.history.lr
    return float(lr[-1]) if len(lr) else float("nan")


def replay_frame(
    plan: Sequence[ReplayRun],
    results: Mapping[RunConfig, RunResult],
    status: Mapping[RunConfig, str] | None = None,
    fresh: FreshAccuracy = fresh_accuracy,
) -> pd.DataFrame:
    """One row per replayed run (blank numbers until it finishes) and one per run the notebook
    recorded, in the same columns, grouped by experiment."""
    status = status or {}
    rows = []
    for number, experiment in enumerate(EXPERIMENTS, 1):
        label = experiment_label(number, experiment)
        held_out = HELD_OUT_RECORDED_ACCURACY if number == len(EXPERIMENTS) else None
        rows.append(
            {
                "run": label,
                "version": RECORDED,
                "lr at the end": None,
                "lowest loss": experiment.recorded_min_loss,
                "final loss": experiment.recorded_final_loss,
                "train accuracy": experiment.recorded_accuracy,
                FRESH_COLUMN: held_out,
                "note": f"“{experiment.recorded_note}”" if experiment.recorded_note else "",
            }
        )
        for run in sorted((r for r in plan if r.number == number), key=lambda r: list(VERSIONS).index(r.version)):
            result = results.get(run.config)
            row: dict[str, Any] = {"run": label, "version": run.version}
            if result is None:
                row["note"] = status.get(run.config, "not started")
            else:
                finite = np.isfinite(result.history.loss)
                row |= {
                    "lr at the end": _final_lr(result),
                    "lowest loss": float(result.history.loss[finite].min()) if finite.any() else None,
                    "final loss": result.train_loss if np.isfinite(result.train_loss) else None,
                    "train accuracy": result.train_accuracy,
                    FRESH_COLUMN: fresh(result),
                    "note": "" if result.status == "completed" else STATUS_WORDS.get(result.status, result.status),
                }
            rows.append(row)
    columns = ["run", "version", "lr at the end", "lowest loss", "final loss", "train accuracy", FRESH_COLUMN, "note"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns[2:-1]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def _points(changes: Sequence[float]) -> str:
    """``[0.21, -0.04]`` → "+21, −4" (percentage points)."""
    texts = [f"{round(change * 100):+d}" for change in changes]
    return ", ".join("±0" if text in ("+0", "-0") else text.replace("-", "−") for text in texts)


def _series(frame: pd.DataFrame, version: str, column: str) -> np.ndarray:
    rows = frame[frame["version"] == version]
    return rows[column].to_numpy(dtype=float)


def replay_findings(frame: pd.DataFrame) -> list[str]:
    """What each bug cost, in a sentence each (Markdown), from a complete ``replay_frame``;
    an empty list while any replayed number is missing."""
    measured = frame[frame["version"] != RECORDED]
    if measured.empty or measured["train accuracy"].isna().any() or set(measured["version"]) != set(VERSIONS):
        return []

    def change(version: str, reference: str, column: str = "train accuracy") -> np.ndarray:
        return _series(frame, version, column) - _series(frame, reference, column)

    runs = ", ".join(str(n) for n in range(1, len(EXPERIMENTS) + 1))
    decays = ", ".join(f"{fmt(e.decay)}" for e in EXPERIMENTS)
    lrs = np.array([e.lr for e in EXPERIMENTS])
    shrunk = ", ".join(f"1/{ratio:,.0f}" for ratio in lrs / _series(frame, "decay applied", "lr at the end"))
    kept = ", ".join(f"{share:.0%}" for share in _series(frame, HELPFUL, "lr at the end") / lrs)
    relu = change("ReLU fixed", "as written")
    decay = change("decay applied", "ReLU fixed")
    helpful = change(HELPFUL, "ReLU fixed")
    hurt = bool((decay < 0).all())
    decay_lead = (
        "**Its decay was never applied**, and that was lucky: applying"
        if hurt
        else ("**Its decay was never applied.** Applying")
    )
    helpful_lead = (
        f"**A decay that helps** is far smaller: {fmt(HELPFUL_DECAY)}"
        if helpful.mean() > 0
        else f"**A far smaller decay**, {fmt(HELPFUL_DECAY)},"
    )
    return [
        f"**Its ReLU derivative** multiplied each gradient by the unit's input instead of by 1. Fixing it changes "
        f"training accuracy by {_points(relu)} points in runs {runs} "
        f"({_points(change('ReLU fixed', 'as written', FRESH_COLUMN))} on fresh points).",
        f"{decay_lead} the decay it asked for ({decays}) changes training accuracy by {_points(decay)} points: by "
        f"the last epoch the step has shrunk to {shrunk} of the learning rate"
        + (", too small to learn much." if hurt else "."),
        f"{helpful_lead} keeps the step near the learning rate ({kept} of it at the end) and changes training "
        f"accuracy by {_points(helpful)} points against no decay "
        f"({_points(change(HELPFUL, 'ReLU fixed', FRESH_COLUMN))} on fresh points). A better optimizer does far "
        "more: see **Optimizers**.",
    ]


# ---- optimizers side by side ---------------------------------------------------------------------
OWN = ("optimizer", "lr")  # what every contender sets; its settings line names the rest


@dataclass(frozen=True)
class Contender:
    label: str
    changes: Mapping[str, Any]
    note: str = ""

    def settings(self) -> str:
        parts = [f"lr {fmt(self.changes['lr'])}"]
        parts += [f"{name} {fmt(value)}" for name, value in self.changes.items() if name not in OWN and value]
        return ", ".join(parts) + (f" ({self.note})" if self.note else "")


#: Settings that suit each optimizer on the 3-class spiral with 64 hidden units, from its record
#: (``scratchnet.choices``), in the order the records give them.
CONTENDERS = tuple(
    Contender(comparison.label or choice.short, {"optimizer": key, **comparison.settings}, comparison.note)
    for key, choice in sn.OPTIMIZER_CHOICES.items()
    for comparison in choice.compared
)
#: The notebook's points and network, with He weights, and a fifth of the points held out to test on.
OPTIMIZER_BASE = NOTEBOOK_BASE.replace(test_share=0.2, activation="relu", init="he")


def optimizer_configs(epochs: int = 3000, seed: int = 0) -> dict[str, RunConfig]:
    """One configuration per contender: same points, same first weights (``seed``), same epochs."""
    base = OPTIMIZER_BASE.replace(epochs=epochs, seed=seed, data_seed=seed)
    unset = {"decay": 0.0} | {name: FIELDS[name].default for name in sn.choices.OPTIMIZER_SETTINGS}
    return {c.label: base.replace(**(unset | dict(c.changes))) for c in CONTENDERS}


def results_frame(
    results: Mapping[str, RunResult | None],
    status: Mapping[str, str] | None = None,
    settings: Mapping[str, str] | None = None,
    fresh: FreshAccuracy | None = None,
) -> pd.DataFrame:
    """One row per labelled run: its settings, final loss, train / held-out (/ fresh-point)
    accuracy, time and status; blank numbers for runs still training."""
    status, settings = status or {}, settings or {}
    rows = []
    for label, result in results.items():
        row: dict[str, Any] = {"run": label, "settings": settings.get(label, "")}
        if result is None:
            row["status"] = status.get(label, "not started")
        else:
            row |= {
                "final loss": result.train_loss if np.isfinite(result.train_loss) else None,
                "train accuracy": result.train_accuracy,
                "held-out accuracy": result.test_accuracy,
                "seconds": result.seconds,
                "status": STATUS_WORDS.get(result.status, result.status),
            }
            if fresh is not None:
                row[FRESH_COLUMN] = fresh(result)
        rows.append(row)
    columns = ["run", "settings", "final loss", "train accuracy", "held-out accuracy"]
    columns += [FRESH_COLUMN] if fresh is not None else []
    columns += ["seconds", "status"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns[2:-1]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


# ---- overlays and small multiples ----------------------------------------------------------------
def overlay_frame(histories: Mapping[str, sn.History], series: str = "training") -> pd.DataFrame:
    """Long format for overlaid curves: ``epoch``, ``run``, ``loss``, ``accuracy``; one ``series``
    ("training" or "held out") per run, each thinned like ``frames.loss_frame``."""
    parts = []
    for label, history in histories.items():
        if history is None or not history.epochs_run:
            continue
        losses = frames.loss_frame(history)
        losses = losses[losses["series"] == series].drop(columns="series")
        parts.append(losses.assign(run=label))
    if not parts:
        return pd.DataFrame({"epoch": [], "run": [], "loss": [], "accuracy": []})
    return pd.concat(parts, ignore_index=True)[["epoch", "run", "loss", "accuracy"]]


# ---- a session's own runs ------------------------------------------------------------------------
def network_text(config: RunConfig) -> str:
    """``64 ReLU``, ``32-32 tanh`` or ``linear``."""
    if not config.hidden:
        return "linear"
    return "-".join(map(str, config.hidden)) + " " + sn.ACTIVATION_CHOICES[config.activation].short


def optimizer_text(config: RunConfig) -> str:
    """``Adam lr 0.05``, ``GD lr 1, momentum 0.9, decay 0.001``: the settings its optimizer reads."""
    choice = sn.OPTIMIZER_CHOICES[config.optimizer]
    text = f"{choice.short} lr {fmt(config.lr)}"
    for name in choice.uses:
        if getattr(config, name):
            text += f", {name} {fmt(getattr(config, name))}"
    if config.decay:
        text += f", decay {fmt(config.decay)}"
    return text


def data_text(config: RunConfig) -> str:
    """``spiral 3×100`` (classes × points a class), with the noise when it is not the dataset's usual."""
    if config.data_id:
        return "your points"
    text = f"{config.dataset} {config.classes}×{config.samples}"
    info = sn.DATASETS.get(config.dataset)
    return text if info is not None and info.noise == config.noise else f"{text}, noise {fmt(config.noise)}"


def accuracy_text(result: RunResult) -> str:
    """``train 98% · test 80%`` (no test part when nothing was held out)."""
    text = f"train {result.train_accuracy:.0%}"
    return text if result.test_accuracy is None else f"{text} · test {result.test_accuracy:.0%}"


def run_label(number: int, config: RunConfig) -> str:
    """A short, unique name for the session's run ``number``: ``#3 Adam lr 0.05 · 64 ReLU``."""
    return f"#{number} {optimizer_text(config).split(',')[0]} · {network_text(config)}"


def my_runs_frame(runs: Sequence[RunResult]) -> pd.DataFrame:
    """The session's runs, numbered from 1 (oldest first): their key settings and results."""
    rows = []
    for number, result in enumerate(runs, 1):
        config = result.config
        rows.append(
            {
                "#": number,
                "data": data_text(config),
                "network": network_text(config),
                "optimizer": optimizer_text(config),
                "epochs": result.history.epochs_run,
                "train accuracy": result.train_accuracy,
                "test accuracy": result.test_accuracy,
                "final loss": result.train_loss if np.isfinite(result.train_loss) else None,
                "status": STATUS_WORDS.get(result.status, result.status),
            }
        )
    columns = ["#", "data", "network", "optimizer", "epochs", "train accuracy", "test accuracy", "final loss", "status"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("train accuracy", "test accuracy", "final loss"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame

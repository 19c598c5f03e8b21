"""The Experiments page's state (drawn by ``experiments/view.py``): the shared runs it follows, the
replay and the comparison this session started."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.jobs import TrainingJob

# ---- experiments -----------------------------------------------------------------------------------
EXPERIMENTS_SECTION = "section"  # the open tab, also in the address bar (?section=…)
REPLAY = "experiments.replay"  # the replay this session started (its epoch scale)
REPLAY_SCALE = "experiments.replay_scale"  # shorter replays, for tests; not a control
REPLAY_BUTTON = "experiments.replay_button"
REPLAY_MAPS = "experiments.replay_maps"
OPTIMIZERS = "experiments.optimizers"  # the (epochs, seed) last compared
OPTIMIZER_FORM = "experiments.optimizer_form"
OPTIMIZER_EPOCHS = "experiments.epochs"
OPTIMIZER_SEED = "experiments.seed"
OPTIMIZER_SERIES = "experiments.series"
OPTIMIZER_LOG = "experiments.log"
EXPERIMENT_JOBS = "experiments.jobs"  # the shared runs this session follows, by configuration
EXPERIMENT_STARTED = "experiments.started"  # the configurations this session itself asked to train
MINE_PICKED = "experiments.picked"
MINE_LOG = "experiments.mine_log"
MINE_REOPEN = "experiments.reopen"
MINE_OPEN = "experiments.open"


def follow_key(name: str) -> str:
    """The key of the fragment that follows the runs of one Experiments section."""
    return f"follow.{name}"


def held_job(config: RunConfig) -> TrainingJob | None:
    """The shared run for ``config`` this session holds, or None."""
    return st.session_state.get(EXPERIMENT_JOBS, {}).get(config)


def hold_job(config: RunConfig, job: TrainingJob, most: int) -> None:
    """Hold ``job`` as the run for ``config``, and at most ``most`` runs (the oldest go first)."""
    held: dict[RunConfig, TrainingJob] = st.session_state.setdefault(EXPERIMENT_JOBS, {})
    held[config] = job
    for stale in list(held)[:-most]:
        del held[stale]


def ask_for(configs: Iterable[RunConfig]) -> None:
    """This session asked to train ``configs`` (it pressed Replay or Compare): they go to "My runs"."""
    st.session_state.setdefault(EXPERIMENT_STARTED, set()).update(configs)


def asked_for(config: RunConfig) -> bool:
    return config in st.session_state.get(EXPERIMENT_STARTED, ())


def experiment_replay() -> float | None:
    """The epoch scale of the notebook's replay this session started, or None."""
    return st.session_state.get(REPLAY)


def set_experiment_replay(scale: float) -> None:
    st.session_state[REPLAY] = scale


def replay_scale() -> float:
    """The replays' epoch scale: 1 but in tests, which set ``REPLAY_SCALE`` for shorter runs."""
    return float(st.session_state.get(REPLAY_SCALE, 1.0))


def optimizer_choice(default_epochs: int) -> tuple[int, int]:
    """The (epochs, seed) the comparison's form holds now."""
    return int(st.session_state.get(OPTIMIZER_EPOCHS, default_epochs)), int(st.session_state.get(OPTIMIZER_SEED, 0))


def compared(default_epochs: int) -> tuple[int, int]:
    """The (epochs, seed) this session last compared the optimizers with (the defaults before)."""
    return st.session_state.get(OPTIMIZERS, (default_epochs, 0))


def set_compared(epochs: int, seed: int) -> None:
    st.session_state[OPTIMIZERS] = (epochs, seed)

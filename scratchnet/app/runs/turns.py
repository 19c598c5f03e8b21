"""Whose run trains next: the trainer pool's two rules of fairness (``trainer.py`` says why).

- turns go round the students: the run chosen is the oldest of a student (``owner``) with the
  fewest runs training now;
- long runs take at most ``size - 1`` workers, so one is always free for the short ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scratchnet.app.runs.trainer import Task

TIME_LIMIT_SECONDS = 90.0  # a run still training after this long is stopped (estimates can be off)


@dataclass(frozen=True)
class Waiting:
    task: Task
    owner: str
    heavy: bool
    seconds: float = 0.0  # its estimated training time


def expected(queued: Waiting) -> float:
    """How long a run will hold its worker: its estimate, but never past the time limit."""
    return min(queued.seconds, TIME_LIMIT_SECONDS)


def choose(waiting: list[Waiting], handed: dict[int, Waiting], cancelled: set[int], size: int) -> Waiting | None:
    """The run a free worker takes: a cancelled one first (it ends at once); otherwise the oldest
    run of an owner with the fewest runs training; a long run only while fewer than
    ``WORKERS - 1`` long runs train (None: nothing this worker may take now)."""
    for queued in waiting:
        if queued.task.job_id in cancelled:
            return queued
    heavy_busy = sum(running.heavy for running in handed.values())
    long_lanes_full = heavy_busy >= max(1, size - 1)
    allowed = [queued for queued in waiting if not (queued.heavy and long_lanes_full)]
    if not allowed:
        return None
    training = Counter(running.owner for running in handed.values())
    return min(allowed, key=lambda queued: training[queued.owner])  # min keeps the oldest of equals

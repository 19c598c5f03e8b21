"""The board: each entrant's best submission, ranked, and the same rows as a CSV for the teacher.

No Streamlit, no database: the page hands in the submissions the store read. Ties share a rank
(1, 2, 2, 4), and the earlier submission of a tie is listed first.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass

import pandas as pd

import scratchnet as sn
from scratchnet.app.board.logic import METRICS
from scratchnet.app.board.store import Submission
from scratchnet.app.runs.config import RunConfig


@dataclass(frozen=True)
class BoardRow:
    rank: int
    entrant_id: int
    name: str
    score: float
    config: RunConfig
    created_at: float
    tries: int
    hidden: bool


def ranked(submissions: list[Submission], metric: str, *, include_hidden: bool = False) -> list[BoardRow]:
    """One row per entrant (their best submission), best first. Hidden entrants are left out
    (the teacher's view keeps them, marked)."""
    higher = METRICS[metric].higher_is_better

    def better(a: Submission, b: Submission) -> bool:
        return (a.score > b.score) if higher else (a.score < b.score)

    best: dict[int, Submission] = {}
    tries: dict[int, int] = {}
    for submission in submissions:  # oldest first: a later equal score does not replace the earlier
        tries[submission.entrant_id] = tries.get(submission.entrant_id, 0) + 1
        held = best.get(submission.entrant_id)
        if held is None or better(submission, held):
            best[submission.entrant_id] = submission
    shown = [s for s in best.values() if include_hidden or not s.hidden]
    shown.sort(key=lambda s: (-s.score if higher else s.score, s.created_at, s.id))
    rows, rank = [], 0
    for position, submission in enumerate(shown, start=1):
        if position == 1 or submission.score != shown[position - 2].score:
            rank = position
        rows.append(
            BoardRow(
                rank,
                submission.entrant_id,
                submission.name,
                submission.score,
                submission.config,
                submission.created_at,
                tries[submission.entrant_id],
                submission.hidden,
            )
        )
    return rows


def rank_of(rows: list[BoardRow], name: str) -> tuple[int, int] | None:
    """(rank, how many on the board) of the entrant ``name``, or None when not on it."""
    for row in rows:
        if row.name == name:
            return row.rank, len(rows)
    return None


def settings(config: RunConfig) -> str:
    """A run's settings in a few words: ``2×8 tanh · Adam lr 0.05 · 500 epochs``."""
    layers = "×".join(map(str, config.hidden)) if config.hidden else "no hidden layer"
    network = f"{layers} {sn.ACTIVATION_CHOICES[config.activation].short}" if config.hidden else layers
    optimizer = sn.OPTIMIZER_CHOICES[config.optimizer]
    training = f"{optimizer.short} lr {config.lr:g}"
    for name in optimizer.uses:  # the settings this optimizer reads, when set (momentum for gradient descent)
        if getattr(config, name):
            training += f" {name} {getattr(config, name):g}"
    if config.decay:
        training += f" decay {config.decay:g}"
    extras = [f"batch {config.batch_size}"] if config.batch_size else []
    extras += [f"L2 {config.l2:g}"] if config.l2 else []
    features = config.features
    if tuple(features) != sn.DEFAULT_FEATURES:
        extras.append("inputs " + ", ".join(features))
    return " · ".join([network, training, f"{config.epochs:,} epochs", *extras])


def shown_time(timestamp: float) -> str:
    """A submission's time of day, in the server's time zone."""
    return time.strftime("%H:%M:%S", time.localtime(timestamp))


def table(rows: list[BoardRow], metric: str, links: list[str], *, teacher: bool = False) -> dict[str, list]:
    """The board as the page's table: one column per heading (the teacher's has "Hidden" too, and a
    hidden entrant's name struck through)."""
    shown = METRICS[metric]
    columns = {
        "Rank": [row.rank for row in rows],
        "Name": [struck(row.name) if row.hidden else row.name for row in rows],
        # the teacher's "Hidden" next to the name: a narrow page never cuts it off at the right edge
        **({"Hidden": [row.hidden for row in rows]} if teacher else {}),
        shown.label: [shown.shown(row.score) for row in rows],
        "Settings": [settings(row.config) for row in rows],
        "Submissions": [row.tries for row in rows],
        "Time": [shown_time(row.created_at) for row in rows],
        "Open": links,
    }
    return columns


def greyed(columns: dict[str, list], hidden: list[bool]):
    """The table ``columns`` with the rows ``hidden`` greyed (a pandas Styler the page's table draws)."""
    frame = pd.DataFrame(columns)
    return frame.style.apply(lambda row: [GREY if hidden[row.name] else ""] * len(row), axis=1)


GREY = "color: #9e9e9e"


def struck(text: str) -> str:
    """``text`` struck through (a combining long stroke after each character): how a hidden entry
    reads on the teacher's view, in a table cell that shows text as it is."""
    return "".join(ch + "\u0336" for ch in text)


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ (a formula) gets an apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def board_csv(rows: list[BoardRow], metric: str) -> str:
    """The board as CSV: rank, name, score, settings, tries, time (as shown), hidden."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rank", "name", METRICS[metric].label.lower(), "settings", "submissions", "time", "hidden"])
    for row in rows:
        cells = [row.rank, csv_cell(row.name), f"{row.score:.6g}", csv_cell(settings(row.config)), row.tries]
        writer.writerow([*cells, shown_time(row.created_at), row.hidden])
    return out.getvalue()

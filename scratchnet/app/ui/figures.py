"""The figures of a run on screen: the tiles above its charts, of the network on the map.

``metrics_row`` draws them from ``runs.view.Tiles`` (``cache.tiles``: the run's end, or the epoch the
replay shows), so that the loss, the accuracies and the held-out loss always describe the map beside them.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from scratchnet.app.glossary import meaning
from scratchnet.app.runs.result import RunResult
from scratchnet.app.runs.view import Tiles
from scratchnet.app.text import fmt
from scratchnet.app.ui import cache

FINAL_HELP = (
    "Cross-entropy on the training points, of the weights after the last step: the network on the map. "
    "(Each row of the history is measured during its epoch, before that epoch's step.)"
)
REPLAY_HELP = (
    "Cross-entropy on the training points, of the network at epoch {epoch:,}: the one on the map, where the "
    "replay is. Move the replay to its end for the final figures."
)


def _words(text: str, *terms: str) -> str:
    """A tile's help: what it shows, then the plain meaning of the words it uses (the Lessons page's
    glossary), for a student who meets them here first."""
    return text + "".join(f"\n\n**{term.capitalize()}**: {meaning(term)}" for term in terms)


def _metric_cells(count: int) -> list[Any]:
    """Where ``count`` metrics go: one row that wraps (a phone shows two or three a line, not one
    metric a screen-width line each). Every cell is the same row, filled in order."""
    row = st.container(horizontal=True, gap="small")
    return [row] * count


def _of(tiles: Tiles) -> str:
    """Which network a figure is of, for a tile's help."""
    if tiles.final:
        return "the weights after the last step: the network on the map"
    return f"the network at epoch {tiles.epoch:,}: the one on the map (the replay's)"


def _accuracy_tiles(cells: list[Any], tiles: Tiles) -> None:
    """Train accuracy, held-out loss and test accuracy of the network the tiles describe."""
    cells[0].metric("Train accuracy", fmt(tiles.train_accuracy, ".1%"), help=_words(f"Of {_of(tiles)}, as the loss."))
    held_out = tiles.test_accuracy is not None
    cells[1].metric(
        "Held-out loss",
        fmt(tiles.test_loss, ".4f"),
        help=_words(f"Cross-entropy on the held-out points, of {_of(tiles)}.", "held-out", "cross-entropy")
        if held_out
        else _words("No points were held out.", "held-out"),
    )
    cells[2].metric(
        "Test accuracy",
        fmt(tiles.test_accuracy, ".1%"),
        help=f"On the held-out points, of {_of(tiles)}." if held_out else "No points were held out.",
    )


def metrics_row(result: RunResult, tiles: Tiles | None = None) -> None:
    """The run's figures, of the network on the map: ``tiles`` (``cache.tiles``; the run's end when
    None) say which epoch's. A run that blew up says when, and which epoch's network it shows; it
    has no final loss and no speed worth a number."""
    tiles = tiles if tiles is not None else cache.tiles(result, None)
    history = result.history
    if result.status == "diverged":
        cols = _metric_cells(5)
        cols[0].metric(
            "Diverged at", f"epoch {history.diverged_at:,}", help="The loss stopped being a finite number, or blew up."
        )
        cols[1].metric(
            "Network shown",
            f"epoch {tiles.network_epoch:,}",
            help="The replay's epoch." if not tiles.final else "The last parameters that were still finite numbers.",
        )
        _accuracy_tiles(cols[2:], tiles)
        return
    cols = _metric_cells(7)
    label = "Final loss" if tiles.final else f"Loss at epoch {tiles.epoch:,}"
    help_text = FINAL_HELP if tiles.final else REPLAY_HELP.format(epoch=tiles.epoch)
    cols[0].metric(label, fmt(tiles.train_loss, ".4f"), help=_words(help_text, "loss"))
    _accuracy_tiles(cols[1:4], tiles)
    cols[4].metric(
        "Epochs",
        fmt(history.epochs_run, ","),
        help=_words("Epochs trained (the replay may show an earlier one).", "epoch"),
    )
    cols[5].metric("Time", f"{fmt(result.seconds, '.2f')} s")
    cols[6].metric("Epochs / s", fmt(result.epochs_per_second, ",.0f"))

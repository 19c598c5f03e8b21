"""Charts' text alternatives: a title and one line on what a chart shows (Vega-Lite's ``description``, which
the browser gives the drawing as its label for a screen reader). No Streamlit here."""

from __future__ import annotations

from collections.abc import Sequence


def description(title: str, summary: str) -> str:
    """A chart's text alternative (Vega-Lite's ``description``, the drawing's label for a screen reader):
    a title and one line on what it shows. Given to a chart when it is made (like ``charts.large``)."""
    return f"{title}. {summary}"


def steps_summary(losses: Sequence[float], what: str = "the loss", decimals: int = 3) -> str:
    """A loss-per-step chart's summary (for ``description``): how many steps, and ``what`` from the first to
    the last (step 0 is the start)."""
    steps = len(losses) - 1
    if steps < 1:
        return f"{what.capitalize()} at the start, {losses[0]:.{decimals}f}; no step yet." if steps == 0 else "No step."
    plural = "s" if steps != 1 else ""
    return f"{steps} step{plural}: {what} from {losses[0]:.{decimals}f} to {losses[-1]:.{decimals}f}."

"""The one way a page follows runs that train: a fragment that redraws on a timer while they train.

``poll(is_live, draw)`` draws at once; while ``is_live()`` it redraws every ``every`` seconds
(only the fragment reruns, so the rest of the page stays as it is). The first redraw that finds
it no longer live reruns the whole page once, so what depends on the end of training (the
downloads, "My runs", the overlay) appears; that full run draws the fragment without a timer,
and the page stops polling: a finished tab costs the server nothing.

Whatever ends the training — the run finishing, Cancel, Pause — the same rule applies, because
``is_live`` is asked afresh on every redraw.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from scratchnet.app.ui import failure

POLL_SECONDS = 0.5  # redraw interval while a run trains


def poll(
    is_live: Callable[[], bool], draw: Callable[[], None], every: float = POLL_SECONDS, *, key: str | None = None
) -> None:
    """Draw with ``draw()``, redrawn every ``every`` seconds while ``is_live()``; once it stops being
    live, one full-page rerun, then no timer. ``key`` names the fragment (several on one page)."""
    live = is_live()

    def redraw() -> None:
        if live and not is_live():  # the timer's own redraw found it ended: the whole page, once
            st.rerun()
        draw()
        if live and not is_live():  # it ended while drawing (a draw may wait for a run about to end)
            st.rerun()

    @st.fragment(run_every=every if live else None, key=key)
    def fragment() -> None:
        guarded(redraw, key or "live")

    fragment()


def guarded(draw: Callable[[], None], name: str) -> None:
    """A fragment's body, guarded like its page. The page's guard never sees a fragment's error: a
    fragment's own rerun (its timer, a button in it) calls the fragment alone, and on a whole-page run
    Streamlit shows a fragment's exception in its place instead of passing it on. So each fragment
    body goes through here; ``name`` tells it from the page's other fragments."""
    failure.guarded(failure.current_page(), draw, fragment=name)

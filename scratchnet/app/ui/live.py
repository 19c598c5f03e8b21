"""The one way a page follows work that goes on (a run training, a board filling): a fragment on a timer.

``poll(is_live, draw)`` draws at once; while ``is_live()`` it redraws every ``every`` seconds
(only the fragment reruns, so the rest of the page stays as it is). The first redraw that finds
it no longer live reruns the whole page once, so what depends on the end (the result, the
downloads, "My runs") is drawn by that full run, outside any fragment; that run draws the
fragment without a timer, and the page stops polling: a finished tab costs the server nothing.

**Fragments never nest.** Every fragment of the app is made here, by ``fragment``, which refuses
one inside another. The reason is a blank page: Streamlit 1.67 drops a fragment's queued, unsent
elements when a rerun of that fragment starts, but keeps those of a fragment *inside* it, so the
browser can receive the inner fragment's elements addressed to containers it never got, throws
"Bad delta path index", and draws nothing at all. With a short run, a page whose polling fragment
drew the finished result (with its own replay fragment inside) went blank in about one tab in
three when four tabs opened at once (docs/reliability.md has the figures and a ten-line
reproduction). A fragment that holds no other fragment is not exposed to it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import streamlit as st

from scratchnet.app.ui import failure

POLL_SECONDS = 0.5  # redraw interval while a run trains
PRESENT_POLL_SECONDS = 0.2  # ... in the presentation view: a class watches it learn (at least 4 redraws a second)

_inside = threading.local()  # per script thread: the fragment being drawn, if any


class NestedFragmentError(RuntimeError):
    """A fragment was drawn inside another: see this module's docstring for why that is refused."""


def fragment(
    body: Callable[..., None], *, run_every: float | None = None, key: str | None = None
) -> Callable[..., None]:
    """``st.fragment`` around ``body``: refused inside another fragment of the app, and guarded like
    its page (``failure.guarded``). The page's guard never sees a fragment's error: a fragment's own
    rerun (its timer, a button in it) calls the fragment alone, and on a whole-page run Streamlit
    shows a fragment's exception in its place instead of passing it on. ``key`` names it."""
    name = key or body.__qualname__

    @functools.wraps(body)
    def guarded(*args: Any, **kwargs: Any) -> None:
        _inside.name = name
        try:
            failure.guarded(failure.current_page(), lambda: body(*args, **kwargs), fragment=name)
        finally:
            _inside.name = None

    drawn = st.fragment(guarded, run_every=run_every, key=key)

    def call(*args: Any, **kwargs: Any) -> None:
        outer = getattr(_inside, "name", None)
        if outer is not None:  # refused before Streamlit sees it: the outer fragment's guard shows it
            raise NestedFragmentError(f"fragment {name!r} drawn inside fragment {outer!r}")
        drawn(*args, **kwargs)

    return call


def poll(
    is_live: Callable[[], bool], draw: Callable[[], None], every: float = POLL_SECONDS, *, key: str | None = None
) -> None:
    """Draw with ``draw()``, redrawn every ``every`` seconds while ``is_live()``; once it stops being
    live, one full-page rerun, then no timer. ``key`` names the fragment (several on one page).
    ``draw`` must not draw a fragment (see ``fragment``)."""
    live = is_live()

    def polled() -> None:
        if live and not is_live():  # the timer's own redraw found it ended: the whole page, once
            st.rerun()
        draw()
        if live and not is_live():  # it ended while drawing (a draw may wait for a run about to end)
            st.rerun()

    fragment(polled, run_every=every if live else None, key=key or "live")()

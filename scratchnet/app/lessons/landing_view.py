"""Landing on a lesson after **Next**: its title in view, on a phone too.

Why a short pass: the browser keeps its scroll position across reruns, so a student who pressed Next at
the bottom of a lesson on a phone would land in the middle of the next one. So the run after Next ends
with the top of the page alone (the lesson's title): the page shrinks to less than a screen, the browser's
scroll comes back to its top, and the title is in view. A timer then draws the whole lesson below it,
the scroll staying where it is. A run that asked for the whole page at once would never show its short
page: the browser keeps a run's old elements on screen until the run ends, so the page would not shrink.
The timer is a fragment at the page's top level (``ui/live``: fragments never nest).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from scratchnet.app.ui import live, session

LANDING_SECONDS = 0.3  # how long the title stands alone before the whole lesson is drawn


def start() -> None:
    """**Next** was pressed (its callback): the next run draws the short page."""
    session.set_lesson_landing("short")


def short_pass(top: Callable[[], None]) -> bool:
    """On the run after **Next**: draw the page's ``top()`` alone, with a timer that asks for the whole page,
    and say True (draw nothing more). Otherwise False: the whole page is drawn."""
    stage = session.lesson_landing()
    if stage != "short":
        if stage is not None:  # the short page is up (or another run came first): the whole page now
            session.set_lesson_landing(None)
        return False
    top()
    live.fragment(_whole_page, run_every=LANDING_SECONDS, key="lessons.landing")()
    session.set_lesson_landing("drawn")  # after the fragment's first draw: only its timer finds "drawn"
    return True


def _whole_page() -> None:
    """The short page's timer: the first time it fires (the short run has ended), the whole page."""
    if session.lesson_landing() == "drawn":
        st.rerun()

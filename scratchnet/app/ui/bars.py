"""Bars another page puts on the Playground: the lesson a student came from, the challenge a link opened.

The Playground imports no other page: a page package registers its bar here when it is imported
(``register``), and the Playground draws what is registered at its two places (``draw``). The
Playground's page file (``streamlit_app.py``) imports the pages whose bars it shows.

- ``BEFORE_CONTROLS``: drawn before the sidebar's controls, so a bar may still set them (a challenge
  keeps them within its limits).
- ``ABOVE_RUN``: drawn above the run, under the page's own messages (a lesson's goal).
"""

from __future__ import annotations

from collections.abc import Callable

BEFORE_CONTROLS = "before controls"
ABOVE_RUN = "above run"
PLACES = (BEFORE_CONTROLS, ABOVE_RUN)

_bars: dict[str, dict[str, Callable[[], None]]] = {place: {} for place in PLACES}


def register(place: str, name: str, bar: Callable[[], None]) -> None:
    """Draw ``bar()`` on the Playground at ``place`` (one of ``PLACES``); registering a ``name``
    again replaces its bar (a module imported again registers once)."""
    if place not in _bars:
        raise ValueError(f"a bar goes at one of {PLACES}, not {place!r}")
    _bars[place][name] = bar


def registered(place: str) -> list[str]:
    """The names of the bars registered at ``place``, in the order they were first registered."""
    return list(_bars[place])


def draw(place: str) -> None:
    """Draw every bar registered at ``place`` (each draws nothing when it has nothing to say)."""
    for bar in list(_bars[place].values()):
        bar()

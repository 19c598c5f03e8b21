"""What a page does with a failure nobody foresaw: a short message and a way on, never a traceback.

``guarded(where, draw)`` draws with ``draw()``; an ordinary error inside it is written to the
server's log (logger ``scratchnet.app``: the page, what changed since the session's last good run,
the address's query and the traceback) and the student sees one friendly message with a button to
try again and a link back to the Playground. Every page runs through it once (``nav.run_page``),
and so does every fragment body (``live.fragment``: ``live.poll``, the replay): a fragment's timer or
button reruns the fragment alone, and Streamlit shows a fragment's exception in place on any run,
so the page's own ``try`` never sees it.

Nothing the student made is touched: runs, drawings and progress live in the session and in the
shared caches, and the next action (or "Try again") simply draws the page afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import RerunException, StopException

from scratchnet.app.ui import session

LOG = logging.getLogger("scratchnet.app")
HOME = "streamlit_app.py"
#: What each page calls the thing it draws, in the message ("Something went wrong drawing this lesson").
WHAT = {"Lessons": "this lesson", "Challenges": "this challenge", "Sweep": "this sweep"}
SECRET_PARAMETERS = ("key",)  # a teacher link's key: never written to a log


def is_control_flow(error: BaseException) -> bool:
    """Whether ``error`` is how Streamlit itself ends a script run early (``st.rerun()``,
    ``st.switch_page()``, ``st.stop()``, a newer rerun request): these must reach Streamlit. Both are
    public names of ``streamlit.runtime.scriptrunner`` and derive from ``BaseException``, so
    ``except Exception`` never takes them; this check keeps that promise explicit and tested."""
    return isinstance(error, (RerunException, StopException))


def message(where: str) -> str:
    """The student's message for a failure on page ``where``."""
    what = WHAT.get(where, "this page")
    back = "try again" if where == "Playground" else "go back to the Playground"
    return f"Something went wrong drawing {what}; your runs are safe. Reload, or {back}."


def _log(where: str, error: Exception) -> None:
    """The full traceback, with what it takes to reproduce it, in the server's log."""
    try:
        query = {key: ["…"] if key in SECRET_PARAMETERS else st.query_params.get_all(key) for key in st.query_params}
    except Exception:  # the log line must be written even when reading the address fails too
        query = {}
    LOG.error(
        "Uncaught %s on page %r. Last action (what changed since the last good run): %s. Query: %s. Session: %s",
        type(error).__name__,
        where,
        session.last_action() or "none known",
        query,
        session.described(),
        exc_info=error,
    )


def _show(where: str, fragment: str | None) -> None:
    st.warning(message(where), icon=":material/sentiment_dissatisfied:")
    again, home = st.columns(2) if fragment is None else (st.container(), None)
    # a fragment's button reruns the fragment: the way to try its part again without a reload
    again.button("Try again", key=session.failure_key(where, fragment), icon=":material/refresh:")
    if home is not None and where != "Playground":
        home.page_link(HOME, label="Back to the Playground", icon=":material/arrow_back:")


def current_page() -> str:
    """The page this session last drew (a fragment's failure is told as on its page)."""
    return session.page_shown() or "Playground"


def guarded(where: str, draw: Callable[[], None], *, fragment: str | None = None) -> None:
    """Run ``draw()``; an ordinary error in it is logged and shown as a friendly message (see above).
    ``fragment`` names the fragment whose body ``draw`` is (None for a whole page)."""
    if fragment is None:
        session.set_page_shown(where)
    try:
        draw()
    except Exception as error:
        if is_control_flow(error):  # never so today (they are BaseExceptions); kept should that change
            raise
        _log(where, error)
        _show(where, fragment)
    else:
        if fragment is None:
            session.remember_state()  # the next failure's "last action" is what changed after this run

"""Fragments never nest (``ui/live.py`` says why: a fragment inside a polling fragment left about one
browser tab in ten blank). The guard refuses a nested fragment, and the pages never draw one: a run
that ends while its page is drawn is drawn by the full run, outside the polling fragment."""

from __future__ import annotations

import logging

from app_helpers import app, settle
from streamlit.testing.v1 import AppTest

from scratchnet.app.runs.config import RunConfig
from scratchnet.app.ui import failure

LOGGER = "scratchnet.app"


def _nested() -> None:
    import streamlit as st

    from scratchnet.app.ui import live

    def inner() -> None:
        st.write("inner drawn")

    def outer() -> None:
        st.write("outer drawn")
        live.fragment(inner, key="inner")()

    live.fragment(outer, key="outer")()


def test_a_fragment_inside_another_is_refused_logged_and_shown_as_a_failure(caplog):
    caplog.set_level(logging.ERROR, logger=LOGGER)
    at = AppTest.from_function(_nested).run()
    texts = [str(element.value) for element in at.markdown]
    assert "outer drawn" in texts and "inner drawn" not in texts
    assert not at.exception
    assert "NestedFragmentError" in caplog.text and "'inner' drawn inside fragment 'outer'" in caplog.text


def test_a_run_that_ends_while_its_page_draws_is_drawn_outside_the_polling_fragment(fresh_caches, caplog):
    """A short run ends during the page's first script run (the page waits for a run about to end):
    its result, with the replay's own fragment, is drawn with no nesting and no failure."""
    caplog.set_level(logging.ERROR, logger=LOGGER)
    short = RunConfig(hidden=(128, 128, 128), samples=10, epochs=100)
    at = app("streamlit_app.py", {"hidden": "128,128,128", "samples": "10", "epochs": "100"})
    settle(at)
    assert at.session_state["run"].config == short and at.session_state["run"].done
    assert "NestedFragmentError" not in caplog.text, caplog.text
    assert failure.message("Playground") not in [str(warning.value) for warning in at.warning]
    assert any(metric.label in ("Final loss", "Loss") or metric.label.startswith("Loss") for metric in at.metric)

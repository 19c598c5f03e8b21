"""The lessons' state (drawn by ``lessons/view.py``): the lesson shown, the one opened in the Playground,
the lessons passed."""

from __future__ import annotations

import streamlit as st

# ---- lessons (owner: lessons/view.py) -------------------------------------------------------------
LESSON_PICK = "lessons.pick"  # the lesson the page shows (a key of lessons.logic.BY_KEY)
LESSON_FROM_LINK = "lessons.from_link"  # the ?lesson= value last applied, so a link opens its lesson once
LESSON_ACTIVE = "lessons.active"  # the lesson last opened in the Playground (its goal is shown there)
LESSON_PASSED = "lessons.passed"  # the lessons whose goal this session has met (a set of keys; never shrinks)
LESSON_LEAVE = "lessons.leave"
LESSON_UNKNOWN = "lessons.unknown"  # a ?lesson= value that names no lesson, for one message


def lesson_open_key(lesson: str) -> str:
    """The key of the button that opens lesson ``lesson`` in the Playground."""
    return f"lessons.open.{lesson}"


def lesson_sight_key(lesson: str, page: str) -> str:
    """The key of the button that goes from lesson ``lesson`` to another page, ``page``."""
    return f"lessons.sight.{lesson}.{page}"


def lesson_next_key(lesson: str) -> str:
    """The key of the button that goes on from lesson ``lesson`` to the next."""
    return f"lessons.next.{lesson}"


def lesson_active() -> str | None:
    """The lesson last opened in the Playground (a key of ``lessons.logic.BY_KEY``), or None."""
    return st.session_state.get(LESSON_ACTIVE)

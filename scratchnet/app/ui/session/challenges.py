"""The class challenges' state (drawn by ``challenges/view.py`` and ``bar_view.py``): the challenge the session's link named,
the student's name and last submission, the teacher keys this session holds."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

# ---- challenges (owner: challenges/view.py and bar_view.py) -----------------------------------------
CHALLENGE_LINK = "challenges.link"  # the challenge the session's first link named (a logic.ChallengeLink)
CHALLENGE_NAME = "challenges.name"  # the student's display name
CHALLENGE_SUBMIT = "challenges.submit"
CHALLENGE_OUTCOME = "challenges.outcome"  # (level, message) of the last submission
CHALLENGE_BOARD = "challenges.board"  # the board's polling fragment
CHALLENGE_TABLE = "challenges.table"
TEACHER_KEYS = "challenges.teacher_keys"  # challenge id -> the teacher key this session holds (checked)
TEACHER_ERROR = "challenges.teacher_error"  # what went wrong with the teacher's last action
CHALLENGE_FORM = "challenges.form"
CHALLENGE_CLOSE = "challenges.close"
CHALLENGE_PICK = "challenges.pick"
CHALLENGE_HIDE = "challenges.hide"
CHALLENGE_CSV = "challenges.csv"


def challenge_form_key(field: str) -> str:
    """The widget key of field ``field`` of the new-challenge form."""
    return f"challenges.new.{field}"


def challenge_link():
    """The challenge the session's first link named (a ``challenges.logic.ChallengeLink``), or None before
    the link is read."""
    return st.session_state.get(CHALLENGE_LINK)


def set_challenge_link(link) -> None:
    st.session_state[CHALLENGE_LINK] = link


def challenge_name() -> str:
    """The name the student typed for the board ("" before they typed one)."""
    return st.session_state.get(CHALLENGE_NAME, "")


def set_challenge_name(name: str) -> None:
    """Fill the name box with ``name`` (before it is drawn)."""
    st.session_state[CHALLENGE_NAME] = name


def challenge_outcome() -> tuple[str | None, str]:
    """(level, message) of the last submission: "success", "warning" or "error"; (None, "") before one."""
    return st.session_state.get(CHALLENGE_OUTCOME, (None, ""))


def set_challenge_outcome(outcome: tuple[str, str]) -> None:
    st.session_state[CHALLENGE_OUTCOME] = outcome


def teacher_key(challenge_id: str) -> str | None:
    """The teacher key this session holds for challenge ``challenge_id`` (checked when it was kept), or None."""
    return st.session_state.get(TEACHER_KEYS, {}).get(challenge_id)


def hold_teacher_key(challenge_id: str, key: str) -> None:
    st.session_state.setdefault(TEACHER_KEYS, {})[challenge_id] = key


def teacher_error() -> str | None:
    """What went wrong with the teacher's last action, or None."""
    return st.session_state.get(TEACHER_ERROR)


def set_teacher_error(message: str | None) -> None:
    st.session_state[TEACHER_ERROR] = message


def challenge_form(fields: Iterable[str]) -> dict[str, object]:
    """The new-challenge form's values, by field (each of ``fields`` drawn with ``challenge_form_key``)."""
    return {field: st.session_state[challenge_form_key(field)] for field in fields}

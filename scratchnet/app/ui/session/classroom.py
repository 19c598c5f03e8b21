"""The state of the class a student joined, and their progress (drawn by ``ui/classroom.py`` and the class
view); the teacher's class widgets."""

from __future__ import annotations

import streamlit as st

# ---- the class a student joined, and their progress (owner: ui/classroom.py) ---------------------------
CLASS_MEMBER = "class.member"  # the student this session's personal address resolved to (a classroom.Member)
CLASS_CHECKED = "class.checked"  # the (class id, token) last checked, and what it said (None, or a message)
CLASS_GOALS = "class.goals"  # the lessons the class's database shows as met by this student (read once)
CLASS_TRIED = "class.tried"  # lesson key -> the run last recorded as a try at it (each run counts once)
CLASS_JOIN_NAME = "class.join_name"
CLASS_JOIN = "class.join"
CLASS_FORGET = "class.forget"
CLASS_ERROR = "class.error"  # what went wrong with the last class action, shown once
CLASS_TABLE = "class.table"  # the teacher's students x lessons table
CLASS_LIVE = "class.live"  # the class view's polling fragment
CLASS_PICK = "class.pick"  # the student the teacher picked to rename, hide or remove
CLASS_RENAME = "class.rename"
CLASS_FORM = "class.form"
CLASS_TITLE = "class.title"


def class_text(key: str) -> str:
    """What the class widget ``key`` (a name or title box) holds now ("" before it is drawn)."""
    return str(st.session_state.get(key, ""))


def class_member():
    """The class student this session is (a ``classroom.Member``), or None."""
    return st.session_state.get(CLASS_MEMBER)


def set_class_member(member, checked: tuple, message: str | None) -> None:
    st.session_state[CLASS_MEMBER] = member
    st.session_state[CLASS_CHECKED] = (checked, message)
    if member is None:
        st.session_state.pop(CLASS_GOALS, None)


def class_checked() -> tuple | None:
    """(the (class id, token) last checked, its message), or None before the first check."""
    return st.session_state.get(CLASS_CHECKED)


def class_goals() -> set[str] | None:
    return st.session_state.get(CLASS_GOALS)


def set_class_goals(goals: set[str]) -> None:
    st.session_state[CLASS_GOALS] = set(goals)


def class_tried(lesson: str):
    return st.session_state.setdefault(CLASS_TRIED, {}).get(lesson)


def set_class_tried(lesson: str, result) -> None:
    st.session_state.setdefault(CLASS_TRIED, {})[lesson] = result


def class_error() -> str | None:
    return st.session_state.pop(CLASS_ERROR, None)


def set_class_error(message: str | None) -> None:
    st.session_state[CLASS_ERROR] = message

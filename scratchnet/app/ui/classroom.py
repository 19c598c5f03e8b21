"""Who this session is in a class, and where its lesson progress is kept.

A student who joined a class has a personal address: ``?class=<id>&me=<token>``. The token is read
from the address bar, checked against the class's database (only its hash is stored there) and the
student it names is kept in this session; every page puts the two back in the address bar when a
page change dropped them, so a reload, a bookmark or tomorrow opens the same student. Share links
never carry it (``runs.links.public``).

Progress: a student in a class has it in the class's database, one try per run made for a lesson
(``lesson_try``, the server's own check). Without a class, or while the database is down, the
lessons met travel in the student's own address (``progress=``): that is the student's own claim,
read back only for their own view (which ticks show), so it is checked only for being lesson keys.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import streamlit as st

from scratchnet.app.board.logic import token_well_formed
from scratchnet.app.text import escape
from scratchnet.app.ui import board_connection as connection
from scratchnet.app.ui import session

CLASS_KEY, TOKEN_KEY, PROGRESS_KEY = "class", "me", "progress"
PROGRESS_LENGTH = 400  # the longest progress= value read (every lesson key, joined, is far shorter)


@dataclass(frozen=True)
class Member:
    class_id: str
    student_id: int
    name: str
    token: str  # kept in the server's memory for this session, to put back in its address bar


def member() -> Member | None:
    """The class student this session is (checked once per address); None for anyone else."""
    class_id, token = st.query_params.get(CLASS_KEY), st.query_params.get(TOKEN_KEY)
    held = session.class_member()
    if token is None or class_id is None:
        return held  # a page change dropped the address: ``keep_address`` puts it back
    if held is not None and (held.class_id, held.token) == (class_id, token):
        return held
    checked = session.class_checked()
    if checked is not None and checked[0] == (class_id, token) and not _down(checked[1]):
        return None  # this address was checked already and names nobody
    try:
        student = connection.board_read(lambda db: db.student(class_id, token))
    except connection.BoardUnavailable as error:
        session.set_class_member(None, (class_id, token), f"{DOWN} ({error})")
        return None
    if student is None:
        session.set_class_member(None, (class_id, token), _refusal(token))
        del st.query_params[TOKEN_KEY]  # nobody's: it does not stay in the address bar
        return None
    found = Member(class_id, student.id, student.name, token)
    session.set_class_member(found, (class_id, token), None)
    return found


DOWN = "The class's database is unavailable: your lessons are kept on your own address until it is back"


def _down(message: str | None) -> bool:
    return bool(message) and message.startswith(DOWN)


def _refusal(token: str) -> str:
    if not token_well_formed(token):
        return (
            "This personal address is cut short or mistyped (its me= part is 32 letters, digits, - and _): "
            "open the address you bookmarked exactly as it was. Nobody was signed in."
        )
    return (
        "This personal address belongs to nobody in this class (the student may have left it): "
        "join again with your name, or ask your teacher. Nobody was signed in."
    )


def confirmed() -> Member | None:
    """``member()``, asked of the database again (before a write on the student's behalf: the teacher
    may have removed them since); None when they are no longer in the class."""
    held = member()
    if held is not None and connection.board_store().student(held.class_id, held.token) is None:
        session.set_class_member(None, (held.class_id, held.token), _refusal(held.token))
        return None
    return held


def _pending() -> tuple[str, str] | None:
    """The student's (class id, token): checked, or waiting for the database to be back."""
    held = member()
    if held is not None:
        return held.class_id, held.token
    checked = session.class_checked()
    return checked[0] if checked is not None and _down(checked[1]) else None


def keep_address() -> None:
    """Put the student's class and personal token back in the address bar when a page change dropped
    them (also while the database is down: the address is kept until it can be checked)."""
    pending = _pending()
    if pending is not None and st.query_params.get(TOKEN_KEY) != pending[1]:
        st.query_params[CLASS_KEY], st.query_params[TOKEN_KEY] = pending


def notice() -> None:
    """What the last check of a personal address said (a refusal, or the database being down)."""
    checked = session.class_checked()
    if checked is not None and checked[1] and (session.class_member() is None or _down(checked[1])):
        st.warning(escape(checked[1]), icon=":material/person_off:")


def along() -> dict[str, str]:
    """What a link to another page of the app takes along: the student's class address and progress."""
    kept = {name: st.query_params[name] for name in (PROGRESS_KEY,) if name in st.query_params}
    pending = _pending()
    return kept | (dict(zip((CLASS_KEY, TOKEN_KEY), pending)) if pending is not None else {})


def join(class_id: str, name: str) -> Member:
    """Join the class as ``name`` (``Refused``/``BoardUnavailable`` say why not); the personal
    address goes into the address bar at once."""
    student, token = connection.board_store().join(class_id, name)
    found = Member(class_id, student.id, student.name, token)
    session.set_class_member(found, (class_id, token), None)
    session.set_class_goals(set())
    st.query_params[CLASS_KEY], st.query_params[TOKEN_KEY] = class_id, token
    return found


def forget() -> None:
    """The student leaves: every row of theirs is deleted, and the address forgets them."""
    held = session.class_member()
    if held is not None:
        connection.board_store().forget_student(held.class_id, held.student_id)
    session.set_class_member(None, (None, None), None)
    for name in (TOKEN_KEY, CLASS_KEY):
        if name in st.query_params:
            del st.query_params[name]


# ---- progress ----------------------------------------------------------------------------------------
def goals_met(known: Iterable[str]) -> frozenset[str]:
    """The lessons met before this session: from the class's database for a student in a class,
    else the address's own ``progress=`` claim (only known lesson keys kept)."""
    known = tuple(known)
    held = member()
    if held is not None:
        goals = session.class_goals()
        if goals is None:
            try:
                rows = connection.board_read(lambda db: db.progress(held.class_id))
            except connection.BoardUnavailable:
                return _claimed(known)
            goals = {row.lesson_key for row in rows if row.student_id == held.student_id and row.met_at is not None}
            session.set_class_goals(goals)
        return frozenset(goals) & frozenset(known)
    return _claimed(known)


def _claimed(known: tuple[str, ...]) -> frozenset[str]:
    text = (st.query_params.get(PROGRESS_KEY) or "")[:PROGRESS_LENGTH]
    return frozenset(part for part in text.split(".") if part in known)


def keep_goals(passed: Iterable[str], known: Iterable[str]) -> None:
    """Keep the lessons met on the student's own address when no class's database keeps them."""
    if _stored():
        return
    value = ".".join(key for key in known if key in set(passed))
    if value and st.query_params.get(PROGRESS_KEY) != value:
        st.query_params[PROGRESS_KEY] = value
    elif not value and PROGRESS_KEY in st.query_params:  # the last lesson met was started over
        del st.query_params[PROGRESS_KEY]


def _stored() -> bool:
    """True when this session's progress goes to a class's database that answers."""
    checked = session.class_checked()
    return member() is not None and not (checked is not None and _down(checked[1]))


def lesson_try(lesson: str, result: object, met: bool) -> None:
    """Record ``result`` (a finished run made for ``lesson``) as one try at it, once per run, for a
    student in a class; the student is the one this session's token resolved to, never one named
    by the browser."""
    held = member()
    if held is None or result is None or session.class_tried(lesson) is result:
        return
    session.set_class_tried(lesson, result)
    try:
        connection.board_store().record_goal(held.class_id, held.student_id, lesson, met, time.time())
    except connection.BoardUnavailable as error:
        session.set_class_member(held, (held.class_id, held.token), f"{DOWN} ({error})")
        return
    except ValueError as refused:  # Refused: the teacher removed the student meanwhile
        session.set_class_member(None, (held.class_id, held.token), str(refused))
        return
    session.set_class_member(held, (held.class_id, held.token), None)  # back, if it was down
    if met:
        session.set_class_goals((session.class_goals() or set()) | {lesson})


def progress_note() -> str:
    """Where this session's lesson progress is kept, in a sentence for the page."""
    held = member()
    if held is not None and _stored():
        return f"Kept in your class as {held.name}: your personal address brings it back."
    return "Kept in this page's address (progress=…): bookmark it to keep your progress, or join a class."


# ---- the lessons a class follows ------------------------------------------------------------------
_LESSONS: list[tuple[str, str]] = []  # (key, title) in order, as the Lessons page lists them


def list_lessons(lessons: Iterable[tuple[str, str]]) -> None:
    """The Lessons page names its lessons here when it is imported (the class view's columns)."""
    _LESSONS[:] = list(lessons)


def lessons() -> list[tuple[str, str]]:
    """Each lesson's key and title, in order (a copy)."""
    return list(_LESSONS)

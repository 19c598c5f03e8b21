"""A class in the board's database: the teacher's class, its students and their lesson progress.

A student joins with a name and gets a personal token (192 random bits) that only their own
address carries; the database keeps its SHA-256, so a copy of the database lets nobody in. Every
write names the class and the student the *server* resolved from that token, and checks that the
student is in that class: one student can never write another's progress. A student who leaves
takes every row of theirs along (progress, board entries). No Streamlit here; ``Store`` mixes
these methods in (same engine, same transactions, same failures).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from scratchnet.app.board import logic
from scratchnet.app.board.database import BoardUnavailable, challenges, classes, entrants, progress, students
from scratchnet.app.board.database import submissions as submissions_table
from scratchnet.app.board.logic import Refused


@dataclass(frozen=True)
class Class:
    id: str
    title: str
    key_hash: str
    created_at: float
    closed: bool


@dataclass(frozen=True)
class Student:
    id: int
    class_id: str
    name: str
    hidden: bool
    created_at: float


@dataclass(frozen=True)
class Progress:
    """One student's record of one lesson: tries (runs checked for it), when its goal was first met."""

    student_id: int
    lesson_key: str
    tries: int
    met_at: float | None
    last_try: float


class ClassStore:
    """The class methods of ``Store`` (which provides ``_transaction``)."""

    # ---- the class -----------------------------------------------------------------------------
    def create_class(self, title: str, *, now: float | None = None) -> tuple[str, str]:
        """Store a new class; returns its id and the teacher's key (only its hash is stored)."""
        title = logic.check_title(title)
        key, now = logic.new_key(), time.time() if now is None else now
        for _ in range(5):  # an id already taken (one in 2⁴⁸) gets another
            class_id = logic.new_challenge_id()
            try:
                with self._transaction(write=True) as connection:
                    connection.execute(
                        classes.insert().values(
                            id=class_id, title=title, key_hash=logic.hash_key(key), created_at=now, closed=False
                        )
                    )
                return class_id, key
            except IntegrityError:
                continue
        raise BoardUnavailable("Could not find a free class id; try again.")

    def classroom(self, class_id: str) -> Class | None:
        with self._transaction(write=False) as connection:
            row = connection.execute(sa.select(classes).where(classes.c.id == class_id)).first()
        return None if row is None else Class(row.id, row.title, row.key_hash, row.created_at, bool(row.closed))

    def set_class_closed(self, class_id: str, closed: bool) -> None:
        """Close the class (nobody joins; its challenges take no submissions) or reopen it."""
        with self._transaction(write=True) as connection:
            connection.execute(classes.update().where(classes.c.id == class_id).values(closed=closed))
            connection.execute(challenges.update().where(challenges.c.class_id == class_id).values(closed=closed))

    def delete_class(self, class_id: str) -> None:
        """Every row of the class: its students, their progress, its challenges and their entries."""
        with self._transaction(write=True) as connection:
            ids = sa.select(challenges.c.id).where(challenges.c.class_id == class_id).scalar_subquery()
            connection.execute(progress.delete().where(progress.c.class_id == class_id))
            connection.execute(submissions_table.delete().where(submissions_table.c.challenge_id.in_(ids)))
            connection.execute(entrants.delete().where(entrants.c.challenge_id.in_(ids)))
            connection.execute(challenges.delete().where(challenges.c.class_id == class_id))
            connection.execute(students.delete().where(students.c.class_id == class_id))
            connection.execute(classes.delete().where(classes.c.id == class_id))

    def class_challenges(self, class_id: str) -> list[str]:
        """The ids of the class's challenges, oldest first."""
        with self._transaction(write=False) as connection:
            query = (
                sa.select(challenges.c.id).where(challenges.c.class_id == class_id).order_by(challenges.c.created_at)
            )
            return list(connection.execute(query).scalars())

    # ---- students ------------------------------------------------------------------------------
    def join(self, class_id: str, name: str, *, now: float | None = None) -> tuple[Student, str]:
        """A new student of the class; returns them and their personal token (only its hash is stored).
        ``Refused`` when the class is closed or unknown, or the name is taken in it."""
        name, name_key = logic.check_name(name)
        token, now = logic.new_key(), time.time() if now is None else now
        try:
            with self._transaction(write=True) as connection:
                found = connection.execute(sa.select(classes.c.closed).where(classes.c.id == class_id)).first()
                if found is None:
                    raise Refused("There is no such class on this server: check the address you were given.")
                if found.closed:
                    raise Refused("This class is closed: the teacher takes no new students.")
                taken = connection.execute(
                    sa.select(students.c.id).where(students.c.class_id == class_id, students.c.name_key == name_key)
                ).first()
                if taken is not None:
                    raise Refused(_NAME_TAKEN)
                student_id = connection.execute(
                    students.insert().values(
                        class_id=class_id,
                        token_hash=logic.hash_key(token),
                        name=name,
                        name_key=name_key,
                        hidden=False,
                        created_at=now,
                    )
                ).inserted_primary_key[0]
        except IntegrityError:  # two joins with one name at once: the unique constraint kept one
            raise Refused(_NAME_TAKEN) from None
        return Student(student_id, class_id, name, False, now), token

    def student(self, class_id: str, token: str | None) -> Student | None:
        """The student whose personal token this is, in this class; None for any other token."""
        if not logic.token_well_formed(token):
            return None
        with self._transaction(write=False) as connection:
            row = connection.execute(
                sa.select(students).where(
                    students.c.class_id == class_id, students.c.token_hash == logic.hash_key(token)
                )
            ).first()
        return None if row is None else Student(row.id, row.class_id, row.name, bool(row.hidden), row.created_at)

    def students(self, class_id: str) -> list[Student]:
        """The class's students, in the order they joined."""
        with self._transaction(write=False) as connection:
            rows = connection.execute(
                sa.select(students).where(students.c.class_id == class_id).order_by(students.c.id)
            ).all()
        return [Student(row.id, row.class_id, row.name, bool(row.hidden), row.created_at) for row in rows]

    def rename_student(self, class_id: str, student_id: int, name: str) -> None:
        """A new name for the student, on the class view and on every board entry of theirs."""
        name, name_key = logic.check_name(name)
        try:
            with self._transaction(write=True) as connection:
                changed = connection.execute(
                    students.update()
                    .where(students.c.class_id == class_id, students.c.id == student_id)
                    .values(name=name, name_key=name_key)
                ).rowcount
                if changed:
                    connection.execute(
                        entrants.update()
                        .where(entrants.c.session_hash == _entrant_hash(student_id))
                        .values(name=name, name_key=name_key)
                    )
        except IntegrityError:
            raise Refused(_NAME_TAKEN) from None

    def set_student_hidden(self, class_id: str, student_id: int, hidden: bool) -> None:
        """Hide the student (and their board entries) from the projector, or show them again."""
        with self._transaction(write=True) as connection:
            changed = connection.execute(
                students.update()
                .where(students.c.class_id == class_id, students.c.id == student_id)
                .values(hidden=hidden)
            ).rowcount
            if changed:
                connection.execute(
                    entrants.update().where(entrants.c.session_hash == _entrant_hash(student_id)).values(hidden=hidden)
                )

    def forget_student(self, class_id: str, student_id: int) -> None:
        """Delete every row of the student's: progress, board entries, the student."""
        with self._transaction(write=True) as connection:
            owned = connection.execute(
                sa.select(students.c.id).where(students.c.class_id == class_id, students.c.id == student_id)
            ).first()
            if owned is None:
                return
            mine = sa.select(entrants.c.id).where(entrants.c.session_hash == _entrant_hash(student_id))
            connection.execute(submissions_table.delete().where(submissions_table.c.entrant_id.in_(mine)))
            connection.execute(entrants.delete().where(entrants.c.session_hash == _entrant_hash(student_id)))
            connection.execute(progress.delete().where(progress.c.student_id == student_id))
            connection.execute(students.delete().where(students.c.id == student_id))

    # ---- progress ------------------------------------------------------------------------------
    def record_goal(self, class_id: str, student_id: int, lesson_key: str, met: bool, at: float | None = None) -> None:
        """One try at a lesson (a run the server checked against its goal): counted, and the goal
        marked met the first time it is. ``Refused`` when the student is not in that class."""
        at = time.time() if at is None else at
        for attempt in range(2):
            try:
                return self._record_goal(class_id, student_id, lesson_key[:40], met, at)
            except IntegrityError:  # the first try at a lesson from two tabs at once: the retry counts it
                if attempt:
                    raise Refused("That try was recorded by another tab just now.") from None

    def _record_goal(self, class_id: str, student_id: int, lesson_key: str, met: bool, at: float) -> None:
        with self._transaction(write=True) as connection:
            member = connection.execute(
                sa.select(students.c.id).where(students.c.class_id == class_id, students.c.id == student_id)
            ).first()
            if member is None:
                raise Refused("You are not in this class any more: join it again to keep your progress here.")
            row = connection.execute(
                sa.select(progress.c.id, progress.c.met_at)
                .where(progress.c.student_id == student_id, progress.c.lesson_key == lesson_key)
                .with_for_update()
            ).first()
            if row is None:
                connection.execute(
                    progress.insert().values(
                        class_id=class_id,
                        student_id=student_id,
                        lesson_key=lesson_key,
                        tries=1,
                        met_at=at if met else None,
                        last_try=at,
                    )
                )
                return
            values = {"tries": progress.c.tries + 1, "last_try": at}
            if met and row.met_at is None:
                values["met_at"] = at
            connection.execute(progress.update().where(progress.c.id == row.id).values(**values))

    def progress(self, class_id: str) -> list[Progress]:
        """Every student's record of every lesson they tried, in the class."""
        with self._transaction(write=False) as connection:
            rows = connection.execute(
                sa.select(progress).where(progress.c.class_id == class_id).order_by(progress.c.id)
            ).all()
        return [Progress(row.student_id, row.lesson_key, row.tries, row.met_at, row.last_try) for row in rows]


_NAME_TAKEN = (
    "Someone in this class has that name already: pick another. (Coming back? Open your personal address, "
    "the one you bookmarked, and you are yourself again.)"
)


def _entrant_hash(student_id: int) -> str:
    """How a student appears on their class's challenge boards (``entrants.session_hash``)."""
    return logic.session_hash(logic.student_session(student_id))

"""The board's database: its tables, how an engine is set up for it, and what its failures mean.

A class (``classes``) holds students who joined it with a name (``students``: a personal token,
stored only as its SHA-256), their lesson progress (``progress``), and may hold challenges
(``challenges.class_id``). The tables carry the rules that must hold even when sessions race: one name per session and one
session per name in a challenge, and one run stored once per entrant (unique constraints). On
SQLite a write begins with ``BEGIN IMMEDIATE`` (it waits its turn for the one writer instead of
failing half-way), in WAL mode with a busy timeout, so readers never wait for writers. A failure
becomes ``BoardUnavailable``, with a sentence for the page that never quotes the URL (or its
password). No Streamlit here.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

SCHEMA_VERSION = 2  # 1: the board alone; 2: classes, students, progress, challenges.class_id
BUSY_SECONDS = 5.0  # how long a SQLite write waits for the one writer before the board says it is busy

metadata = sa.MetaData()
schema_info = sa.Table(
    "schema_info", metadata, sa.Column("name", sa.String(32), primary_key=True), sa.Column("value", sa.String(64))
)
challenges = sa.Table(
    "challenges",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("spec", sa.Text, nullable=False),  # ChallengeSpec as JSON
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("closes_at", sa.Float),
    sa.Column("closed", sa.Boolean, nullable=False, default=False),
    sa.Column("class_id", sa.String(16)),  # the class it sits in (version 2), or none
)
entrants = sa.Table(
    "entrants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("challenge_id", sa.String(16), sa.ForeignKey("challenges.id"), nullable=False),
    sa.Column("session_hash", sa.String(64), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("name_key", sa.Text, nullable=False),
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.UniqueConstraint("challenge_id", "session_hash", name="one_name_per_session"),
    sa.UniqueConstraint("challenge_id", "name_key", name="one_session_per_name"),
)
submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("challenge_id", sa.String(16), sa.ForeignKey("challenges.id"), nullable=False, index=True),
    sa.Column("entrant_id", sa.Integer, sa.ForeignKey("entrants.id"), nullable=False),
    sa.Column("run_key", sa.String(64), nullable=False),
    sa.Column("config", sa.Text, nullable=False),  # the run's link query, as JSON
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.UniqueConstraint("entrant_id", "run_key", name="one_run_stored_once"),
)

classes = sa.Table(
    "classes",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("closed", sa.Boolean, nullable=False, default=False),
)
students = sa.Table(
    "students",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("class_id", sa.String(16), sa.ForeignKey("classes.id"), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("name_key", sa.Text, nullable=False),
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.UniqueConstraint("class_id", "name_key", name="one_student_per_name"),
)
progress = sa.Table(
    "progress",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("class_id", sa.String(16), sa.ForeignKey("classes.id"), nullable=False, index=True),
    sa.Column("student_id", sa.Integer, sa.ForeignKey("students.id"), nullable=False),
    sa.Column("lesson_key", sa.String(40), nullable=False),
    sa.Column("tries", sa.Integer, nullable=False, default=0),
    sa.Column("met_at", sa.Float),  # when the goal was first met (the server's own check), or none yet
    sa.Column("last_try", sa.Float, nullable=False),
    sa.UniqueConstraint("student_id", "lesson_key", name="one_row_per_lesson"),
)


def migrate(connection, found: int) -> None:
    """Bring a database at schema version ``found`` up to ``SCHEMA_VERSION``, keeping every row
    (the new tables themselves are made by ``create_all``). Runs inside the write transaction that
    holds the version row, so two servers starting at once migrate once."""
    if found < 2:
        columns = {column["name"] for column in sa.inspect(connection).get_columns("challenges")}
        if "class_id" not in columns:
            connection.exec_driver_sql("ALTER TABLE challenges ADD COLUMN class_id VARCHAR(16)")
    connection.execute(schema_info.update().where(schema_info.c.name == "version").values(value=str(SCHEMA_VERSION)))


class BoardUnavailable(RuntimeError):
    """The database cannot be used right now; the message says why, in words for the page.
    ``busy``: it is there but locked (worth trying again at once), rather than unreachable."""

    def __init__(self, message: str, *, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy


def engine_options(url: str) -> dict[str, Any]:
    """``create_engine`` options for a board URL: a short connect timeout for a server (an unreachable
    board must not hang the page), a lock timeout so a locked table fails instead of waiting forever."""
    if url.startswith("postgresql"):
        return {
            "pool_pre_ping": True,
            "connect_args": {"connect_timeout": 5, "options": "-c lock_timeout=5000 -c statement_timeout=15000"},
        }
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": BUSY_SECONDS}}
    return {"pool_pre_ping": True}


def default_url() -> str:
    """An SQLite file in the user's data folder ($XDG_DATA_HOME, else ~/.local/share), outside the
    repository (the folder is made if need be)."""
    folder = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "scratchnet"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'board.sqlite'}"


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    """WAL (readers never wait for the writer), and the driver's own BEGIN handling off: the
    ``begin`` listener below begins. The busy timeout is the driver's ``timeout`` (``engine_options``)."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")  # in WAL, safe from corruption; no disk flush per commit
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _on_sqlite_begin(connection) -> None:
    """A write takes the write lock up front: a read upgraded to a write mid-way fails at once when
    another writer got there first, while BEGIN IMMEDIATE waits its turn (up to the busy timeout)."""
    write = connection.get_execution_options().get("board_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def sqlite_setup(engine: Engine) -> None:
    """Set ``engine`` up for the board (once): WAL, and BEGIN IMMEDIATE for writes."""
    if not event.contains(engine, "connect", _on_sqlite_connect):
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        # A connection the pool made before these listeners has the driver's own BEGIN handling: its
        # writes would upgrade a read lock mid-way and fail at once under load. Start the pool afresh.
        engine.dispose()


def _detail(error: Exception) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0][:160] if str(error) else ""


def _is_busy(error: Exception) -> bool:
    return any(word in _detail(error).lower() for word in ("locked", "lock timeout", "busy"))


def explain(error: Exception) -> str:
    """A sentence for the page about a database error (no URL, so no password, is ever quoted)."""
    detail = _detail(error)
    if _is_busy(error):
        return f"The board's database is busy (another program holds a lock on it: {detail}). Try again in a moment."
    return f"The board's database cannot be reached ({detail or type(error).__name__})."


def unavailable(error: Exception) -> BoardUnavailable:
    return BoardUnavailable(explain(error), busy=_is_busy(error))


class Unreachable:
    """Remembers, per database URL, that it could not be reached a moment ago (not that it was busy)."""

    RETRY_SECONDS = 15.0

    def __init__(self) -> None:
        self._failed: dict[str, tuple[float, str]] = {}

    def check(self, url: str) -> None:
        """``BoardUnavailable`` again, without asking, while the last failure is recent."""
        failed = self._failed.get(url)
        if failed is not None and time.monotonic() - failed[0] < self.RETRY_SECONDS:
            raise BoardUnavailable(failed[1])

    def note(self, url: str, error: BoardUnavailable) -> None:
        if not error.busy:
            self._failed[url] = (time.monotonic(), str(error))

"""The challenges' store: SQLAlchemy Core on any engine (SQLite by default, PostgreSQL shared).

``Store(engine)`` creates its tables (``database.py``) on first use and records a schema version
for later migrations. Every write is one short transaction that checks the rules that need the
database (the challenge is open, one name per session, the rate limit, a run stored once) and
writes; the tables' unique constraints keep those rules true even when sessions race.

Database failures come out as ``BoardUnavailable`` with a sentence saying what is wrong; rule
failures as ``logic.Refused``. No Streamlit here: the page hands in the engine of its connection.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from scratchnet.app.board import logic
from scratchnet.app.board.classes import Class, ClassStore, Progress, Student  # noqa: F401 (found here too)
from scratchnet.app.board.database import (  # noqa: F401 (the store's users find them here too)
    BUSY_SECONDS,
    SCHEMA_VERSION,
    BoardUnavailable,
    Unreachable,
    challenges,
    classes,
    default_url,
    engine_options,
    entrants,
    metadata,
    migrate,
    progress,
    schema_info,
    sqlite_setup,
    students,
    submissions,
    unavailable,
)
from scratchnet.app.board.logic import ChallengeSpec, Refused
from scratchnet.app.runs.config import RunConfig, from_query, to_query

MIN_GAP_SECONDS = 5.0  # a session submits at most once every few seconds ...
MAX_SUBMISSIONS = 30  # ... and at most this many times to one challenge


@dataclass(frozen=True)
class Challenge:
    id: str
    spec: ChallengeSpec
    key_hash: str
    created_at: float
    closes_at: float | None
    closed_flag: bool
    class_id: str | None = None  # the class it sits in, if any

    def closed(self, now: float | None = None) -> bool:
        return logic.is_closed(self.closed_flag, self.closes_at, time.time() if now is None else now)


@dataclass(frozen=True)
class Submission:
    """One stored submission, with its entrant's name (a board row is an entrant's best)."""

    id: int
    entrant_id: int
    name: str
    hidden: bool
    score: float
    config: RunConfig
    created_at: float


class Store(ClassStore):
    """The challenges, their entrants and submissions, and the classes (``classes.py``), in one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._ready = False
        self._ready_lock = threading.Lock()
        if engine.dialect.name == "sqlite":
            sqlite_setup(engine)

    # ---- transactions ------------------------------------------------------------------------
    @contextmanager
    def _transaction(self, *, write: bool):
        self._ensure_schema()
        try:
            with self.engine.connect() as connection:
                connection = connection.execution_options(board_write=write)
                with connection.begin():
                    yield connection
        except (Refused, IntegrityError):
            raise
        except SQLAlchemyError as error:
            raise unavailable(error) from error

    def _ensure_schema(self) -> None:
        """Create the tables (first use) and check the schema version; retried until it works once."""
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            try:
                for attempt in range(2):  # two servers creating the tables at once: the second try sees them
                    try:
                        metadata.create_all(self.engine, checkfirst=True)
                        self._record_version()
                        break
                    except (IntegrityError, DBAPIError) as error:
                        if attempt or isinstance(error, sa.exc.OperationalError):
                            raise
            except SQLAlchemyError as error:
                raise unavailable(error) from error
            self._ready = True

    def _record_version(self) -> None:
        with self.engine.connect() as connection, connection.execution_options(board_write=True).begin():
            found = connection.execute(
                sa.select(schema_info.c.value).where(schema_info.c.name == "version").with_for_update()
            ).scalar()  # the row locked: a second server starting at once waits, then sees it migrated
            if found is None:
                connection.execute(schema_info.insert().values(name="version", value=str(SCHEMA_VERSION)))
                return
            if int(found) < SCHEMA_VERSION:
                migrate(connection, int(found))
                return
        if int(found) > SCHEMA_VERSION:
            raise BoardUnavailable(
                f"The board's database has schema version {found}, newer than this app's {SCHEMA_VERSION}: "
                "update the app, or point it at another database."
            )

    def schema_version(self) -> int:
        with self._transaction(write=False) as connection:
            return int(
                connection.execute(sa.select(schema_info.c.value).where(schema_info.c.name == "version")).scalar()
            )

    # ---- challenges --------------------------------------------------------------------------
    def create(
        self,
        spec: ChallengeSpec,
        *,
        closes_at: float | None = None,
        now: float | None = None,
        class_id: str | None = None,
        key_hash: str | None = None,
    ) -> tuple[str, str]:
        """Store a new challenge; returns its id and the teacher's key (only its hash is stored). A
        challenge in a class (``class_id``) is moderated with the class's key (its ``key_hash``): then
        the key returned is empty."""
        key, now = ("" if key_hash else logic.new_key()), time.time() if now is None else now
        for _ in range(5):  # an id already taken (one in 2⁴⁸ per challenge) gets another
            challenge_id = logic.new_challenge_id()
            try:
                with self._transaction(write=True) as connection:
                    connection.execute(
                        challenges.insert().values(
                            id=challenge_id,
                            title=spec.title,
                            spec=spec.to_json(),
                            key_hash=key_hash or logic.hash_key(key),
                            created_at=now,
                            closes_at=closes_at,
                            closed=False,
                            class_id=class_id,
                        )
                    )
                return challenge_id, key
            except IntegrityError:
                continue
        raise BoardUnavailable("Could not find a free challenge id; try again.")

    def challenge(self, challenge_id: str) -> Challenge | None:
        with self._transaction(write=False) as connection:
            row = connection.execute(sa.select(challenges).where(challenges.c.id == challenge_id)).first()
        if row is None:
            return None
        spec = ChallengeSpec.from_json(row.spec)
        return Challenge(row.id, spec, row.key_hash, row.created_at, row.closes_at, bool(row.closed), row.class_id)

    def set_closed(self, challenge_id: str, closed: bool) -> None:
        """Close the challenge, or reopen it (a reopened challenge has no closing time any more)."""
        values = {"closed": closed} if closed else {"closed": False, "closes_at": None}
        with self._transaction(write=True) as connection:
            connection.execute(challenges.update().where(challenges.c.id == challenge_id).values(**values))

    def set_hidden(self, challenge_id: str, entrant_id: int, hidden: bool) -> None:
        with self._transaction(write=True) as connection:
            connection.execute(
                entrants.update()
                .where(entrants.c.challenge_id == challenge_id, entrants.c.id == entrant_id)
                .values(hidden=hidden)
            )

    # ---- submissions -------------------------------------------------------------------------
    def submit(
        self,
        challenge_id: str,
        session_id: str,
        name: str,
        config: RunConfig,
        score: float,
        *,
        now: float | None = None,
    ) -> int:
        """Store one submission (``score`` is the server's own, ``config`` already checked against the
        rules); returns its id. ``Refused`` when the challenge is closed, the name belongs to another
        session (or this session has another name), the session submits too often, or the run is
        already on the board."""
        name, name_key = logic.check_name(name)
        now = time.time() if now is None else now
        # Everything that needs no database is done before the transaction: SQLite's write lock is held
        # only for the reads and writes themselves.
        entry = {"run_key": logic.run_key(config), "config": json.dumps(to_query(config), sort_keys=True)}
        for attempt in range(2):
            try:
                return self._submit(challenge_id, logic.session_hash(session_id), name, name_key, entry, score, now)
            except IntegrityError:
                if attempt:  # the retry sees what the racing session committed, and says so
                    raise Refused("That name or run was stored by another submission just now; try again.") from None
        raise AssertionError("unreachable")

    def _submit(
        self, challenge_id: str, session: str, name: str, name_key: str, entry: dict[str, str], score: float, now: float
    ) -> int:
        with self._transaction(write=True) as connection:
            row = connection.execute(
                sa.select(challenges.c.closed, challenges.c.closes_at).where(challenges.c.id == challenge_id)
            ).first()
            if row is None:
                raise Refused("This challenge is not on the board (it may have been made on another server).")
            if logic.is_closed(bool(row.closed), row.closes_at, now):
                raise Refused("This challenge is closed: submissions are no longer taken.")
            entrant_id = self._entrant(connection, challenge_id, session, name, name_key, now)
            run = entry["run_key"]
            earlier = connection.execute(
                sa.select(submissions.c.created_at, submissions.c.run_key).where(submissions.c.entrant_id == entrant_id)
            ).all()
            if any(row.run_key == run for row in earlier):
                raise Refused("This run is on the board already: change a setting and train again to submit another.")
            if len(earlier) >= MAX_SUBMISSIONS:
                raise Refused(f"That makes {MAX_SUBMISSIONS} submissions from you: the most one person may make.")
            last = max((row.created_at for row in earlier), default=None)
            if last is not None and now - last < MIN_GAP_SECONDS:
                wait = MIN_GAP_SECONDS - (now - last)
                raise Refused(f"One submission every {MIN_GAP_SECONDS:.0f} s: try again in {wait:.0f} s.")
            return connection.execute(
                submissions.insert().values(
                    challenge_id=challenge_id,
                    entrant_id=entrant_id,
                    **entry,
                    score=score,
                    created_at=now,
                )
            ).inserted_primary_key[0]

    @staticmethod
    def _entrant(connection: Any, challenge_id: str, session: str, name: str, name_key: str, now: float) -> int:
        """The id of this session's entrant in the challenge, made on its first submission (one name per
        person, and no name twice on a board)."""
        mine = connection.execute(
            sa.select(entrants.c.id, entrants.c.name, entrants.c.name_key)
            .where(entrants.c.challenge_id == challenge_id, entrants.c.session_hash == session)
            .with_for_update()  # PostgreSQL: one submission of a session at a time (SQLite: BEGIN IMMEDIATE)
        ).first()
        if mine is not None:
            if mine.name_key != name_key:
                raise Refused(f"You take part as {mine.name} in this challenge: one name per person.")
            return mine.id
        taken = connection.execute(
            sa.select(entrants.c.id).where(entrants.c.challenge_id == challenge_id, entrants.c.name_key == name_key)
        ).first()
        if taken is not None:
            raise Refused(
                "Someone else on this board has that name already: pick another. (Coming back after a "
                "reload? A board remembers you inside a class: ask your teacher for the class's address.)"
            )
        return connection.execute(
            entrants.insert().values(
                challenge_id=challenge_id,
                session_hash=session,
                name=name,
                name_key=name_key,
                hidden=False,
                created_at=now,
            )
        ).inserted_primary_key[0]

    def submissions(self, challenge_id: str) -> list[Submission]:
        """Every submission to the challenge, oldest first, with its entrant's name and whether hidden."""
        query = (
            sa.select(submissions, entrants.c.name, entrants.c.hidden)
            .join(entrants, entrants.c.id == submissions.c.entrant_id)
            .where(submissions.c.challenge_id == challenge_id)
            .order_by(submissions.c.id)
        )
        with self._transaction(write=False) as connection:
            rows = connection.execute(query).all()
        return [
            Submission(
                row.id,
                row.entrant_id,
                row.name,
                bool(row.hidden),
                row.score,
                _config(row.config),
                row.created_at,
            )
            for row in rows
        ]

    def my_name(self, challenge_id: str, session_id: str) -> str | None:
        """The name this session takes part under in the challenge, if it has submitted."""
        with self._transaction(write=False) as connection:
            return connection.execute(
                sa.select(entrants.c.name).where(
                    entrants.c.challenge_id == challenge_id,
                    entrants.c.session_hash == logic.session_hash(session_id),
                )
            ).scalar()


@functools.lru_cache(maxsize=4096)
def _config(text: str) -> RunConfig:
    """A stored run's configuration (parsed once: a live board reads the same rows every few seconds)."""
    return from_query(json.loads(text))[0]

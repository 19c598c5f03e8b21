"""The challenges' database layer, driven directly on an Engine: SQLite always, PostgreSQL when
``SCRATCHNET_TEST_POSTGRES_URL`` points at a server (``.ci/run`` starts one and sets it)."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from scratchnet.app.board import logic, store
from scratchnet.app.board.logic import ChallengeSpec, Refused
from scratchnet.app.board.store import BoardUnavailable, Store
from scratchnet.app.challenges import board

POSTGRES_URL = os.environ.get("SCRATCHNET_TEST_POSTGRES_URL")
NO_POSTGRES = "SCRATCHNET_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server and sets it)"
SESSIONS = 20  # students submitting at once
ROUNDS = 5  # submissions each
SPEC = ChallengeSpec("Spiral with 8 units", max_units=8, max_layers=2, max_epochs=500)
T0 = 1_800_000_000.0  # a fixed "now" for the rate limit


def make_engine(url: str, **options) -> sa.Engine:
    return sa.create_engine(url, **(store.engine_options(url) | options))


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'board.sqlite'}"
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    engine = make_engine(POSTGRES_URL)
    store.metadata.drop_all(engine)  # a throwaway database: each test starts from empty tables
    engine.dispose()
    return POSTGRES_URL


@pytest.fixture
def db(url):
    engine = make_engine(url)
    yield Store(engine)
    engine.dispose()


def run(**changes):
    return SPEC.start_config().replace(**changes)


def test_tables_are_created_on_first_use_and_the_schema_version_recorded(db):
    assert not sa.inspect(db.engine).get_table_names()  # nothing before the first use
    assert db.challenge("AAAAAAAA") is None
    assert {"schema_info", "challenges", "entrants", "submissions"} <= set(sa.inspect(db.engine).get_table_names())
    assert db.schema_version() == store.SCHEMA_VERSION


def test_a_database_from_a_newer_version_is_refused_with_a_message(url):
    engine = make_engine(url)
    Store(engine).schema_version()
    with engine.begin() as connection:
        connection.execute(store.schema_info.update().values(value=str(store.SCHEMA_VERSION + 1)))
    with pytest.raises(BoardUnavailable, match="newer than this app"):
        Store(engine).challenge("AAAAAAAA")
    engine.dispose()


def test_the_teacher_key_is_random_and_stored_only_hashed(db):
    challenge_id, key = db.create(SPEC)
    other_id, other_key = db.create(SPEC)
    assert len(key) * 6 >= 128 and key != other_key and challenge_id != other_id
    with db.engine.connect() as connection:
        everything = " ".join(str(value) for row in connection.execute(sa.select(store.challenges)) for value in row)
    assert key not in everything and other_key not in everything
    challenge = db.challenge(challenge_id)
    assert logic.key_matches(key, challenge.key_hash)
    assert not logic.key_matches(other_key, challenge.key_hash)
    assert not logic.key_matches("", challenge.key_hash) and not logic.key_matches(None, challenge.key_hash)
    assert challenge.spec == SPEC


@pytest.mark.parametrize("metric", ["accuracy", "loss"])
def test_the_board_ranks_each_entrant_by_their_best_run(url, metric):
    engine = make_engine(url)
    db = Store(engine)
    challenge_id, _ = db.create(ChallengeSpec("Board", metric=metric))
    scores = {"ann": [0.5, 0.9], "bob": [0.7], "cy": [0.7], "di": [0.2]}
    for i, (name, values) in enumerate(scores.items()):
        for j, value in enumerate(values):
            db.submit(challenge_id, f"s-{name}", name, run(lr=0.01 * (j + 1)), value, now=T0 + 10 * (i * 5 + j))
    rows = board.ranked(db.submissions(challenge_id), metric)
    names = [row.name for row in rows]
    if metric == "accuracy":
        assert names == ["ann", "bob", "cy", "di"] and [row.rank for row in rows] == [1, 2, 2, 4]
        assert rows[0].score == 0.9 and rows[0].tries == 2
    else:
        assert names == ["di", "ann", "bob", "cy"] and [row.rank for row in rows] == [1, 2, 3, 3]
        assert rows[1].score == 0.5
    assert board.rank_of(rows, "bob")[1] == 4
    engine.dispose()


def test_one_name_per_session_and_one_session_per_name(db):
    challenge_id, _ = db.create(SPEC)
    db.submit(challenge_id, "s1", "  Ann   Lee ", run(), 0.5, now=T0)
    assert db.my_name(challenge_id, "s1") == "Ann Lee"
    with pytest.raises(Refused, match="You take part as Ann Lee"):
        db.submit(challenge_id, "s1", "Bob", run(lr=0.1), 0.6, now=T0 + 60)
    for lookalike in ("ann lee", "ANN LEE", "Ａｎｎ Lee"):  # case and full-width forms are the same name
        with pytest.raises(Refused, match="has that name already"):
            db.submit(challenge_id, "s2", lookalike, run(lr=0.1), 0.6, now=T0 + 60)
    db.submit(challenge_id, "s1", "ann lee", run(lr=0.1), 0.6, now=T0 + 60)  # the same person, typed differently
    other_id, _ = db.create(SPEC)
    db.submit(other_id, "s2", "Ann Lee", run(), 0.5, now=T0)  # names are per challenge
    assert [row.name for row in board.ranked(db.submissions(challenge_id), "accuracy")] == ["Ann Lee"]


def test_submissions_are_rate_limited_per_session(db):
    challenge_id, _ = db.create(SPEC)
    db.submit(challenge_id, "s1", "Ann", run(lr=0.01), 0.5, now=T0)
    with pytest.raises(Refused, match="One submission every"):
        db.submit(challenge_id, "s1", "Ann", run(lr=0.02), 0.5, now=T0 + store.MIN_GAP_SECONDS / 2)
    db.submit(challenge_id, "s2", "Bob", run(lr=0.02), 0.5, now=T0 + 1)  # another session is not held up
    for i in range(1, store.MAX_SUBMISSIONS):
        db.submit(challenge_id, "s1", "Ann", run(lr=0.01 + i / 1000), 0.5, now=T0 + 10 * i)
    with pytest.raises(Refused, match=f"{store.MAX_SUBMISSIONS} submissions"):
        db.submit(challenge_id, "s1", "Ann", run(lr=0.9), 0.5, now=T0 + 10_000)
    assert len(db.submissions(challenge_id)) == store.MAX_SUBMISSIONS + 1


def test_the_same_run_is_stored_once(db):
    challenge_id, _ = db.create(SPEC)
    db.submit(challenge_id, "s1", "Ann", run(), 0.5, now=T0)
    with pytest.raises(Refused, match="on the board already"):
        db.submit(challenge_id, "s1", "Ann", run(), 0.5, now=T0 + 60)
    assert len(db.submissions(challenge_id)) == 1


def test_a_closed_challenge_takes_no_submissions_until_reopened(db):
    challenge_id, _ = db.create(SPEC)
    db.set_closed(challenge_id, True)
    assert db.challenge(challenge_id).closed()
    with pytest.raises(Refused, match="closed"):
        db.submit(challenge_id, "s1", "Ann", run(), 0.5)
    db.set_closed(challenge_id, False)
    db.submit(challenge_id, "s1", "Ann", run(), 0.5)
    timed_id, _ = db.create(SPEC, closes_at=T0 + 60, now=T0)
    db.submit(timed_id, "s1", "Ann", run(), 0.5, now=T0 + 59)
    with pytest.raises(Refused, match="closed"):
        db.submit(timed_id, "s1", "Ann", run(lr=0.1), 0.5, now=T0 + 60)
    assert db.challenge(timed_id).closed(now=T0 + 60) and not db.challenge(timed_id).closed(now=T0 + 59)
    with pytest.raises(Refused, match="not on the board"):
        db.submit("ZZZZZZZZ", "s1", "Ann", run(), 0.5)


def test_a_hidden_entrant_leaves_the_board_but_stays_in_the_teachers_view(db):
    challenge_id, _ = db.create(SPEC)
    db.submit(challenge_id, "s1", "**rude**", run(), 0.9, now=T0)
    db.submit(challenge_id, "s2", "Bob", run(), 0.5, now=T0)
    rude = board.ranked(db.submissions(challenge_id), "accuracy")[0]
    db.set_hidden(challenge_id, rude.entrant_id, True)
    assert [row.name for row in board.ranked(db.submissions(challenge_id), "accuracy")] == ["Bob"]
    teacher = board.ranked(db.submissions(challenge_id), "accuracy", include_hidden=True)
    assert [(row.name, row.hidden) for row in teacher] == [("**rude**", True), ("Bob", False)]
    db.set_hidden(challenge_id, rude.entrant_id, False)
    assert len(board.ranked(db.submissions(challenge_id), "accuracy")) == 2


def test_twenty_sessions_submitting_at_once_are_each_stored_exactly_once(url):
    engine = make_engine(url)
    with engine.connect() as connection:  # the engine was used before the store (as a page's connection may be)
        connection.execute(sa.text("SELECT 1"))
    db = Store(engine)
    challenge_id, _ = db.create(SPEC)
    start = threading.Barrier(SESSIONS)
    stored: list[int] = []
    failures: list[BaseException] = []

    def student(i: int) -> None:
        try:
            start.wait()
            for r in range(ROUNDS):
                config = run(lr=0.01 * (r + 1), seed=i)
                stored.append(
                    db.submit(challenge_id, f"session-{i}", f"student {i}", config, i / 100 + r / 1000, now=T0 + 10 * r)
                )
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures[:3]
    rows = db.submissions(challenge_id)
    assert len(stored) == len(set(stored)) == len(rows) == SESSIONS * ROUNDS
    assert sorted(row.id for row in rows) == sorted(stored)
    ranked = board.ranked(rows, "accuracy")
    assert len(ranked) == SESSIONS and all(row.tries == ROUNDS for row in ranked)
    assert [row.name for row in ranked] == [f"student {i}" for i in reversed(range(SESSIONS))]
    engine.dispose()


def test_a_double_click_from_two_tabs_at_once_stores_the_run_once(db):
    challenge_id, _ = db.create(SPEC)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def click() -> None:
        start.wait()
        try:
            db.submit(challenge_id, "s1", "Ann", run(), 0.5, now=T0)
            outcomes.append("stored")
        except Refused as refused:
            outcomes.append(str(refused))

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("stored") == 1, outcomes
    assert len(db.submissions(challenge_id)) == 1


def test_the_board_survives_a_restart(url):
    engine = make_engine(url)
    first = Store(engine)
    challenge_id, key = first.create(SPEC)
    for i in range(3):
        first.submit(challenge_id, f"s{i}", f"name {i}", run(seed=i), i / 10, now=T0)
    first.set_closed(challenge_id, True)
    engine.dispose()  # the server stops ...
    for _ in range(2):  # ... and starts again, twice: a new engine on the same database each time
        engine = make_engine(url)
        again = Store(engine)
        challenge = again.challenge(challenge_id)
        assert challenge.closed() and logic.key_matches(key, challenge.key_hash)
        assert [row.name for row in board.ranked(again.submissions(challenge_id), "accuracy")] == [
            "name 2",
            "name 1",
            "name 0",
        ]
        engine.dispose()


def test_a_locked_sqlite_database_says_it_is_busy_and_the_board_still_reads(tmp_path):
    path = tmp_path / "board.sqlite"
    engine = make_engine(f"sqlite:///{path}", connect_args={"timeout": 0.2})  # a short busy timeout
    db = Store(engine)
    challenge_id, _ = db.create(SPEC)
    db.submit(challenge_id, "s1", "Ann", run(), 0.5, now=T0)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        started = time.monotonic()
        with pytest.raises(BoardUnavailable, match="busy"):
            db.submit(challenge_id, "s2", "Bob", run(), 0.6, now=T0)
        assert time.monotonic() - started < 5
        assert [s.name for s in db.submissions(challenge_id)] == ["Ann"]  # WAL: readers do not wait
    finally:
        other.execute("ROLLBACK")
        other.close()
    db.submit(challenge_id, "s2", "Bob", run(), 0.6, now=T0)
    engine.dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)
def test_a_locked_postgres_table_says_it_is_busy():
    engine = make_engine(POSTGRES_URL)
    store.metadata.drop_all(engine)
    db = Store(engine)
    challenge_id, _ = db.create(SPEC)
    options = {"connect_args": {"connect_timeout": 5, "options": "-c lock_timeout=300"}}
    impatient = Store(make_engine(POSTGRES_URL, **options))
    with engine.connect() as holder, holder.begin():
        holder.execute(sa.text("LOCK TABLE entrants IN ACCESS EXCLUSIVE MODE"))
        with pytest.raises(BoardUnavailable, match="busy"):
            impatient.submit(challenge_id, "s1", "Ann", run(), 0.5)
    impatient.submit(challenge_id, "s1", "Ann", run(), 0.5)
    impatient.engine.dispose()
    engine.dispose()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.mark.parametrize(
    "unreachable",
    [
        "sqlite:////nonexistent-folder/for/the/board.sqlite",
        f"postgresql+psycopg://user:secret-password@127.0.0.1:{closed_port()}/board",
    ],
    ids=["sqlite-no-folder", "postgres-no-server"],
)
def test_an_unreachable_database_says_so_without_quoting_the_password(unreachable):
    pytest.importorskip("psycopg") if unreachable.startswith("postgresql") else None
    db = Store(make_engine(unreachable))
    for attempt in (lambda: db.challenge("AAAAAAAA"), lambda: db.create(SPEC), lambda: db.submissions("AAAAAAAA")):
        with pytest.raises(BoardUnavailable, match="cannot be reached") as caught:
            attempt()
        assert "secret-password" not in str(caught.value)


# ---- classes: students who come back, their progress, the teacher's moderation -------------------------
def test_a_student_who_joins_comes_back_as_themselves_with_a_token_stored_only_hashed(db):
    class_id, key = db.create_class("Year 10 maths")
    dave, token = db.join(class_id, "Dave")
    assert len(token) * 6 >= 128 and token != key
    back = db.student(class_id, token)  # a reload, tomorrow, another server: the same student
    assert back is not None and (back.id, back.name) == (dave.id, "Dave")
    with db.engine.connect() as connection:
        everything = " ".join(
            str(v)
            for table in (store.students, store.classes)
            for row in connection.execute(sa.select(table))
            for v in row
        )
    assert token not in everything and key not in everything
    with pytest.raises(Refused, match=r"has that name already.*personal address"):
        db.join(class_id, "dave")  # another person, or Dave without his address: not let in as Dave


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-1],
        lambda t: t[:16],
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: "",
        lambda t: None,
        lambda t: t + "x",
        lambda t: "x" * 5000,
    ],
)
def test_forged_or_truncated_tokens_let_nobody_in(db, forge):
    class_id, _ = db.create_class("class")
    _, token = db.join(class_id, "Ann")
    assert db.student(class_id, forge(token)) is None
    other_class, _ = db.create_class("another class")
    assert db.student(other_class, token) is None  # a token opens only its own class


def test_a_token_of_a_student_who_left_opens_nothing_and_every_row_of_theirs_is_gone(db):
    class_id, _ = db.create_class("class")
    ann, token = db.join(class_id, "Ann")
    bob, _ = db.join(class_id, "Bob")
    challenge_id, _ = db.create(SPEC, class_id=class_id, key_hash=db.classroom(class_id).key_hash)
    for who in (ann, bob):
        db.submit(challenge_id, logic.student_session(who.id), who.name, run(), 0.5, now=T0)
        db.record_goal(class_id, who.id, "first", True, T0)
    db.forget_student(class_id, ann.id)
    assert db.student(class_id, token) is None  # the address replayed after leaving: no access
    assert [s.name for s in db.students(class_id)] == ["Bob"]
    assert [p.student_id for p in db.progress(class_id)] == [bob.id]
    assert [s.name for s in db.submissions(challenge_id)] == ["Bob"]
    assert db.join(class_id, "Ann")[0].name == "Ann"  # the name is free again


def test_goals_count_tries_keep_the_first_met_time_and_one_student_cannot_write_another(db):
    class_id, _ = db.create_class("class")
    other_class, _ = db.create_class("other")
    ann, _ = db.join(class_id, "Ann")
    eve, _ = db.join(other_class, "Eve")
    db.record_goal(class_id, ann.id, "first", False, T0)
    db.record_goal(class_id, ann.id, "first", True, T0 + 10)
    db.record_goal(class_id, ann.id, "first", True, T0 + 20)
    [row] = db.progress(class_id)
    assert (row.tries, row.met_at, row.last_try) == (3, T0 + 10, T0 + 20)
    with pytest.raises(Refused, match="not in this class"):
        db.record_goal(class_id, eve.id, "first", True, T0)  # Eve's id, Ann's class
    assert db.progress(other_class) == [] and len(db.progress(class_id)) == 1


def test_the_teacher_renames_hides_closes_and_deletes_the_class(db):
    class_id, _ = db.create_class("class")
    ann, token = db.join(class_id, "Ann")
    challenge_id, _ = db.create(SPEC, class_id=class_id, key_hash=db.classroom(class_id).key_hash)
    db.submit(challenge_id, logic.student_session(ann.id), ann.name, run(), 0.5, now=T0)
    db.rename_student(class_id, ann.id, "Ann B.")
    db.set_student_hidden(class_id, ann.id, True)
    assert db.student(class_id, token).name == "Ann B." and db.student(class_id, token).hidden
    [entry] = db.submissions(challenge_id)
    assert entry.name == "Ann B." and entry.hidden  # the board follows the class
    db.set_class_closed(class_id, True)
    assert db.classroom(class_id).closed and db.challenge(challenge_id).closed()
    with pytest.raises(Refused, match="closed"):
        db.join(class_id, "Late")
    db.delete_class(class_id)
    assert db.classroom(class_id) is None and db.challenge(challenge_id) is None
    with db.engine.connect() as connection:
        for table in (store.students, store.progress, store.entrants, store.submissions, store.challenges):
            assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0


def test_a_board_from_the_first_schema_is_migrated_with_its_rows_kept(url):
    engine = make_engine(url)
    serial = "SERIAL" if engine.dialect.name == "postgresql" else "INTEGER"
    with engine.begin() as connection:  # the tables as schema version 1 made them
        for ddl in (
            "CREATE TABLE schema_info (name VARCHAR(32) PRIMARY KEY, value VARCHAR(64))",
            "CREATE TABLE challenges (id VARCHAR(16) PRIMARY KEY, title TEXT NOT NULL, spec TEXT NOT NULL, "
            "key_hash VARCHAR(64) NOT NULL, created_at FLOAT NOT NULL, closes_at FLOAT, closed BOOLEAN NOT NULL)",
            f"CREATE TABLE entrants (id {serial} PRIMARY KEY, challenge_id VARCHAR(16) NOT NULL REFERENCES challenges(id), "
            "session_hash VARCHAR(64) NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, hidden BOOLEAN NOT NULL, "
            "created_at FLOAT NOT NULL, CONSTRAINT one_name_per_session UNIQUE (challenge_id, session_hash), "
            "CONSTRAINT one_session_per_name UNIQUE (challenge_id, name_key))",
            f"CREATE TABLE submissions (id {serial} PRIMARY KEY, "
            "challenge_id VARCHAR(16) NOT NULL REFERENCES challenges(id), "
            "entrant_id INTEGER NOT NULL REFERENCES entrants(id), run_key VARCHAR(64) NOT NULL, config TEXT NOT NULL, "
            "score FLOAT NOT NULL, created_at FLOAT NOT NULL, CONSTRAINT one_run_stored_once UNIQUE (entrant_id, run_key))",
        ):
            connection.exec_driver_sql(ddl)
    with engine.begin() as connection:
        connection.execute(store.schema_info.insert().values(name="version", value="1"))
        connection.execute(
            sa.text(
                "INSERT INTO challenges (id, title, spec, key_hash, created_at, closed) "
                "VALUES ('AAAAAAAA', 'old', :spec, 'h', 1.0, false)"
            ),
            {"spec": SPEC.to_json()},
        )
        connection.execute(
            sa.text(
                "INSERT INTO entrants (challenge_id, session_hash, name, name_key, hidden, created_at) "
                "VALUES ('AAAAAAAA', 's', 'Old Timer', 'old timer', false, 1.0)"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO submissions (challenge_id, entrant_id, run_key, config, score, created_at) "
                "SELECT 'AAAAAAAA', id, 'r', '{}', 0.75, 2.0 FROM entrants"
            )
        )
    db = Store(engine)
    assert db.schema_version() == store.SCHEMA_VERSION == 2
    assert db.challenge("AAAAAAAA").spec == SPEC and db.challenge("AAAAAAAA").class_id is None
    [kept] = db.submissions("AAAAAAAA")
    assert (kept.name, kept.score) == ("Old Timer", 0.75)
    class_id, _ = db.create_class("new")  # the new tables work on the migrated database
    assert db.create(SPEC, class_id=class_id)[0]
    engine.dispose()


STUDENTS = 30  # a class joining and working at once


def test_thirty_students_joining_recording_and_submitting_at_once_are_each_stored_once(url):
    engines = [make_engine(url) for _ in range(2)]  # two servers on one database
    dbs = [Store(engine) for engine in engines]
    class_id, _ = dbs[0].create_class("rush")
    challenge_id, _ = dbs[0].create(SPEC, class_id=class_id, key_hash=dbs[0].classroom(class_id).key_hash)
    start, errors, tokens = threading.Barrier(STUDENTS), [], {}

    def student(i: int) -> None:
        db = dbs[i % 2]
        start.wait()
        try:
            me, tokens[i] = db.join(class_id, f"student {i}")
            for lesson in ("first", "second"):
                db.record_goal(class_id, me.id, lesson, lesson == "first", T0 + i)
            db.submit(challenge_id, logic.student_session(me.id), me.name, run(seed=i), 0.5, now=T0)
        except Exception as error:  # every failure is reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=student, args=(i,)) for i in range(STUDENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db = dbs[1]
    assert sorted(s.name for s in db.students(class_id)) == sorted(f"student {i}" for i in range(STUDENTS))
    rows = db.progress(class_id)
    assert len(rows) == 2 * STUDENTS and all(row.tries == 1 for row in rows)
    assert sum(row.met_at is not None for row in rows) == STUDENTS
    assert len({s.entrant_id for s in db.submissions(challenge_id)}) == STUDENTS == len(db.submissions(challenge_id))
    assert all(db.student(class_id, tokens[i]).name == f"student {i}" for i in range(STUDENTS))
    for engine in engines:
        engine.dispose()

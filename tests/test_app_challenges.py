"""Class challenges: the rules (limits, scores, names, keys, links) and the pages driven through AppTest —
a teacher creates, students submit from the Playground, the board ranks, the teacher moderates, and a
board that is hostile, closed, unreachable or locked gets its message while the Playground keeps working."""

from __future__ import annotations

import dataclasses
import os
import re
import sqlite3

import pytest
import sqlalchemy as sa
from app_helpers import app, charts, settle, trained
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnet.app.board import logic, store
from scratchnet.app.board.logic import ChallengeSpec, Refused
from scratchnet.app.board.store import Store
from scratchnet.app.challenges import board
from scratchnet.app.lessons.logic import BY_KEY
from scratchnet.app.lessons.view import PATH
from scratchnet.app.runs.config import FIELDS, RunConfig
from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.text import escape
from scratchnet.app.ui import board_connection, session

SPEC = ChallengeSpec("Spiral, 8 units", max_units=8, max_layers=2, max_epochs=300)
#: Names that try to be Markdown or HTML where they are shown (each within the 24-character limit).
INJECTIONS = (
    "**bold** _it_",
    "[click](http://e.vil)",
    "<img src=x onerror=1>",
    "![](http://e.vil/p.png)",
    ":red[big] $x^2$",
    "`code` ~~s~~ # h",
    "<b>Ann</b> &amp;",
    '=HYPERLINK("http://e")',
)


# ---- the rules ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "title must be 1 to 80"),
        ({"title": "x" * 81}, "title must be 1 to 80"),
        ({"test_share": 0.05}, "at least 10%"),
        ({"metric": "train_accuracy"}, "metric must be one of accuracy, loss"),
        ({"optimizers": ()}, "one or more optimizers"),
        ({"optimizers": ("adam", "lbfgs")}, "one or more optimizers"),
        ({"max_units": 0}, "max_units must be a whole number from 1 to 128"),
        ({"max_layers": 9}, "max_layers must be a whole number from 0 to 4"),
        ({"max_epochs": 2.5}, "max_epochs must be a whole number"),
        ({"dataset": "moons", "classes": 3}, "classes must be from 2 to 2"),
        ({"samples": 0}, "samples must be an integer from 5 to 1000"),
    ],
)
def test_a_challenge_refuses_what_a_teacher_could_not_mean(changes, message):
    with pytest.raises(Refused, match=message):
        ChallengeSpec(**({"title": "t"} | changes))


def test_a_challenge_travels_as_json_and_always_hides_the_data():
    spec = ChallengeSpec(
        "  Moons,   tanh only ", dataset="moons", classes=2, metric="loss", hidden=frozenset({"lr", "junk"})
    )
    assert spec.title == "Moons, tanh only" and spec.hidden == frozenset({"lr"})
    assert ChallengeSpec.from_json(spec.to_json()) == spec
    assert {"data", "presets", "upload", "lr"} == spec.hidden_controls()


@pytest.mark.parametrize("limits", [{}, {"max_layers": 0}, {"max_units": 1, "max_epochs": 1}, {"optimizers": ("sgd",)}])
def test_the_run_a_student_starts_from_respects_the_rules(limits):
    spec = ChallengeSpec("t", **limits)
    assert logic.check_run(spec, spec.start_config()) == []


def test_every_broken_rule_is_named():
    forged = SPEC.start_config().replace(
        hidden=(64, 8, 8), epochs=5000, optimizer="rmsprop", dataset="circles", data_seed=7
    )
    spec = ChallengeSpec("t", max_units=8, max_layers=2, max_epochs=300, optimizers=("adam", "sgd"))
    problems = " ".join(logic.check_run(spec, forged))
    for part in (
        "3 hidden layers",
        "64 units",
        "5,000 epochs",
        "RMSprop is not allowed",
        "'circles'",
        "Data seed is 7",
    ):
        assert part in problems
    assert "uploaded points" in logic.check_run(spec, forged.replace(data_id="abc", data_points=300))[0]


def test_the_score_is_the_servers_own_result_of_the_run():
    result = trained(SPEC.start_config())
    assert logic.score(SPEC, result) == result.test_accuracy and 0 < result.test_accuracy < 1
    loss_spec = ChallengeSpec("t", metric="loss", max_units=8, max_epochs=300)
    assert logic.score(loss_spec, result) == result.test_loss > 0
    with pytest.raises(Refused, match="breaks the challenge's rules"):
        logic.score(ChallengeSpec("t", max_units=4), result)


def test_a_run_without_a_finite_held_out_score_is_refused():
    result = trained(SPEC.start_config())
    loss_spec = ChallengeSpec("t", metric="loss", max_units=8, max_epochs=300)
    for broken in (dataclasses.replace(result, test_loss=float("nan")), dataclasses.replace(result, test_loss=None)):
        with pytest.raises(Refused, match="no finite held-out score"):
            logic.score(loss_spec, broken)


@settings(max_examples=60, deadline=None)
@given(
    layers=st.lists(st.integers(1, 128), max_size=4),
    epochs=st.integers(1, 100_000),
    optimizer=st.sampled_from(["sgd", "adam", "rmsprop", "adagrad", "notebook_gd"]),
    max_units=st.integers(1, 128),
    max_layers=st.integers(0, 4),
    allowed=st.sets(st.sampled_from(["sgd", "adam", "rmsprop"]), min_size=1),
)
def test_clamped_controls_always_respect_the_rules(layers, epochs, optimizer, max_units, max_layers, allowed):
    spec = ChallengeSpec("t", max_units=max_units, max_layers=max_layers, optimizers=tuple(allowed))
    values = RunConfig(dataset="moons", classes=2, hidden=tuple(layers), epochs=epochs, optimizer=optimizer).as_dict()
    clamped, notes = logic.clamp(spec, values)
    assert logic.check_run(spec, RunConfig(**clamped)) == []
    assert bool(notes) == (
        len(layers) > max_layers
        or any(u > max_units for u in layers[:max_layers])
        or epochs > 2000
        or optimizer not in allowed
    )


def test_display_names_are_trimmed_bounded_and_plain():
    assert logic.check_name("  Ann   Lee \n") == ("Ann Lee", "ann lee")
    assert logic.check_name("Ａｎｎ")[1] == logic.check_name("ann")[1]  # full-width letters are the same name
    assert logic.check_name("x" * 24)[0] == "x" * 24
    for bad, message in [
        ("", "Type a display name"),
        ("   ", "Type a display name"),
        ("x" * 25, "this one has 25"),
        ("<script>alert(1)</script>", "this one has 25"),
        ("Ann\u202eeL", "control characters or invisible marks"),  # a right-to-left override
        ("A\u200bnn", "control characters or invisible marks"),  # a zero-width space
        ("A\x00nn", "control characters"),
    ]:
        with pytest.raises(Refused, match=message):
            logic.check_name(bad)
    for name in INJECTIONS:
        assert logic.check_name(name)[0] == name  # allowed, and shown as text wherever shown


def test_the_teacher_key_is_random_long_and_compared_in_constant_time(monkeypatch):
    keys = {logic.new_key() for _ in range(500)}
    assert len(keys) == 500 and all(len(key) * 6 >= 128 for key in keys)
    key = keys.pop()
    stored = logic.hash_key(key)
    assert key not in stored and len(stored) == 64
    compared = []
    real = logic.hmac.compare_digest
    monkeypatch.setattr(logic.hmac, "compare_digest", lambda a, b: compared.append(1) or real(a, b))
    assert logic.key_matches(key, stored) and not logic.key_matches(key[:-1] + "A", stored)
    assert compared == [1, 1]
    assert not logic.key_matches("x" * 10_000, stored) and not logic.key_matches(None, stored)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"challenge": ["<script>"]}, "is not a challenge id"),
        ({"challenge": ["x" * 500]}, "is not a challenge id"),
        ({"challenge": ["AAAA AAA"]}, "is not a challenge id"),
        ({"challenge": ["AAAAAAAA"], "max_units": ["128"], "score": ["1.0"]}, "Ignored max_units, score in the link"),
        ({"challenge": ["AAAAAAAA"], "optimizers": ["lbfgs"], "metric": ["loss"]}, "Ignored optimizers, metric"),
        ({"challenge": ["BBBBBBBB", "AAAAAAAA"]}, "challenge was given 2 times in the link; using the last one"),
    ],
)
def test_hostile_challenge_links_are_read_with_a_message(query, message):
    link = logic.read_challenge_link(query)
    assert any(message in m for m in link.messages), link.messages
    assert link.challenge_id in (None, "AAAAAAAA")


def test_the_student_link_carries_no_key_and_the_teacher_link_does():
    key = logic.new_key()
    student = logic.student_query("AAAAAAAA", SPEC)
    assert "key" not in student and key not in str(student)
    assert student["challenge"] == "AAAAAAAA" and set(student["hide"].split(",")) >= {"data", "presets", "upload"}
    assert logic.teacher_query("AAAAAAAA", key) == {"challenge": "AAAAAAAA", "key": key}


def test_the_csv_keeps_formulas_from_running():
    rows = [board.BoardRow(1, 1, '=HYPERLINK("http://e")', 0.9, SPEC.start_config(), 0.0, 2, False)]
    text = board.board_csv(rows, "accuracy")
    assert "'=HYPERLINK" in text and "\n1,=" not in text
    assert text.splitlines()[0] == "rank,name,held-out accuracy,settings,submissions,time,hidden"


def test_a_runs_settings_in_short():
    config = RunConfig(hidden=(8, 4), activation="tanh", optimizer="sgd", lr=0.1, momentum=0.9, epochs=500)
    assert board.settings(config) == "8×4 tanh · GD lr 0.1 momentum 0.9 · 500 epochs"
    assert board.settings(RunConfig(hidden=())).startswith("no hidden layer · Adam lr 0.05")


# ---- the pages ------------------------------------------------------------------------------------
@pytest.fixture
def board_url(tmp_path, monkeypatch, fresh_caches):
    url = f"sqlite:///{tmp_path / 'board.sqlite'}"
    monkeypatch.setenv("SCRATCHNET_BOARD_URL", url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_board_url(request, tmp_path, monkeypatch, fresh_caches):
    """The board on SQLite, and on PostgreSQL when a server is given."""
    url = f"sqlite:///{tmp_path / 'board.sqlite'}"
    if request.param == "postgresql":
        url = os.environ.get("SCRATCHNET_TEST_POSTGRES_URL", "")
        if not url:
            pytest.skip("SCRATCHNET_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server and sets it)")
        engine = sa.create_engine(url, **store.engine_options(url))
        store.metadata.drop_all(engine)  # a throwaway database: start from empty tables
        engine.dispose()
    monkeypatch.setenv("SCRATCHNET_BOARD_URL", url)
    return url


def store_at(url: str):
    """A store on the board at ``url`` for a test to read and write, closed after it."""
    engine = sa.create_engine(url, **store.engine_options(url))
    yield Store(engine)
    engine.dispose()


@pytest.fixture
def any_db(any_board_url):
    yield from store_at(any_board_url)


@pytest.fixture
def db(board_url):
    yield from store_at(board_url)


def texts(at) -> str:
    """Everything the page says, as one string (to look for what must never show)."""
    parts = [
        e.value
        for kind in ("markdown", "caption", "info", "warning", "error", "success", "code")
        for e in getattr(at, kind)
    ]
    return "\n".join(map(str, parts))


def plain(at) -> str:
    """What the page says, as the reader sees it (the escaping backslashes gone)."""
    return re.sub(r"\\(.)", r"\1", texts(at))


def student(challenge_id: str, spec: ChallengeSpec = SPEC, **extra: str):
    """A student's Playground, opened with the student link, its first run trained."""
    return settle(app("streamlit_app.py", logic.student_query(challenge_id, spec) | extra))


def submit(at, name: str):
    at.text_input(key=session.CHALLENGE_NAME).set_value(name)
    at.button(key=session.CHALLENGE_SUBMIT).click().run()
    return at


def test_a_teacher_creates_a_challenge_and_gets_a_student_link_and_a_teacher_link(db):
    at = app("pages/5_Challenges.py").run()
    at.text_input(key=session.challenge_form_key("title")).set_value("Spiral, at most 8 units")
    at.slider(key=session.challenge_form_key("max_units")).set_value(8)
    at.button[0].click().run()
    assert not at.exception
    challenge_id = at.query_params["challenge"]
    challenge = db.challenge(challenge_id)
    assert challenge.spec.title == "Spiral, at most 8 units" and challenge.spec.max_units == 8
    student_link, teacher_link = (code.value for code in at.code)
    assert f"challenge={challenge_id}" in student_link and "key=" not in student_link
    key = teacher_link.split("key=")[1]
    assert logic.key_matches(key, challenge.key_hash) and "hide=data" in student_link
    assert "No submissions yet" in texts(at)


def test_students_submit_from_the_playground_and_the_board_ranks_them(any_db):
    db = any_db
    challenge_id, key = db.create(SPEC)
    first = submit(student(challenge_id), "Ann")
    assert not first.exception
    done = first.success[0].value
    assert "Submitted as Ann" in done and "number 1 of 1" in done
    result = first.session_state[session.RUN].result
    assert db.submissions(challenge_id)[0].score == result.test_accuracy  # the server's own number
    second = student(challenge_id, hidden="4")
    assert submit(second, "Bob").success[0].value.endswith("on the board\\.")
    at = app("pages/5_Challenges.py", {"challenge": challenge_id}).run()
    table = at.dataframe[0].value
    assert sorted(table["Name"]) == ["Ann", "Bob"] and list(table["Rank"]) in ([1, 2], [1, 1])
    assert all(link.startswith("http") and f"challenge={challenge_id}" in link for link in table["Open"])
    assert key not in texts(at) and "Hidden" not in table.columns  # read-only: no key, no moderation
    assert not at.get("download_button")


def test_names_that_try_markdown_or_html_are_shown_as_text(db):
    challenge_id, _ = db.create(SPEC)
    for i, name in enumerate(INJECTIONS):
        at = submit(student(challenge_id, seed=str(i)), name)
        assert not at.exception
        message = at.success[0].value
        assert escape(name) in message, message  # escaped in Markdown: shows as typed, does nothing
    at = app("pages/5_Challenges.py", {"challenge": challenge_id}).run()
    assert sorted(at.dataframe[0].value["Name"]) == sorted(INJECTIONS)  # a table cell shows its text as it is
    assert not any(name in texts(at) for name in INJECTIONS if escape(name) != name)


def test_a_link_cannot_loosen_the_rules_or_set_the_score(db):
    challenge_id, _ = db.create(SPEC)
    at = student(challenge_id, hidden="64", max_units="128", score="1.0", epochs="1000")
    said = plain(at)
    assert "Ignored max_units, score in the link" in said
    assert "breaks the challenge's rules" in said and "64 units in a hidden layer" in said and "1,000 epochs" in said
    assert at.button(key=session.CHALLENGE_SUBMIT).disabled
    assert at.session_state[session.control_key("epochs")] == 300  # the controls are back inside the limits
    assert at.session_state[session.units_key(0)] == 8
    assert db.submissions(challenge_id) == []


def test_one_name_per_person_and_one_submission_every_few_seconds(db, monkeypatch):
    # a gap no test step outlasts: on a loaded machine the steps below once took longer than 5 s
    monkeypatch.setattr(store, "MIN_GAP_SECONDS", 3600.0)
    challenge_id, _ = db.create(SPEC)
    ann = submit(student(challenge_id), "Ann")
    assert ann.text_input(key=session.CHALLENGE_NAME).disabled  # the session's name is kept
    other = submit(student(challenge_id, seed="1"), "ANN")
    assert "has that name already" in other.warning[0].value
    ann.session_state[session.RUN] = TrainingJob.finished(trained(SPEC.start_config().replace(seed=3)))
    ann.run()
    ann.button(key=session.CHALLENGE_SUBMIT).click().run()
    assert "One submission every" in ann.warning[0].value
    assert len(db.submissions(challenge_id)) == 1


def test_the_teacher_key_moderates_and_a_wrong_key_shows_the_board_read_only(db):
    challenge_id, key = db.create(SPEC)
    db.submit(challenge_id, "s1", "rude word", SPEC.start_config(), 0.9)
    wrong = app("pages/5_Challenges.py", {"challenge": challenge_id, "key": "junk" + key}).run()
    assert "does not belong to this challenge" in wrong.warning[0].value
    assert not wrong.get("download_button") and "key" not in wrong.query_params
    at = app("pages/5_Challenges.py", {"challenge": challenge_id, "key": key}).run()
    assert "key" not in at.query_params  # the key leaves the address bar at once
    assert "Hidden" in at.dataframe[0].value.columns
    csv = at.get("download_button")[0]
    assert csv.proto.label == "Board (.csv)"
    entrant = db.submissions(challenge_id)[0].entrant_id
    at.selectbox(key=session.CHALLENGE_PICK).set_value(entrant).run()
    at.button(key=session.CHALLENGE_HIDE).click().run()
    assert board.ranked(db.submissions(challenge_id), "accuracy") == []
    at.button(key=session.CHALLENGE_CLOSE).click().run()
    assert db.challenge(challenge_id).closed()
    closed = student(challenge_id)
    assert "This challenge is closed" in plain(closed) and not closed.exception
    at.button(key=session.CHALLENGE_CLOSE).click().run()
    assert not db.challenge(challenge_id).closed()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"challenge": "ZZZZZZZZ"}, "There is no challenge ZZZZZZZZ"),
        ({"challenge": "<img src=x>"}, "is not a challenge id"),
    ],
)
def test_unknown_or_malformed_challenge_links_get_their_messages(board_url, query, message):
    playground = settle(app("streamlit_app.py", query))
    assert message in plain(playground) and not playground.exception
    assert playground.session_state[session.RUN].result is not None  # the Playground trained as usual
    page = app("pages/5_Challenges.py", query).run()
    assert message in plain(page) and page.button[0].label == "Create challenge"


@pytest.mark.parametrize(
    "url",
    ["sqlite:////nonexistent-folder/board.sqlite", "nosuchdatabase://x", "postgresql+psycopg://u:pw@127.0.0.1:9/x"],
    ids=["sqlite-no-folder", "unknown-dialect", "postgres-no-server"],
)
def test_an_unreachable_board_leaves_the_playground_working(monkeypatch, fresh_caches, url):
    monkeypatch.setenv("SCRATCHNET_BOARD_URL", url)
    monkeypatch.setattr(board_connection, "_unreachable", store.Unreachable())
    tries = []
    monkeypatch.setattr(
        board_connection, "board_store", lambda real=board_connection.board_store: tries.append(1) or real()
    )
    playground = settle(app("streamlit_app.py", {"challenge": "AAAAAAAA"}))
    assert not playground.exception
    assert "The challenge board is unavailable" in playground.warning[0].value
    assert playground.session_state[session.RUN].result is not None
    asked = len(tries)
    playground.run()  # redraws soon after do not wait on the database again
    assert len(tries) == asked and "The challenge board is unavailable" in playground.warning[0].value
    page = app("pages/5_Challenges.py", {"challenge": "AAAAAAAA"}).run()
    assert not page.exception and "The board's database cannot be" in page.error[0].value
    assert "pw@" not in texts(page)


def test_a_locked_board_says_so_and_the_student_can_submit_afterwards(db, board_url):
    challenge_id, _ = db.create(SPEC)
    at = student(challenge_id)
    holder = sqlite3.connect(board_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program writes and does not let go
    try:
        submit(at, "Ann")
        assert "busy" in at.error[0].value and not at.exception
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    at.button(key=session.CHALLENGE_SUBMIT).click().run()
    assert "Submitted as Ann" in at.success[0].value


def test_the_board_url_comes_from_the_environment_then_the_secrets_then_the_data_folder(
    tmp_path, monkeypatch, fresh_caches
):
    monkeypatch.delenv("SCRATCHNET_BOARD_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert store.default_url() == f"sqlite:///{tmp_path / 'data' / 'scratchnet' / 'board.sqlite'}"
    assert (tmp_path / "data" / "scratchnet").is_dir()  # made on first use, outside the repository
    secret = f"sqlite:///{tmp_path / 'from-secrets.sqlite'}"
    at = app("pages/5_Challenges.py")
    at.secrets["connections"] = {"board": {"url": secret}}
    at.run()
    at.button[0].click().run()
    assert not at.exception
    made = at.query_params["challenge"]
    engine = sa.create_engine(secret)
    assert Store(engine).challenge(made) is not None  # stored where secrets.toml said
    engine.dispose()
    default = app("pages/5_Challenges.py", {"challenge": made}).run()  # no secrets: the data folder's file
    assert "There is no challenge" in plain(default) and (tmp_path / "data" / "scratchnet" / "board.sqlite").exists()


def test_the_challenge_stays_in_the_address_bar_after_train(db):
    challenge_id, _ = db.create(SPEC)
    at = student(challenge_id)
    at.session_state[session.units_key(0)] = 4
    next(b for b in at.sidebar.button if b.label == "Train").click()
    settle(at)
    assert at.query_params["challenge"] == challenge_id and at.query_params["hidden"] == "4"


def test_the_students_controls_stop_at_the_challenges_limits(db):
    """The sliders themselves end at the limits (not set back after a run): the most layers, units
    per layer and epochs, and only the allowed optimizers to pick from."""
    spec = ChallengeSpec("Small nets", max_units=8, max_layers=2, max_epochs=300, optimizers=("sgd", "adam"))
    challenge_id, _ = db.create(spec)
    at = student(challenge_id, spec, hidden="4,4")
    assert not at.exception
    assert at.slider(key=session.control_key("layers")).max == 2
    assert all(at.slider(key=session.units_key(i)).max == 8 for i in range(2))
    epochs = at.select_slider(key=session.control_key("epochs"))
    assert epochs.options[-1] == "300" and "500" not in epochs.options
    optimizers = at.selectbox(key=session.control_key("optimizer")).options
    labels = dict(FIELDS["optimizer"].choices)
    assert optimizers == [labels[name] for name in labels if name in ("sgd", "adam")]
    tight = ChallengeSpec("One unit", max_units=1, max_layers=1, max_epochs=10, optimizers=("sgd",))
    tight_id, _ = db.create(tight)
    at = student(tight_id, tight)
    assert not at.exception
    assert at.slider(key=session.control_key("layers")).max == 1
    assert not [s for s in at.slider if s.key == session.units_key(0)]  # one value allowed: said, not slid
    assert at.session_state[session.units_key(0)] == 1 and at.session_state[session.control_key("epochs")] == 10
    assert at.selectbox(key=session.control_key("optimizer")).options == [labels["sgd"]]
    assert at.session_state[session.RUN].result.config.hidden == (1,)


# ---- a class: joining, coming back, the teacher's view, the projector ------------------------------------
LESSON_KEYS = ("spiral", "units")


def join(class_id: str, name: str):
    at = app("pages/5_Challenges.py", {"class": class_id}).run()
    at.text_input(key=session.CLASS_JOIN_NAME).set_value(name)
    at.button[0].click().run()
    return at


def test_a_teacher_creates_a_class_and_the_key_stays_in_the_address_bar(db):
    at = app("pages/5_Challenges.py").run()
    at.text_input(key=session.CLASS_TITLE).set_value("Year 10 <b>maths</b>")
    at.button[1].click().run()  # the class form comes after the challenge form
    assert not at.exception
    class_id, key = at.query_params["class"], at.query_params["key"]
    found = db.classroom(class_id)
    assert found.title == "Year 10 <b>maths</b>" and logic.key_matches(key, found.key_hash)
    again = app("pages/5_Challenges.py", {"class": class_id, "key": key}).run()  # a reload
    assert again.query_params["key"] == key and again.get("download_button")  # still the teacher
    links = [code.value for code in again.code]
    projector = next(link for link in links if "view=projector" in link)
    assert "key=" not in projector and any(f"key={key}" in link for link in links)
    assert len(again.get("image")) >= 2  # the QR codes of the join and projector links
    shown = app("pages/5_Challenges.py", {"class": class_id, "view": "projector"}).run()
    assert key not in texts(shown) and not shown.get("download_button") and not shown.get("selectbox")


def test_a_student_joins_reloads_and_is_still_themselves(any_db):
    db = any_db
    class_id, _ = db.create_class("class")
    at = join(class_id, "Dave")
    assert not at.exception
    token = at.query_params["me"]
    assert "bookmark this to come back" in texts(at).lower() and at.get("image")
    assert any(token in code.value for code in at.code)  # the personal address, with a copy button
    back = app("pages/5_Challenges.py", {"class": class_id, "me": token}).run()  # a reload, or tomorrow
    assert "You are **Dave**" in texts(back) and [s.name for s in db.students(class_id)] == ["Dave"]
    again = join(class_id, "Dave")  # someone else (or Dave without his address)
    assert "has that name already" in plain(again) and "me" not in again.query_params


@pytest.mark.parametrize("forge", [lambda t: t[:20], lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "x"])
def test_forged_or_truncated_personal_addresses_get_a_message_and_no_access(db, forge):
    class_id, _ = db.create_class("class")
    _, token = db.join(class_id, "Ann")
    at = app("pages/5_Challenges.py", {"class": class_id, "me": forge(token)}).run()
    assert not at.exception and "Nobody was signed in" in plain(at)
    assert "You are" not in texts(at) and "Ann" not in texts(at)


def test_a_student_who_leaves_is_forgotten(db):
    class_id, _ = db.create_class("class")
    at = join(class_id, "Ann")
    at.checkbox[0].check().run()
    at.button(key=session.CLASS_FORGET).click().run()
    assert db.students(class_id) == [] and "me" not in at.query_params


def test_the_teacher_sees_students_by_lessons_and_hidden_students_leave_the_projector(db):
    class_id, key = db.create_class("class")
    ann, _ = db.join(class_id, "Ann")
    bob, _ = db.join(class_id, "<i>Bob</i>")
    db.record_goal(class_id, ann.id, "spiral", True, 1_800_000_000.0)
    db.record_goal(class_id, bob.id, "spiral", False, 1_800_000_000.0)
    challenge_id, _ = db.create(SPEC, class_id=class_id, key_hash=db.classroom(class_id).key_hash)
    db.submit(challenge_id, logic.student_session(bob.id), bob.name, SPEC.start_config(), 0.5)
    db.set_student_hidden(class_id, bob.id, True)
    teacher = app("pages/5_Challenges.py", {"class": class_id, "key": key}).run()
    entries = teacher.dataframe[1].value  # the class's board, beside the students
    assert list(entries["Name"]) == [board.struck("<i>Bob</i>")] and list(entries["Hidden"]) == [True]
    table = teacher.dataframe[0].value
    assert list(table.columns[:3]) == ["Student", "Hidden", "Goals met"]
    spiral = next(column for column in table.columns if column.endswith(f". {BY_KEY['spiral'].title}"))
    assert list(table["Goals met"]) == [1, 0] and table[spiral].iloc[0].startswith("✓ 1 try")
    assert list(table["Hidden"]) == [False, True] and table.iloc[1, 0] == board.struck("<i>Bob</i>")
    projector = app("pages/5_Challenges.py", {"class": class_id, "view": "projector"}).run()
    # the projector writes the names in big words (a chart's text), hidden students and entries left out
    words = [
        word for chart in charts(projector) for t in chart["datasets"].values() if "text" in t for word in t["text"]
    ]
    assert "Ann" in words and "Hidden" not in words and not any("Bob" in word for word in words)
    assert not projector.dataframe and "No submissions yet" in texts(projector)  # the hidden entry is absent
    assert "Bob" not in texts(projector)


def test_a_student_in_a_class_submits_as_themselves_and_comes_back_to_the_same_entry(db, monkeypatch):
    monkeypatch.setattr(store, "MIN_GAP_SECONDS", 0.0)  # the rate limit is not what is tested here
    class_id, _ = db.create_class("class")
    challenge_id, _ = db.create(SPEC, class_id=class_id, key_hash=db.classroom(class_id).key_hash)
    _, token = db.join(class_id, "Dave")
    first = student(challenge_id, **{"class": class_id, "me": token})
    first.button(key=session.CHALLENGE_SUBMIT).click().run()
    assert "Submitted as Dave" in first.success[0].value
    assert first.query_params["me"] == token  # the run written to the address bar keeps the student's address
    later = student(challenge_id, **{"class": class_id, "me": token}, seed="3")  # a reload: another session
    assert later.text_input(key=session.CHALLENGE_NAME).value == "Dave"
    later.button(key=session.CHALLENGE_SUBMIT).click().run()
    [entry] = board.ranked(db.submissions(challenge_id), SPEC.metric)
    assert entry.name == "Dave" and entry.tries == 2  # one entrant, not "Dave2"


def test_share_links_never_carry_the_personal_token(db):
    from scratchnet.app.runs.links import public

    assert public({"me": "t", "key": "k", "lr": "0.1", "class": "AAAAAAAA"}) == {"lr": "0.1", "class": "AAAAAAAA"}


# ---- lesson progress: in the class's database, or on the student's own address ---------------------------
LESSONS_PAGE = "pages/4_Lessons.py"


def meet_the_batches_goal(query: dict[str, str]):
    """The Lessons page opened with ``query``; the "batches" lesson opened and its goal met on the Playground."""

    lesson = BY_KEY["batches"]
    at = app(LESSONS_PAGE, {"lesson": lesson.key} | query).run()
    at.button(key=session.lesson_open_key(lesson.key)).click().run()
    at.switch_page("streamlit_app.py")
    at.session_state[session.control_key("batch_size")] = 16
    next(b for b in at.sidebar.button if b.label == "Train").click()
    return settle(at)


BATCHES = 1 + [lesson.key for lesson in PATH].index("batches")  # its number on the Lessons page


def test_a_goal_met_by_a_student_in_a_class_is_stored_and_comes_back_after_a_reload(db):
    class_id, key = db.create_class("class")
    student_row, token = db.join(class_id, "Ann")
    at = meet_the_batches_goal({"class": class_id, "me": token})
    assert not at.exception and at.query_params["me"] == token  # the page change kept the personal address
    [record] = db.progress(class_id)
    assert (record.student_id, record.lesson_key, record.tries) == (student_row.id, "batches", 1)
    assert record.met_at is not None
    settle(at)  # a redraw of the same run is not another try
    assert db.progress(class_id)[0].tries == 1
    back = app(LESSONS_PAGE, {"class": class_id, "me": token}).run()  # a reload: a new session
    assert any(o.startswith(f"{BATCHES}.") and o.endswith("✓") for o in back.sidebar.radio[0].options)
    assert any("Kept in your class as Ann" in c.value for c in back.sidebar.caption)
    teacher = app("pages/5_Challenges.py", {"class": class_id, "key": key}).run()
    assert list(teacher.dataframe[0].value["Goals met"]) == [1]


def test_without_a_class_progress_stays_on_the_students_own_address(fresh_caches):
    at = meet_the_batches_goal({})
    assert not at.exception and at.query_params["progress"] == "batches"
    back = app(LESSONS_PAGE, {"progress": "batches.nonsense.<b>"}).run()  # the bookmark: unknown keys ignored
    assert not back.exception
    ticked = [o for o in back.sidebar.radio[0].options if o.endswith("✓")]
    assert len(ticked) == 1 and ticked[0].startswith(f"{BATCHES}.")
    assert any("progress=" in c.value for c in back.sidebar.caption)


def test_a_database_that_is_down_leaves_the_lessons_working_and_keeps_progress_on_the_address(
    monkeypatch, fresh_caches
):
    monkeypatch.setenv("SCRATCHNET_BOARD_URL", "postgresql+psycopg://u:pw@127.0.0.1:9/x")
    monkeypatch.setattr(board_connection, "_unreachable", store.Unreachable())
    at = meet_the_batches_goal({"class": "AAAAAAAA", "me": "A" * 32})
    assert not at.exception
    assert any("database is unavailable" in w.value for w in at.warning) and "pw@" not in texts(at)
    assert at.query_params["progress"] == "batches" and at.query_params["me"] == "A" * 32  # kept until it is back


def test_the_teacher_renames_hides_removes_closes_and_deletes_from_the_page(db):
    class_id, key = db.create_class("class")
    ann, _ = db.join(class_id, "Ann")
    bob, _ = db.join(class_id, "Bob")
    at = app("pages/5_Challenges.py", {"class": class_id, "key": key}).run()
    at.selectbox(key=session.CLASS_PICK).set_value(ann.id).run()
    at.text_input(key=session.CLASS_RENAME).set_value("Ann B.")
    next(b for b in at.button if b.label == "Rename").click().run()
    next(b for b in at.button if b.label == "Hide from the projector").click().run()
    assert [(s.name, s.hidden) for s in db.students(class_id)] == [("Ann B.", True), ("Bob", False)]
    at.selectbox(key=session.CLASS_PICK).set_value(bob.id).run()
    next(b for b in at.button if b.label.startswith("Remove")).click().run()
    assert [s.name for s in db.students(class_id)] == ["Ann B."]
    csv_text = at.get("download_button")[0].proto.label  # the CSV is offered
    assert csv_text == "Class (.csv)"
    next(b for b in at.button if b.label == "Close the class").click().run()
    assert db.classroom(class_id).closed
    joining = app("pages/5_Challenges.py", {"class": class_id}).run()
    assert "closed" in texts(joining) and not joining.text_input
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "Delete all of its data").click().run()
    assert db.classroom(class_id) is None and db.students(class_id) == [] and not at.exception


def test_the_class_csv_says_met_tries_and_last_try_and_keeps_formulas_from_running():
    from scratchnet.app.board.classes import Progress, Student
    from scratchnet.app.challenges import roster

    students = [Student(1, "C", "=cmd()", False, 0.0), Student(2, "C", "Bob", True, 0.0)]
    records = [Progress(1, "spiral", 3, 1_800_000_060.0, 1_800_000_120.0)]
    lines = roster.class_csv(students, records, [("spiral", "Spiral"), ("units", "Units")]).splitlines()
    assert lines[0] == "student,hidden,spiral met,spiral tries,spiral last,units met,units tries,units last"
    assert lines[1].startswith("'=cmd(),False,True,3,") and lines[1].endswith(",False,0,")
    assert lines[2] == "Bob,True,False,0,,False,0,"
    assert roster.qr_png("http://x/").startswith(b"\x89PNG")


def test_a_student_the_teacher_removed_cannot_submit_from_a_tab_still_open(db):
    class_id, _ = db.create_class("class")
    challenge_id, _ = db.create(SPEC, class_id=class_id, key_hash=db.classroom(class_id).key_hash)
    ann, token = db.join(class_id, "Ann")
    at = student(challenge_id, **{"class": class_id, "me": token})
    db.forget_student(class_id, ann.id)  # the teacher removes Ann while her tab is open
    at.button(key=session.CHALLENGE_SUBMIT).click().run()
    assert "no longer in this class" in plain(at) and db.submissions(challenge_id) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"class": "<b>x</b>"}, "is not a class id"),
        ({"class": "AAAAAAAA"}, "There is no class AAAAAAAA"),
        ({"key": "A" * 32}, "does not belong to this class"),
        ({"key": ""}, "does not belong to this class"),
    ],
)
def test_hostile_class_addresses_get_a_message_and_no_teacher_access(db, query, message):
    class_id, key = db.create_class("class")
    at = app("pages/5_Challenges.py", {"class": class_id} | query).run()
    assert not at.exception and message in plain(at)
    assert not at.get("download_button") and key not in texts(at)

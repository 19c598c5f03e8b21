"""The Challenges page (create a challenge, the live board, the teacher's moderation; a class's pages
are ``classroom/view.py``; the challenge bar the Playground shows to a student who opened a challenge
link is ``bar_view.py``).

The database is reached through ``ui/board_connection.py``. Whatever goes wrong with it, the page
says what and the Playground keeps working: only the board's own parts wait for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from scratchnet.app.board import logic
from scratchnet.app.board.database import BoardUnavailable
from scratchnet.app.board.logic import ChallengeSpec, Refused
from scratchnet.app.board.store import Challenge, Store
from scratchnet.app.challenges import board, charts
from scratchnet.app.runs.config import FIELDS
from scratchnet.app.runs.view import presents
from scratchnet.app.text import escape
from scratchnet.app.ui import board_connection as connection
from scratchnet.app.ui import controls, live, session
from scratchnet.app.ui.cache import show_chart

BOARD_SECONDS = 3.0  # the board on a projector refreshes this often
PAGE_PATH = connection.PAGE_PATH


# ---- the Challenges page -----------------------------------------------------------------------------
def page() -> None:
    """A class's pages when the address names one, else a challenge's, else the forms for new ones."""
    from scratchnet.app.challenges.classroom import view as class_view  # it draws boards with this module's

    if class_view.wanted():
        return class_view.page()
    _challenge_page(class_view.create_class_form)


def _challenge_page(after_create: Callable[[], None] | None = None) -> None:
    st.title("Challenges")
    st.caption(
        "A class challenge: everyone trains on the same points, within the same limits, and the board ranks "
        "the best runs by their score on the held-out points."
    )
    link = logic.read_challenge_link({key: st.query_params.get_all(key) for key in st.query_params})
    for message in link.messages:
        st.warning(escape(message), icon=":material/link:")
    if link.challenge_id is None:  # nothing to read yet: the database is opened only once there is
        create_form()
        if after_create is not None:
            after_create()
        return
    try:
        db = connection.board_store()
        challenge = db.challenge(link.challenge_id)
    except BoardUnavailable as error:
        st.error(f"{escape(error)} The Playground and the other pages work as usual.", icon=":material/database:")
        return
    if challenge is None:
        st.error(f"There is no challenge {escape(link.challenge_id)} on this board: check the link, or make one below.")
        create_form()
        return
    teacher = _teacher_key(challenge, link.key)
    _header(challenge)
    large = presents({key: st.query_params.get_all(key) for key in st.query_params})  # a projector's board
    live.poll(
        lambda: _still_open(db, challenge.id),
        lambda: board_panel(db, challenge.id, teacher, large),
        BOARD_SECONDS,
        key=session.CHALLENGE_BOARD,
    )
    if teacher:
        moderation(db, challenge)


def _teacher_key(challenge: Challenge, key: str | None) -> bool:
    """True when this session holds the challenge's key (from the teacher link, checked in constant
    time). The key leaves the address bar at once: a projected page never shows it."""
    if key is not None:
        del st.query_params["key"]
        if logic.key_matches(key, challenge.key_hash):
            session.hold_teacher_key(challenge.id, key)
        else:
            st.warning(
                "This teacher key does not belong to this challenge: the board is shown read-only.",
                icon=":material/key_off:",
            )
    return logic.key_matches(session.teacher_key(challenge.id), challenge.key_hash)


def _header(challenge: Challenge) -> None:
    spec = challenge.spec
    st.subheader(escape(spec.title))
    status = "closed" if challenge.closed() else "open"
    if not challenge.closed() and challenge.closes_at is not None:
        minutes = max(0, round((challenge.closes_at - time.time()) / 60))
        status += f", closes in about {minutes} min"
    st.markdown(
        f"**{spec.metric_info.label}** decides · {escape(status)}  \nRules: {escape(spec.rules())}  \n"
        f"Points: {escape(spec.points())}"
    )
    st.markdown("**Student link** (opens the Playground set up for this challenge):")
    st.code(connection.address(logic.student_query(challenge.id, spec)), language=None, wrap_lines=True)


def _still_open(db: Store, challenge_id: str) -> bool:
    try:
        return (found := db.challenge(challenge_id)) is not None and not found.closed()
    except BoardUnavailable:
        return True  # keep trying: the board says what is wrong meanwhile


def board_panel(db: Store, challenge_id: str, teacher: bool, large: bool = False) -> None:
    """The challenge's board (the teacher's with hidden entries struck through and greyed); ``large``:
    its top rows in big words, for a projector (``?present=1``)."""
    try:
        challenge, submissions = db.challenge(challenge_id), db.submissions(challenge_id)
    except BoardUnavailable as error:
        st.error(escape(error), icon=":material/database:")
        return
    if challenge is None:  # the database was swapped under the page
        st.error("This challenge is no longer on the board.", icon=":material/error:")
        return
    spec = challenge.spec
    rows = board.ranked(submissions, spec.metric, include_hidden=teacher)
    if not rows:
        st.info("No submissions yet: students submit from the Playground, opened with the student link.")
        return
    links = [connection.address(logic.student_query(challenge_id, spec, row.config)) for row in rows]
    if large and not teacher:
        shown = board.table(rows, spec.metric, links)
        big = {heading: shown[heading] for heading in ("Rank", "Name", spec.metric_info.label)}
        show_chart(charts.large_board(big, title=f"Board: {spec.title}"), width="content")
        st.caption(f"{len(rows)} on the board · refreshed {board.shown_time(time.time())}")
        return
    st.dataframe(  # the names go into a table, never into Markdown: a table cell shows its text as it is
        board.greyed(board.table(rows, spec.metric, links, teacher=teacher), [row.hidden for row in rows]),
        hide_index=True,
        width="stretch",
        column_config={"Open": st.column_config.LinkColumn("Open", display_text="in the Playground")},
        key=session.CHALLENGE_TABLE,
    )
    st.caption(f"{len(rows)} on the board, {len(submissions)} submissions · refreshed {board.shown_time(time.time())}")


def _when_refused(action: Callable[[], Any]) -> None:
    """Run a teacher's action (a button's callback); what went wrong is kept for the next draw."""
    try:
        action()
        session.set_teacher_error(None)
    except (BoardUnavailable, Refused) as error:
        session.set_teacher_error(str(error))


def create_form(class_id: str | None = None, key_hash: str | None = None) -> None:
    """The teacher's form: points, metric, limits, controls to hide, closing time (a class's: its key moderates)."""
    key = session.challenge_form_key
    with st.form(session.CHALLENGE_FORM, border=True):
        st.markdown("**A new challenge**")
        st.text_input("Title", "Who gets the best held-out accuracy?", max_chars=logic.TITLE_LENGTH, key=key("title"))
        data, limits = st.columns(2, gap="large")
        with data:
            labels = dict(FIELDS["dataset"].choices)
            st.selectbox("Dataset", list(labels), format_func=labels.get, key=key("dataset"))
            for name in logic.DATA_FIELDS[1:]:  # bounds and defaults as the Playground's own controls have them
                spec, whole = FIELDS[name], FIELDS[name].kind == "int"
                low = max(spec.low, logic.MIN_TEST_SHARE) if name == "test_share" else spec.low
                kind, step = (int, 1) if whole else (float, 0.05)
                st.number_input(
                    spec.label, kind(low), kind(spec.high), spec.default, step, key=key(name), help=spec.help
                )
        with limits:
            st.radio("Score", list(logic.METRICS), format_func=lambda m: logic.METRICS[m].label, key=key("metric"))
            st.slider("Most units per hidden layer", 1, 128, 8, key=key("max_units"))
            st.slider("Most hidden layers", 0, 4, 2, key=key("max_layers"))
            st.select_slider(
                "Most epochs", controls.EPOCH_STEPS, 2000, format_func=lambda v: f"{v:,}", key=key("max_epochs")
            )
            names = dict(FIELDS["optimizer"].choices)
            st.multiselect("Optimizers allowed", list(names), list(names), format_func=names.get, key=key("optimizers"))
            hideable = {name: spec.label for name, spec in FIELDS.items() if spec.group != "data"}
            st.multiselect("Controls to hide", list(hideable), format_func=hideable.get, key=key("hidden"))
            st.number_input("Closes after (minutes; 0 = stays open)", 0, 10_080, 0, key=key("minutes"))
        st.form_submit_button("Create challenge", type="primary", on_click=_create, args=(class_id, key_hash))
    if session.teacher_error():
        st.error(escape(session.teacher_error()), icon=":material/error:")


def _create(class_id: str | None = None, key_hash: str | None = None) -> None:
    def create() -> None:
        db = connection.board_store()
        values = session.challenge_form(logic.FORM_FIELDS)
        minutes = values.pop("minutes")
        spec = ChallengeSpec(
            **values | {"optimizers": tuple(values["optimizers"]), "hidden": frozenset(values["hidden"])}
        )
        closes_at = time.time() + 60 * minutes if minutes else None
        challenge_id, teacher_key = db.create(spec, closes_at=closes_at, class_id=class_id, key_hash=key_hash)
        if class_id is not None:
            return  # the class's view lists it, and the class's key moderates it
        session.hold_teacher_key(challenge_id, teacher_key)
        st.query_params.from_dict({"challenge": challenge_id})

    _when_refused(create)


def moderation(db: Store, challenge: Challenge) -> None:
    """The teacher's part: the teacher link, close or reopen, hide an entry, the board as CSV."""
    st.divider()
    st.markdown("**Teacher** (only this browser sees this part: it holds the teacher key)")
    if session.teacher_error():
        st.error(escape(session.teacher_error()), icon=":material/error:")
    with st.expander("Teacher link: keep it to yourself, it lets whoever has it moderate"):
        teacher_key = session.teacher_key(challenge.id)
        st.code(
            connection.address(logic.teacher_query(challenge.id, teacher_key), PAGE_PATH),
            language=None,
            wrap_lines=True,
        )
    closed = challenge.closed()
    try:
        rows = board.ranked(db.submissions(challenge.id), challenge.spec.metric, include_hidden=True)
    except BoardUnavailable as error:
        st.error(escape(error), icon=":material/database:")
        rows = []
    close_col, hide_col, csv_col = st.columns(3, vertical_alignment="bottom")
    close_col.button(
        "Reopen the challenge" if closed else "Close the challenge",
        icon=":material/lock_open:" if closed else ":material/lock:",
        on_click=_when_refused,
        args=(lambda: db.set_closed(challenge.id, not closed),),
        key=session.CHALLENGE_CLOSE,
    )
    by_id = {row.entrant_id: row for row in rows}
    picked = hide_col.selectbox(
        "Entry",
        list(by_id),
        format_func=lambda i: f"{by_id[i].rank}. {by_id[i].name}" + (" (hidden)" if by_id[i].hidden else ""),
        key=session.CHALLENGE_PICK,
        index=None,
        placeholder="Pick an entry to hide or show",
    )
    if picked is not None and picked in by_id:
        hidden = by_id[picked].hidden
        hide_col.button(
            "Show it again" if hidden else "Hide it from the board",
            on_click=_when_refused,
            args=(lambda: db.set_hidden(challenge.id, picked, not hidden),),
            key=session.CHALLENGE_HIDE,
        )
    csv_col.download_button(
        "Board (.csv)",
        board.board_csv(rows, challenge.spec.metric),
        f"challenge-{challenge.id}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=session.CHALLENGE_CSV,
    )

"""The challenge bar the Playground shows to a student who opened a challenge link: the challenge's
rules, the controls kept within them, and "Submit to the challenge" (a class's student submits as
themselves, the same on every visit). Registered with ``ui/bars.py`` when this module is imported
(``streamlit_app.py`` imports it); the score submitted is the server's own result of the run.
"""

from __future__ import annotations

import streamlit as st

from scratchnet.app.board import logic
from scratchnet.app.board.database import BoardUnavailable
from scratchnet.app.board.logic import ChallengeLink, ChallengeSpec, Refused
from scratchnet.app.board.store import Challenge
from scratchnet.app.challenges import board
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.text import escape
from scratchnet.app.ui import bars, classroom, controls, session
from scratchnet.app.ui import board_connection as connection

PAGE_PATH = connection.PAGE_PATH


def opened_challenge() -> ChallengeLink:
    """The challenge this session was opened for, read from the first link it came with."""
    opened = session.challenge_link()
    if opened is None:
        query = {key: st.query_params.get_all(key) for key in st.query_params}
        opened = logic.read_challenge_link(query)
        session.set_challenge_link(opened)
    return opened


def _keep_within(spec: ChallengeSpec) -> list[str]:
    """Bring the controls inside the challenge's limits before they are drawn (the server checks
    again at submission); notes for the limits that moved something."""
    config, _ = controls.read(spec.start_config())
    values = (config or spec.start_config()).as_dict()
    kept, notes = logic.clamp(spec, values)
    session.set_use_points(False)
    if kept != values or config is None:
        controls.load(RunConfig(**kept))
    return notes


def playground_challenge() -> None:
    """On the Playground: the challenge a student link opened, its rules, and "Submit to the
    challenge". Draws nothing for a session that came without a challenge link."""
    opened = opened_challenge()
    for message in opened.messages:
        st.warning(escape(message), icon=":material/link:")
    if opened.challenge_id is None:
        return
    try:
        challenge = connection.board_read(lambda db: db.challenge(opened.challenge_id))
    except BoardUnavailable as error:
        st.warning(f"The challenge board is unavailable: {escape(error)} The Playground works as usual.")
        return
    if challenge is None:
        st.error(
            f"There is no challenge {escape(opened.challenge_id)} on this board: check the link you were given. "
            "The Playground works as usual.",
            icon=":material/error:",
        )
        return
    spec = challenge.spec
    session.set_control_limits(logic.control_limits(spec))  # the sidebar's sliders stop at the limits
    notes = _keep_within(spec)
    with st.container(border=True):
        st.markdown(
            f"**Challenge: {escape(spec.title)}** — best {spec.metric_info.label.lower()} wins. "
            f"Rules: {escape(spec.rules())}"
        )
        for note in notes:
            st.caption(escape(note))
        if challenge.closed():
            st.info("This challenge is closed: no more submissions. The board stays open.", icon=":material/lock:")
        else:
            _submit_form(challenge)
        level, message = session.challenge_outcome()
        if level is not None:  # the last submission's outcome (it quotes the name: text, not Markdown)
            {"success": st.success, "warning": st.warning, "error": st.error}[level](escape(message))
        st.link_button(
            "The board", connection.address({"challenge": challenge.id}, PAGE_PATH), icon=":material/leaderboard:"
        )


bars.register(bars.BEFORE_CONTROLS, "challenge", playground_challenge)


def _submit_form(challenge: Challenge) -> None:
    job = session.current_run()
    result = job.result if job is not None and job.done else None
    name_col, button_col = st.columns([3, 2], vertical_alignment="bottom")
    member = _member_of(challenge)
    known = member.name if member is not None else _my_name(challenge.id)
    if known:
        session.set_challenge_name(known)
    name_col.text_input(
        "Your name on the board",
        key=session.CHALLENGE_NAME,
        max_chars=logic.NAME_LENGTH,
        disabled=bool(known),
        help=f"1 to {logic.NAME_LENGTH} characters; one name per person in a challenge.",
    )
    score, problem = None, None
    try:
        score = logic.score(challenge.spec, result) if result is not None else None
    except Refused as refused:  # outside the rules, or no finite score
        problem = str(refused)
    button_col.button(
        "Submit to the challenge",
        type="primary",
        icon=":material/emoji_events:",
        on_click=_submit,
        args=(challenge.id,),
        disabled=score is None,
        key=session.CHALLENGE_SUBMIT,
    )
    metric = challenge.spec.metric_info
    if problem:
        st.warning(escape(problem), icon=":material/rule:")
    elif score is None:
        st.caption("Train a run; once it has finished you can submit it.")
    else:
        st.caption(f"This run scores {escape(metric.shown(score))} ({metric.label.lower()}, measured here).")


def _member_of(challenge: Challenge, *, confirm: bool = False) -> classroom.Member | None:
    """The class's student this session is (``confirm``: asked of the database again), if in its class."""
    member = classroom.confirmed() if confirm else classroom.member()
    return member if member is not None and challenge.class_id == member.class_id else None


def _identity(challenge: Challenge) -> str:  # a class's student (the same on every visit), else this session
    member = _member_of(challenge)
    return logic.student_session(member.student_id) if member is not None else session.watcher_id()


def _my_name(challenge_id: str) -> str | None:
    try:
        return connection.board_read(lambda db: db.my_name(challenge_id, session.watcher_id()))
    except BoardUnavailable:
        return None


def _submit(challenge_id: str) -> None:
    """Submit this session's current run: its score is the server's own result of that run."""
    outcome: tuple[str, str]
    try:
        db = connection.board_store()
        challenge = db.challenge(challenge_id)
        job = session.current_run()
        if challenge is None:
            raise Refused("This challenge is no longer on the board.")
        if job is None or not job.done or job.result is None:
            raise Refused("Wait for the run to finish training, then submit it.")
        score = logic.score(challenge.spec, job.result)  # rules re-checked on the server's copy of the run
        held, member = _member_of(challenge), _member_of(challenge, confirm=True)  # removed meanwhile?
        if held is not None and member is None:
            raise Refused("You are no longer in this class (the teacher removed you): join it again to submit.")
        name = member.name if member is not None else session.challenge_name()
        db.submit(challenge_id, _identity(challenge), name, job.result.config, score)
        shown_name = db.my_name(challenge_id, _identity(challenge)) or ""
        place = board.rank_of(board.ranked(db.submissions(challenge_id), challenge.spec.metric), shown_name)
        where = f" You are number {place[0]} of {place[1]} on the board." if place else ""
        metric = challenge.spec.metric_info
        outcome = ("success", f"Submitted as {shown_name}: {metric.label.lower()} {metric.shown(score)}.{where}")
    except Refused as refused:
        outcome = ("warning", str(refused))
    except BoardUnavailable as error:
        outcome = ("error", f"Not submitted: {error}")
    session.set_challenge_outcome(outcome)

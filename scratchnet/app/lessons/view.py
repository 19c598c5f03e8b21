"""The Lessons page: a thin view of ``logic.LESSONS``.

The sidebar lists the lessons with a tick for each goal met; the page shows one lesson: its text,
its task with a button that opens the Playground set up for it (the lesson's controls hidden, as
a classroom link would), and whether this session's runs meet its goal — with a hint after a
missed try. ``?lesson=<key>`` opens a lesson directly. ``playground_note()`` is the one line the
Playground may show about the lesson it was opened for (registered with ``ui/bars``).
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from scratchnet.app.lessons.logic import BY_KEY, LESSONS, Lesson, Standing, progress
from scratchnet.app.lessons.model import UNDER_THE_HOOD, Sight
from scratchnet.app.runs.links import Link, link_query
from scratchnet.app.runs.result import RunResult
from scratchnet.app.text import escape
from scratchnet.app.ui import bars, classroom, controls, links, run_panel, session

LESSONS_PAGE = "pages/4_Lessons.py"
LESSONS_PATH = "Lessons"  # the page's address, after the app's
LESSON_PARAMETER = "lesson"  # ?lesson=<key>: the lesson a link opens
TAB_KEYS = {UNDER_THE_HOOD: session.HOOD_TAB}  # the pages whose tabs a lesson may open, and their tabs' keys


# ---- this session's runs and progress -----------------------------------------------------------------
def _runs() -> list[RunResult]:
    """This session's finished runs, oldest first, its current run last (once)."""
    runs = session.my_runs()
    job = session.current_run()
    if job is not None and job.done and job.result is not None and not any(run is job.result for run in runs):
        runs.append(job.result)
    return runs


def standings() -> dict[str, Standing]:
    """Every lesson's standing; a goal met once stays met for the session."""
    known = [lesson.key for lesson in LESSONS]
    passed = frozenset(st.session_state.get(session.LESSON_PASSED, ())) | classroom.goals_met(known)
    found = progress(_runs(), passed)
    st.session_state[session.LESSON_PASSED] = {key for key, standing in found.items() if standing.passed}
    classroom.keep_goals(st.session_state[session.LESSON_PASSED], known)  # the class's database, or the address
    return found


def _record_try(key: str, standing: Standing) -> None:
    """The session's finished run, when it is a try at lesson ``key``, recorded for a student in a class."""
    job = session.current_run()
    run = job.result if job is not None and job.done else None
    if run is not None and (run is standing.passing or any(tried is run for tried in standing.tries)):
        classroom.lesson_try(key, run, run is standing.passing)


# ---- opening a lesson ----------------------------------------------------------------------------------
def lesson_url(lesson: Lesson) -> str:
    return f"{links.app_address(LESSONS_PATH)}{LESSONS_PATH}?{urlencode({LESSON_PARAMETER: lesson.key})}"


def playground_query(lesson: Lesson) -> dict[str, str]:
    """The Playground's address for ``lesson``: its setup, the controls it hides, and the lesson's
    name (so the Playground shows its task)."""
    return {**link_query(lesson.setup, lesson.hide), LESSON_PARAMETER: lesson.key}


def classroom_url(lesson: Lesson) -> str:
    """A link that opens the lesson's setup in the Playground with its controls hidden."""
    return f"{links.app_address(LESSONS_PATH)}?{urlencode(playground_query(lesson))}"


def open_lesson(lesson: Lesson) -> None:
    """Set the Playground up for ``lesson`` (this session's link, controls and run), then go there."""
    session.set_link(Link(lesson.setup, lesson.hide))
    if not lesson.own_data:
        st.session_state[session.USE_POINTS] = False  # the lesson's data, not the student's points
    controls.load(lesson.setup)
    run_panel.train(lesson.setup)  # its starting point, trained: where the task begins
    st.session_state[session.LESSON_ACTIVE] = lesson.key
    st.switch_page(lesson.page, query_params=playground_query(lesson) | classroom.along())


def look(sight: Sight) -> None:
    """Go to the page a lesson points to, at the tab it names."""
    if sight.tab is not None and sight.page in TAB_KEYS:
        st.session_state[TAB_KEYS[sight.page]] = sight.tab
    st.switch_page(sight.page)


def leave_lessons() -> None:
    """Show every control again (the session's link keeps its settings, hides nothing)."""
    opened = session.link()
    if opened is not None:
        session.set_link(Link(opened.config))
    st.session_state.pop(session.LESSON_ACTIVE, None)


def _from_link() -> None:
    """Open the lesson a ``?lesson=`` link names, once per value; an unknown name gets a message."""
    asked = st.query_params.get(LESSON_PARAMETER)
    if asked is None or asked == st.session_state.get(session.LESSON_FROM_LINK):
        return
    st.session_state[session.LESSON_FROM_LINK] = asked
    if asked in BY_KEY:
        st.session_state[session.LESSON_PICK] = asked
    else:
        st.session_state[session.LESSON_PICK] = LESSONS[0].key
        st.session_state[session.LESSON_UNKNOWN] = asked


def _picked() -> None:
    key = st.session_state[session.LESSON_PICK]
    st.query_params[LESSON_PARAMETER] = key
    st.session_state[session.LESSON_FROM_LINK] = key  # the address bar now says what the page shows


def _go_next(key: str) -> None:
    st.session_state[session.LESSON_PICK] = key
    _picked()


# ---- the page ------------------------------------------------------------------------------------------
def _number(lesson: Lesson) -> int:
    return LESSONS.index(lesson) + 1


def _menu(found: dict[str, Standing]) -> Lesson:
    with st.sidebar:
        done = sum(standing.passed for standing in found.values())
        st.progress(done / len(LESSONS), text=f"{done} of {len(LESSONS)} lessons done")
        st.caption(escape(classroom.progress_note()))
        st.radio(
            "Lessons",
            [lesson.key for lesson in LESSONS],
            format_func=lambda key: (
                f"{_number(BY_KEY[key])}. {BY_KEY[key].title}" + (" ✓" if found[key].passed else "")
            ),
            key=session.LESSON_PICK,
            on_change=_picked,
            persist_state="session",
        )
        if session.hidden() or st.session_state.get(session.LESSON_ACTIVE):
            st.button(
                "Show every control again",
                on_click=leave_lessons,
                key=session.LESSON_LEAVE,
                icon=":material/visibility:",
                help="The Playground hides the controls a lesson keeps fixed; this brings them all back.",
            )
    return BY_KEY.get(st.session_state.get(session.LESSON_PICK), LESSONS[0])


def _status(lesson: Lesson, standing: Standing) -> None:
    if standing.passed:
        if standing.passing is not None:
            readings = "; ".join(
                f"{rule.text}: {rule.reading(standing.passing)}"
                for rule in lesson.rules
                if rule.reading(standing.passing)
            )
            st.success(
                f"**Goal met** by your run with {escape(lesson.changes(standing.passing))}"
                + (f" — {readings}." if readings else "."),
                icon=":material/check_circle:",
            )
        else:
            st.success(
                "**Goal met** earlier (in this session, your class or your address).", icon=":material/check_circle:"
            )
        return
    last = standing.last_try
    if last is None:
        st.caption(
            "No try yet: open the lesson, change what the task asks for, and press **Train**. "
            "Your runs are checked here as they finish."
        )
        return
    missed = " ".join(escape(line) for line in lesson.missed(last))
    tries = f"{len(standing.tries)} tries so far" if len(standing.tries) > 1 else "1 try so far"
    st.warning(f"**Not yet** ({tries}). Your last run, with {escape(lesson.changes(last))}: {missed}")
    st.info(f"**Hint.** {lesson.hint}", icon=":material/lightbulb:")


def _task(lesson: Lesson, standing: Standing) -> None:
    with st.container(border=True):
        st.markdown(f"**Your task.** {lesson.task}")
        goal = ", and ".join(rule.text for rule in lesson.rules)
        st.markdown(f"**Goal:** {goal}." + (" :green[**✓ met**]" if standing.passed else ""))
        where = "the Playground" if lesson.page.endswith("streamlit_app.py") else "its page"
        if st.button(
            f"Open in {where}",
            type="primary",
            icon=":material/play_arrow:",
            key=session.lesson_open_key(lesson.key),
            help="Opens it set up for this lesson, with the controls the lesson keeps fixed hidden, and trains "
            "the starting point.",
            width="stretch",
        ):
            open_lesson(lesson)
        for sight in lesson.also:
            if st.button(
                sight.label, icon=":material/arrow_forward:", key=session.lesson_sight_key(lesson.key, sight.page)
            ):
                look(sight)
        _status(lesson, standing)


def _teacher(lesson: Lesson) -> None:
    with st.expander("For teachers: links to this lesson"):
        st.markdown("This page, opened at this lesson:")
        st.code(lesson_url(lesson), language=None, wrap_lines=True)
        st.markdown("The Playground set up for it, the lesson's fixed controls hidden (a classroom link):")
        st.code(classroom_url(lesson), language=None, wrap_lines=True)


def page() -> None:
    """The whole Lessons page: the lesson's text beside its task (one above the other on a phone)."""
    _from_link()
    found = standings()
    lesson = _menu(found)
    done = sum(standing.passed for standing in found.values())
    st.caption(
        f"**Lessons** · {done}/{len(LESSONS)} done · a path from the notebook's first spiral to Adam and past it. "
        "Each opens the Playground set up for it, with a task whose goal checks itself against your runs."
    )
    unknown = st.session_state.pop(session.LESSON_UNKNOWN, None)
    if unknown is not None:
        st.warning(
            f"There is no lesson “{escape(unknown[:40])}” — the link's lesson= takes one of "
            f"{', '.join(BY_KEY)}. Showing the first lesson.",
            icon=":material/link:",
        )
    st.title(f"{_number(lesson)}. {lesson.title}")
    text, task = st.columns([3, 2], gap="large")
    with text:
        for paragraph in lesson.text():
            st.markdown(paragraph)
    with task:
        _task(lesson, found[lesson.key])
        position = _number(lesson)
        if position < len(LESSONS):
            following = LESSONS[position]
            st.button(
                f"Next: {_number(following)}. {following.title}",
                on_click=_go_next,
                args=(following.key,),
                key=session.lesson_next_key(lesson.key),
                icon=":material/arrow_forward:",
            )
        _teacher(lesson)


def playground_note() -> None:
    """On the Playground: the goal of the lesson the student opened it for, met or not, and the way back."""
    key = st.session_state.get(session.LESSON_ACTIVE)
    if key is None and st.query_params.get(LESSON_PARAMETER) in BY_KEY:  # a teacher's classroom link
        key = st.session_state[session.LESSON_ACTIVE] = st.query_params[LESSON_PARAMETER]
    if key not in BY_KEY:
        return
    lesson = BY_KEY[key]
    standing = standings()[key]
    met = standing.passed
    _record_try(key, standing)
    note, back = st.columns([7, 2], vertical_alignment="center")
    (note.success if met else note.info)(
        f"**Lesson {_number(lesson)}: {lesson.title}.** {lesson.task}" + (" **Goal met.**" if met else ""),
        icon=":material/school:",
    )
    back.page_link(
        LESSONS_PAGE, label="Back to the lesson", icon=":material/arrow_back:", query_params={LESSON_PARAMETER: key}
    )


bars.register(bars.ABOVE_RUN, "lesson", playground_note)
classroom.list_lessons((lesson.key, lesson.title) for lesson in LESSONS)  # the class view's columns

"""The Lessons page: a thin view of ``logic.LESSONS``.

The sidebar lists the lessons with a tick for each goal met; the page shows one lesson: its text,
its task with a button that opens the Playground set up for it (the lesson's controls hidden, as
a classroom link would), and whether this session's runs meet its goal — with a hint after a
missed try. ``?lesson=<key>`` opens a lesson directly. What the Playground shows about the lesson it
was opened for is ``bar_view.py``.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from scratchnet.app import glossary
from scratchnet.app.glossary import GLOSSARY
from scratchnet.app.lessons import landing_view
from scratchnet.app.lessons.hands_on import view as hands_on_view
from scratchnet.app.lessons.hands_on.logic import HANDS_ON, HandsOn
from scratchnet.app.lessons.logic import BY_KEY, LESSONS, Lesson, Standing, progress
from scratchnet.app.lessons.model import UNDER_THE_HOOD, Sight
from scratchnet.app.runs.links import Link, link_query
from scratchnet.app.runs.result import RunResult
from scratchnet.app.text import escape
from scratchnet.app.ui import classroom, controls, links, run_panel, session

LESSONS_PAGE = "pages/4_Lessons.py"
LESSONS_PATH = "Lessons"  # the page's address, after the app's
LESSON_PARAMETER = "lesson"  # ?lesson=<key>: the lesson a link opens
TAB_KEYS = {UNDER_THE_HOOD: session.HOOD_TAB}  # the pages whose tabs a lesson may open, and their tabs' keys
PATH: tuple[Lesson | HandsOn, ...] = (*HANDS_ON, *LESSONS)  # the page's order: be the network first
ALL = {lesson.key: lesson for lesson in PATH}


# ---- this session's runs and progress -----------------------------------------------------------------
def _harvest() -> None:
    """Record the session's run with the lesson it was made for, once it has finished (a run made in
    free play, or reopened, counts for no lesson)."""
    job, key = session.current_run(), session.run_lesson()
    if key in BY_KEY and job is not None and job.done and job.result is not None:
        session.add_lesson_run(key, job.result)


def standings() -> dict[str, Standing]:
    """Every lesson's standing, from the runs made for it; a goal met once stays met until the
    student resets the lesson. Goals met are kept where the student's progress lives too: their class's
    database, or their own address (``ui/classroom``)."""
    _harvest()
    known = list(ALL)
    passed = session.passed_lessons() | (classroom.goals_met(known) - session.lessons_reset())
    found = progress({key: session.lesson_runs(key) for key in BY_KEY}, passed)
    session.set_passed_lessons(passed | {key for key, standing in found.items() if standing.passed})
    classroom.keep_goals(session.passed_lessons(), known)
    return found


def record_try(key: str, standing: Standing) -> None:
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
        session.set_use_points(False)  # the lesson's data, not the student's points
    controls.load(lesson.setup)
    session.set_active_lesson(lesson.key, lesson.locked)  # runs from here on are made for this lesson
    session.set_lesson_link_entered(lesson.key)  # the Playground's ?lesson= below is this, already entered
    run_panel.train(lesson.setup)  # its starting point, trained: where the task begins
    st.switch_page(lesson.page, query_params=playground_query(lesson) | classroom.along())


def look(sight: Sight) -> None:
    """Go to the page a lesson points to, at the tab it names."""
    if sight.tab is not None and sight.page in TAB_KEYS:
        session.open_tab(TAB_KEYS[sight.page], sight.tab)
    st.switch_page(sight.page)


def leave_lessons() -> None:
    """Show every control again (the session's link keeps its settings, hides nothing)."""
    opened = session.link()
    if opened is not None:
        session.set_link(Link(opened.config))
    session.set_active_lesson(None)


def _from_link() -> None:
    """Open the lesson a ``?lesson=`` link names, once per value; an unknown name gets a message."""
    asked = st.query_params.get(LESSON_PARAMETER)
    if asked is None or asked == session.lesson_from_link():
        return
    session.set_lesson_from_link(asked)
    if asked in ALL:
        session.pick_lesson(asked)
    else:
        session.pick_lesson(PATH[0].key)
        session.set_unknown_lesson(asked)


def _picked() -> None:
    key = session.picked_lesson()
    st.query_params[LESSON_PARAMETER] = key
    session.set_lesson_from_link(key)  # the address bar now says what the page shows


def _go_next(key: str) -> None:
    session.pick_lesson(key)
    _picked()
    landing_view.start()  # the next run draws the lesson's title alone: see ``landing_view``


# ---- the page ------------------------------------------------------------------------------------------
def _number(lesson: Lesson | HandsOn) -> int:
    return PATH.index(lesson) + 1


def _menu(done: frozenset[str]) -> Lesson | HandsOn:
    with st.sidebar:
        st.progress(len(done) / len(PATH), text=f"{len(done)} of {len(PATH)} lessons done")
        st.caption(escape(classroom.progress_note()))
        st.radio(
            "Lessons",
            [lesson.key for lesson in PATH],
            format_func=lambda key: f"{_number(ALL[key])}. {ALL[key].title}" + (" ✓" if key in done else ""),
            key=session.LESSON_PICK,
            on_change=_picked,
            persist_state="session",
        )
        if session.hidden() or session.active_lesson():
            st.button(
                "Show every control again",
                on_click=leave_lessons,
                key=session.LESSON_LEAVE,
                icon=":material/visibility:",
                help="The Playground hides the controls a lesson keeps fixed; this brings them all back.",
            )
    return ALL.get(session.picked_lesson(), PATH[0])


def glossary_section() -> None:
    """The words the lessons use, in plain language; each term a link target (``#glossary-<term>``)."""
    st.divider()
    st.header("Glossary: the words in plain language", anchor="glossary")
    for term, text in GLOSSARY.items():
        st.subheader(term.capitalize(), anchor=glossary.anchor(term))
        st.markdown(text)


def words_used(lesson: Lesson | HandsOn) -> None:
    """Links to the glossary's entries for the words the lesson's text uses."""
    terms = glossary.used_in(" ".join([*lesson.text(), lesson.task]))
    if terms:
        st.caption("Words used here: " + " · ".join(f"[{term}](#{glossary.anchor(term)})" for term in terms))


def heading(lesson: Lesson) -> str:
    """ "Lesson 2: One hidden layer: how many units?" — with one full stop at most."""
    title = lesson.title if lesson.title[-1] in ".?!" else lesson.title + "."
    return f"Lesson {_number(lesson)}: {title}"


def why_not(lesson: Lesson, run: RunResult) -> None:
    """Why ``run`` did not count, point by point (the fixed settings, a finished run, each goal)."""
    with st.expander("Why didn't this count?", icon=":material/help:"):
        st.markdown("\n".join(f"- {'✅' if ok else '❌'} {line}" for ok, line in lesson.checklist(run)))


def _status(lesson: Lesson, standing: Standing) -> None:
    if standing.passed:
        if standing.passing is not None:
            readings = "; ".join(rule.against(standing.passing) for rule in lesson.rules)
            st.success(
                f"**Goal met** by your run with {escape(lesson.changes(standing.passing))} — {readings}.",
                icon=":material/check_circle:",
            )
        else:
            st.success(
                "**Goal met** earlier (in this session, your class or your address).", icon=":material/check_circle:"
            )
        if lesson.why:
            st.markdown(f"**Why it worked.** {lesson.why}")
        return
    last = standing.last_try
    if last is None:
        st.caption(
            "No try yet: open the lesson, change what the task asks for, and press **Train**. "
            "Only runs made from this lesson are checked, as they finish."
        )
        return
    missed = " ".join(lesson.missed(last))
    tries = f"{len(standing.tries)} tries so far" if len(standing.tries) > 1 else "1 try so far"
    st.warning(f"**Not yet** ({tries}). Your last run, with {escape(lesson.changes(last))}: {missed}")
    why_not(lesson, last)
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
        _sights(lesson)
        _status(lesson, standing)
        _reset(lesson, "Forget this lesson's tries and its goal met, and start it over.")


def _sights(lesson: Lesson | HandsOn) -> None:
    """A button for each page the lesson points to."""
    for sight in lesson.also:
        if st.button(
            sight.label, icon=":material/arrow_forward:", key=session.lesson_sight_key(lesson.key, sight.page)
        ):
            look(sight)


def _reset(lesson: Lesson | HandsOn, forgets: str) -> None:
    st.button(
        "Reset this lesson",
        key=session.lesson_reset_key(lesson.key),
        on_click=session.reset_lesson,
        args=(lesson.key,),
        icon=":material/restart_alt:",
        help=forgets,
    )


def _teacher(lesson: Lesson) -> None:
    with st.expander("For teachers: links to this lesson"):
        st.markdown("This page, opened at this lesson:")
        st.code(lesson_url(lesson), language=None, wrap_lines=True)
        st.markdown("The Playground set up for it, the lesson's fixed controls hidden (a classroom link):")
        st.code(classroom_url(lesson), language=None, wrap_lines=True)


def _hands_on_task(lesson: HandsOn, state: object) -> None:
    """The task of a lesson done on this page, checked on the student's own state (``state``)."""
    met = lesson.met(state)
    if met:
        session.set_passed_lessons(session.passed_lessons() | {lesson.key})
    passed = lesson.key in session.passed_lessons()
    with st.container(border=True):
        st.markdown(f"**Your task.** {lesson.task}")
        st.markdown(f"**Goal:** {lesson.goal}." + (" :green[**✓ met**]" if passed else ""))
        st.markdown(f"**Now:** {lesson.reading(state)}.")
        if met:
            st.success("**Goal met** by your own hand.", icon=":material/check_circle:")
            st.markdown(f"**Why it worked.** {lesson.why}")
        elif passed:
            st.success("**Goal met** earlier in this session.", icon=":material/check_circle:")
        else:
            st.info(f"**Hint.** {lesson.hint}", icon=":material/lightbulb:")
        _sights(lesson)
        _reset(lesson, "Forget what you did here and the goal met, and start it over.")


def _next(lesson: Lesson | HandsOn) -> None:
    position = _number(lesson)
    if position < len(PATH):
        following = PATH[position]
        st.markdown(f"**Next:** {_number(following)}. {following.title}")  # in full: a button label is cut
        st.button(
            "Next lesson",
            on_click=_go_next,
            args=(following.key,),
            key=session.lesson_next_key(lesson.key),
            icon=":material/arrow_forward:",
        )


def page() -> None:
    """The whole Lessons page: the lesson's text beside its task (one above the other on a phone); a
    hands-on lesson's panel below both."""
    _from_link()
    found = standings()
    for done in HANDS_ON:  # the student's state as their last click left it: a goal it meets counts at once
        state = session.hand_state(done.key, None)
        if state is not None and done.met(state):
            session.set_passed_lessons(session.passed_lessons() | {done.key})
    lesson = _menu(session.passed_lessons())
    if landing_view.short_pass(lambda: _top(lesson)):
        return
    heading = st.empty()  # filled last: a hands-on goal met in this run counts at once
    unknown = session.take_unknown_lesson()
    if unknown is not None:
        st.warning(
            f"There is no lesson “{escape(unknown[:40])}” — the link's lesson= takes one of "
            f"{', '.join(ALL)}. Showing the first lesson.",
            icon=":material/link:",
        )
    st.title(f"{_number(lesson)}. {lesson.title}")
    text, task = st.columns([3, 2], gap="large")
    with text:
        for paragraph in lesson.text():
            st.markdown(paragraph)
        words_used(lesson)
    if isinstance(lesson, HandsOn):
        state = hands_on_view.panel(lesson)
        with task:
            _hands_on_task(lesson, state)
            _next(lesson)
    else:
        with task:
            _task(lesson, found[lesson.key])
            _next(lesson)
            _teacher(lesson)
    glossary_section()
    heading.caption(_caption())


def _caption() -> str:
    return (
        f"**Lessons** · {len(session.passed_lessons())}/{len(PATH)} done · from one neuron by hand to the "
        "notebook's spiral, Adam and past it. Goals check themselves: the first three on this page, the others "
        "against the runs you make from them in the Playground."
    )


def _top(lesson: Lesson | HandsOn) -> None:
    """The top of the page alone, as the run after **Next** draws it (``landing_view``): its line, the title."""
    st.caption(_caption())
    st.title(f"{_number(lesson)}. {lesson.title}")


classroom.list_lessons((lesson.key, lesson.title) for lesson in PATH)  # the class view's columns

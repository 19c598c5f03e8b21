"""The lesson's bar on the Playground (registered with ``ui/bars``): the goal of the lesson the
student opened it for, this run against it, the hint, and the way back to the lesson. The Lessons
page itself is ``view.py``."""

from __future__ import annotations

import streamlit as st

from scratchnet.app.lessons.logic import BY_KEY, Lesson
from scratchnet.app.lessons.view import LESSON_PARAMETER, LESSONS_PAGE, heading, record_try, standings, why_not
from scratchnet.app.ui import bars, classroom, session


def playground_note() -> None:
    """On the Playground, beside the run: the goal of the lesson the student opened it for, this
    run's value of what the goal measures, what it missed and the hint — or, once met, why it worked."""
    key = session.active_lesson()
    asked = st.query_params.get(LESSON_PARAMETER)
    if key is None and asked in BY_KEY and session.lesson_link_entered() != asked:  # a teacher's classroom link,
        key = asked  # entered once: after the student leaves the lesson, the address does not pull them back
        session.set_active_lesson(key, BY_KEY[key].locked)
        session.set_lesson_link_entered(key)
    if key not in BY_KEY:
        return
    lesson = BY_KEY[key]
    standing = standings()[key]
    met = standing.passed
    record_try(key, standing)
    with st.container(border=True):
        note, back = st.columns([7, 2], vertical_alignment="center")
        (note.success if met else note.info)(
            f"**{heading(lesson)}** {lesson.task}" + (" **Goal met.**" if met else ""), icon=":material/school:"
        )
        back.page_link(
            LESSONS_PAGE,
            label="Back to the lesson",
            icon=":material/arrow_back:",
            query_params={LESSON_PARAMETER: key} | classroom.along(),
        )
        _this_run(lesson)


def _this_run(lesson: Lesson) -> None:
    """The session's run against the lesson's goal, when it was made for the lesson and has finished."""
    job = session.current_run()
    if job is None or not job.done or job.result is None or session.run_lesson() != lesson.key:
        return
    run = job.result
    if lesson.passed(run):
        readings = "; ".join(rule.against(run) for rule in lesson.rules)
        st.markdown(f":green[**This run meets the goal**] — {readings}.")
        if lesson.why:
            st.markdown(f"**Why it worked.** {lesson.why}")
        return
    if run.config == lesson.setup:
        st.caption("This is the lesson's starting run: " + "; ".join(rule.against(run) for rule in lesson.rules) + ".")
        return
    if lesson.follows(run):
        st.markdown("**This run:** " + "; ".join(rule.against(run) for rule in lesson.rules) + ".")
    st.warning(" ".join(lesson.missed(run)), icon=":material/flag:")
    why_not(lesson, run)
    st.info(f"**Hint.** {lesson.hint}", icon=":material/lightbulb:")


bars.register(bars.ABOVE_RUN, "lesson", playground_note)

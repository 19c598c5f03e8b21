"""The lessons' state (drawn by ``lessons/view.py``): the lesson shown, the one the Playground was opened
from (its context and fixed settings), the runs made for each lesson, the lessons passed, the hands-on
lessons' own state."""

from __future__ import annotations

import streamlit as st

from scratchnet.app.runs.result import RunResult, keep_run

LESSON_RUNS_COUNT = 30  # runs remembered per lesson (as in "My runs")
RUN_LESSON = "run.lesson"  # the lesson the session's run was made for (None: free play)


def run_lesson() -> str | None:
    """The key of the lesson the session's run was made for (opened from it), or None (free play)."""
    return st.session_state.get(RUN_LESSON)


def set_run_lesson(key: str | None) -> None:
    st.session_state[RUN_LESSON] = key


def forget_run_lesson(key: str) -> None:
    """The session's run no longer counts for lesson ``key`` (it was started over)."""
    if run_lesson() == key:
        st.session_state[RUN_LESSON] = None


# ---- lessons (owner: lessons/view.py) -------------------------------------------------------------
LESSON_PICK = "lessons.pick"  # the lesson the page shows (a key of lessons.logic.BY_KEY)
LESSON_FROM_LINK = "lessons.from_link"  # the ?lesson= value last applied, so a link opens its lesson once
LESSONS_STARTED_OVER = "lessons.started_over"  # the lessons started over in this session
LESSON_ACTIVE = "lessons.active"  # the lesson last opened in the Playground (its goal is shown there)
LESSON_FIXED = "lessons.fixed"  # the settings the active lesson keeps fixed (Step and Continue respect them)
LESSON_PASSED = "lessons.passed"  # the lessons whose goal this session has met (a set of keys)
LESSON_RUNS = "lessons.runs"  # lesson key -> the finished runs made for it, oldest first
LESSON_RESET = "lessons.reset"
LESSON_LINK_ENTERED = "lessons.link_entered"  # the lesson a classroom link put the Playground in (entered once)
LESSON_HAND = "lessons.hand"  # lesson key -> the student's own state in a hands-on lesson (sliders, steps)
LESSON_LEAVE = "lessons.leave"
LESSON_UNKNOWN = "lessons.unknown"  # a ?lesson= value that names no lesson, for one message
LESSON_LANDING = "lessons.landing"  # after Next: "short" (the next run draws the title alone), then "drawn"


def picked_lesson() -> str | None:
    """The lesson the page shows (the menu's key), or None before the menu is drawn or set."""
    return st.session_state.get(LESSON_PICK)


def pick_lesson(key: str) -> None:
    """Show lesson ``key`` (before the menu is drawn, or in a callback)."""
    st.session_state[LESSON_PICK] = key


def lesson_from_link() -> str | None:
    """The ``?lesson=`` value last applied (or the lesson picked since: what the address bar says)."""
    return st.session_state.get(LESSON_FROM_LINK)


def set_lesson_from_link(value: str) -> None:
    st.session_state[LESSON_FROM_LINK] = value


def set_unknown_lesson(value: str) -> None:
    """A ``?lesson=`` value that names no lesson, for the page's next draw to say so."""
    st.session_state[LESSON_UNKNOWN] = value


def take_unknown_lesson() -> str | None:
    """The ``?lesson=`` value that named no lesson, once (None when there is none)."""
    return st.session_state.pop(LESSON_UNKNOWN, None)


def open_tab(key: str, tab: str) -> None:
    """Open tab ``tab`` of the tabs keyed ``key`` on their page's next draw (a lesson pointing to it)."""
    st.session_state[key] = tab


def active_lesson() -> str | None:
    """The lesson the Playground was opened from (its context), or None in free play."""
    return st.session_state.get(LESSON_ACTIVE)


def set_active_lesson(key: str | None, fixed: frozenset[str] = frozenset()) -> None:
    """Enter lesson ``key``'s context, whose ``fixed`` settings runs keep (None: back to free play)."""
    st.session_state[LESSON_ACTIVE] = key
    st.session_state[LESSON_FIXED] = frozenset(fixed) if key is not None else frozenset()


def lesson_link_entered() -> str | None:
    """The lesson a classroom link (``?lesson=`` on the Playground) has already put the session in."""
    return st.session_state.get(LESSON_LINK_ENTERED)


def set_lesson_link_entered(key: str) -> None:
    st.session_state[LESSON_LINK_ENTERED] = key


def fixed_settings() -> frozenset[str]:
    """The settings (``RunConfig`` field names) the active lesson keeps fixed: Step and Continue
    may not change them."""
    return st.session_state.get(LESSON_FIXED, frozenset()) if active_lesson() is not None else frozenset()


def lesson_runs(key: str) -> list[RunResult]:
    """The finished runs made for lesson ``key``, oldest first (a copy)."""
    return list(st.session_state.get(LESSON_RUNS, {}).get(key, []))


def add_lesson_run(key: str, result: RunResult) -> None:
    """Record ``result`` as made for lesson ``key`` (once); a run that grew from the last one (Step,
    Continue) takes its place, as in "My runs"."""
    keep_run(st.session_state.setdefault(LESSON_RUNS, {}).setdefault(key, []), result, LESSON_RUNS_COUNT)


def passed_lessons() -> frozenset[str]:
    """The lessons whose goal this session has met."""
    return frozenset(st.session_state.get(LESSON_PASSED, ()))


def set_passed_lessons(keys: frozenset[str]) -> None:
    st.session_state[LESSON_PASSED] = set(keys)


def reset_lesson(key: str) -> None:
    """Forget lesson ``key``'s runs, its goal met and its hands-on state: start it over (a goal kept
    before this session, in a class or on the address, no longer counts in it either)."""
    st.session_state.setdefault(LESSONS_STARTED_OVER, set()).add(key)
    st.session_state.get(LESSON_RUNS, {}).pop(key, None)
    st.session_state[LESSON_PASSED] = passed_lessons() - {key}
    st.session_state.get(LESSON_HAND, {}).pop(key, None)
    for widget in [name for name in st.session_state if str(name).startswith(hand_widget_key(key, ""))]:
        del st.session_state[widget]  # its sliders back at their start
    forget_run_lesson(key)  # the run on screen stays, but no longer counts as a try


def lessons_reset() -> frozenset[str]:
    """The lessons the student started over in this session."""
    return frozenset(st.session_state.get(LESSONS_STARTED_OVER, ()))


def hand_state(key: str, default: object) -> object:
    """The student's own state in hands-on lesson ``key`` (``default`` before they touched it)."""
    return st.session_state.setdefault(LESSON_HAND, {}).get(key, default)


def set_hand_state(key: str, value: object) -> None:
    st.session_state.setdefault(LESSON_HAND, {})[key] = value


def lesson_open_key(lesson: str) -> str:
    """The key of the button that opens lesson ``lesson`` in the Playground."""
    return f"lessons.open.{lesson}"


def lesson_sight_key(lesson: str, page: str) -> str:
    """The key of the button that goes from lesson ``lesson`` to another page, ``page``."""
    return f"lessons.sight.{lesson}.{page}"


def lesson_reset_key(lesson: str) -> str:
    """The key of the button that starts lesson ``lesson`` over."""
    return f"{LESSON_RESET}.{lesson}"


def hand_widget_key(lesson: str, name: str) -> str:
    """The key of widget ``name`` (a slider, a step button) of hands-on lesson ``lesson``."""
    return f"{LESSON_HAND}.{lesson}.{name}"


def hand_widget_value(lesson: str, name: str, default: float) -> float:
    """The value widget ``name`` of hands-on lesson ``lesson`` holds now (``default`` before it is drawn)."""
    return st.session_state.get(hand_widget_key(lesson, name), default)


def lesson_landing() -> str | None:
    """Where the landing on a lesson after **Next** stands: "short" (to draw the title alone), "drawn"
    (the short page is up, the whole page comes next) or None."""
    return st.session_state.get(LESSON_LANDING)


def set_lesson_landing(stage: str | None) -> None:
    st.session_state[LESSON_LANDING] = stage


def lesson_next_key(lesson: str) -> str:
    """The key of the button that goes on from lesson ``lesson`` to the next."""
    return f"lessons.next.{lesson}"

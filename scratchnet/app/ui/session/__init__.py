"""This browser session's state: every ``st.session_state`` key of the app is named in this package, once,
and only its modules touch ``st.session_state``.

Pages and views never build key strings; they call the accessors, or use the key constants and
functions for their widgets' ``key=``. This module holds the core (the session's run, the view on
screen, the replay, "My runs", the link the session was opened with, its one identity); one module
per concern holds the rest (``controls``, ``run_panel``, ``experiments``, ``hood``, ``sweep``,
``playground``, ``lessons``, ``challenges``, ``classroom``, ``failure``), and every public name is
re-exported below: callers say ``session.x`` whichever module owns it. Values held here are this
session's own; shared objects (a cached ``TrainingJob``, a ``RunResult``) are only read.

The session's run is always a ``TrainingJob``: one that trains, or one already finished
(``TrainingJob.finished(result)`` after Cancel or when a run is reopened), so a reader asks
``job.done`` and ``job.result`` and never which type it holds.
"""

from __future__ import annotations

import uuid

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.runs.links import Link
from scratchnet.app.runs.result import RunResult, keep_run
from scratchnet.app.runs.view import DATASET, FREE, Context, OpenedView, Source, View, training_view, view_of

# Each concern's state, re-exported so that callers say ``session.x`` whichever module owns it (one way
# to reach a name). Kept compact by hand: one concern per statement.
# fmt: off
# isort: off
from scratchnet.app.ui.session.controls import (
    CONTROL_PREFIX, USE_POINTS, POINTS, UPLOADER, UPLOAD_ID, UPLOAD_ERROR, PRESET_CHOICE, control_key, units_key,
    control_value, has_control_value, set_control_value, init_control_value, preset_choice, my_points, set_my_points,
    use_points, set_use_points, upload_id, set_upload_id, upload_error, set_upload_error, CONTROL_LIMITS,
    control_limits, set_control_limits,
)
from scratchnet.app.ui.session.run_panel import (
    CANCEL, RUN_PANEL_LIVE, RESULT, view_key, CONTINUE_EPOCHS, CONTINUE, RESET, RUN_REFUSAL, continue_epochs, run_refusal,
    set_run_refusal, step_key, best_epoch_key, SHARE_HIDE, SHARE_PRESET, SHARE_URL, SHARE_CLASSROOM_URL,
    reset_share_box,
)
from scratchnet.app.ui.session.experiments import (
    EXPERIMENTS_SECTION, REPLAY, REPLAY_SCALE, REPLAY_BUTTON, REPLAY_MAPS, OPTIMIZERS, OPTIMIZER_FORM,
    OPTIMIZER_EPOCHS, OPTIMIZER_SEED, OPTIMIZER_SERIES, OPTIMIZER_LOG, EXPERIMENT_JOBS, EXPERIMENT_STARTED,
    MINE_PICKED, MINE_LOG, MINE_REOPEN, MINE_OPEN, follow_key, held_job, hold_job, ask_for, asked_for,
    experiment_replay, set_experiment_replay, replay_scale, optimizer_choice, compared, set_compared,
)
from scratchnet.app.ui.session.hood import (
    HOOD_TAB, STEP_STATE, STEP_HIDDEN, STEP_ACTIVATION, STEP_FEATURES, STEP_POINTS, STEP_SEED, STEP_LR, STEP_TAKE,
    STEP_TAKE_BOTTOM, STEP_RESET, HOOD_EPOCH, HOOD_LAYER, HOOD_WAITING, step_choices, step_lr, step_state,
    set_step_state, hood_epoch, set_hood_epoch,
)
from scratchnet.app.ui.session.sweep import (
    SWEEP_RUN, SWEEP_STOPPED, SWEEP_PICK, SWEEP_CHART, SWEEP_METRIC, SWEEP_CANCEL, SWEEP_OPEN, SWEEP_PANEL,
    SWEEP_BASE_PREFIX, sweep_axis_key, sweep_value_keys, sweep_base_key, sweep_axis, set_sweep_axis,
    default_sweep_axis, sweep_axis_values, sweep_base_drawn, set_sweep_base, default_sweep_metric, sweep_run,
    start_sweep_run, sweep_stopped, stop_sweep_cell, sweep_chart_event, sweep_pick, set_sweep_pick,
)
from scratchnet.app.ui.session.playground import (
    DRAWING, DRAW_CLASS, DRAW_MODE, DRAW_CANVAS, DRAW_VERSION, DRAW_SEEN, DRAW_TRAINED, DRAW_NOTE, DRAW_LINK_READ,
    DRAW_LINK_MESSAGES, drawing, set_drawing, draw_class, draw_mode, draw_selection, draw_seen, set_draw_seen,
    draw_version, next_draw_version, set_draw_note, take_draw_note, set_draw_trained, take_draw_trained,
    draw_link_read, set_draw_link_read, draw_link_messages, set_draw_link_messages, DIAGRAM_UNIT, diagram_unit,
    set_diagram_unit, PRESENT, HEADER_TRAIN, presenting, set_presenting,
)
from scratchnet.app.ui.session.lessons import (
    RUN_LESSON, run_lesson, set_run_lesson, LESSON_PICK, LESSON_FROM_LINK, LESSONS_STARTED_OVER, LESSON_ACTIVE,
    LESSON_FIXED, LESSON_PASSED, LESSON_RUNS, LESSON_RESET, LESSON_LINK_ENTERED, LESSON_HAND, LESSON_LEAVE,
    LESSON_UNKNOWN, picked_lesson, pick_lesson, lesson_from_link, set_lesson_from_link, set_unknown_lesson,
    take_unknown_lesson, open_tab, active_lesson, set_active_lesson, lesson_link_entered, set_lesson_link_entered,
    fixed_settings, lesson_runs, add_lesson_run, passed_lessons, set_passed_lessons, reset_lesson, lessons_reset, hand_state,
    set_hand_state, lesson_open_key, lesson_sight_key, lesson_reset_key, hand_widget_key, hand_widget_value,
    lesson_next_key, LESSON_LANDING, lesson_landing, set_lesson_landing,
)
from scratchnet.app.ui.session.challenges import (
    CHALLENGE_LINK, CHALLENGE_NAME, CHALLENGE_SUBMIT, CHALLENGE_OUTCOME, CHALLENGE_BOARD, CHALLENGE_TABLE,
    TEACHER_KEYS, TEACHER_ERROR, CHALLENGE_FORM, CHALLENGE_CLOSE, CHALLENGE_PICK, CHALLENGE_HIDE, CHALLENGE_CSV,
    challenge_form_key, challenge_link, set_challenge_link, challenge_name, set_challenge_name, challenge_outcome,
    set_challenge_outcome, teacher_key, hold_teacher_key, teacher_error, set_teacher_error, challenge_form,
)
from scratchnet.app.ui.session.classroom import (
    CLASS_MEMBER, CLASS_CHECKED, CLASS_GOALS, CLASS_TRIED, CLASS_JOIN_NAME, CLASS_JOIN, CLASS_FORGET, CLASS_ERROR,
    CLASS_TABLE, CLASS_LIVE, CLASS_PICK, CLASS_RENAME, CLASS_FORM, CLASS_TITLE, class_text, class_member,
    set_class_member, class_checked, class_goals, set_class_goals, class_tried, set_class_tried, class_error,
    set_class_error,
)
from scratchnet.app.ui.session.failure import (
    LAST_STATE, PAGE_SHOWN, page_shown, set_page_shown, failure_key, described, remember_state, last_action,
)
# isort: on
# fmt: on

MY_RUNS_COUNT = 30  # runs remembered per browser session ...
MY_RUNS_BYTES = 24_000_000  # ... and the memory they may hold (the newest run is always kept)

# ---- the session's run ---------------------------------------------------------------------------
WATCHER = "watcher"
RUN = "run"
RUN_SOURCE = "run.source"  # where the session's run's points come from (a runs.view.Source)
CONTEXT = "view.context"  # free play, a lesson or a challenge, when set explicitly (a runs.view.Context)
MY_RUNS = "my_runs"


def watcher_id() -> str:
    """This browser session's one identity: whose turn a run counts towards in the trainer pool, who
    watches a job, and who submits to a class board. "" outside a session (a worker thread)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return ""
    return st.session_state.setdefault(WATCHER, uuid.uuid4().hex)


def current_run() -> TrainingJob | None:
    """The run this session shows (training or finished), or None before the first."""
    return st.session_state.get(RUN)


def set_current_run(job: TrainingJob, source: Source | None = None) -> None:
    """Make ``job`` the session's run, on points from ``source`` (by default: a built-in dataset, or
    uploaded points when its configuration names some). The replay starts at the run's end."""
    st.session_state[RUN] = job
    st.session_state[RUN_SOURCE] = (
        source if source is not None else (Source("upload") if job.config.data_id else DATASET)
    )
    for key in (replay_key(), playing_key(), frame_key()):
        st.session_state.pop(key, None)
    set_run_lesson(active_lesson())  # made in the context the session is in now


def show_result(result: RunResult, source: Source | None = None) -> None:
    """Make a finished run this session's run (a run reopened from "My runs" or a sweep's cell): an
    old run reopened was made for no lesson."""
    set_current_run(TrainingJob.finished(result), source)
    set_run_lesson(None)


def run_source() -> Source:
    """Where the session's run's points come from."""
    return st.session_state.get(RUN_SOURCE, DATASET)


def set_context(context: Context) -> None:
    """Say where the student is now (a lesson opened, a challenge joined, back to free play)."""
    st.session_state[CONTEXT] = context


def context() -> Context:
    """Where the student is: as set by ``set_context``, else a challenge link's or an opened lesson's."""
    if CONTEXT in st.session_state:
        return st.session_state[CONTEXT]
    challenge = challenge_link()
    if challenge is not None and challenge.challenge_id:
        return Context("challenge", challenge.challenge_id)
    lesson = active_lesson()
    return Context("lesson", lesson) if lesson else FREE


def view() -> View | None:
    """What is on screen (``runs/view.py``), or None before the first run: the session's run, how
    far it trained, the replay's epoch and the context. The one way to read it; the address bar,
    the Share links and the tiles are derived from it."""
    job = current_run()
    if job is None:
        return None
    source, where = run_source(), context()
    if not job.done or job.result is None:
        return training_view(job.config, source, where)
    shown = replay_position(job.result)
    return view_of(job.result, source, where).at(shown)


def replay_key(view: str = "") -> str:
    """The key of the replay slider of result view ``view`` (the Playground's when not given)."""
    return view_key(view or RESULT, "replay")


def playing_key(view: str = "") -> str:
    """The key of "the replay of result view ``view`` is playing"."""
    return view_key(replay_key(view), "playing")


def frame_key(view: str = "") -> str:
    """The key of the epoch the replay of result view ``view`` shows while ▶ plays (the slider's own key
    is then not drawn: a slider moved by the server many times a second would race the browser's value)."""
    return view_key(replay_key(view), "frame")


def replay_frame_slider_key(view: str, epoch: int) -> str:
    """The key of the still slider drawn at ``epoch`` while ▶ plays (a new one each frame)."""
    return view_key(view, str(epoch))


def _replay_value(view: str) -> int | None:
    return st.session_state.get(frame_key(view) if playing(view) else replay_key(view))


def replay_position(result: RunResult, view: str = "") -> int | None:
    """The epoch the replay of ``result`` shows, or None at its end (its last snapshot)."""
    snapshots = result.history.snapshots
    chosen = _replay_value(view)
    if len(snapshots) < 2 or chosen is None or chosen == snapshots[-1].epoch:
        return None
    return chosen if any(snapshot.epoch == chosen for snapshot in snapshots) else None


def replay_position_index(view: str, epochs: list[int]) -> int:
    """Where in ``epochs`` (a run's snapshot epochs) the replay of result view ``view`` is (the last by default)."""
    chosen = _replay_value(view)
    if chosen in epochs:
        return epochs.index(chosen)
    if isinstance(chosen, int) and epochs:  # an epoch no snapshot has (a link's): the nearest one
        return min(range(len(epochs)), key=lambda i: (abs(epochs[i] - chosen), epochs[i]))
    return len(epochs) - 1


def set_replay(epoch: int | None, view: str = "") -> None:
    """Move the replay to ``epoch`` (None: its end): the frame while ▶ plays, else the slider (before it
    is drawn, or in a callback)."""
    key = frame_key(view) if playing(view) else replay_key(view)
    if epoch is None:
        st.session_state.pop(key, None)
    else:
        st.session_state[key] = epoch


def playing(view: str = "") -> bool:
    return bool(st.session_state.get(playing_key(view)))


def set_playing(on: bool, view: str = "") -> None:
    """Start or stop ▶: the replay's epoch passes between the slider and the frame, so it stays where it is."""
    if on == playing(view):
        return
    value = _replay_value(view)
    st.session_state[playing_key(view)] = on
    set_replay(value, view)


def remember(result: RunResult) -> None:
    """Add a run this session trained or opened to its "My runs" (once; the newest last). A run that
    grew from the newest entry (Step, Continue) takes its place: stepping 30 times is one run, not 30."""
    runs: list[RunResult] = st.session_state.setdefault(MY_RUNS, [])
    if not keep_run(runs, result, MY_RUNS_COUNT):
        return
    while len(runs) > 1 and sum(run.nbytes for run in runs) > MY_RUNS_BYTES:
        del runs[0]


def my_runs() -> list[RunResult]:
    """The runs this session trained or opened itself, oldest first (a copy)."""
    return list(st.session_state.get(MY_RUNS, []))


# ---- the link the session was opened with ----------------------------------------------------------
LINK = "link"
LINK_VIEW = "link.view"  # what the first link asked for beyond its settings, until its run is on screen


def link() -> Link | None:
    """The link this session was opened with (read once, on its first run), or None before that."""
    return st.session_state.get(LINK)


def set_link(opened: Link, asked: OpenedView | None = None) -> None:
    """Make ``opened`` the session's link; ``asked``: what the address bar asked for beyond its
    settings (an untrained network, a replay epoch), for the first run the page shows."""
    st.session_state[LINK] = opened
    if asked is not None:
        st.session_state[LINK_VIEW] = asked


def opened_view() -> OpenedView | None:
    """What the session's first link asked for beyond its settings, until ``take_opened_view``."""
    return st.session_state.get(LINK_VIEW)


def take_opened_view() -> OpenedView | None:
    """What the first link asked for, once: the page has put its run on screen."""
    return st.session_state.pop(LINK_VIEW, None)


def hidden() -> frozenset[str]:
    """The controls the teacher's link hides (travels with the student across pages)."""
    opened = link()
    return opened.hidden if opened is not None else frozenset()

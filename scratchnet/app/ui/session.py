"""This browser session's state: every ``st.session_state`` key of the app is named here, once.

Pages and views never build key strings; they call the accessors below, or use the key constants
and functions for their widgets' ``key=``. One section per page. Values held here are this
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
from scratchnet.app.runs.result import RunResult, grew_from
from scratchnet.app.runs.view import DATASET, FREE, Context, OpenedView, Source, View, training_view, view_of

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


def show_result(result: RunResult, source: Source | None = None) -> None:
    """Make a finished run this session's run (a run reopened from "My runs" or a sweep's cell)."""
    set_current_run(TrainingJob.finished(result), source)


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
    challenge = st.session_state.get(CHALLENGE_LINK)
    if challenge is not None and challenge.challenge_id:
        return Context("challenge", challenge.challenge_id)
    lesson = st.session_state.get(LESSON_ACTIVE)
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
    if any(run is result for run in runs):
        return
    if runs and grew_from(result, runs[-1]):
        runs.pop()
    runs.append(result)
    del runs[:-MY_RUNS_COUNT]
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


# ---- the controls (the Playground's sidebar; other pages read them) ---------------------------------
CONTROL_PREFIX = "cfg."
USE_POINTS = CONTROL_PREFIX + "use_points"
POINTS = "points"  # this session's uploaded Points, kept when the uploader is emptied or the page changes
UPLOADER = "upload"
UPLOAD_ID = "upload.id"
UPLOAD_ERROR = "upload.error"
PRESET_CHOICE = "preset_choice"


def control_key(field: str, prefix: str = CONTROL_PREFIX) -> str:
    """The widget key of the control for ``field`` (a ``RunConfig`` field name, or "layers"); another
    page drawing the same controls for its own configuration gives its own ``prefix``."""
    return prefix + field


def units_key(layer: int, prefix: str = CONTROL_PREFIX) -> str:
    """The widget key of the units slider of hidden layer ``layer`` (from 0)."""
    return prefix + f"units{layer}"


CONTROL_LIMITS = "control_limits"  # bounds the session's Playground controls keep (a class challenge's)


def control_limits() -> dict[str, tuple]:
    """The bounds this session's Playground controls are drawn with (``controls.controls``'s ``limits``)."""
    return st.session_state.get(CONTROL_LIMITS, {})


def set_control_limits(limits: dict[str, tuple]) -> None:
    st.session_state[CONTROL_LIMITS] = dict(limits)


# ---- the run panel ---------------------------------------------------------------------------------
CANCEL = "cancel_run"
RESULT = "result"  # the prefix of the result view's widgets, unless a page gives its own


def view_key(view: str, name: str) -> str:
    """A widget key of a result view: ``view`` names the view (e.g. "result"), ``name`` the widget."""
    return f"{view}.{name}"


# ---- run controls (step, continue, back to epoch 0, best epoch; owner: ui/run_controls.py) ----------
CONTINUE_EPOCHS = "run.continue_epochs"
CONTINUE = "run.continue"
RESET = "run.reset"
RUN_REFUSAL = "run.refusal"  # why the last Step or Continue was refused, shown once under the buttons


def step_key(epochs: int) -> str:
    """The key of the button that trains the session's run ``epochs`` more epochs."""
    return f"run.step{epochs}"


def best_epoch_key(view: str) -> str:
    """The key of the button that moves the replay of result view ``view`` to its best epoch."""
    return view_key(view, "best")


# ---- the share panel -------------------------------------------------------------------------------
SHARE_HIDE = "share.hide"
SHARE_PRESET = "share.preset"
SHARE_URL = "share.url"
SHARE_CLASSROOM_URL = "share.classroom_url"


# ---- experiments -----------------------------------------------------------------------------------
EXPERIMENTS_SECTION = "section"  # the open tab, also in the address bar (?section=…)
REPLAY = "experiments.replay"  # the replay this session started (its epoch scale)
REPLAY_SCALE = "experiments.replay_scale"  # shorter replays, for tests; not a control
REPLAY_BUTTON = "experiments.replay_button"
REPLAY_MAPS = "experiments.replay_maps"
OPTIMIZERS = "experiments.optimizers"  # the (epochs, seed) last compared
OPTIMIZER_FORM = "experiments.optimizer_form"
OPTIMIZER_EPOCHS = "experiments.epochs"
OPTIMIZER_SEED = "experiments.seed"
OPTIMIZER_SERIES = "experiments.series"
OPTIMIZER_LOG = "experiments.log"
EXPERIMENT_JOBS = "experiments.jobs"  # the shared runs this session follows, by configuration
EXPERIMENT_STARTED = "experiments.started"  # the configurations this session itself asked to train
MINE_PICKED = "experiments.picked"
MINE_LOG = "experiments.mine_log"
MINE_REOPEN = "experiments.reopen"
MINE_OPEN = "experiments.open"


def follow_key(name: str) -> str:
    """The key of the fragment that follows the runs of one Experiments section."""
    return f"follow.{name}"


# ---- under the hood --------------------------------------------------------------------------------
HOOD_TAB = "hood.tab"
STEP_STATE = "step.state"  # this session's step-through (a TinyState)
STEP_HIDDEN = "step.hidden"
STEP_ACTIVATION = "step.activation"
STEP_FEATURES = "step.features"
STEP_POINTS = "step.points"
STEP_SEED = "step.seed"
STEP_LR = "step.lr"
STEP_TAKE = "step.take"
STEP_TAKE_BOTTOM = "step.take_bottom"
STEP_RESET = "step.reset"
HOOD_EPOCH = "hood.epoch"  # the snapshot "Inside a trained network" shows
HOOD_LAYER = "hood.layer"
HOOD_WAITING = "hood.waiting"  # the fragment that waits for the run to look inside


# ---- sweep -----------------------------------------------------------------------------------------
SWEEP_RUN = "sweep.run"  # the sweep this session started (a SweepRun)
SWEEP_STOPPED = "sweep.stopped"  # cell index -> what it had learned when this session cancelled it
SWEEP_PICK = "sweep.cell"
SWEEP_CHART = "sweep.chart"
SWEEP_METRIC = "sweep.metric"
SWEEP_CANCEL = "sweep.cancel"
SWEEP_OPEN = "sweep.open"
SWEEP_PANEL = "sweep.panel"  # the fragment that redraws the map while cells train
SWEEP_BASE_PREFIX = "sweep.base."  # the base controls: the Playground's renderer under this prefix


def sweep_axis_key(side: str) -> str:
    """Which setting side "x" (across) or "y" (down) varies."""
    return f"sweep.{side}.name"


def sweep_value_keys(side: str, name: str) -> tuple[str, str, str]:
    """The range, count and typed-values widgets of setting ``name`` on side ``side``."""
    return f"sweep.{side}.range.{name}", f"sweep.{side}.count.{name}", f"sweep.{side}.typed.{name}"


def sweep_base_key(field: str) -> str:
    """The widget key of the Sweep's base control for ``field``."""
    return SWEEP_BASE_PREFIX + field


# ---- draw your points (owner: playground/draw_view.py) ----------------------------------------------------
DRAWING = "draw.drawing"  # this session's drawing (a playground.draw.Drawing)
DRAW_CLASS = "draw.class"
DRAW_MODE = "draw.mode"
DRAW_CANVAS = "draw.canvas"  # how many clicks the canvas has taken: part of its key, so each click is new
DRAW_NOTE = "draw.note"  # a message for the panel's next draw
DRAW_LINK_READ = "draw.link_read"  # the link's drawing has been read (once per session)
DRAW_LINK_MESSAGES = "draw.link_messages"  # what reading it said, shown with the link's other messages


def draw_canvas_key(clicks: int) -> str:
    """The canvas chart's key after ``clicks`` clicks."""
    return f"draw.canvas.{clicks}"


# ---- lessons (owner: lessons/view.py) -------------------------------------------------------------
LESSON_PICK = "lessons.pick"  # the lesson the page shows (a key of lessons.logic.BY_KEY)
LESSON_FROM_LINK = "lessons.from_link"  # the ?lesson= value last applied, so a link opens its lesson once
LESSON_ACTIVE = "lessons.active"  # the lesson last opened in the Playground (its goal is shown there)
LESSON_PASSED = "lessons.passed"  # the lessons whose goal this session has met (a set of keys; never shrinks)
LESSON_LEAVE = "lessons.leave"
LESSON_UNKNOWN = "lessons.unknown"  # a ?lesson= value that names no lesson, for one message


def lesson_open_key(lesson: str) -> str:
    """The key of the button that opens lesson ``lesson`` in the Playground."""
    return f"lessons.open.{lesson}"


def lesson_sight_key(lesson: str, page: str) -> str:
    """The key of the button that goes from lesson ``lesson`` to another page, ``page``."""
    return f"lessons.sight.{lesson}.{page}"


def lesson_next_key(lesson: str) -> str:
    """The key of the button that goes on from lesson ``lesson`` to the next."""
    return f"lessons.next.{lesson}"


# ---- challenges (owner: challenges/view.py) --------------------------------------------------------
CHALLENGE_LINK = "challenges.link"  # the challenge the session's first link named (a logic.ChallengeLink)
CHALLENGE_NAME = "challenges.name"  # the student's display name
CHALLENGE_SUBMIT = "challenges.submit"
CHALLENGE_OUTCOME = "challenges.outcome"  # (level, message) of the last submission
CHALLENGE_BOARD = "challenges.board"  # the board's polling fragment
CHALLENGE_TABLE = "challenges.table"
TEACHER_KEYS = "challenges.teacher_keys"  # challenge id -> the teacher key this session holds (checked)
TEACHER_ERROR = "challenges.teacher_error"  # what went wrong with the teacher's last action
CHALLENGE_FORM = "challenges.form"
CHALLENGE_CLOSE = "challenges.close"
CHALLENGE_PICK = "challenges.pick"
CHALLENGE_HIDE = "challenges.hide"
CHALLENGE_CSV = "challenges.csv"


def challenge_form_key(field: str) -> str:
    """The widget key of field ``field`` of the new-challenge form."""
    return f"challenges.new.{field}"


# ---- playground (owner: playground/view.py) --------------------------------------------------------
DIAGRAM_UNIT = "playground.unit"  # the unit of the network diagram looked at closely ("layer:unit", or None)


# ---- the class a student joined, and their progress (owner: ui/classroom.py) ---------------------------
CLASS_MEMBER = "class.member"  # the student this session's personal address resolved to (a classroom.Member)
CLASS_CHECKED = "class.checked"  # the (class id, token) last checked, and what it said (None, or a message)
CLASS_GOALS = "class.goals"  # the lessons the class's database shows as met by this student (read once)
CLASS_TRIED = "class.tried"  # lesson key -> the run last recorded as a try at it (each run counts once)
CLASS_JOIN_NAME = "class.join_name"
CLASS_JOIN = "class.join"
CLASS_FORGET = "class.forget"
CLASS_ERROR = "class.error"  # what went wrong with the last class action, shown once
CLASS_TABLE = "class.table"  # the teacher's students x lessons table
CLASS_LIVE = "class.live"  # the class view's polling fragment
CLASS_PICK = "class.pick"  # the student the teacher picked to rename, hide or remove
CLASS_RENAME = "class.rename"
CLASS_FORM = "class.form"
CLASS_TITLE = "class.title"


def class_text(key: str) -> str:
    """What the class widget ``key`` (a name or title box) holds now ("" before it is drawn)."""
    return str(st.session_state.get(key, ""))


def class_member():
    """The class student this session is (a ``classroom.Member``), or None."""
    return st.session_state.get(CLASS_MEMBER)


def set_class_member(member, checked: tuple, message: str | None) -> None:
    st.session_state[CLASS_MEMBER] = member
    st.session_state[CLASS_CHECKED] = (checked, message)
    if member is None:
        st.session_state.pop(CLASS_GOALS, None)


def class_checked() -> tuple | None:
    """(the (class id, token) last checked, its message), or None before the first check."""
    return st.session_state.get(CLASS_CHECKED)


def class_goals() -> set[str] | None:
    return st.session_state.get(CLASS_GOALS)


def set_class_goals(goals: set[str]) -> None:
    st.session_state[CLASS_GOALS] = set(goals)


def class_tried(lesson: str):
    return st.session_state.setdefault(CLASS_TRIED, {}).get(lesson)


def set_class_tried(lesson: str, result) -> None:
    st.session_state.setdefault(CLASS_TRIED, {})[lesson] = result


def class_error() -> str | None:
    return st.session_state.pop(CLASS_ERROR, None)


def set_class_error(message: str | None) -> None:
    st.session_state[CLASS_ERROR] = message


# ---- a failure nobody foresaw (owner: ui/failure.py) ------------------------------------------------
LAST_STATE = "failure.last_state"  # the session's simple values after its last good page run
PAGE_SHOWN = "failure.page"  # the page this session draws (its fragments' failures are told as on it)
_SIMPLE = (str, int, float, bool, type(None))


def page_shown() -> str | None:
    return st.session_state.get(PAGE_SHOWN)


def set_page_shown(title: str) -> None:
    st.session_state[PAGE_SHOWN] = title


def failure_key(where: str, fragment: str | None = None) -> str:
    """The key of the "Try again" button of a failure on page ``where``, in fragment ``fragment``
    (its name) or, for None, of the whole page."""
    return f"failure.again.{where}.{fragment or 'page'}"


def _simple(value: object) -> bool:
    if isinstance(value, (tuple, list, set, frozenset)):
        return len(value) <= 20 and all(isinstance(item, _SIMPLE) for item in value)
    return isinstance(value, _SIMPLE)


def described() -> dict[str, str]:
    """This session's widget values and choices (the simple ones, each shortened), for a log line
    that lets a developer set the page up again. Runs, drawings and points are left out."""
    return {
        str(key): repr(value)[:80]
        for key, value in sorted(st.session_state.to_dict().items(), key=lambda item: str(item[0]))
        if key != LAST_STATE and _simple(value)
    }


def remember_state() -> None:
    """Keep the session's simple values as they are after a good run of a page."""
    st.session_state[LAST_STATE] = described()


def last_action() -> dict[str, str]:
    """What changed since the last good run (the widget moved, the button pressed): key -> new value."""
    if LAST_STATE not in st.session_state:  # the session's first run: nothing to compare with
        return {}
    before = st.session_state[LAST_STATE]
    now = described()
    # a key new since then with nothing in it (a button not pressed, an empty choice) is no action
    return {key: value for key, value in now.items() if before.get(key, "None") != value and value != "False"}


# ---- the presentation view (the Playground, the board and the class on a projector) ------------------
PRESENT = "present"  # the toggle's key: the presentation view is on (``?present=1`` in the address bar)
HEADER_TRAIN = "header_train"  # the page's own Train button (a phone's first screen, the presentation view)


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT, False))


def set_presenting(on: bool) -> None:
    st.session_state[PRESENT] = on

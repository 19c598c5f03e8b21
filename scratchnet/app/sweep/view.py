"""Streamlit glue for the Sweep page: its controls, starting and cancelling a sweep, and the live map.

The grid, its cost and its chart come from ``sweep``; this module keeps the session's sweep in
``st.session_state`` and draws it. Each cell trains as the shared, cached ``TrainingJob`` for its
configuration (``cached.start_run``), so a cell another student (or the Playground) already
trained is ready at once, and the trainer pool runs two cells at a time, one per core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from scratchnet.app.plots import charts, frames
from scratchnet.app.runs.config import FIELDS, RunConfig, fit_classes, to_query
from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.runs.result import RunResult
from scratchnet.app.sweep import logic as sw
from scratchnet.app.ui import controls, run_panel
from scratchnet.app.ui.cache import start_run

POLL_SECONDS = run_panel.POLL_SECONDS
KEY = "sweep."
RUN_KEY = KEY + "run"
STOPPED_KEY = KEY + "stopped"
PICK_KEY = KEY + "cell"
CHART_KEY = KEY + "chart"
METRIC_KEY = KEY + "metric"
DEFAULT_AXES = {"x": "lr", "y": "decay"}
BASE_FIELDS = (
    "dataset",
    "classes",
    "samples",
    "noise",
    "test_share",
    "hidden",
    "activation",
    "optimizer",
    "lr",
    "decay",
    "momentum",
    "epochs",
    "seed",
)
PREVIEW_SIZE = 260
PREVIEW_GRID = 50


@dataclass(frozen=True)
class SweepRun:
    """A started sweep: its grid and one shared job per cell, in cell order."""

    sweep: sw.Sweep
    jobs: tuple[TrainingJob, ...]


# ---- reading the controls ------------------------------------------------------------------------
def _axis_keys(side: str, name: str) -> tuple[str, str, str]:
    return f"{KEY}{side}.range.{name}", f"{KEY}{side}.count.{name}", f"{KEY}{side}.typed.{name}"


def _defaults() -> None:
    """Every control's starting value (set once per session, before any control is drawn)."""
    state = st.session_state
    base = sw.default_base()
    for side, name in DEFAULT_AXES.items():
        state.setdefault(f"{KEY}{side}.name", name)
        for axis, spec in sw.AXES.items():
            _, count_key, typed_key = _axis_keys(side, axis)
            state.setdefault(count_key, spec.default_count)
            state.setdefault(typed_key, "")
    for name in BASE_FIELDS:
        value = getattr(base, name)
        state.setdefault(f"{KEY}base.{name}", value[0] if name == "hidden" else value)
    state.setdefault(METRIC_KEY, "train_accuracy")


def _axis_values(side: str) -> tuple[str, tuple[float, ...]]:
    """The axis this side shows now: its setting and values (``ValueError`` when they are refused)."""
    state = st.session_state
    name = state[f"{KEY}{side}.name"]
    range_key, count_key, typed_key = _axis_keys(side, name)
    typed = state[typed_key].strip()
    if typed:
        return name, sw.parse_values(name, typed)
    low, high = state.get(range_key, sw.AXES[name].default_range)
    return name, sw.spaced_values(name, low, high, state[count_key])


def read_base() -> tuple[RunConfig | None, list[str]]:
    """The base configuration the controls show, and notes (or the one reason it is refused)."""
    values: dict[str, Any] = sw.default_base().as_dict()
    for name in BASE_FIELDS:
        value = st.session_state[f"{KEY}base.{name}"]
        values[name] = (value,) if name == "hidden" else value
    if values["optimizer"] != "sgd":
        values["momentum"] = 0.0
    values, note = fit_classes(values)
    try:
        return RunConfig(**values), [note] if note else []
    except ValueError as error:
        return None, [str(error)]


def read_sweep() -> tuple[sw.Sweep | None, str]:
    """The sweep the controls describe, or ``None`` and what is wrong with them."""
    _defaults()
    base, notes = read_base()
    if base is None:
        return None, notes[0]
    try:
        x_name, x_values = _axis_values("x")
        y_name, y_values = _axis_values("y")
        return sw.make_sweep(base, x_name, x_values, y_name, y_values), " ".join(notes)
    except ValueError as error:
        message = str(error)
        return None, message[:1].upper() + message[1:] + "."


# ---- the controls --------------------------------------------------------------------------------
def axis_controls(side: str, title: str) -> None:
    """Which setting this side of the grid varies, and its values."""
    _defaults()
    st.subheader(title)
    st.selectbox(
        "Setting",
        list(sw.AXES),
        format_func=lambda name: sw.AXES[name].label,
        key=f"{KEY}{side}.name",
        persist_state="session",
    )
    name = st.session_state[f"{KEY}{side}.name"]
    spec = sw.AXES[name]
    range_key, count_key, typed_key = _axis_keys(side, name)
    typed = bool(st.session_state[typed_key].strip())
    st.select_slider(
        "From – to",
        spec.stops,
        value=spec.default_range,  # a pair: a range slider (its state, once set, wins)
        key=range_key,
        format_func=lambda value: sw.format_value(name, value),
        persist_state="session",
        disabled=typed,
    )
    st.slider("Values", sw.MIN_VALUES, sw.MAX_VALUES, key=count_key, persist_state="session", disabled=typed)
    st.text_input(
        "Or type the values",
        key=typed_key,
        placeholder="e.g. 0.5, 1, 2" if not spec.integer else "e.g. 8, 16, 32",
        help=f"Up to {sw.MAX_VALUES} values, separated by commas; empty uses the range above.",
        persist_state="session",
    )
    try:
        _, values = _axis_values(side)
        note = spec.note if spec.note and (name != "decay" or not typed) else ""  # the decades rule is the range's
        st.caption(" · ".join(sw.format_value(name, v) for v in values) + (f"  \n{note}" if note else ""))
    except ValueError as error:
        st.error(str(error), icon=":material/error:")


def _stepped(name: str, label: str) -> None:
    key = f"{KEY}base.{name}"
    steps = sorted({*controls.STEPS[name], st.session_state[key]})
    formatter = (lambda v: f"{v:,}") if name == "epochs" else (lambda v: f"{v:g}" if v else "0")
    st.select_slider(label, steps, key=key, format_func=formatter, help=FIELDS[name].help, persist_state="session")


def base_controls(on_axes: tuple[str, ...]) -> None:
    """Everything the cells share; a setting on an axis is set per cell instead."""
    _defaults()
    common = {"persist_state": "session"}
    for name in BASE_FIELDS:
        key = f"{KEY}base.{name}"
        spec = FIELDS[name]
        if name in on_axes:
            continue
        if name == "momentum" and st.session_state[f"{KEY}base.optimizer"] != "sgd":
            continue
        if name in ("lr", "decay", "epochs"):
            _stepped(name, spec.label)
        elif spec.kind == "choice":
            labels = dict(spec.choices)
            st.selectbox(spec.label, list(labels), format_func=labels.get, key=key, help=spec.help or None, **common)
        elif name == "hidden":
            st.slider("Hidden units (one layer)", 1, int(spec.high), key=key, **common)
        elif name == "seed":
            st.number_input(spec.label, int(spec.low), int(spec.high), step=1, key=key, help=spec.help, **common)
        elif spec.kind == "int":
            st.slider(spec.label, int(spec.low), int(spec.high), key=key, help=spec.help, **common)
        else:
            st.slider(spec.label, float(spec.low), float(spec.high), step=0.05, key=key, help=spec.help, **common)
    shown = [sw.AXES[name].label.lower() for name in on_axes if name in BASE_FIELDS]
    if shown:
        st.caption(f"Set by the axes: {' and '.join(shown)}.")


def use_gradient_descent() -> None:
    st.session_state[f"{KEY}base.optimizer"] = "sgd"


# ---- starting and stopping -----------------------------------------------------------------------
def current() -> SweepRun | None:
    return st.session_state.get(RUN_KEY)


def start(sweep: sw.Sweep | None) -> SweepRun | None:
    """Start (or join) every cell's shared run; refused sweeps start nothing."""
    if sweep is None or sw.sweep_cost(sweep).verdict == "refuse":
        return None
    watcher = run_panel.watcher_id()
    jobs = []
    for cell in sweep.cells:
        job = start_run(cell.config)
        job.watch(watcher)
        jobs.append(job)
    run = SweepRun(sweep, tuple(jobs))
    st.session_state[RUN_KEY] = run
    st.session_state[STOPPED_KEY] = {}
    st.session_state[PICK_KEY] = 0
    return run


def cancel() -> None:
    """Stop every unfinished cell (for this session: a cell someone else is watching trains on)."""
    run = current()
    if run is None:
        return
    stopped: dict[int, RunResult] = st.session_state.setdefault(STOPPED_KEY, {})
    watcher = run_panel.watcher_id()
    for index, job in enumerate(run.jobs):  # cell order is queue order: the running cells stop first
        if not job.done and index not in stopped:
            stopped[index] = job.cancel(watcher)


def states(run: SweepRun) -> list[sw.CellState]:
    stopped = st.session_state.get(STOPPED_KEY, {})
    return [sw.cell_state(job, stopped.get(index)) for index, job in enumerate(run.jobs)]


# ---- the map -------------------------------------------------------------------------------------
def _progress_text(counts: dict[str, int], total: int) -> str:
    done = sum(counts[status] for status in sw.FINISHED)
    parts = [f"{done} of {total} cells done"]
    parts += [f"{counts[s]} {sw.STATUS_TEXT[s]}" for s in ("training", "diverged", "cancelled", "failed") if counts[s]]
    return " · ".join(parts)


def _on_pick() -> None:
    event = st.session_state.get(CHART_KEY)
    cell = sw.picked_cell(getattr(event, "selection", None) if event is not None else None)
    if cell is not None:
        st.session_state[PICK_KEY] = cell


def open_in_playground(run: SweepRun, index: int) -> None:
    """Make cell ``index`` this session's run and show it in the Playground."""
    job = run.jobs[index]
    stopped = st.session_state.get(STOPPED_KEY, {}).get(index)
    shown: TrainingJob | RunResult = job.result if job.done and job.result is not None else stopped or job
    config = run.sweep.cells[index].config
    controls.load(config)
    run_panel.set_run(shown)
    if isinstance(shown, RunResult):
        run_panel.remember(shown)
    else:
        job.watch(run_panel.watcher_id())
    st.switch_page("streamlit_app.py", query_params=to_query(config))


def _cell_label(sweep: sw.Sweep, cells: list[sw.CellState], index: int) -> str:
    state = cells[index]
    result = state.result
    if state.status == "completed" and result is not None:
        return f"{sweep.describe(sweep.cells[index])} — train accuracy {result.train_accuracy:.0%}"
    return f"{sweep.describe(sweep.cells[index])} — {sw.state_text(state)}"


def _picked_panel(run: SweepRun, cells: list[sw.CellState]) -> None:
    """The picked cell: what it learned, its decision map, and the way to the Playground."""
    sweep = run.sweep
    if st.session_state.get(PICK_KEY, 0) not in range(len(sweep.cells)):
        st.session_state[PICK_KEY] = 0
    about, picture = st.columns([1.3, 1], gap="large")
    with about:
        index = st.selectbox(
            "Cell",
            range(len(sweep.cells)),
            key=PICK_KEY,
            format_func=lambda i: _cell_label(sweep, cells, i),
            help="Or click a cell in the map.",
        )
        state = cells[index]
        result = state.result
        if result is not None:
            loss, train, held_out = st.columns(3)
            loss.metric("Final loss", f"{result.train_loss:.3g}")
            train.metric("Train accuracy", f"{result.train_accuracy:.1%}")
            held_out.metric("Held-out accuracy", "—" if result.test_accuracy is None else f"{result.test_accuracy:.1%}")
            if state.status == "diverged":
                st.caption(
                    f"Diverged at epoch {result.history.diverged_at:,}: the numbers and the map are the network "
                    f"as it was at epoch {result.shown_epoch:,}, before it blew up."
                )
            elif state.status == "cancelled":
                st.caption(f"Stopped at epoch {result.history.epochs_run:,} of {result.history.epochs_planned:,}.")
        elif state.status == "failed":
            st.error(f"Training failed: {state.error}")
        else:
            st.caption(f"This cell is {sw.state_text(state)}.")
        if st.button(
            "Open in the Playground",
            icon=":material/open_in_new:",
            key=KEY + "open",
            help="Show this cell's run in the Playground, with its settings in the widgets.",
        ):
            open_in_playground(run, index)
    with picture:
        if result is not None:
            grid = frames.grid_frame(result.network, result.data, PREVIEW_GRID)
            points = frames.points_frame(result.network, result.data)
            chart = charts.boundary_chart(
                grid, points, result.data.class_names, window=frames.extent(result.data), size=PREVIEW_SIZE
            )
            run_panel.show_chart(chart, width="content")


def sweep_panel(metric: str) -> None:
    """Progress, Cancel, the heatmap (filled in as cells finish) and the picked cell. Polls while
    any cell is unfinished, then redraws the page once and stops polling."""
    run = current()
    if run is None:
        st.info("Pick two settings in the sidebar and press **Run sweep**.", icon=":material/grid_on:")
        return
    live = not all(state.finished for state in states(run))

    @st.fragment(run_every=POLL_SECONDS if live else None)
    def panel() -> None:
        run = current()
        if run is None:
            return
        cells = states(run)
        unfinished = [job for job, state in zip(run.jobs, cells, strict=True) if not state.finished]
        watcher = run_panel.watcher_id()
        for job in unfinished:
            job.watch(watcher)
        if live and not unfinished:  # it has just finished: redraw the whole page once, without the timer
            st.rerun()
        counts = sw.progress_counts(cells)
        total = len(cells)
        done = sum(counts[status] for status in sw.FINISHED)
        if unfinished:
            bar, stop = st.columns([5, 1], vertical_alignment="bottom")
            bar.progress(done / total, text=_progress_text(counts, total))
            stop.button("Cancel", on_click=cancel, icon=":material/stop_circle:", key=KEY + "cancel", width="stretch")
        else:
            st.caption(_progress_text(counts, total) + ".")
        picked = st.session_state.get(PICK_KEY, 0)
        frame, domain = sw.sweep_frame(run.sweep, cells, metric, picked)
        chart = sw.sweep_chart(frame, run.sweep, metric, domain)
        run_panel.show_chart(chart, key=CHART_KEY, on_select=_on_pick, selection_mode=sw.SELECTION, width="content")
        _picked_panel(run, cells)

    panel()

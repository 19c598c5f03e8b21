"""The Sweep page's Streamlit views: its sidebar, starting and cancelling a sweep, and the live map.

The grid, its cost and its table come from ``logic``, the heatmap from ``charts``; the session's
sweep is held under ``session.SWEEP_RUN``. Each cell trains as the shared, cached ``TrainingJob``
for its configuration (``cache.start_run``), so a cell another student (or the Playground) already
trained is ready at once, and the trainer pool runs two cells at a time, one per core. The base
settings are drawn by the Playground's own control renderer under the Sweep's key prefix; the
controls a teacher's link hides stay hidden here, at the values the link gives them.
"""

from __future__ import annotations

import streamlit as st

from scratchnet.app.plots import charts as plots
from scratchnet.app.plots import frames
from scratchnet.app.runs.config import OPTIMIZER_LABELS, RunConfig, without_unused
from scratchnet.app.runs.cost import Verdict
from scratchnet.app.runs.links import link_query
from scratchnet.app.sweep import charts
from scratchnet.app.sweep import logic as sw
from scratchnet.app.text import fmt
from scratchnet.app.ui import cache, controls, live, run_panel, session
from scratchnet.choices import users

DEFAULT_AXES = {"x": "lr", "y": "decay"}
SIDES = {"x": "Across", "y": "Down"}
PREVIEW_SIZE = 260
PREVIEW_GRID = 50


# ---- reading the controls ------------------------------------------------------------------------
def _first_base() -> RunConfig:
    """The base a session starts from: the default base, with the teacher's values for what the link hides."""
    opened = session.link()
    return sw.first_base(opened.config if opened is not None else None, session.hidden())


def _defaults() -> None:
    """Every control's starting value (set once per session, before any control is drawn)."""
    choices = sw.axis_choices(session.hidden())
    counts = {axis: spec.default_count for axis, spec in sw.AXES.items()}
    for side, name in DEFAULT_AXES.items():
        if session.sweep_axis(side, name) not in choices:  # the link hides it: another setting not on the other axis
            taken = {session.sweep_axis(other, DEFAULT_AXES[other]) for other in SIDES if other != side}
            name = next((choice for choice in choices if choice not in taken), name)
            session.set_sweep_axis(side, name)
        session.default_sweep_axis(side, name, counts)
    if not session.sweep_base_drawn():
        controls.load(_first_base(), prefix=session.SWEEP_BASE_PREFIX)
    session.default_sweep_metric("train_accuracy")


def _axis_values(side: str) -> tuple[str, tuple[float, ...]]:
    """The axis this side shows now: its setting and values (``ValueError`` when they are refused)."""
    name = session.sweep_axis(side)
    (low, high), count, typed = session.sweep_axis_values(side, name, sw.AXES[name].default_range)
    if typed.strip():
        return name, sw.parse_values(name, typed.strip())
    return name, sw.spaced_values(name, low, high, count)


def read_base() -> tuple[RunConfig | None, list[str]]:
    """The base configuration the controls show, and notes (or the one reason it is refused)."""
    base, notes = controls.read(sw.default_base(), prefix=session.SWEEP_BASE_PREFIX)
    # a setting the optimizer does not read (momentum for Adam) has its control hidden: it must not split cells
    return (without_unused(base) if base is not None else None), notes


def read_sweep() -> sw.Reading:
    """The sweep the controls describe, or what is wrong with them."""
    _defaults()
    problem = sw.too_few_axes(session.hidden())
    if problem is not None:
        return sw.Reading(None, problem)
    base, notes = read_base()
    if base is None:
        return sw.Reading(None, sw.sentence(notes[0]))
    try:
        x, y = (sw.Axis(*_axis_values(side)) for side in SIDES)
    except ValueError as error:  # an axis's values: said beside that axis's controls
        return sw.Reading(None, sw.sentence(str(error)), at_axis=True)
    try:
        return sw.Reading(sw.Sweep(base, x, y), " ".join(notes))
    except ValueError as error:
        unread = sw.unread_setting(base, (x.name, y.name))
        return sw.Reading(None, sw.sentence(str(error)), switch_to=users(unread)[0] if unread else "")


# ---- the controls --------------------------------------------------------------------------------
def axis_controls(side: str) -> None:
    """Which setting this side of the grid varies, and its values; what is wrong with them, once."""
    st.subheader(SIDES[side])
    st.selectbox(
        "Setting",
        sw.axis_choices(session.hidden()),
        format_func=lambda name: sw.AXES[name].label,
        key=session.sweep_axis_key(side),
        persist_state="session",
    )
    name = session.sweep_axis(side)
    spec = sw.AXES[name]
    range_key, count_key, typed_key = session.sweep_value_keys(side, name)
    typed = bool(session.sweep_axis_values(side, name, spec.default_range)[2].strip())
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
        sw.Axis(name, values)
    except ValueError as error:
        st.error(sw.sentence(str(error)), icon=":material/error:")
        return
    note = spec.note if spec.note and (name != "decay" or not typed) else ""  # the decades rule is the range's
    st.caption(" · ".join(sw.format_value(name, v) for v in values) + (f"  \n{note}" if note else ""))


def base_controls() -> None:
    """Everything the cells share (the Playground's controls); a setting on an axis is set per cell instead,
    and a setting the teacher's link hides stays hidden."""
    on_axes = frozenset(session.sweep_axis(side) for side in SIDES)
    controls.controls(
        session.hidden() | on_axes | {"upload", "presets"},
        prefix=session.SWEEP_BASE_PREFIX,
        only=sw.BASE_FIELDS,
        expanded=False,
    )
    shown = [sw.AXES[name].label.lower() for name in sw.AXES if name in on_axes]
    st.caption(f"Set by the axes: {' and '.join(shown)}.")


def use_optimizer(optimizer: str) -> None:
    session.set_sweep_base("optimizer", optimizer)


def sidebar(reading: sw.Reading, cost: Verdict | None) -> None:
    """Run sweep, its cost or what stops it (said once), the two axes and the base settings."""
    st.title("scratchnet")
    st.button(
        "Run sweep",
        type="primary",
        on_click=start,
        args=(reading.sweep,),
        disabled=cost is None or cost.refused,
        width="stretch",
        icon=":material/grid_on:",
    )
    if cost is not None:
        {"ok": st.caption, "warn": st.warning, "refuse": st.error}[cost.level](cost.message)
        if reading.problem:
            st.info(reading.problem)
    elif reading.at_axis:
        st.caption("Fix the values marked below to run the sweep.")
    else:
        st.error(reading.problem, icon=":material/error:")
        if reading.switch_to:
            label = OPTIMIZER_LABELS[reading.switch_to]
            st.button(f"Use {label}", on_click=use_optimizer, args=(reading.switch_to,), width="stretch")
    if sw.too_few_axes(session.hidden()) is None:
        for side in SIDES:
            axis_controls(side)
    base_controls()


# ---- starting and stopping -----------------------------------------------------------------------
def current() -> sw.SweepRun | None:
    return session.sweep_run()


def start(sweep: sw.Sweep | None) -> sw.SweepRun | None:
    """Start (or join) every cell's shared run; refused sweeps start nothing."""
    if sweep is None or sw.sweep_cost(sweep).refused:
        return None
    run = sw.SweepRun(sweep, tuple(cache.start_run(cell.config) for cell in sweep.cells))
    session.start_sweep_run(run)
    return run


def cancel() -> None:
    """Stop every unfinished cell (for this session: a cell someone else is watching trains on)."""
    run = current()
    if run is None:
        return
    stopped = session.sweep_stopped()
    watcher = session.watcher_id()
    for index, job in enumerate(run.jobs):  # cell order is queue order: the running cells stop first
        if not job.done and index not in stopped:
            session.stop_sweep_cell(index, job.cancel(watcher))


def states(run: sw.SweepRun) -> list[sw.CellState]:
    stopped = session.sweep_stopped()
    return [sw.cell_state(job, stopped.get(index)) for index, job in enumerate(run.jobs)]


# ---- the map -------------------------------------------------------------------------------------
def _on_pick() -> None:
    event = session.sweep_chart_event()
    cell = charts.picked_cell(getattr(event, "selection", None) if event is not None else None)
    if cell is not None:
        session.set_sweep_pick(cell)


def open_in_playground(run: sw.SweepRun, index: int) -> None:
    """Make cell ``index`` this session's run and show it in the Playground."""
    job = run.jobs[index]
    stopped = session.sweep_stopped().get(index)
    config = run.sweep.cells[index].config
    controls.load(config)
    if job.done and job.result is not None:
        session.set_current_run(job)
        session.remember(job.result)
    elif stopped is not None:
        session.show_result(stopped)
        session.remember(stopped)
    else:
        session.set_current_run(job)
        job.watch(session.watcher_id())
    # the teacher's hide list goes along: the student keeps the same controls, and the address says so
    st.switch_page("streamlit_app.py", query_params=link_query(config, session.hidden()))


def _cell_result(state: sw.CellState) -> None:
    result = state.result
    if result is not None:
        loss, train, held_out = st.columns(3)
        loss.metric("Final loss", fmt(result.train_loss, ".3g"))
        train.metric("Train accuracy", fmt(result.train_accuracy, ".1%"))
        held_out.metric("Held-out accuracy", fmt(result.test_accuracy, ".1%"))
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


def _picked_panel(run: sw.SweepRun, cells: list[sw.CellState]) -> None:
    """The picked cell: what it learned, its decision map, and the way to the Playground."""
    sweep = run.sweep
    if session.sweep_pick() not in range(len(sweep.cells)):
        session.set_sweep_pick(0)
    about, picture = st.columns([1.3, 1], gap="large")
    with about:
        index = st.selectbox(
            "Cell",
            range(len(sweep.cells)),
            key=session.SWEEP_PICK,
            format_func=lambda i: sw.cell_label(sweep, cells[i], i),
            help="Or click a cell in the map.",
        )
        _cell_result(cells[index])
        if st.button(
            "Open in the Playground",
            icon=":material/open_in_new:",
            key=session.SWEEP_OPEN,
            help="Show this cell's run in the Playground, with its settings in the widgets.",
        ):
            open_in_playground(run, index)
    result = cells[index].result
    with picture:
        if result is not None:
            features = result.config.features
            grid, points = frames.map_frames(result.network, result.data, PREVIEW_GRID, features=features)
            chart = plots.boundary_chart(
                grid, points, result.data.class_names, window=frames.extent(result.data), size=PREVIEW_SIZE
            )
            run_panel.show_chart(chart, width="content")


def sweep_panel(metric: str) -> None:
    """Progress, Cancel, the heatmap (filled in as cells finish) and the picked cell. Polls while
    any cell is unfinished, then redraws the page once and stops polling."""
    if current() is None:
        st.info("Pick two settings in the sidebar and press **Run sweep**.", icon=":material/grid_on:")
        return

    def is_live() -> bool:
        run = current()
        return run is not None and not all(state.finished for state in states(run))

    def panel() -> None:
        run = current()
        if run is None:
            return
        cells = states(run)
        watcher = session.watcher_id()
        for job, state in zip(run.jobs, cells, strict=True):
            if not state.finished:
                job.watch(watcher)
        counts = sw.progress_counts(cells)
        total = len(cells)
        if not all(state.finished for state in cells):
            finished = sum(counts[status] for status in sw.FINISHED)
            bar, stop = st.columns([5, 1], vertical_alignment="bottom")
            bar.progress(finished / total, text=sw.progress_text(counts, total))
            stop.button(
                "Cancel", on_click=cancel, icon=":material/stop_circle:", key=session.SWEEP_CANCEL, width="stretch"
            )
        else:
            st.caption(sw.progress_text(counts, total) + ".")
        picked = session.sweep_pick()
        frame, domain = sw.sweep_frame(run.sweep, cells, metric, picked)
        chart = charts.sweep_chart(frame, run.sweep, metric, domain)
        run_panel.show_chart(
            chart, key=session.SWEEP_CHART, on_select=_on_pick, selection_mode=charts.SELECTION, width="content"
        )
        _picked_panel(run, cells)

    live.poll(is_live, panel, key=session.SWEEP_PANEL)


# ---- the page -----------------------------------------------------------------------------------
def page() -> None:
    """The whole page below its configuration: the sidebar, the explainer for the axes chosen, the map."""
    reading = read_sweep()
    cost = sw.sweep_cost(reading.sweep) if reading.sweep is not None else None
    with st.sidebar:
        sidebar(reading, cost)
    st.title("Sweep")
    st.caption(
        "One network per square, each trained from the same start on the same points, with the settings of its "
        "column and row. Two trainers run at once; a square someone already trained is ready at once."
    )
    if sw.too_few_axes(session.hidden()) is None:  # else there are no axes to explain (the sidebar says why)
        title, bullets = sw.explainer(*(session.sweep_axis(side) for side in SIDES))
        with st.expander(title, expanded=current() is None):
            st.markdown(bullets)
    metric = st.segmented_control(
        "Colour by",
        list(sw.METRICS),
        format_func=lambda name: sw.METRICS[name].label,
        key=session.SWEEP_METRIC,
        persist_state="session",
    )
    metric = metric or "train_accuracy"
    run = current()
    if run is not None and reading.sweep is not None and run.sweep != reading.sweep:
        st.info("The settings have changed since this sweep: press **Run sweep** to run them.", icon=":material/tune:")
    if run is not None and sw.METRICS[metric].held_out and not run.sweep.base.test_share:
        st.info("This sweep held no points out: set **Held out for testing** above 0 to test on unseen points.")
    sweep_panel(metric)

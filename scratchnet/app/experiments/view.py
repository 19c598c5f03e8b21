"""The Experiments page's Streamlit views: the notebook replayed, optimizers side by side, and
this session's runs compared.

Every run trains in the shared trainer pool through ``cache.start_run``, so it is trained once
for every session, keeps training through reruns and page switches, and a section only *reads*
its jobs: ``live.poll`` redraws them while any is training, then the page redraws once and stops
polling. Tables come from ``logic``, charts from ``charts``. "My runs" gets only the runs this
session asked for (by pressing Replay or Compare), never those it merely looks at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from scratchnet.app.experiments import charts, logic
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.cost import estimate_seconds
from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.runs.links import link_query
from scratchnet.app.runs.result import RunResult
from scratchnet.app.runs.trainer import WORKERS
from scratchnet.app.ui import cache, controls, live, run_panel, session

SECTIONS = ("The notebook, replayed", "Optimizers", "My runs")
EPOCH_CHOICES = (200, 500, 1000, 2000, 3000, 5000, 10_000)
DEFAULT_EPOCHS = 3000
MAX_HELD_JOBS = 48

PERCENT = {"format": "percent"}
FRESH_HELP = "Accuracy on 3,000 new points (1,000 a class) from the same spiral, another seed: the notebook's test."
SYMBOLS = (
    "Each map colours the plane by the class the network predicts there, paler where it is unsure. "
    "Circles: training points; squares: held-out points; crosses: misclassified."
)


@st.cache_resource(show_spinner=False)
def _started_replays() -> set[float]:
    """The epoch scales of every replay some session has started. It only ever grows: once one
    student has pressed Replay, the page shows the (shared, cached) runs to everyone."""
    return set()


# ---- following a set of shared runs ----------------------------------------------------------------
def _status(job: TrainingJob) -> str:
    if job.done:
        return job.result.status if job.result is not None else f"failed: {job.error}"
    progress = job.progress()
    return "waiting" if progress.state == "queued" else f"training, {progress.fraction:.0%}"


def _progress_bar(jobs: Sequence[TrainingJob]) -> None:
    done = sum(job.done for job in jobs)
    progresses = [job.progress() for job in jobs]
    planned = sum(p.epochs for p in progresses)
    trained = sum(p.epochs if job.done else min(p.epoch, p.epochs) for job, p in zip(jobs, progresses))
    text = f"Training: {done} of {len(jobs)} runs done, {trained:,} of {planned:,} epochs"
    if not any(p.state == "running" for p in progresses):
        text += " · waiting for a free trainer"
    st.progress(min(trained / planned, 1.0) if planned else 0.0, text=text)


def _job(config: RunConfig) -> TrainingJob:
    """The shared run for ``config``, held by this session once it has it: a run that ended
    early (the trainer's time limit on a busy machine) is shown as it ended, not trained again
    on every redraw."""
    job = session.held_job(config)
    if job is None or job.error is not None:
        job = cache.start_run(config)
        session.hold_job(config, job, MAX_HELD_JOBS)
    return job


def follow(name: str, configs: Sequence[RunConfig], draw: Callable[[list[TrainingJob]], None]) -> None:
    """Start (or join) the shared runs for ``configs`` and ``draw`` them: redrawn while any still
    trains, then once more with the whole page. Finished runs this session asked for are remembered."""

    def panel() -> None:
        jobs = [_job(config) for config in configs]
        for job in jobs:
            job.watch(session.watcher_id())
        if not all(job.done for job in jobs):
            _progress_bar(jobs)
        draw(jobs)
        for job in jobs:
            if job.result is not None and session.asked_for(job.config):
                session.remember(job.result)

    live.poll(lambda: not all(_job(config).done for config in configs), panel, key=session.follow_key(name))


def _panel(title: str, result: RunResult) -> charts.Panel:
    """One small decision map of ``result``, its accuracy beneath the title."""
    return charts.Panel(
        title, result.network, result.data, subtitle=logic.accuracy_text(result), features=result.config.features
    )


def _table(frame: pd.DataFrame, **formats: dict) -> None:
    """``frame`` as a table; a column whose spec has ``format="percent"`` is shown as 0.0 %."""
    shown = frame.copy()
    config: dict = {"note": st.column_config.TextColumn(width="large")}
    for name, spec in formats.items():
        if spec.get("format") == "percent":
            shown[name] = shown[name] * 100
            spec = {**spec, "format": "%.1f %%"}
        config[name] = st.column_config.NumberColumn(**spec)
    st.dataframe(shown, hide_index=True, column_config=config, placeholder="—", width="stretch")


# ---- the notebook, replayed ----------------------------------------------------------------------
def _start_replay(scale: float) -> None:
    plan = logic.replay_plan(scale)
    session.ask_for([run.config for run in plan])
    for run in plan:
        _job(run.config)
    session.set_experiment_replay(scale)
    _started_replays().add(scale)


def replay_section() -> None:
    scale = session.replay_scale()
    plan = logic.replay_plan(scale)
    st.markdown(
        "The notebook trained **Dense(2, 64) → ReLU → Dense(64, 3)** with plain gradient descent on 300 spiral "
        "points, three times, then tested its last model on 3,000 fresh points. Here each run is replayed "
        "*as written* and *corrected*, beside the numbers the notebook recorded."
    )
    st.caption(" · ".join(f"**{version}**: {note}" for version, note in logic.VERSION_NOTES.items()))
    started = session.experiment_replay() == scale or scale in _started_replays()
    if not started:
        seconds = sum(estimate_seconds(run.config) for run in plan) / WORKERS
        epochs = sum(run.config.epochs for run in plan)
        st.button(
            "Replay the notebook",
            type="primary",
            icon=":material/replay:",
            on_click=_start_replay,
            args=(scale,),
            key=session.REPLAY_BUTTON,
        )
        st.caption(f"{len(plan)} runs, {epochs:,} epochs in all: roughly {seconds:.0f} s on the shared trainers.")
        _replay_table(plan, {}, {})
        return
    follow("replay", [run.config for run in plan], lambda jobs: _draw_replay(plan, jobs))


def _replay_table(plan: Sequence[logic.ReplayRun], results: dict, status: dict) -> pd.DataFrame:
    """The replay's table, one small table per notebook run; returns the whole frame."""
    frame = logic.replay_frame(plan, results, status, fresh=cache.fresh_accuracy)
    for label, rows in frame.groupby("run", sort=False):
        recorded = rows["version"] == logic.RECORDED
        said = " ".join(note for note in rows.loc[recorded, "note"] if note)
        st.markdown(f"**{label}**" + (f" · the notebook noted: *{said}*" if said else ""))
        shown = rows.drop(columns="run").assign(note=rows["note"].where(~recorded, ""))
        if not shown["note"].astype(bool).any():
            shown = shown.drop(columns="note")  # every run is in: nothing left to say there
        _table(
            shown,
            **{
                "lr at the end": {"format": "%.4g", "help": "The step size in the last epoch."},
                "lowest loss": {"format": "%.3f"},
                "final loss": {"format": "%.3f"},
                "train accuracy": PERCENT,
                logic.FRESH_COLUMN: {**PERCENT, "help": FRESH_HELP},
            },
        )
    st.caption(
        "The notebook's own numbers come from other random points (it set no seed): expect them close, not equal."
    )
    return frame


def _draw_replay(plan: Sequence[logic.ReplayRun], jobs: list[TrainingJob]) -> None:
    results = {run.config: job.result for run, job in zip(plan, jobs) if job.result is not None}
    status = {run.config: _status(job) for run, job in zip(plan, jobs) if job.result is None}
    frame = _replay_table(plan, results, status)
    findings = logic.replay_findings(frame)
    if not findings:
        return
    st.markdown("\n".join(f"- {finding}" for finding in findings))
    with st.expander("Decision maps of each run", expanded=False):
        numbers = sorted({run.number for run in plan})
        number = st.segmented_control(
            "Run",
            numbers,
            default=numbers[-1],
            format_func=lambda n: f"Run {n}",
            key=session.REPLAY_MAPS,
        )
        chosen = [run for run in plan if run.number == (number or numbers[-1])]
        order = list(logic.VERSIONS)
        chosen.sort(key=lambda run: order.index(run.version))
        panels = [_panel(run.version, results[run.config]) for run in chosen if run.config in results]
        if panels:
            run_panel.show_chart(charts.boundary_panels(panels, size=175, columns=4), width="content")
            st.caption(SYMBOLS)


# ---- optimizers side by side ---------------------------------------------------------------------
def _compare_optimizers() -> None:
    epochs, seed = session.optimizer_choice(DEFAULT_EPOCHS)
    session.set_compared(epochs, seed)
    session.ask_for(list(logic.optimizer_configs(epochs, seed).values()))


def optimizers_section() -> None:
    base = logic.OPTIMIZER_BASE
    held = base.samples * base.classes - base.train_points
    st.markdown(
        f"The step the notebook names as next: six ways to follow the gradient, on the same {base.train_points} "
        f"spiral points from the same first weights (He), {logic.network_text(base)} units; {held} points are "
        "held out to test on."
    )
    epochs, seed = session.compared(DEFAULT_EPOCHS)
    with st.form(session.OPTIMIZER_FORM, border=False, enter_to_submit=False):
        left, middle, right = st.columns([3, 1, 1], vertical_alignment="bottom")
        left.select_slider(
            "Epochs",
            EPOCH_CHOICES,
            value=epochs if epochs in EPOCH_CHOICES else DEFAULT_EPOCHS,
            format_func=lambda e: f"{e:,}",
            key=session.OPTIMIZER_EPOCHS,
        )
        middle.number_input(
            "Seed", 0, 999_999, value=seed, step=1, key=session.OPTIMIZER_SEED, help="Points and weights."
        )
        right.form_submit_button("Compare", type="primary", icon=":material/play_arrow:", on_click=_compare_optimizers)
    configs = logic.optimizer_configs(epochs, seed)
    follow("optimizers", list(configs.values()), lambda jobs: _draw_optimizers(list(configs), jobs))


def _draw_optimizers(labels: list[str], jobs: list[TrainingJob]) -> None:
    settings = {c.label: c.settings() for c in logic.CONTENDERS}
    done = all(job.done for job in jobs)
    options = st.columns([1, 1, 2], vertical_alignment="center")
    series = options[0].segmented_control(
        "Loss on",
        ["training", "held out"],
        default="training",
        key=session.OPTIMIZER_SERIES,
        label_visibility="collapsed",
        help="Which loss to draw: on the training points or on the held-out ones.",
    )
    log_scale = options[1].toggle("Log scale", key=session.OPTIMIZER_LOG, help="Shows the late, small improvements.")
    histories = {
        label: job.result.history if job.result is not None else job.progress().history
        for label, job in zip(labels, jobs)
    }
    series = series or "training"
    losses = logic.overlay_frame(histories, series)
    if losses.empty:  # every run still waits for a trainer: nothing to draw yet, and an empty chart says nothing
        st.caption("The loss curves appear here as soon as the first runs start training.")
    else:
        chart = charts.overlay_loss_chart(
            losses, labels, epochs=jobs[0].config.epochs, log_scale=log_scale, title=f"{series} loss"
        )
        run_panel.show_chart(chart, width="stretch")
    results = {label: job.result for label, job in zip(labels, jobs)}
    status = {label: _status(job) for label, job in zip(labels, jobs) if job.result is None}
    frame = logic.results_frame(results, status, settings, fresh=cache.fresh_accuracy)
    _table(
        frame,
        **{
            "final loss": {"format": "%.3f"},
            "train accuracy": PERCENT,
            logic.FRESH_COLUMN: {**PERCENT, "help": FRESH_HELP},
            "held-out accuracy": {**PERCENT, "help": "On the points held out of training."},
            "seconds": {"format": "%.1f", "help": "Training time."},
        },
    )
    if not done:
        return
    panels = [_panel(label, job.result) for label, job in zip(labels, jobs) if job.result is not None]
    run_panel.show_chart(charts.boundary_panels(panels, size=220, columns=3), width="content")
    st.caption(SYMBOLS)


# ---- my runs -------------------------------------------------------------------------------------
def reopen(result: RunResult) -> None:
    """Show ``result`` in the Playground, with its settings in the controls and the address bar."""
    controls.load(result.config)
    session.show_result(result)
    st.switch_page("streamlit_app.py", query_params=link_query(result.config, session.hidden()))


def my_runs_section() -> None:
    runs = session.my_runs()
    if not runs:
        st.info("Runs you train in this browser tab, here or in the Playground, are listed here.")
        return
    st.markdown("Every run trained in this browser session, oldest first.")
    _table(
        logic.my_runs_frame(runs),
        **{
            "#": {"width": 40},
            "epochs": {"format": "localized"},
            "train accuracy": PERCENT,
            "test accuracy": PERCENT,
            "final loss": {"format": "%.3f"},
        },
    )
    labels = [logic.run_label(number, result.config) for number, result in enumerate(runs, 1)]
    picked = st.multiselect(
        "Overlay",
        list(range(len(runs))),
        default=list(range(len(runs)))[-2:],
        format_func=labels.__getitem__,
        key=session.MINE_PICKED,
        placeholder="Pick two or more runs",
    )
    if len(picked) >= 2:
        chosen = [runs[i] for i in picked]
        names = [labels[i] for i in picked]
        log_scale = st.toggle("Log scale", key=session.MINE_LOG)
        histories = dict(zip(names, (run.history for run in chosen)))
        epochs = max(run.history.epochs_planned for run in chosen)
        chart = charts.overlay_loss_chart(
            logic.overlay_frame(histories), names, epochs=epochs, log_scale=log_scale, title="training loss"
        )
        run_panel.show_chart(chart, width="stretch")
        panels = [_panel(name, run) for name, run in zip(names, chosen)]
        run_panel.show_chart(charts.boundary_panels(panels, size=220, columns=3), width="content")
        st.caption(SYMBOLS)
    else:
        st.caption("Pick two or more runs to overlay their loss curves and compare their decision maps.")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    index = left.selectbox(
        "Reopen a run in the Playground",
        list(range(len(runs))),
        index=len(runs) - 1,
        format_func=labels.__getitem__,
        key=session.MINE_REOPEN,
    )
    if right.button("Open in the Playground", icon=":material/open_in_new:", key=session.MINE_OPEN):
        reopen(runs[index])


# ---- the page -----------------------------------------------------------------------------------
def page() -> None:
    """The whole page below its configuration: the title, then the three sections, each drawn only while open."""
    st.title("Experiments")
    st.caption("Runs side by side: what the notebook's bugs cost, what a better optimizer buys, and your own runs.")
    tabs = st.tabs(SECTIONS, key=session.EXPERIMENTS_SECTION, on_change="rerun", bind="query-params")
    for tab, draw in zip(tabs, (replay_section, optimizers_section, my_runs_section)):
        with tab:
            if tab.open:
                draw()

"""Streamlit views of a run: the live progress while it trains, and the result when it ends.

Pages call these; the views call ``frames`` and ``charts`` for what they draw. A view reads a
shared ``TrainingJob`` or ``RunResult`` and never changes it.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

import altair as alt
import numpy as np
import streamlit as st

import scratchnet as sn
from scratchnet.app.plots import charts, frames
from scratchnet.app.runs import export, upload
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.jobs import Progress, TrainingJob
from scratchnet.app.runs.result import DataSplit, RunResult, make_network
from scratchnet.app.text import escape
from scratchnet.app.ui.cache import fresh_points_accuracy, start_run

POLL_SECONDS = 0.5  # redraw interval while a run trains
PLAY_SECONDS = 0.6  # replay animation: one snapshot per tick
LIVE_GRID = 50  # a coarser decision map while training keeps redraws light
MY_RUNS = 30  # runs remembered per browser session ...
MY_RUNS_BYTES = 24_000_000  # ... and the memory they may hold (the newest run is always kept)


# ---- session state ---------------------------------------------------------------------------
def watcher_id() -> str:
    """This browser session's id, used to tell a job who is watching it."""
    return st.session_state.setdefault("watcher", uuid.uuid4().hex)


def current_run() -> TrainingJob | RunResult | None:
    return st.session_state.get("run")


def set_run(run: TrainingJob | RunResult) -> None:
    st.session_state["run"] = run


def train(config: RunConfig, data: DataSplit | None = None) -> TrainingJob:
    """Start (or join) the shared run for ``config`` and make it this session's run."""
    job = start_run(config, data)
    job.watch(watcher_id())
    set_run(job)
    return job


def remember(result: RunResult) -> None:
    """Add a finished run to this session's "My runs" (once; the newest last)."""
    runs: list[RunResult] = st.session_state.setdefault("my_runs", [])
    if any(run is result for run in runs):
        return
    runs.append(result)
    del runs[:-MY_RUNS]
    while len(runs) > 1 and sum(run.nbytes for run in runs) > MY_RUNS_BYTES:
        del runs[0]


def my_runs() -> list[RunResult]:
    return list(st.session_state.get("my_runs", []))


# ---- charts ----------------------------------------------------------------------------------
def show_chart(figure: alt.TopLevelMixin, **options: Any) -> None:
    """``st.altair_chart``, without checking the spec against the Vega-Lite schema on every redraw.

    That check is a third of a cached page's redraw. The chart builders are pure functions,
    checked once against the schema by the tests; here Streamlit's own ``to_dict()`` skips it.
    """
    object.__setattr__(figure, "to_dict", functools.partial(figure.to_dict, validate=False))
    st.altair_chart(figure, **options)


# ---- the run panel ---------------------------------------------------------------------------
def run_panel(*, replay: bool = True) -> RunResult | None:
    """Draw this session's run: live while it trains (redrawn every ``POLL_SECONDS``), then its
    result. Returns the result once there is one."""
    run = current_run()
    if run is None:
        st.info("Press **Train** in the sidebar to train a network.")
        return None
    live = isinstance(run, TrainingJob) and not run.done

    @st.fragment(run_every=POLL_SECONDS if live else None)
    def panel() -> None:
        job = current_run()
        if isinstance(job, TrainingJob):
            job.watch(watcher_id())
            if not job.done:
                progress = _progress_unless_ending(job)
                if not job.done:
                    progress_view(job, progress)
                    return
            if live:  # it has just finished: redraw the whole page once, without the timer
                st.rerun()
            if job.result is None:
                st.error(f"Training failed: {escape(job.error)}. Please try other settings.")
                return
            job = job.result
        remember(job)
        result_view(job, replay=replay)

    panel()
    run = current_run()
    return run.result if isinstance(run, TrainingJob) else run


def _progress_unless_ending(job: TrainingJob) -> Progress:
    """The run's progress. A run due to end before the next redraw is waited for instead, so that
    its result shows as soon as it is ready (the progress returned is then unused)."""
    progress = job.progress()
    left = progress.seconds_left
    if left is not None and left < POLL_SECONDS and not job.wait(timeout=left + POLL_SECONDS / 5):
        progress = job.progress()  # it took longer than it said: draw where it is now
    return progress


def _cancel(job: TrainingJob) -> None:
    set_run(job.cancel(watcher_id()))


def progress_view(job: TrainingJob, progress: Progress) -> None:
    """The progress bar, Cancel, and the loss curve and decision map at ``progress``."""
    history = progress.history
    if progress.state == "queued":
        ahead = f" ({progress.ahead} ahead of this one)" if progress.ahead else ""
        st.progress(0.0, text=f"Waiting for a free trainer: other runs are training right now{ahead}…")
    else:
        text = f"Epoch {progress.epoch:,} of {progress.epochs:,}"
        if history is not None and history.epochs_run:
            text += f" · loss {history.loss[-1]:.4f} · accuracy {history.accuracy[-1]:.1%}"
        if progress.seconds_left is not None:
            text += f" · about {progress.seconds_left:.1f} s left"
        st.progress(min(progress.fraction, 1.0), text=text)
    st.button(
        "Cancel",
        on_click=_cancel,
        args=(job,),
        icon=":material/stop_circle:",
        key="cancel_run",
        help="Stop training and keep what it has learned so far.",
    )
    loss_col, map_col = st.columns(2, gap="large")
    with loss_col:
        if history is not None and history.epochs_run:
            losses, lrs = frames.loss_frame(history), frames.lr_frame(history)
            show_chart(charts.loss_chart(losses, lrs, epochs=progress.epochs, hover=False), width="stretch")
    with map_col:
        if progress.params is not None:
            net = make_network(job.config, job.data.classes)
            net.set_params(progress.params)
            boundary(net, job.data, resolution=LIVE_GRID)


# ---- the result ------------------------------------------------------------------------------
def status_message(result: RunResult) -> None:
    if result.status == "diverged":
        st.error(result.message, icon=":material/warning:")
    elif result.status == "cancelled":
        st.warning(result.message, icon=":material/stop_circle:")
    else:
        st.success(result.message, icon=":material/check_circle:")


def metrics_row(result: RunResult) -> None:
    cols = st.columns(6)
    cols[0].metric(
        "Final loss",
        f"{result.train_loss:.4f}" if np.isfinite(result.train_loss) else "—",
        help="Cross-entropy on the training points.",
    )
    cols[1].metric("Train accuracy", f"{result.train_accuracy:.1%}")
    cols[2].metric(
        "Test accuracy",
        "—" if result.test_accuracy is None else f"{result.test_accuracy:.1%}",
        help="On the held-out points." if result.test_accuracy is not None else "No points were held out.",
    )
    cols[3].metric("Epochs", f"{result.history.epochs_run:,}")
    cols[4].metric("Time", f"{result.seconds:.2f} s")
    speed = result.epochs_per_second
    cols[5].metric("Epochs / s", f"{speed:,.0f}" if np.isfinite(speed) else "—")


def boundary(
    net: sn.Network,
    data: DataSplit,
    *,
    confidence: bool = True,
    show: tuple[str, ...] = ("training", "held out"),
    resolution: int = frames.GRID_RESOLUTION,
) -> None:
    """The decision map with the points on it."""
    grid = frames.grid_frame(net, data, resolution)
    points = frames.points_frame(net, data)
    points = points[points["split"].isin(show)]
    chart = charts.boundary_chart(grid, points, data.class_names, window=frames.extent(data), confidence=confidence)
    show_chart(chart, width="content")
    st.caption(charts.POINTS_KEY)


def _advance(key: str, epochs: list[int]) -> None:
    """One tick of the replay animation: the next snapshot, and stop at the last."""
    position = epochs.index(st.session_state.get(key, epochs[-1]))
    if position + 1 >= len(epochs):
        st.session_state[f"{key}.playing"] = False
    else:
        st.session_state[key] = epochs[position + 1]


def result_view(result: RunResult, *, replay: bool = True, key: str = "result") -> None:
    """Status, metrics, the loss curve beside the decision map, and the confusion matrix."""
    status_message(result)
    metrics_row(result)
    snapshots = result.history.snapshots
    epochs = [snapshot.epoch for snapshot in snapshots]
    replay_key = f"{key}.replay"
    playing = bool(st.session_state.get(f"{replay_key}.playing"))

    @st.fragment(run_every=PLAY_SECONDS if playing else None)
    def charts_area() -> None:
        can_replay = replay and len(snapshots) > 1
        epoch, net = result.shown_epoch, result.network
        if can_replay:
            if st.session_state.get(f"{replay_key}.playing"):
                _advance(replay_key, epochs)
            chosen = st.session_state.setdefault(replay_key, epochs[-1])
            epoch, net = result.network_at(epochs.index(chosen) if chosen in epochs else len(epochs) - 1)
        options = st.columns([1, 1, 1], vertical_alignment="center")
        log_scale = options[0].toggle("Log scale", key=f"{key}.log", help="Shows the late, small improvements.")
        confidence = options[1].toggle(
            "Confidence shading",
            value=True,
            key=f"{key}.confidence",
            help="Paler where the network is unsure. Off: hard class regions.",
        )
        show = options[2].segmented_control(
            "Points",
            ["training", "held out"],
            selection_mode="multi",
            default=["training", "held out"],
            key=f"{key}.show",
            label_visibility="collapsed",
        )
        loss_col, map_col = st.columns(2, gap="large")
        with loss_col:
            losses, lrs = frames.loss_frame(result.history), frames.lr_frame(result.history)
            chart = charts.loss_chart(
                losses,
                lrs,
                epochs=result.history.epochs_planned,
                log_scale=log_scale,
                marker=epoch if can_replay else None,
            )
            show_chart(chart, width="stretch")
        with map_col:
            boundary(net, result.data, confidence=confidence, show=tuple(show or ()))
            if can_replay:
                slider, play = st.columns([6, 1], vertical_alignment="bottom")
                slider.select_slider(
                    "Replay: the network at epoch",
                    epochs,
                    key=replay_key,
                    format_func=lambda e: f"{e:,}",
                    help="Slide back through training: the map, the points and the marker on the loss curve.",
                )
                play.button(
                    "",
                    icon=":material/pause:" if playing else ":material/play_arrow:",
                    key=f"{key}.play",
                    on_click=_toggle_play,
                    args=(replay_key, epochs),
                    help="Play the training back.",
                )
        details = st.expander(
            "Confusion matrix, and the notebook's test on fresh points", key=f"{key}.details", on_change="rerun"
        )
        with details:
            if details.open:  # computed only when opened: a closed one costs a redraw nothing
                confusion(result, net, key)

    charts_area()


def _toggle_play(key: str, epochs: list[int]) -> None:
    playing = not st.session_state.get(f"{key}.playing")
    if playing and st.session_state.get(key) == epochs[-1]:
        st.session_state[key] = epochs[0]  # play from the start
    st.session_state[f"{key}.playing"] = playing


def confusion(result: RunResult, net: sn.Network, key: str) -> None:
    data = result.data
    split = st.segmented_control("Points", ["training", "held out"], default="training", key=f"{key}.cm_split")
    X, y = (data.X_test, data.y_test) if split == "held out" else (data.X_train, data.y_train)
    if not len(y):
        st.info("No points were held out: set **Held out for testing** above 0 to test on unseen points.")
    else:
        with np.errstate(all="ignore"):
            predicted = net.predict(X)
        frame = frames.confusion_frame(y, predicted, data.class_names)
        show_chart(charts.confusion_chart(frame, data.class_names))
    if result.config.data_id:
        return
    fresh = 1000 * result.config.classes
    if st.button(
        f"Test on {fresh:,} fresh points",
        key=f"{key}.fresh",
        help="The notebook's held-out test: 1 000 new points per class from the same dataset, another seed.",
    ):
        accuracy = fresh_points_accuracy(result.config, result.shown_epoch, result.network)
        st.metric(f"Accuracy on {fresh:,} fresh points", f"{accuracy:.1%}")


def downloads(result: RunResult, points: upload.Points | None = None) -> None:
    """Take it home: the weights, the history, a script that reproduces the run (and the points)."""
    uploaded = result.config.data_id
    if uploaded and (points is None or points.fingerprint != uploaded):
        points = None  # the points of this run are no longer in this session: no script, no points file
    cols = st.columns(4)
    cols[0].download_button(
        "Weights (.npz)",
        lambda: export.weights_npz(result.network),
        export.WEIGHTS_FILE,
        mime="application/octet-stream",
        icon=":material/download:",
        width="stretch",
        help="Load them with scratchnet.load(path) and predict.",
    )
    cols[1].download_button(
        "History (.csv)",
        lambda: export.history_csv(result.history),
        export.HISTORY_FILE,
        mime="text/csv",
        icon=":material/download:",
        width="stretch",
        help="Loss, accuracy and learning rate, epoch by epoch.",
    )
    if not uploaded or points is not None:
        cols[2].download_button(
            "Script (.py)",
            lambda: export.reproduce_script(result.config, points),
            export.SCRIPT_FILE,
            mime="text/x-python",
            icon=":material/download:",
            width="stretch",
            help="A short Python script that trains this run again with scratchnet, from its seeds.",
        )
    if points is not None:
        cols[3].download_button(
            "Points (.csv)",
            lambda: upload.points_csv(points),
            export.POINTS_FILE,
            mime="text/csv",
            icon=":material/download:",
            width="stretch",
            help="The points this run trained on (for the script).",
        )

"""Streamlit views of a run: the live progress while it trains, and the result when it ends.

Pages call these; the views call ``frames`` and ``charts`` for what they draw. A view reads a
shared ``TrainingJob`` or ``RunResult`` and never changes it. This session's run lives in
``session`` (always a ``TrainingJob``); the live redraws go through ``live.poll``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

import scratchnet as sn
from scratchnet.app.plots import charts, frames
from scratchnet.app.runs import cost
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.jobs import Progress, TrainingJob
from scratchnet.app.runs.result import DataSplit, RunResult, make_network
from scratchnet.app.runs.view import Source
from scratchnet.app.text import escape, fmt
from scratchnet.app.ui import cache, details, links, live, playback, run_controls, session
from scratchnet.app.ui.cache import show_chart, start_run  # show_chart: pages draw with it
from scratchnet.app.ui.figures import FINAL_HELP, metrics_row  # noqa: F401 (FINAL_HELP: read by tests)
from scratchnet.app.ui.live import POLL_SECONDS

PLAY_SECONDS = 0.25  # replay animation: one snapshot per tick, four a second
LIVE_GRID = 50  # a coarser decision map while training keeps redraws light
MAP_SIZE = 300  # the decision map's plot, in pixels


def train(config: RunConfig, data: DataSplit | None = None, source: Source | None = None) -> TrainingJob:
    """Start (or join) the shared run for ``config`` and make it this session's run, on points from
    ``source`` (``runs.view.Source``; by default the dataset, or an upload when ``config`` names one)."""
    job = start_run(config, data)
    session.set_current_run(job, source)
    return job


# ---- the run panel ---------------------------------------------------------------------------
def _training() -> bool:
    job = session.current_run()
    return job is not None and not job.done


#: ``side(config, data, net, key)``: draws beside the map and the loss (the Playground's network diagram).
Side = Callable[[RunConfig, DataSplit, sn.Network, str], None]
SIDE_COLUMNS = (1.05, 1, 1)  # map | loss | side: a phone stacks them in this order
SIDE_MAP_SIZE = 220  # the map beside two other charts ...
LOSS_HEIGHT, LOSS_BESIDE = 250, 170  # ... and the loss curve's height, alone and beside them
PRESENT_MAP_SIZE, PRESENT_LOSS = 300, 290  # the presentation view: three large charts on one 1280x720 screen


def _sizes(side: Side | None, present: bool) -> tuple[int, int]:
    """The map's size and the loss curve's height: alone, beside a side panel, or presented."""
    if present:
        return PRESENT_MAP_SIZE, PRESENT_LOSS
    return (SIDE_MAP_SIZE, LOSS_BESIDE) if side else (MAP_SIZE, LOSS_HEIGHT)


def _chart_columns(side: Side | None, place: Any = None) -> tuple[Any, Any, Any | None]:
    """The columns of the charts row (in ``place``, a container, if given): (map, loss, side) with a
    side panel, else loss beside map."""
    place = place if place is not None else st
    if side is None:
        loss_col, map_col = place.columns(2, gap="large")
        return map_col, loss_col, None
    map_col, loss_col, side_col = place.columns(SIDE_COLUMNS, gap="medium")
    return map_col, loss_col, side_col


def run_panel(
    *,
    replay: bool = True,
    side: Side | None = None,
    can_train: bool = True,
    present: bool = False,
    lead: Callable[[], None] | None = None,
) -> RunResult | None:
    """Draw this session's run: live while it trains (redrawn every ``POLL_SECONDS``), then its
    result. Returns the result once there is one. ``can_train``: the settings shown may train now
    (the prompt points at Train only when it can be pressed). ``present``: the presentation view (the
    charts large, the step buttons above them, nothing else), redrawn every ``live.PRESENT_POLL_SECONDS``;
    ``lead`` draws first in the buttons' row (the page's Train), so the charts start higher.

    The result is drawn by the full script run, never by the polling fragment: it holds fragments
    of its own (the replay), and fragments must not nest (``live.fragment`` says why). A run about
    to end is awaited here, so a short run's first full run already draws its result."""
    job = session.current_run()
    if job is None:
        if lead is not None:
            lead()
        if can_train:
            st.info("Press **Train** to train a network.")
        else:
            st.info("Nothing has trained yet: the settings cannot train as they are. The sidebar says why.")
        return None
    job.watch(session.watcher_id())
    if not job.done:
        _progress_unless_ending(job)
        if job.done:  # it ended while this run waited: the page again, so what is drawn above the panel (a
            st.rerun()  # lesson's bar, the sidebar) sees the end too; a full rerun, never a fragment's
    links.write_link()  # the address bar says what is on screen: this run, how far, at which epoch
    if job.done:
        _finished(job, replay, side, present, lead)
    else:
        every = live.PRESENT_POLL_SECONDS if present else POLL_SECONDS
        live.poll(_training, lambda: _live(job, side, present, lead), every, key=session.RUN_PANEL_LIVE)
    return job.result


def _live(
    drawn_for: TrainingJob, side: Side | None, present: bool = False, lead: Callable[[], None] | None = None
) -> None:
    """One redraw of a run that trains: its progress (``live.poll`` reruns the page once it ends)."""
    job = session.current_run()
    if job is not drawn_for:  # a button in the panel (Pause) changed the run: the whole page again,
        st.rerun()  # so the sidebar, the downloads and the result follow it
    job.watch(session.watcher_id())
    links.write_link()
    progress = _progress_unless_ending(job)
    if not job.done:
        progress_view(job, progress, side, present, lead)


def _finished(
    job: TrainingJob, replay: bool, side: Side | None, present: bool = False, lead: Callable[[], None] | None = None
) -> None:
    """A finished run: its result, with Step, Continue and Back to epoch 0 right above its charts (one
    first screen at 1280x720 holds the buttons, the map and the loss curve)."""
    if job.result is None:
        st.error(f"Training failed: {escape(job.error)}. Please try other settings.")
        return
    session.remember(job.result)
    run_controls.run_controls(job.result, compact=present, lead=lead)  # Step, Continue, Back to epoch 0
    result_view(job.result, replay=replay, side=side, present=present)


def _progress_unless_ending(job: TrainingJob) -> Progress:
    """The run's progress. A run due to end before the next redraw is waited for instead, so that
    its result shows as soon as it is ready (the progress returned is then unused)."""
    progress = job.progress()
    left = progress.seconds_left
    if left is not None and left < POLL_SECONDS and not job.wait(timeout=left + POLL_SECONDS / 5):
        progress = job.progress()  # it took longer than it said: draw where it is now
    return progress


def queue_note(config: RunConfig) -> str:
    """What a new run of ``config`` would wait behind ("" when a trainer is free for it)."""
    return cost.queue_note(*cache.new_run_wait(config))


def queued_text(progress: Progress) -> str:
    """What a run waiting for a trainer says: how many runs are ahead, and about how long it waits."""
    ahead = f" ({progress.ahead} ahead of this one)" if progress.ahead else ""
    wait = progress.wait_seconds
    expected = f" Expected wait: about {max(wait, 1):,.0f} s." if wait is not None else ""
    return f"Waiting for a free trainer: other runs are training right now{ahead}…{expected}"


def progress_view(
    job: TrainingJob,
    progress: Progress,
    side: Side | None = None,
    present: bool = False,
    lead: Callable[[], None] | None = None,
) -> None:
    """The progress bar, Pause (after ``lead``, if given), and the loss curve and decision map at ``progress``."""
    history = progress.history
    if progress.state == "queued":
        st.progress(0.0, text=queued_text(progress))
    else:
        text = f"Epoch {progress.epoch:,} of {progress.epochs:,}"
        if history is not None and history.epochs_run:
            text += f" · loss {fmt(history.loss[-1], '.4f')} · accuracy {fmt(history.accuracy[-1], '.1%')}"
        if progress.seconds_left is not None:
            text += f" · about {fmt(progress.seconds_left, '.1f')} s left"
        st.progress(min(progress.fraction, 1.0), text=text)
    if lead is not None:
        first, cancel, log = st.columns([2, 1, 1], vertical_alignment="center")
        with first:
            lead()
    else:
        cancel, log = st.columns([1, 1], vertical_alignment="center")
    with cancel:
        run_controls.pause_button(job)  # Cancel became Pause: it keeps what was learned, Continue goes on
    log_scale = log.toggle("Log scale", key=session.view_key("live", "log"), help="Shows the late, small improvements.")
    map_size, loss_height = _sizes(side, present)
    map_col, loss_col, side_col = _chart_columns(side)
    with loss_col:
        if history is not None and history.epochs_run:
            losses, lrs = frames.loss_frame(history), frames.lr_frame(history)
            chart = charts.loss_chart(
                losses,
                lrs,
                epochs=progress.epochs,
                hover=False,
                log_scale=log_scale,
                robust=not log_scale,
                height=loss_height,
                large_text=present,
            )
            show_chart(chart, width="stretch")
    with map_col:
        if progress.params is not None:
            net = make_network(job.config, job.data.classes)
            net.set_params(progress.params)
            boundary(net, job.config, job.data, resolution=LIVE_GRID, size=map_size, large_text=present)
            if side_col is not None:
                with side_col:
                    side(job.config, job.data, net, "live")


# ---- the result ------------------------------------------------------------------------------
def status_message(result: RunResult) -> None:
    if result.status == "diverged":
        st.error(result.message, icon=":material/warning:")
    elif result.status in ("stopped_early", "untrained"):
        st.info(result.message, icon=":material/info:")
    elif result.status == "cancelled":
        st.warning(result.message, icon=":material/stop_circle:")
    else:
        st.success(result.message, icon=":material/check_circle:")


def boundary(
    net: sn.Network,
    config: RunConfig,
    data: DataSplit,
    *,
    confidence: bool = True,
    show: tuple[str, ...] = ("training", "held out"),
    resolution: int = frames.GRID_RESOLUTION,
    size: int = MAP_SIZE,
    cached: bool = False,
    large_text: bool = False,
) -> None:
    """The decision map with the points on it, every time from the same two steps: its tables
    (``frames.map_frames``, the forward passes) and its chart (``charts.boundary_chart``). A live
    map works both out now; ``cached``: a finished run's network, whose tables are kept per network
    and whose chart per network and options (``cache``), so a toggle predicts nothing again and a
    replay move back redraws at once."""

    def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
        return frames.map_frames(net, data, resolution, features=config.features)

    def chart(grid: pd.DataFrame, points: pd.DataFrame) -> alt.LayerChart:
        return charts.boundary_chart(
            grid,
            points[points["split"].isin(show)],
            data.class_names,
            window=frames.extent(data),
            confidence=confidence,
            size=size,
            large_text=large_text,
        )

    if cached:
        key = cache.network_key(config, net)
        options = (confidence, tuple(show), resolution, size, large_text)
        build = lambda: chart(*cache.network_piece("map tables", key, (resolution,), tables))  # noqa: E731
        cache.draw(cache.chart_spec("map", key, options, build), width="content")
    else:
        show_chart(chart(*tables()), width="content")
    if not large_text:  # the presentation view: the charts and the buttons, nothing else
        st.caption(charts.POINTS_KEY)


def loss_view(result: RunResult, log_scale: bool, marker: int | None, height: int, large_text: bool = False) -> None:
    """A finished run's loss curve, with the replay's ``marker``. The curve is kept (``cache``) per run
    and options; a replay move draws it with its marker's table (``charts.replay_rows``), building nothing.
    A run that blew up is drawn over the epochs it ran, on a log scale: a loss that grew thousands
    of times in a few epochs would otherwise be a spike at the left edge over a flat line."""
    history, epochs = result.history, result.history.epochs_planned
    if history.status == "diverged":
        epochs, log_scale = max(history.epochs_run, 2), True

    def curve() -> alt.VConcatChart:
        losses, lrs = frames.loss_frame(history), frames.lr_frame(history)
        return charts.loss_chart(
            losses,
            lrs,
            epochs=epochs,
            log_scale=log_scale,
            height=height,
            best_epoch=result.best_epoch,
            replay_table=True,
            large_text=large_text,
        )

    key = cache.history_key(result.config, history)
    spec = cache.chart_spec("loss", key, (log_scale, height, result.best_epoch, epochs, large_text), curve)
    cache.draw(cache.with_tables(spec, {charts.REPLAY_TABLE: charts.replay_rows(marker)}), width="stretch")


def point_sets(data: DataSplit) -> list[str]:
    """The sets of points a run has: training, and held out when some were."""
    return ["training", "held out"] if len(data.y_test) else ["training"]


def result_view(
    result: RunResult,
    *,
    replay: bool = True,
    key: str = session.RESULT,
    side: Side | None = None,
    present: bool = False,
) -> None:
    """Status, the figures of the epoch shown, the loss curve beside the decision map, the replay and
    the confusion matrix. With a ``side`` panel the charts come before their options.

    The figures, the charts and the replay are one fragment: a replay move (or a frame of ▶) redraws
    them alone. While ▶ plays the fragment reruns every ``PLAY_SECONDS``; pressing ▶ or pause reruns
    the whole page once, so that the timer starts or stops (a fragment's timer is set when it is made).
    ``present``: the charts large with the replay, without the figures, the options and the details."""
    if not present:
        status_message(result)
    playing = session.playing(key)
    epochs = [snapshot.epoch for snapshot in result.history.snapshots] if replay else []

    def charts_area() -> None:
        if session.playing(key) != playing:  # ▶ or pause was pressed inside the fragment
            st.rerun()
        if playing:
            playback.advance(key, epochs)
        epoch, net = playback.shown(result, key, epochs)
        if not present:
            metrics_row(result, cache.tiles(result, epoch if len(epochs) > 1 and epoch != epochs[-1] else None))
            st.space(20)  # room for a chart's toolbar, which shows above the chart on hover: it covered the tiles
        charts_row = st.container() if side is not None else None  # made first, so drawn above the options
        if present:
            log_scale, confidence, show = False, True, tuple(point_sets(result.data))
        else:
            log_scale, confidence, show = _chart_options(key, point_sets(result.data))
        map_col, loss_col, side_col = _chart_columns(side, charts_row)
        size, height = _sizes(side, present)
        with loss_col:
            loss_view(result, log_scale, epoch if len(epochs) > 1 else None, height, present)
        with map_col:
            boundary(
                net,
                result.config,
                result.data,
                confidence=confidence,
                show=show,
                size=size,
                cached=True,
                large_text=present,
            )
            if len(epochs) > 1:
                playback.controls(result, key, epochs, playing)
        if side_col is not None:
            with side_col:
                side(result.config, result.data, net, key)
        if not present:
            details.details(result, net, key)
        if key == session.RESULT:
            links.write_link()  # the address bar follows the replay

    live.fragment(charts_area, run_every=PLAY_SECONDS if playing else None, key=session.view_key(key, "charts"))()


def _chart_options(key: str, sets: list[str]) -> tuple[bool, bool, tuple[str, ...]]:
    """Log scale, confidence shading and which points: the charts' options, in one row."""
    options = st.columns([1, 1, 1], vertical_alignment="center")
    log_scale = options[0].toggle(
        "Log scale", key=session.view_key(key, "log"), help="Shows the late, small improvements."
    )
    confidence = options[1].toggle(
        "Confidence shading",
        value=True,
        key=session.view_key(key, "confidence"),
        help="Paler where the network is unsure. Off: hard class regions.",
    )
    show = options[2].segmented_control(
        "Points",
        sets,
        selection_mode="multi",
        default=sets,
        # one key per set of choices: a run without held-out points offers only "training"
        key=session.view_key(key, "show" if len(sets) > 1 else "show_training"),
        label_visibility="collapsed",
    )
    return log_scale, confidence, tuple(show or ())

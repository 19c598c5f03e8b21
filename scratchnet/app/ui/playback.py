"""The playback of a finished run's replay: which snapshot is on screen, the slider, ▶ (which plays it to the end,
a frame every ``run_panel.PLAY_SECONDS``) and Go to best epoch. Drawn inside the run's charts fragment
(``run_panel.result_view``); the position lives in ``session``."""

from __future__ import annotations

import streamlit as st

import scratchnet as sn
from scratchnet.app.runs.result import RunResult
from scratchnet.app.text import fmt
from scratchnet.app.ui import run_controls, session


def shown(result: RunResult, key: str, epochs: list[int]) -> tuple[int, sn.Network]:
    """The epoch on screen and its network: the replay's (kept in ``session``), or the run's end."""
    if len(epochs) < 2:
        return result.shown_epoch, result.network
    position = session.replay_position_index(key, epochs)
    session.set_replay(epochs[position], key)  # an epoch no snapshot has (an old link's) becomes the nearest
    return result.network_at(position)


def advance(key: str, epochs: list[int]) -> None:
    """One frame of ▶: the next snapshot; after the last, stop (the whole page again, without the timer)."""
    position = session.replay_position_index(key, epochs)
    if position + 1 >= len(epochs):
        session.set_playing(False, key)  # the replay stays at the last frame
        st.rerun()
    session.set_replay(epochs[position + 1], key)


def controls(result: RunResult, key: str, epochs: list[int], playing: bool) -> None:
    """The replay slider, ▶ (pause while it plays) and Go to best epoch."""
    slider, play = st.columns([6, 1], vertical_alignment="bottom")
    label = "Replay: the network at epoch"
    if playing:  # a new slider each frame, not to be moved: the browser's value of the last one may lag behind
        frame = epochs[session.replay_position_index(key, epochs)]
        slider.select_slider(
            label,
            epochs,
            frame,
            format_func=lambda e: fmt(e, ","),
            disabled=True,
            key=session.replay_frame_slider_key(key, frame),
        )
    else:
        slider.select_slider(
            label,
            epochs,
            key=session.replay_key(key),
            format_func=lambda e: fmt(e, ","),
            help="Slide back through training: the map, the points, the figures and the marker on the loss curve.",
        )
    play.button(
        "",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        key=session.view_key(key, "play"),
        on_click=toggle_play,
        args=(key, epochs),
        help="Pause the replay." if playing else "Play the training back, to the end.",
    )
    run_controls.best_epoch_button(result, session.replay_key(key), key)


def toggle_play(key: str, epochs: list[int]) -> None:
    playing = not session.playing(key)
    if playing and session.replay_position_index(key, epochs) == len(epochs) - 1:
        session.set_replay(epochs[0], key)  # play from the start
    session.set_playing(playing, key)

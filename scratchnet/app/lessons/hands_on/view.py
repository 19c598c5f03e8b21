"""The hands-on lessons' panels on the Lessons page: sliders, step buttons, the engine's numbers.

Each panel draws the student's own state (``hands_on.Unit``, ``Descent``, ``Walk``, kept through
``ui/session``'s accessors) and returns it, so the page checks the lesson's goal on it.
Streamlit calls only: the numbers come from ``hands_on``, the charts from ``charts``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from scratchnet.app import glossary
from scratchnet.app.lessons.hands_on import charts
from scratchnet.app.lessons.hands_on import logic as hands_on
from scratchnet.app.lessons.hands_on.logic import Descent, HandsOn, Unit, Walk
from scratchnet.app.ui import session

NAMES = ("w₁", "w₂", "b")


def panel(lesson: HandsOn) -> object:
    """Draw ``lesson``'s panel and return the student's state in it."""
    return {"neuron": _neuron, "downhill": _downhill, "one_point": _walk}[lesson.key](lesson)


def _scores(unit: Unit) -> None:
    loss, right = st.columns(2)
    loss.metric("Loss", f"{unit.loss:.3f}", help=glossary.meaning("loss"))
    right.metric("Points right", f"{unit.accuracy:.0%}", help="The share of the 20 points on their own side.")


def _store_unit(key: str) -> None:
    values = (session.hand_widget_value(key, field, 0.0) for field in ("w1", "w2", "b"))
    session.set_hand_state(key, Unit(*(round(value, 1) for value in values)))


def _neuron(lesson: HandsOn) -> Unit:
    sliders, chart = st.columns([2, 3], gap="large")
    with sliders:
        values = [
            st.slider(
                name,
                -hands_on.UNIT_RANGE,
                hands_on.UNIT_RANGE,
                0.0,
                hands_on.UNIT_STEP,
                key=session.hand_widget_key(lesson.key, field),
                help=help_text,
                on_change=_store_unit,  # before the page redraws: the goal and the menu's tick see it at once
                args=(lesson.key,),
            )
            for name, field, help_text in zip(
                NAMES,
                ("w1", "w2", "b"),
                ("Turns the line (with w₂).", "Turns the line (with w₁).", "Slides the line without turning it."),
                strict=True,
            )
        ]
        unit = Unit(*(round(value, 1) for value in values))
        st.latex(rf"z = {unit.w1:.1f}\,x_1 {unit.w2:+.1f}\,x_2 {unit.b:+.1f}")
        _scores(unit)
    with chart:
        st.altair_chart(charts.unit_chart(*hands_on.unit_points(), unit.values), width="content")
    session.set_hand_state(lesson.key, unit)
    return unit


def gradient_table(unit: Unit, lr: float) -> pd.DataFrame:
    """Each number, its gradient, which way the step moves it, and where it lands."""
    moves = ["up" if g < 0 else ("down" if g > 0 else "stays") for g in unit.gradient]
    return pd.DataFrame(
        {
            "now": unit.values.round(3),
            "gradient ∂L/∂·": unit.gradient.round(3),
            "to go downhill": moves,
            f"after a step of η = {lr:g}": unit.step(lr).values.round(3),
        },
        index=pd.Index(NAMES, name="number"),
    )


def _downhill(lesson: HandsOn) -> Descent:
    descent = session.hand_state(lesson.key, Descent())
    left, right = st.columns([3, 2], gap="large")
    with left:
        lr = st.select_slider(
            "Step size η (the learning rate)",
            hands_on.LR_CHOICES,
            value=3.0,
            key=session.hand_widget_key(lesson.key, "lr"),
        )
        st.dataframe(gradient_table(descent.now, lr), width="stretch")
        take, again = st.columns(2)
        _step_buttons(lesson, take, again, lambda: descent.step(lr), Descent)
        _scores(descent.now)
    with right:
        st.altair_chart(charts.steps_chart(descent.losses), width="stretch")
        st.altair_chart(charts.unit_chart(*hands_on.unit_points(), descent.now.values, size=240), width="content")
    for number, (before, after) in enumerate(zip(descent.losses, descent.losses[1:]), start=1):
        if after > before:
            st.warning(
                f"Step {number} (η = {descent.rates[number - 1]:g}) took the loss **up**, from {before:.3f} to "
                f"{after:.3f}: the step jumped over the valley. A smaller η goes down.",
                icon=":material/trending_up:",
            )
    return descent


def _step_buttons(
    lesson: HandsOn, take: Any, again: Any, step: Callable[[], object], start: Callable[[], object]
) -> None:
    """**Take one step** (the student's state becomes ``step()``) in the column ``take``, and **Start
    again** (``start()``) in ``again``."""
    take.button(
        "Take one step",
        type="primary",
        icon=":material/south:",
        key=session.hand_widget_key(lesson.key, "step"),
        on_click=lambda: session.set_hand_state(lesson.key, step()),
        width="stretch",
    )
    again.button(
        "Start again",
        icon=":material/restart_alt:",
        key=session.hand_widget_key(lesson.key, "again"),
        on_click=lambda: session.set_hand_state(lesson.key, start()),
        width="stretch",
    )


def _stage_tables(trace, keys: tuple[str, ...]) -> None:
    for key in keys:
        stage = trace.stage(key)
        st.markdown(f"**{stage.title}**")
        st.latex(stage.formula)
        st.dataframe(stage.frame().round(4), width="stretch")


def _walk(lesson: HandsOn) -> Walk:
    walk = session.hand_state(lesson.key, Walk())
    trace = walk.trace
    take, again, where = st.columns([1, 1, 2], vertical_alignment="center")
    _step_buttons(lesson, take, again, walk.step, Walk)
    where.markdown(
        f"After **{walk.steps}** steps: p(true class) = **{walk.p_true:.3f}**, loss = **{trace.loss_before:.3f}**."
    )
    forward, backward = st.columns(2, gap="large")
    with forward:
        st.subheader("Forward", divider="gray")
        _stage_tables(trace, ("X", "W1b1", "z1", "a1", "W2b2", "logits", "p", "loss"))
    with backward:
        st.subheader("Backward", divider="gray")
        _stage_tables(trace, ("dlogits", "dW2", "db2", "da1", "dz1", "dW1", "db1"))
        st.markdown(f"**How each weight should change: −η × its gradient (η = {hands_on.WALK_LR:g})**")
        for k in (2, 1):
            change = trace.stage(f"W{k}b{k}_new").frame() - trace.stage(f"W{k}b{k}").frame()
            st.caption(f"W{k} and b{k} (b is the last row)")
            st.dataframe(change.round(4), width="stretch")
    return walk

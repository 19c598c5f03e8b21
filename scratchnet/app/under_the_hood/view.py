"""The "Under the hood" page's Streamlit views: one training step laid bare, gradient checks, and
what a trained network has inside.

The numbers come from the pure modules: ``tiny`` and ``step`` trace one training step of a tiny
network, stage by stage (this session's step-through is held by ``session.step_state``);
``logic`` checks the gradients and looks inside a trained network (its tab drawn by
``inside_view``); ``charts`` draws them.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from scratchnet.app.runs import step_trace as step
from scratchnet.app.runs.config import ACTIVATION_LABELS, FEATURE_LABELS
from scratchnet.app.runs.trace_stages import PHASES, Stage, StepTrace
from scratchnet.app.text import fmt
from scratchnet.app.ui import run_panel, session
from scratchnet.app.under_the_hood import charts, inside_view, logic, tiny

NBSP = "\u00a0"  # keeps a shape such as "W 4 × 3, b 3" on one line
WIDE_COLUMNS = 5  # a table with more columns than this needs the page's full width
TABS = ("One training step", "Gradient check", "Inside a trained network")
PHASE_TITLES = {
    "forward": "1 · Forward pass: from inputs to probabilities",
    "loss": "2 · Loss: how wrong is it?",
    "backward": "3 · Backward pass: each gradient from the one after it",
    "update": "4 · Update: a small step against the gradient",
}


# ---- one training step --------------------------------------------------------------------------
def _tiny_state() -> tiny.TinyState:
    """This session's step-through, restarted whenever the network or the batch is changed."""
    chosen = session.step_choices()  # a choice not drawn yet keeps TinySpec's default
    chosen["features"] = tuple(chosen.get("features") or tiny.DEFAULT_FEATURES)
    spec = tiny.TinySpec(**chosen)
    held = session.step_state()
    if held is None or held.spec != spec:
        held = tiny.TinyState.start(spec)
        session.set_step_state(held)
    return held


def _lr() -> float:
    return session.step_lr(1.0)


def _take_step() -> None:
    session.set_step_state(_tiny_state().step(_lr()))


def _start_over() -> None:
    session.set_step_state(tiny.TinyState.start(_tiny_state().spec))


def _stage_card(stage: Stage) -> None:
    with st.container(border=True):
        rows, columns = stage.shape
        shape = stage.shape_text or (f"{columns}" if stage.row_title == "" and rows == 1 else f"{rows} × {columns}")
        st.markdown(f"**{stage.title}** · shape `{shape.replace(' ', NBSP)}`")
        st.latex(stage.formula)
        (st.warning if stage.warning else st.caption)(stage.note)
        st.markdown(charts.stage_markdown(stage))


def _cards(stages: list[Stage]) -> None:
    """Two cards a row; a table too wide for half the page gets a row of its own."""
    rows: list[list[Stage]] = []
    for stage in stages:
        if stage.shape[1] > WIDE_COLUMNS:
            rows.append([stage])
        elif rows and len(rows[-1]) == 1 and rows[-1][0].shape[1] <= WIDE_COLUMNS:
            rows[-1].append(stage)
        else:
            rows.append([stage])
    for row in rows:
        wide = row[0].shape[1] > WIDE_COLUMNS
        for column, stage in zip(st.columns(1 if wide else 2), row):
            with column:
                _stage_card(stage)


def _step_controls() -> None:
    controls = st.columns([1.0, 1.4, 1.0, 0.7, 1.2, 1.7])
    common = {"persist_state": "session"}
    controls[0].select_slider("Hidden units", tiny.HIDDEN_CHOICES, value=4, key=session.STEP_HIDDEN, **common)
    controls[1].selectbox(
        "Activation",
        list(ACTIVATION_LABELS),
        format_func=ACTIVATION_LABELS.get,
        key=session.STEP_ACTIVATION,
        index=0,
        **common,
    )
    controls[2].slider(
        "Points in the batch",
        tiny.MIN_POINTS,
        tiny.MAX_POINTS,
        6,
        key=session.STEP_POINTS,
        help="Spiral points, the classes taking turns.",
        **common,
    )
    controls[3].number_input(
        "Seed", 0, 999_999, 0, key=session.STEP_SEED, help="Same seed, same points and weights.", **common
    )
    controls[4].select_slider(
        "Learning rate η", tiny.LR_CHOICES, value=1.0, key=session.STEP_LR, format_func=fmt, **common
    )
    controls[5].multiselect(
        "Inputs",
        list(FEATURE_LABELS),
        default=list(tiny.DEFAULT_FEATURES),
        format_func=FEATURE_LABELS.get,
        key=session.STEP_FEATURES,
        help="What the network sees of each point: x₁, x₂ and functions of them (none chosen: x₁ and x₂).",
        **common,
    )


def _step_metrics(state: tiny.TinyState, trace: StepTrace) -> None:
    spec = state.spec
    buttons = st.columns([1.3, 1, 4], vertical_alignment="center")
    buttons[0].button(
        "Take this step", type="primary", icon=":material/skip_next:", on_click=_take_step, key=session.STEP_TAKE
    )
    buttons[1].button("Start over", icon=":material/restart_alt:", on_click=_start_over, key=session.STEP_RESET)
    sizes = " → ".join(map(str, spec.sizes))
    buttons[2].caption(
        f"Network {sizes} ({ACTIVATION_LABELS[spec.activation]}), inputs {', '.join(spec.input_names)}, "
        f"{spec.points} points, seed {spec.seed}."
    )
    change = trace.loss_after - trace.loss_before
    metrics = st.columns([1, 1, 0.7, 1.6])
    metrics[0].metric("Loss now", f"{trace.loss_before:.6f}", help="Mean cross-entropy of the batch.")
    metrics[1].metric(
        "Loss after this step",
        f"{trace.loss_after:.6f}",
        delta=f"{change:+.6f}",
        delta_color="inverse",
        help="The same batch, after the update below.",
    )
    metrics[2].metric("Steps taken", state.steps)
    with metrics[3]:
        if state.steps:
            run_panel.show_chart(charts.loss_steps_chart([*state.losses, trace.loss_before]), width="stretch")
    if change > 0:
        st.warning(
            f"This step would raise the loss: η = {fmt(trace.lr)} is too big a step for this batch. "
            "Try a smaller learning rate.",
            icon=":material/trending_up:",
        )


def _loss_phase(trace: StepTrace) -> None:
    left, right = st.columns(2)
    with left:
        _stage_card(trace.phase("loss")[0])
    with right, st.container(border=True):
        st.markdown("**Why this loss**")
        st.markdown(
            "Cross-entropy is the surprise at the true class: −log 1 = 0 when the network is sure and "
            "right, and it grows without bound as the true class's probability goes to 0. A network that "
            f"guesses uniformly scores log 3 = {np.log(3):.4f}."
        )


def _after_update(trace: StepTrace) -> None:
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown("**The loss of each point, before and after the step**")
        st.latex(
            r"L_{\text{before}} = "
            + f"{trace.loss_before:.6f}"
            + r",\quad L_{\text{after}} = "
            + f"{trace.loss_after:.6f}"
        )
        st.markdown(charts.frame_markdown(step.loss_change_frame(trace), decimals=5))
    with right, st.container(border=True):
        st.markdown("**Next**")
        st.markdown(
            "Press **Take this step** to apply this update; the page then shows the next step, from the "
            "new weights. Repeat it and the batch loss keeps falling for a small η. A big η can overshoot."
        )
        st.button(
            "Take this step",
            type="primary",
            icon=":material/skip_next:",
            on_click=_take_step,
            key=session.STEP_TAKE_BOTTOM,
        )


def _step_tab() -> None:
    st.markdown(
        "A tiny network and a tiny batch, so every number fits on the screen. These are the engine's own passes "
        "(`layer.forward`, `layer.backward`, `SGD.step`) on a copy of the network; each table is a copy of the "
        "array at that moment. Orange numbers are positive, blue negative; the largest in each table are shaded."
    )
    _step_controls()
    state = _tiny_state()
    trace = state.trace(_lr())
    _step_metrics(state, trace)
    for phase in PHASES:
        st.subheader(PHASE_TITLES[phase])
        if phase == "loss":
            _loss_phase(trace)
            continue
        _cards(trace.phase(phase))
        if phase == "update":
            _after_update(trace)


# ---- gradient check -----------------------------------------------------------------------------
def _check_view(check: logic.GradientCheck, title: str) -> None:
    st.markdown(f"**{title}**")
    if check.passed:
        st.success(f"Every tensor passes: largest relative error {check.worst:.1e}.", icon=":material/check_circle:")
    else:
        failing = ", ".join(check.report.loc[check.report["verdict"] == "FAIL", "parameter"])
        st.error(
            f"Back-propagation is wrong for {failing}: relative error up to {check.worst:.2f}.",
            icon=":material/error:",
        )
    st.dataframe(
        check.report,
        hide_index=True,
        width="stretch",
        column_config={"relative error": st.column_config.NumberColumn(format="%.2e")},
    )
    run_panel.show_chart(
        charts.check_scatter_chart(check.entries, title="each entry: analytic vs numeric", of=title), width="content"
    )


def _check_tab() -> None:
    state = _tiny_state()
    st.markdown(logic.CHECK_INTRO)
    st.latex(
        r"\frac{\partial L}{\partial \theta} \approx \frac{L(\theta + \varepsilon) - L(\theta - \varepsilon)}"
        r"{2\varepsilon}, \quad \varepsilon = 10^{-6}, \qquad "
        r"\text{relative error} = \frac{\lVert g_{\text{analytic}} - g_{\text{numeric}} \rVert}"
        r"{\lVert g_{\text{analytic}} \rVert + \lVert g_{\text{numeric}} \rVert}"
    )
    sizes = " → ".join(map(str, state.spec.sizes))
    st.markdown(
        f"On the network and batch of the first tab ({sizes}, {state.spec.points} points, inputs "
        f"{', '.join(state.spec.input_names)}, after {state.steps} steps), with the same weights and two ReLU "
        f"derivatives. A tensor passes below 1e{np.log10(logic.CHECK_TOLERANCE):.0f}; a correct float64 backward "
        "lands near 1e-9."
    )
    net, (X, y) = state.network(), state.inputs()
    kinds = ["relu", "notebook_relu"]
    if state.spec.activation not in kinds:
        kinds.append(state.spec.activation)
    titles = {
        "relu": "ReLU, correct derivative 1[z > 0]",
        "notebook_relu": "ReLU, the notebook's derivative max(z, 0)",
    }
    for column, kind in zip(st.columns(len(kinds), gap="large"), kinds):
        with column:
            _check_view(logic.gradient_check(net, X, y, kind), titles.get(kind, f"{ACTIVATION_LABELS[kind]} (yours)"))
    st.caption(logic.CHECK_KINK)


# ---- the page -----------------------------------------------------------------------------------
def page() -> None:
    """The whole page below its configuration: the title, then the three tabs, each drawn only while open."""
    st.title("Under the hood")
    st.caption(
        "What the network computes, number by number: one training step, a check that its gradients are right, and "
        "what a trained network holds inside."
    )
    tabs = st.tabs(list(TABS), key=session.HOOD_TAB, on_change="rerun")
    for tab, draw in zip(tabs, (_step_tab, _check_tab, inside_view.inside_tab)):
        with tab:
            if tab.open:
                draw()

"""The "Under the hood" page's Streamlit views: one training step laid bare, gradient checks, and
what a trained network has inside.

The numbers come from the pure modules: ``step`` traces one training step of a tiny network,
stage by stage (this session's step-through lives in ``st.session_state``); ``anatomy`` checks
the gradients and looks inside a trained network, the Playground's run or the default one
(trained once, shared, and only read here).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import scratchnet as sn
from scratchnet.app.runs.config import ACTIVATION_LABELS, DATASET_LABELS, OPTIMIZER_LABELS, RunConfig
from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.runs.result import DataSplit, RunResult
from scratchnet.app.ui import cache, run_panel
from scratchnet.app.under_the_hood import logic, step

STATE = "anatomy.tiny"
NBSP = "\u00a0"  # keeps a shape such as "W 4 × 3, b 3" on one line
WIDE_COLUMNS = 5  # a table with more columns than this needs the page's full width
TABS = ("One training step", "Gradient check", "Inside a trained network")
ACTIVATIONS = ("relu", "notebook_relu", "tanh", "sigmoid", "leaky_relu", "linear")
PHASE_TITLES = {
    "forward": "1 · Forward pass: from inputs to probabilities",
    "loss": "2 · Loss: how wrong is it?",
    "backward": "3 · Backward pass: each gradient from the one after it",
    "update": "4 · Update: a small step against the gradient",
}


# ---- one training step --------------------------------------------------------------------------
def _tiny_state() -> step.TinyState:
    """This session's step-through, restarted whenever the network or the batch is changed."""
    spec = step.TinySpec(
        hidden=st.session_state.get("anatomy.hidden", 4),
        activation=st.session_state.get("anatomy.activation", "relu"),
        points=st.session_state.get("anatomy.points", 6),
        seed=st.session_state.get("anatomy.seed", 0),
    )
    state = st.session_state.get(STATE)
    if state is None or state.spec != spec:
        state = st.session_state[STATE] = step.TinyState.start(spec)
    return state


def _take_step() -> None:
    st.session_state[STATE] = _tiny_state().step(st.session_state.get("anatomy.lr", 1.0))


def _start_over() -> None:
    st.session_state[STATE] = step.TinyState.start(_tiny_state().spec)


def _stage_card(stage: step.Stage) -> None:
    with st.container(border=True):
        rows, columns = stage.shape
        shape = stage.shape_text or (f"{columns}" if stage.row_title == "" and rows == 1 else f"{rows} × {columns}")
        st.markdown(f"**{stage.title}** · shape `{shape.replace(' ', NBSP)}`")
        st.latex(stage.formula)
        (st.warning if stage.warning else st.caption)(stage.note)
        st.dataframe(step.stage_styler(stage), width="content")


def _cards(stages: list[step.Stage]) -> None:
    """Two cards a row; a table too wide for half the page gets a row of its own."""
    rows: list[list[step.Stage]] = []
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


def _step_tab() -> None:
    st.markdown(
        "A tiny network and a tiny batch, so every number fits on the screen. These are the engine's own passes "
        "(`layer.forward`, `layer.backward`, `SGD.step`) on a copy of the network; each table is a copy of the "
        "array at that moment. Red cells are positive, blue negative."
    )
    controls = st.columns([1.2, 1.6, 1.2, 0.8, 1.4])
    controls[0].select_slider("Hidden units", step.HIDDEN_CHOICES, value=4, key="anatomy.hidden", persist_state="session")
    controls[1].selectbox(
        "Activation",
        ACTIVATIONS,
        format_func=ACTIVATION_LABELS.get,
        key="anatomy.activation",
        persist_state="session",
        index=0,
    )
    controls[2].slider(
        "Points in the batch",
        step.MIN_POINTS,
        step.MAX_POINTS,
        6,
        key="anatomy.points",
        persist_state="session",
        help="Spiral points, the classes taking turns.",
    )
    controls[3].number_input(
        "Seed", 0, 999_999, 0, key="anatomy.seed", persist_state="session", help="Same seed, same points and weights."
    )
    controls[4].select_slider(
        "Learning rate η",
        step.LR_CHOICES,
        value=1.0,
        key="anatomy.lr",
        persist_state="session",
        format_func=lambda lr: f"{lr:g}",
    )
    state = _tiny_state()
    trace = state.trace(st.session_state.get("anatomy.lr", 1.0))
    spec = state.spec

    buttons = st.columns([1.3, 1, 4], vertical_alignment="center")
    buttons[0].button(
        "Take this step", type="primary", icon=":material/skip_next:", on_click=_take_step, key="anatomy.step"
    )
    buttons[1].button("Start over", icon=":material/restart_alt:", on_click=_start_over, key="anatomy.reset")
    buttons[2].caption(
        f"Network 2 → {spec.hidden} → 3 ({ACTIVATION_LABELS[spec.activation]}), {spec.points} points, seed {spec.seed}."
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
            run_panel.show_chart(step.loss_steps_chart([*state.losses, trace.loss_before]), width="stretch")
    if change > 0:
        st.warning(
            f"This step would raise the loss: η = {trace.lr:g} is too big a step for this batch. "
            "Try a smaller learning rate.",
            icon=":material/trending_up:",
        )

    for phase in step.PHASES:
        st.subheader(PHASE_TITLES[phase])
        stages = trace.phase(phase)
        if phase == "loss":
            left, right = st.columns(2)
            with left:
                _stage_card(stages[0])
            with right, st.container(border=True):
                st.markdown("**Why this loss**")
                st.markdown(
                    "Cross-entropy is the surprise at the true class: −log 1 = 0 when the network is sure and "
                    "right, and it grows without bound as the true class's probability goes to 0. A network that "
                    f"guesses uniformly scores log 3 = {np.log(3):.4f}."
                )
            continue
        _cards(stages)
        if phase == "update":
            left, right = st.columns(2)
            with left, st.container(border=True):
                st.markdown("**The loss of each point, before and after the step**")
                st.latex(
                    r"L_{\text{before}} = "
                    + f"{trace.loss_before:.6f}"
                    + r",\quad L_{\text{after}} = "
                    + f"{trace.loss_after:.6f}"
                )
                frame = step.loss_change_frame(trace)
                st.dataframe(frame.style.format("{:.5f}"), width="content")
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
                    key="anatomy.step_bottom",
                )


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
        logic.check_scatter_chart(check.entries, title="each entry: analytic vs numeric"), width="content"
    )


def _check_tab() -> None:
    state = _tiny_state()
    st.markdown(
        "Back-propagation can be checked without trusting it: nudge one parameter θ by ±ε and measure the loss "
        "itself. The slope that comes out must match the gradient `backward` computed."
    )
    st.latex(
        r"\frac{\partial L}{\partial \theta} \approx \frac{L(\theta + \varepsilon) - L(\theta - \varepsilon)}"
        r"{2\varepsilon}, \quad \varepsilon = 10^{-6}, \qquad "
        r"\text{relative error} = \frac{\lVert g_{\text{analytic}} - g_{\text{numeric}} \rVert}"
        r"{\lVert g_{\text{analytic}} \rVert + \lVert g_{\text{numeric}} \rVert}"
    )
    st.markdown(
        f"On the network and batch of the first tab (2 → {state.spec.hidden} → 3, {state.spec.points} points, "
        f"after {state.steps} steps), with the same weights and two ReLU derivatives. A tensor passes below "
        f"1e{np.log10(logic.CHECK_TOLERANCE):.0f}; a correct float64 backward lands near 1e-9."
    )
    net, (X, y) = state.network(), state.batch()
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
    st.caption(
        "Only W1 and b1 fail with the notebook's ReLU: their gradients pass back through the ReLU, while W2 and b2 "
        "sit above it. The batch's points lie away from the origin: there, with zero biases, every unit sits on "
        "ReLU's kink, where a finite difference straddles two slopes and matches no derivative."
    )


# ---- inside a trained network -------------------------------------------------------------------
@st.cache_data(max_entries=32, show_spinner=False)
def _unit_maps(config: RunConfig, digest: str, layer: int, _net: sn.Network, _data: DataSplit) -> pd.DataFrame:
    return logic.unit_map_frame(_net, _data, layer)


@st.cache_data(max_entries=16, show_spinner=False)
def _gradient_norms(config: RunConfig, epochs: tuple[int, ...], digest: str, _result: RunResult) -> pd.DataFrame:
    data = _result.data
    return logic.gradient_norm_frame(
        _result.network, _result.history.snapshots, data.X_train, data.y_train, l2=config.l2
    )


def _waiting(job: TrainingJob) -> None:
    """Redraw the progress until the run ends, then the whole page once."""

    @st.fragment(run_every=0.5)
    def bar() -> None:
        job.watch(run_panel.watcher_id())  # a reader's note that this session is looking; it changes no result
        if job.done:
            st.rerun()
        progress = job.progress()
        st.progress(min(progress.fraction, 1.0), text=f"Training: epoch {progress.epoch:,} of {progress.epochs:,}…")

    bar()


def _trained_run() -> RunResult | None:
    """The Playground's run if there is one, otherwise the default run (trained once, shared)."""
    run = run_panel.current_run()
    if run is None:
        st.info(
            "No run in the Playground yet, so this is the default one: the spiral, 64 ReLU units, Adam, "
            "2 000 epochs. Train another in the Playground and come back to look inside it.",
            icon=":material/info:",
        )
        run = cache.start_run(RunConfig())
    if isinstance(run, TrainingJob):
        if not run.done:
            _waiting(run)
            return None
        if run.result is None:
            st.error(f"That run failed: {run.error}. Train another in the Playground.")
            return None
        run = run.result
    return run


def _describe(result: RunResult) -> str:
    config = result.config
    sizes = " → ".join(map(str, result.network.sizes))
    dataset = "Your points" if config.data_id else DATASET_LABELS.get(config.dataset, config.dataset)
    return (
        f"**{dataset}**, network {sizes} "
        f"({ACTIVATION_LABELS[config.activation]}), {OPTIMIZER_LABELS[config.optimizer]}, "
        f"lr {config.lr:g}, {result.history.epochs_run:,} epochs: training accuracy {result.train_accuracy:.1%}."
    )


def _inside_tab() -> None:
    result = _trained_run()
    if result is None:
        return
    st.markdown(_describe(result))
    snapshots = result.history.snapshots
    epochs = [snapshot.epoch for snapshot in snapshots]
    hidden = logic.hidden_layer_count(result.network)
    controls = st.columns([3, 2])
    epoch, net = result.shown_epoch, result.network
    if len(epochs) > 1:
        key = "anatomy.epoch"
        if st.session_state.get(key) not in epochs:
            st.session_state[key] = min(epochs, key=lambda e: abs(e - result.shown_epoch))
        chosen = controls[0].select_slider(
            "The network at epoch",
            epochs,
            key=key,
            format_func=lambda e: f"{e:,}",
            help="Slide back through training: the maps and the weights as they were then.",
        )
        epoch, net = result.network_at(epochs.index(chosen))
    layer = 1
    if hidden > 1:
        layer = (
            controls[1].segmented_control(
                "Hidden layer", list(range(1, hidden + 1)), default=1, key="anatomy.layer", format_func=str
            )
            or 1
        )

    st.subheader("What each hidden unit responds to")
    if hidden == 0:
        st.info("This network has no hidden layer: its two inputs feed the class scores directly.")
    else:
        units = result.network.sizes[layer]
        shown = min(units, logic.MAX_MAP_UNITS)
        relu = result.config.activation in ("relu", "notebook_relu")
        text = (
            f"Each square is the whole plane of the data, as in the points on the left; its colour is what one unit "
            f"of hidden layer {layer} outputs for a point there (orange high, blue negative, white 0), scaled by "
            "that unit's largest output."
        )
        if layer == 1:
            text += " A first-layer unit sees a weighted sum of x₁ and x₂, so its colour changes across straight lines"
            text += ": a ReLU unit is off (white) on one side of its line." if relu else "."
        else:
            text += " Deeper units combine the units below them, so their regions can bend."
        if relu:
            text += " A unit that is white everywhere is dead: it never fires, so it never learns."
        if shown < units:
            text += f" Showing the first {shown} of {units} units."
        st.markdown(text)
        frame = _unit_maps(result.config, logic.params_digest(net), layer, net, result.data)
        points, maps = st.columns([1, 5])
        with points:
            run_panel.show_chart(logic.data_chart(result.data), width="content")
        with maps:
            run_panel.show_chart(logic.unit_map_chart(frame), width="content")

    st.subheader("Weights")
    st.markdown(
        "Red weights excite the unit they feed, blue ones inhibit it, white ones hardly matter. The hidden units "
        "run across the page, in the same order as the maps above; hover over a cell for its value."
    )
    for k in range(1, len(net.dense_layers) + 1):
        rows, cols = logic.weight_names(net, k, result.data.class_names)
        frame = logic.weight_frame(net.params[f"W{k}"], rows=rows, columns=cols)
        run_panel.show_chart(logic.weight_chart(frame, name=f"W{k}"), width="content")

    st.subheader("Gradient norm per layer over training")
    st.markdown(
        "The length ‖∂J/∂W‖ of each weight matrix's gradient over the whole training set, replayed from the "
        "saved snapshots (J = the training loss, plus the L2 penalty if any). With plain gradient descent it "
        "shrinks as the loss flattens, and so do the steps. Adam's steps do not shrink with the gradient, so under "
        "Adam it often bounces instead. Lines far apart: the layers get gradients of very different sizes."
    )
    if len(snapshots) < 2:
        ended = "blew up" if result.status == "diverged" else "stopped"
        st.info(
            f"This run {ended} at epoch {result.history.epochs_run:,}, before its second snapshot: "
            "there is no history to replay."
        )
        return
    digest = logic.params_digest(snapshots[-1].params)
    norms = _gradient_norms(result.config, tuple(epochs), digest, result)
    if norms["norm"].notna().any():
        run_panel.show_chart(logic.gradient_norm_chart(norms, marker=epoch), width="stretch")
    else:
        st.info("No finite gradient to show: the run blew up from the start.")


# ---- the page -----------------------------------------------------------------------------------
def page() -> None:
    """The whole page below its configuration: the title, then the three tabs, each drawn only while open."""
    st.title("Under the hood")
    st.caption(
        "What the network computes, number by number: one training step, a check that its gradients are right, and "
        "what a trained network holds inside."
    )
    tabs = st.tabs(list(TABS), key="anatomy.tab", on_change="rerun")
    with tabs[0]:
        if tabs[0].open:
            _step_tab()
    with tabs[1]:
        if tabs[1].open:
            _check_tab()
    with tabs[2]:
        if tabs[2].open:
            _inside_tab()

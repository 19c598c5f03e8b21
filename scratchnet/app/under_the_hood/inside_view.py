"""Under the hood's tab "Inside a trained network", in Streamlit: what each hidden unit responds to (its
map, painted as the Playground's diagram paints it), the weight matrices, and each layer's gradient norm
over training, for the Playground's run or the default one (trained once, shared, and only read here).
``logic`` works the numbers out and ``charts`` draws them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import scratchnet as sn
from scratchnet.app.runs.config import FEATURE_LABELS, RunConfig
from scratchnet.app.runs.result import DataSplit, RunResult, inputs
from scratchnet.app.text import escape
from scratchnet.app.ui import cache, live, run_panel, session
from scratchnet.app.under_the_hood import charts, logic


def _unit_maps(config: RunConfig, layer: int, net: sn.Network, data: DataSplit) -> pd.DataFrame:
    """``logic.unit_map_frame``, once per network and layer (``cache.network_piece``)."""
    build = lambda: logic.unit_map_frame(net, data, layer, features=config.features)  # noqa: E731
    return cache.network_piece("hood unit maps", cache.network_key(config, net), (layer,), build)


def _gradient_norms(config: RunConfig, result: RunResult) -> pd.DataFrame:
    """``logic.gradient_norm_frame`` over the run's snapshots, once per run (keyed by its last snapshot)."""
    snapshots = result.history.snapshots
    X = inputs(config, result.data.X_train)

    def build() -> pd.DataFrame:
        return logic.gradient_norm_frame(result.network, snapshots, X, result.data.y_train, l2=config.l2)

    epochs = tuple(snapshot.epoch for snapshot in snapshots)
    return cache.network_piece("gradient norms", cache.network_key(config, snapshots[-1].params), epochs, build)


def _trained_run() -> RunResult | None:
    """The Playground's run if there is one, otherwise the default run (trained once, shared)."""
    job = session.current_run()
    if job is None:
        st.info(
            "No run in the Playground yet, so this is the default one: the spiral, 64 ReLU units, Adam, "
            "2 000 epochs. Train another in the Playground and come back to look inside it.",
            icon=":material/info:",
        )
        job = cache.start_run(RunConfig())
    if not job.done:

        def bar() -> None:
            job.watch(session.watcher_id())  # a reader's note that this session is looking; it changes no result
            progress = job.progress()
            st.progress(min(progress.fraction, 1.0), text=f"Training: epoch {progress.epoch:,} of {progress.epochs:,}…")

        live.poll(lambda: not job.done, bar, key=session.HOOD_WAITING)
        return None
    if job.result is None:
        st.error(f"That run failed: {escape(job.error)}. Train another in the Playground.")
    return job.result


def _epoch_and_layer(result: RunResult) -> tuple[int, sn.Network, int]:
    """The snapshot and hidden layer the student picked (sliders shown only when there is a choice)."""
    epochs = [snapshot.epoch for snapshot in result.history.snapshots]
    hidden = logic.hidden_layer_count(result.network)
    controls = st.columns([3, 2])
    epoch, net = result.shown_epoch, result.network
    if len(epochs) > 1:
        if session.hood_epoch() not in epochs:
            session.set_hood_epoch(min(epochs, key=lambda e: abs(e - result.shown_epoch)))
        chosen = controls[0].select_slider(
            "The network at epoch",
            epochs,
            key=session.HOOD_EPOCH,
            format_func=lambda e: f"{e:,}",
            help="Slide back through training: the maps and the weights as they were then.",
        )
        epoch, net = result.network_at(epochs.index(chosen))
    layer = 1
    if hidden > 1:
        picked = controls[1].segmented_control(
            "Hidden layer", list(range(1, hidden + 1)), default=1, key=session.HOOD_LAYER, format_func=str
        )
        layer = picked or 1
    return epoch, net, layer


def inside_tab() -> None:
    """The tab "Inside a trained network": the unit maps, the weights and the gradient norms of a run."""
    result = _trained_run()
    if result is None:
        return
    config = result.config
    st.markdown(logic.describe(config, result.network.sizes, result.history.epochs_run, result.train_accuracy))
    optimizer = sn.OPTIMIZER_CHOICES[config.optimizer]
    with st.expander(f"How {optimizer.short} updates the weights (η_t = lr / (1 + decay · t))"):
        st.latex(optimizer.formula)
        st.caption(optimizer.notes)
    epoch, net, layer = _epoch_and_layer(result)

    st.subheader("What each hidden unit responds to")
    if logic.hidden_layer_count(result.network) == 0:
        st.info("This network has no hidden layer: its inputs feed the class scores directly.")
    else:
        units = result.network.sizes[layer]
        st.markdown(logic.unit_maps_text(layer, units, config.activation, config.features))
        frame = _unit_maps(config, layer, net, result.data)
        points, maps = st.columns([1, 5])
        with points:
            run_panel.show_chart(charts.data_chart(result.data), width="content")
        with maps:
            run_panel.show_chart(charts.unit_map_chart(frame), width="content")

    st.subheader("Weights")
    st.markdown(logic.WEIGHTS_TEXT)
    names = [FEATURE_LABELS[name] for name in config.features]
    for k in range(1, len(net.dense_layers) + 1):
        rows, cols = logic.weight_names(net, k, result.data.class_names, inputs=names)
        frame = logic.weight_frame(net.params[f"W{k}"], rows=rows, columns=cols)
        run_panel.show_chart(charts.weight_chart(frame, name=f"W{k}"), width="content")

    st.subheader("Gradient norm per layer over training")
    st.markdown(logic.GRADIENT_NORM_TEXT)
    snapshots = result.history.snapshots
    if len(snapshots) < 2:
        ended = "blew up" if result.status == "diverged" else "stopped"
        st.info(
            f"This run {ended} at epoch {result.history.epochs_run:,}, before its second snapshot: "
            "there is no history to replay."
        )
        return
    norms = _gradient_norms(config, result)
    if norms["norm"].notna().any():
        run_panel.show_chart(charts.gradient_norm_chart(norms, marker=epoch), width="stretch")
    else:
        st.info("No finite gradient to show: the run blew up from the start.")

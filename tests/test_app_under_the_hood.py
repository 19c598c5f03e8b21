"""The "Under the hood" page: one training step laid bare, gradient checks, a trained network's insides.

The pure functions of ``scratchnet.app.runs.step_trace`` and ``.logic`` are checked against
plain NumPy written out by hand; the page is driven through AppTest and its numbers compared with
the engine's.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from app_helpers import app, charts, dataset_with, metric, picture

import scratchnet as sn
from scratchnet.app.playground import logic as diagram_logic
from scratchnet.app.plots import palette
from scratchnet.app.plots.frames import extent
from scratchnet.app.plots.picture import rgb
from scratchnet.app.runs import step_trace as step
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.runs.result import make_data, make_network, make_optimizer, snapshot_count, summarize
from scratchnet.app.runs.trace_stages import PHASES
from scratchnet.app.ui import session
from scratchnet.app.ui.cache import start_run
from scratchnet.app.under_the_hood import charts as hood_charts
from scratchnet.app.under_the_hood import logic, tiny

PAGE = "pages/2_Under_the_hood.py"


pytestmark = pytest.mark.usefixtures("fresh_caches")  # every test starts with empty Streamlit caches


def by_hand(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, lr: float, relu_slope) -> dict:
    """One gradient-descent step of a 2-hidden-3 ReLU network, written out in plain NumPy."""
    W1, b1, W2, b2 = (params[name] for name in ("W1", "b1", "W2", "b2"))
    n = len(y)
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2 + b2
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    per_point = -np.log(p[np.arange(n), y])
    Y = np.eye(3)[y]
    dz2 = (p - Y) / n
    dW2, db2 = a1.T @ dz2, dz2.sum(axis=0)
    da1 = dz2 @ W2.T
    dz1 = da1 * relu_slope(z1)
    dW1, db1 = X.T @ dz1, dz1.sum(axis=0)
    new = {"W1": W1 - lr * dW1, "b1": b1 - lr * db1, "W2": W2 - lr * dW2, "b2": b2 - lr * db2}
    z2_new = np.maximum(X @ new["W1"] + new["b1"], 0) @ new["W2"] + new["b2"]
    e_new = np.exp(z2_new - z2_new.max(axis=1, keepdims=True))
    p_new = e_new / e_new.sum(axis=1, keepdims=True)
    return {
        "z1": z1,
        "a1": a1,
        "logits": z2,
        "p": p,
        "per_point": per_point,
        "loss": per_point.mean(),
        "dlogits": dz2,
        "dW2": dW2,
        "db2": db2[None, :],
        "da1": da1,
        "dz1": dz1,
        "dW1": dW1,
        "db1": db1[None, :],
        "new": new,
        "loss_after": -np.log(p_new[np.arange(n), y]).mean(),
    }


def markdown_table(text: str) -> list[list[str]]:
    """The cells of a Markdown table drawn by the step-through (its row labels and colour marks dropped)."""
    rows = [line.strip("|").split("|") for line in text.splitlines()[2:]]
    return [[re.sub(r"^:\w+(-background)?\[(.*)\]$", r"\2", cell.strip()) for cell in row[1:]] for row in rows]


# ---- the step, function by function -------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["relu", "notebook_relu"])
def test_the_step_is_what_plain_numpy_computes_for_a_2_3_3_network(kind: str) -> None:
    spec = tiny.TinySpec(hidden=3, activation=kind, points=5, seed=7)
    net = tiny.tiny_network(spec)
    X, y = tiny.tiny_batch(spec.points, spec.seed)
    kept = net.get_params()
    trace = step.trace_step(net, X, y, lr=0.3)
    slope = (lambda z: (z > 0).astype(float)) if kind == "relu" else (lambda z: np.maximum(z, 0))
    expected = by_hand(kept, X, y, 0.3, slope)

    for key in ("z1", "a1", "logits", "p", "dlogits", "dW2", "db2", "da1", "dz1", "dW1", "db1"):
        np.testing.assert_allclose(trace.stage(key).values, expected[key], rtol=1e-10, atol=1e-12, err_msg=key)
    np.testing.assert_allclose(trace.stage("X").values, X)
    np.testing.assert_allclose(trace.stage("loss").values[:, 2], expected["per_point"], rtol=1e-10)
    np.testing.assert_array_equal(trace.stage("loss").values[:, 0], y)
    assert trace.loss_before == pytest.approx(expected["loss"], rel=1e-12)
    assert trace.loss_after == pytest.approx(expected["loss_after"], rel=1e-10)
    for k in (1, 2):
        after = trace.stage(f"W{k}b{k}_new").values
        np.testing.assert_allclose(after[:-1], expected["new"][f"W{k}"], rtol=1e-12)
        np.testing.assert_allclose(after[-1], expected["new"][f"b{k}"], atol=1e-15)
        before = trace.stage(f"W{k}b{k}").values
        np.testing.assert_array_equal(before[:-1], kept[f"W{k}"])
    for name, value in kept.items():  # the network handed in is never touched
        np.testing.assert_array_equal(net.params[name], value)
    assert trace.stage("dz1").warning is (kind == "notebook_relu")


def test_stages_come_in_order_with_labelled_tables_and_formulas() -> None:
    trace = tiny.TinyState.start(tiny.TinySpec(hidden=4, points=6)).trace(1.0)
    phases = [stage.phase for stage in trace.stages]
    assert phases == sorted(phases, key=PHASES.index)
    keys = [stage.key for stage in trace.stages]
    assert keys[:7] == ["X", "W1b1", "z1", "a1", "W2b2", "logits", "p"]
    assert keys[8:15] == ["dlogits", "dW2", "db2", "da1", "dz1", "dW1", "db1"]
    frame = trace.stage("dW1").frame()
    assert list(frame.index) == ["x₁", "x₂"] and list(frame.columns) == ["h₁", "h₂", "h₃", "h₄"]
    assert trace.stage("p").frame().shape == (6, 3)
    np.testing.assert_allclose(trace.stage("p").values.sum(axis=1), 1.0)
    assert r"\mathbf{1}[z_{1} > 0]" in trace.stage("dz1").formula
    assert r"a_{1}^\top" in trace.stage("dW2").formula


def test_the_batch_is_seeded_balanced_and_clear_of_the_origin() -> None:
    X, y = tiny.tiny_batch(7, seed=3)
    again, labels = tiny.tiny_batch(7, seed=3)
    np.testing.assert_array_equal(X, again)
    np.testing.assert_array_equal(y, labels)
    assert not np.array_equal(X, tiny.tiny_batch(7, seed=4)[0])
    assert sorted(np.bincount(y)) == [2, 2, 3]
    assert np.hypot(X[:, 0], X[:, 1]).min() >= tiny.MIN_RADIUS - 1e-12
    with pytest.raises(ValueError, match="points"):
        tiny.tiny_batch(100, seed=0)
    with pytest.raises(ValueError, match="activation"):
        tiny.TinySpec(activation="softplus")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_small_steps_keep_lowering_the_batch_loss_and_states_stay_immutable(seed: int) -> None:
    state = first = tiny.TinyState.start(tiny.TinySpec(hidden=5, points=8, seed=seed))
    kept = {name: value.copy() for name, value in first.params.items()}
    losses = []
    for _ in range(6):
        trace = state.trace(0.1)
        assert trace.loss_after < trace.loss_before
        losses.append(trace.loss_before)
        state = state.step(0.1)
    assert state.steps == 6 and list(state.losses) == losses
    for name, value in kept.items():
        np.testing.assert_array_equal(first.params[name], value)


# ---- gradient check ---------------------------------------------------------------------------------
def test_the_gradient_check_passes_relu_and_fails_the_notebooks_below_the_relu_only() -> None:
    state = tiny.TinyState.start(tiny.TinySpec(hidden=6, points=6, seed=1))
    net, (X, y) = state.network(), state.batch()
    right = logic.gradient_check(net, X, y, "relu")
    wrong = logic.gradient_check(net, X, y, "notebook_relu")
    assert right.passed and right.worst < 1e-6
    errors = dict(zip(wrong.report["parameter"], wrong.report["relative error"]))
    assert errors["W1"] > 1e-3 and errors["b1"] > 1e-3
    assert errors["W2"] < 1e-6 and errors["b2"] < 1e-6
    assert list(wrong.report["verdict"]) == ["FAIL", "FAIL", "pass", "pass"]
    assert len(right.entries) == net.n_params
    np.testing.assert_allclose(right.entries["analytic"], right.entries["numeric"], atol=1e-7)
    spec = hood_charts.check_scatter_chart(wrong.entries, title="t").to_dict()
    assert spec["layer"][1]["encoding"]["y"]["field"] == "analytic"


# ---- inside a trained network -----------------------------------------------------------------------
def small_result(hidden: tuple[int, ...] = (8,), epochs: int = 150) -> object:
    config = RunConfig(hidden=hidden, epochs=epochs, samples=40)
    data = make_data(config)
    net = make_network(config, data.classes)
    history = sn.train(
        net, data.X_train, data.y_train, make_optimizer(config), epochs, snapshots=snapshot_count(net), seed=0
    )
    return summarize(config, data, net, history)


def inside(result) -> object:
    """The page's "Inside a trained network" tab, drawn for ``result`` as the session's run."""
    at = app(PAGE)
    at.session_state[session.RUN] = TrainingJob.finished(result)
    at.session_state[session.HOOD_TAB] = "Inside a trained network"
    at.run()
    assert not at.exception
    return at


def shade(value: float, peak: float) -> np.ndarray:
    """The colour a unit's map gives ``value`` when its largest absolute output is ``peak``, worked out
    from the palette: white at 0, towards orange (positive) or blue (negative) in proportion."""
    strength = abs(value) / peak if peak > 0 else 0.0
    end = np.array(rgb(palette.POSITIVE if value >= 0 else palette.NEGATIVE), dtype=float)
    return 255 * (1 - strength) + end * strength


def cell_centres(data, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """The centres (display units) of the map's cells, x and y, worked out from the window."""
    x_low, x_high, y_low, y_high = extent(data)
    xs, ys = np.linspace(x_low, x_high, resolution + 1), np.linspace(y_low, y_high, resolution + 1)
    return (xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2


def test_unit_maps_are_each_units_output_over_the_grid() -> None:
    result = small_result(hidden=(6, 5))
    net = result.network
    kept = net.get_params()
    frame = logic.unit_map_frame(net, result.data, layer=2, resolution=12)
    # named as every page names them: layer 2 of two hidden layers, units 1-5
    assert [label.split(" (")[0] for label in frame["unit"]] == [f"h2.{j}" for j in range(1, 6)]
    cx, cy = cell_centres(result.data, 12)
    gx, gy = np.meshgrid(cx, cy)  # row iy, column ix
    seen = (np.c_[gx.ravel(), gy.ravel()] - result.data.center) / result.data.scale
    W1, b1, W2, b2 = (kept[k] for k in ("W1", "b1", "W2", "b2"))
    hidden2 = np.maximum(np.maximum(seen @ W1 + b1, 0) @ W2 + b2, 0).reshape(12, 12, 5)
    np.testing.assert_allclose(frame["low"], hidden2.min(axis=(0, 1)), atol=1e-9)
    np.testing.assert_allclose(frame["high"], hidden2.max(axis=(0, 1)), atol=1e-9)
    for j, url in enumerate(frame["url"]):
        pixels = picture(url).astype(float)[1:-1, 1:-1]  # inside its one-pixel grey frame
        assert pixels.shape == (12, 12, 4)
        peak = np.abs(hidden2[..., j]).max()
        shades = np.array([[shade(value, peak) for value in row] for row in hidden2[..., j]])
        np.testing.assert_allclose(pixels[::-1, :, :3], shades, atol=1)  # every cell; the top row is the highest y
    for name, value in kept.items():
        np.testing.assert_array_equal(net.params[name], value)
    chart = hood_charts.unit_map_chart(frame).to_dict()
    maps, names = chart["layer"]
    assert maps["mark"]["type"] == "image" and names["mark"]["type"] == "text"
    assert maps["encoding"]["url"]["field"] == "url" and names["encoding"]["text"]["field"] == "unit"
    shown = pd.DataFrame(chart["datasets"][chart["data"]["name"]])
    assert list(shown["unit"]) == list(frame["unit"]) and list(shown["url"]) == list(frame["url"])
    assert shown["top"].nunique() == 1 and shown["left"].is_monotonic_increasing  # 5 units: one row, in order
    assert ((shown["right"] - shown["left"]) == (shown["bottom"] - shown["top"])).all()  # square maps


def test_a_unit_looks_the_same_in_the_diagram_and_under_the_hood() -> None:
    """One painting of a unit's map: Under the hood's map of a hidden unit is, byte for byte, the
    Playground diagram's picture of that unit at the same resolution."""
    result = small_result(hidden=(6, 5))
    net, data, features = result.network, result.data, result.config.features
    diagram = diagram_logic.diagram(net, data, features, resolution=logic.MAP_RESOLUTION)
    for layer in (1, 2):
        hood = logic.unit_map_frame(net, data, layer, features=features)
        drawn = diagram.units[diagram.units["layer"] == layer].sort_values("unit")
        assert list(hood["url"]) == list(drawn["url"])
        np.testing.assert_array_equal(hood[["low", "high"]].to_numpy(), drawn[["low", "high"]].to_numpy())


def test_weight_frames_hold_every_entry_and_tall_matrices_are_drawn_across() -> None:
    W = np.arange(12.0).reshape(4, 3) - 5
    frame = logic.weight_frame(W, rows=list("abcd"), columns=list("xyz"))
    assert len(frame) == 12
    assert frame.loc[(frame["from"] == "c") & (frame["to"] == "y"), "weight"].item() == W[2, 1]
    spec = hood_charts.weight_chart(frame, name="W2").to_dict()
    assert spec["encoding"]["x"]["field"] == "from" and "transposed" in spec["title"]
    wide = hood_charts.weight_chart(logic.weight_frame(W.T), name="W1").to_dict()
    assert wide["encoding"]["x"]["field"] == "to" and "transposed" not in wide["title"]


def test_gradient_norms_replay_each_snapshot_on_a_copy() -> None:
    result = small_result()
    data, net = result.data, result.network
    kept = net.get_params()
    snapshots = result.history.snapshots
    frame = logic.gradient_norm_frame(net, snapshots, data.X_train, data.y_train)
    assert len(frame) == 2 * len(snapshots)
    probe = net.with_params(snapshots[3].params)
    _, dlogits = sn.softmax_cross_entropy(probe.forward(data.X_train), data.y_train)
    probe.backward(dlogits)
    row = frame[(frame["epoch"] == snapshots[3].epoch) & (frame["layer"] == "W2")]
    assert row["norm"].item() == pytest.approx(np.linalg.norm(probe.grads["W2"]), rel=1e-12)
    with_l2 = logic.gradient_norm_frame(net, snapshots[3:4], data.X_train, data.y_train, l2=0.01)
    expected = np.linalg.norm(probe.grads["W2"] + 0.01 * snapshots[3].params["W2"])
    assert with_l2.loc[with_l2["layer"] == "W2", "norm"].item() == pytest.approx(expected, rel=1e-12)
    for name, value in kept.items():
        np.testing.assert_array_equal(net.params[name], value)


# ---- the page -----------------------------------------------------------------------------------------
def test_the_page_steps_through_one_training_step_with_the_engines_numbers() -> None:
    at = app(PAGE).run()
    assert not at.exception
    headers = [h.value for h in at.subheader]
    assert any(h.startswith("1 · Forward") for h in headers) and any(h.startswith("4 · Update") for h in headers)
    assert len(at.get("latex")) >= 15
    net = sn.mlp([2, 4, 3], activation="relu", init="he", seed=0)
    X, y = tiny.tiny_batch(6, seed=0)
    loss, _ = sn.softmax_cross_entropy(net.forward(X), y)
    assert metric(at, "Loss now") == f"{loss:.6f}"
    shown_X = markdown_table(next(m.value for m in at.markdown if m.value.startswith("| point |")))
    assert shown_X == [[f"{value:.4f}" for value in row] for row in X]

    at.select_slider(key=session.STEP_LR).set_value(0.1).run()
    before, after = float(metric(at, "Loss now")), float(metric(at, "Loss after this step"))
    assert after < before
    at.button(key=session.STEP_TAKE).click().run()
    assert not at.exception
    assert metric(at, "Steps taken") == "1"
    assert float(metric(at, "Loss now")) == pytest.approx(after, abs=1e-6)
    assert float(metric(at, "Loss after this step")) < after
    at.button(key=session.STEP_RESET).click().run()
    assert metric(at, "Steps taken") == "0" and float(metric(at, "Loss now")) == pytest.approx(before, abs=1e-6)


def test_the_notebooks_relu_shows_its_wrong_derivative_on_the_page() -> None:
    at = app(PAGE).run()
    at.selectbox(key=session.STEP_ACTIVATION).set_value("notebook_relu").run()
    assert not at.exception
    assert any("The notebook's bug" in w.value for w in at.warning)
    assert any(r"\max(z_{1},\ 0)" in latex.value for latex in at.get("latex"))


def test_the_gradient_check_tab_flags_the_notebooks_relu() -> None:
    at = app(PAGE)
    at.session_state[session.HOOD_TAB] = "Gradient check"
    at.run()
    assert not at.exception
    reports = [frame.value for frame in at.dataframe]
    assert len(reports) == 2
    right, wrong = (dict(zip(r["parameter"], r["relative error"])) for r in reports)
    assert max(right.values()) < 1e-6
    assert wrong["W1"] > 1e-3 and wrong["b1"] > 1e-3 and wrong["W2"] < 1e-6
    assert len(at.success) == 1 and len(at.error) == 1
    assert len(charts(at)) == 2


def test_inside_the_playgrounds_run_one_map_per_unit_and_every_weight() -> None:
    result = small_result(hidden=(8,))
    at = inside(result)
    drawn = charts(at)
    maps = next(c for c in drawn if any({"unit", "url"} <= set(f.columns) for f in c["datasets"].values()))
    frame = dataset_with(maps, "unit", "url", "range")
    assert len(frame) == 8 and frame["unit"].nunique() == 8
    # each map as the page's logic paints it (the diagram's painting: see the test above)
    expected = logic.unit_map_frame(result.network, result.data, features=result.config.features)
    assert list(frame["url"]) == list(expected["url"])
    side = logic.MAP_RESOLUTION + 2  # the cells and their one-pixel frame
    assert all(picture(url).shape == (side, side, 4) for url in frame["url"])
    weights = {
        c["spec"]["title"].split(":")[0]: dataset_with(c, "from", "to", "weight")
        for c in drawn
        if isinstance(c["spec"].get("title"), str) and c["spec"]["title"].startswith("W")
    }
    assert len(weights["W1"]) == 2 * 8 and len(weights["W2"]) == 8 * 3
    np.testing.assert_allclose(weights["W1"]["weight"].to_numpy().reshape(2, 8), result.network.params["W1"], atol=1e-5)
    norms = next(c for c in drawn if any("norm" in f.columns for f in c["datasets"].values()))
    assert set(dataset_with(norms, "epoch", "layer", "norm")["layer"]) == {"W1", "W2"}
    # the run's optimizer, its update rule as its record writes it
    assert any(sn.OPTIMIZER_CHOICES[result.config.optimizer].formula in latex.value for latex in at.latex)


def test_without_a_run_the_default_network_is_trained_and_shown() -> None:
    at = app(PAGE)
    at.session_state[session.HOOD_TAB] = "Inside a trained network"
    at.run()
    assert not at.exception
    job = start_run(RunConfig())
    assert job.wait(90), "the default run did not finish in time"
    at.run()
    assert not at.exception
    maps = next(c for c in charts(at) if any({"unit", "url"} <= set(f.columns) for f in c["datasets"].values()))
    assert dataset_with(maps, "unit", "url")["unit"].nunique() == 64


# ---- input features ------------------------------------------------------------------------------------
def test_the_step_through_and_gradient_check_take_the_new_input_features() -> None:
    spec = tiny.TinySpec(hidden=4, points=6, seed=2, features=("x1", "x2", "x1^2", "sin(x2)"))
    assert spec.sizes == [4, 4, 3] and spec.input_names == ("x₁", "x₂", "x₁²", "sin x₂")
    state = tiny.TinyState.start(spec)
    X, y = state.inputs()
    raw, labels = state.batch()
    np.testing.assert_array_equal(y, labels)
    np.testing.assert_allclose(X, np.c_[raw, raw[:, 0] ** 2, np.sin(raw[:, 1])])
    trace = state.trace(0.3)
    np.testing.assert_allclose(trace.stage("X").values, X)
    assert trace.stage("X").columns == spec.input_names and r"N \times 4" in trace.stage("X").formula
    assert list(trace.stage("dW1").frame().index) == list(spec.input_names)
    expected = by_hand(state.params, X, y, 0.3, lambda z: (z > 0).astype(float))
    np.testing.assert_allclose(trace.stage("dW1").values, expected["dW1"], rtol=1e-10, atol=1e-12)
    check = logic.gradient_check(state.network(), X, y, "relu")
    assert check.passed and len(check.entries) == 4 * 4 + 4 + 4 * 3 + 3
    with pytest.raises(ValueError, match="features"):
        tiny.TinySpec(features=("x1", "x3"))
    with pytest.raises(ValueError, match="inputs must name"):
        step.trace_step(state.network(), X, y, 0.1, inputs=("a", "b"))


def test_the_page_steps_and_checks_a_network_on_more_inputs() -> None:
    at = app(PAGE)
    at.session_state[session.STEP_FEATURES] = ["x1", "x2", "x1*x2"]
    at.run()
    assert not at.exception
    assert any("Network 3 → 4 → 3" in caption.value for caption in at.caption)
    state = at.session_state[session.STEP_STATE]
    X, y = state.inputs()
    net = state.network()
    loss, _ = sn.softmax_cross_entropy(net.forward(X), y)
    assert metric(at, "Loss now") == f"{loss:.6f}"
    at.session_state[session.HOOD_TAB] = "Gradient check"
    at.run()
    assert not at.exception
    right, wrong = (dict(zip(r.value["parameter"], r.value["relative error"])) for r in at.dataframe)
    assert max(right.values()) < 1e-6 and wrong["W1"] > 1e-3


def test_inside_a_network_on_more_inputs_each_map_and_weight_is_the_engines() -> None:
    config = RunConfig(hidden=(6,), epochs=120, samples=40, features=("x1", "x2", "x1*x2"))
    data = make_data(config)
    net = make_network(config, data.classes)
    history = sn.train(
        net,
        sn.expand_features(data.X_train, config.features),
        data.y_train,
        make_optimizer(config),
        config.epochs,
        snapshots=snapshot_count(net),
        seed=0,
    )
    result = summarize(config, data, net, history)
    frame = logic.unit_map_frame(result.network, data, resolution=10, features=config.features)
    cx, cy = cell_centres(data, 10)
    gx, gy = np.meshgrid(cx, cy)
    point = (np.c_[gx.ravel(), gy.ravel()] - data.center) / data.scale
    seen = np.c_[point, point[:, 0] * point[:, 1]]
    W1, b1 = result.network.params["W1"], result.network.params["b1"]
    hidden = np.maximum(seen @ W1 + b1, 0).reshape(10, 10, -1)
    for j, url in enumerate(frame["url"]):
        peak = np.abs(hidden[..., j]).max()
        np.testing.assert_allclose(picture(url)[1 + 9 - 7, 1 + 2, :3], shade(hidden[7, 2, j], peak), atol=1)

    at = inside(result)
    drawn = charts(at)
    w1 = next(c for c in drawn if str(c["spec"].get("title", "")).startswith("W1"))
    weights = dataset_with(w1, "from", "to", "weight")
    assert list(weights["from"].unique()) == ["x₁", "x₂", "x₁·x₂"] and len(weights) == 3 * 6
    assert any("inputs x₁, x₂, x₁·x₂" in m.value for m in at.markdown)
    norms = next(c for c in drawn if any("norm" in f.columns for f in c["datasets"].values()))
    assert dataset_with(norms, "epoch", "layer", "norm")["norm"].notna().all()


# ---- what a click draws (its server time: benchmarks/app_speed.py, "Take this step") ------------------------
def test_a_step_click_draws_no_data_grids() -> None:
    at = app(PAGE).run()
    assert not at.exception
    assert not at.dataframe  # some twenty styled grids made a click cost over a second; Markdown tables do not
    for _ in range(5):
        at.button(key=session.STEP_TAKE).click().run()
    assert not at.exception and not at.dataframe and metric(at, "Steps taken") == "5"


def test_a_stage_table_marks_sign_and_size() -> None:
    values = np.array([[1.0, -0.9, 0.3], [-0.1, 0.0, 0.05]])
    table = hood_charts.table_markdown(values, ("1", "2"), ("a", "b", "c"), row_title="point")
    lines = table.splitlines()
    assert lines[0] == "| point | a | b | c |" and len(lines) == 4
    assert lines[2] == "| **1** | :orange-background[1.0000] | :blue-background[-0.9000] | :orange[0.3000] |"
    assert lines[3] == "| **2** | -0.1000 | 0.0000 | 0.0500 |"
    assert markdown_table(table) == [["1.0000", "-0.9000", "0.3000"], ["-0.1000", "0.0000", "0.0500"]]

"""The network diagram on the Playground, tested through the chart's data: one line per weight shown,
its sign and width from the network's parameters, following the replay slider and the live run; wide
layers drawn in part; a selected unit's formula with its actual weights. And the decision map stays
readable with many points (issue 15 item 12)."""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest
from app_helpers import app, charts, dataset_with, picture, settle, trained

import scratchnet as sn
from scratchnet.app.playground import charts as diagram_charts
from scratchnet.app.playground import logic
from scratchnet.app.plots import charts as plot_charts
from scratchnet.app.plots import frames
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.ui import session

pytestmark = pytest.mark.usefixtures("fresh_caches")
LINE_COLUMNS = ("source", "target", "weight", "sign", "width")
MAP_COLUMNS = ("url", "name", "range", "fed_by")


def diagram_of(at) -> dict:
    """The diagram chart on the page (the one with weight lines)."""
    found = [c for c in charts(at) if any(set(LINE_COLUMNS) <= set(f.columns) for f in c["datasets"].values())]
    assert len(found) == 1, f"{len(found)} diagrams on the page"
    return found[0]


def expected_lines(net, features, class_names) -> pd.DataFrame:
    """Every weight between drawn units, straight from the parameters: source, target, weight."""
    names = logic.unit_names(net.sizes, features, class_names)
    chosen = logic.drawn_units(net)
    rows = []
    for k, layer in enumerate(net.dense_layers, start=1):
        W = layer.params["W"]
        for i in chosen[k - 1]:
            for j in chosen[k]:
                rows.append((names[k - 1][i], names[k][j], float(W[i, j])))
    return pd.DataFrame(rows, columns=["source", "target", "weight"])


def assert_lines_match(lines: pd.DataFrame, net, features, class_names) -> None:
    expected = expected_lines(net, features, class_names)
    assert len(lines) == len(expected)  # one line per weight shown, no more
    merged = expected.merge(lines, on=["source", "target"], suffixes=("", "_drawn"), validate="one_to_one")
    assert len(merged) == len(expected)
    np.testing.assert_allclose(merged["weight_drawn"], merged["weight"], rtol=1e-9, atol=1e-12)
    assert (merged["sign"] == np.where(merged["weight"] >= 0, "positive", "negative")).all()
    np.testing.assert_allclose(merged["width"], logic.line_width(merged["weight"].to_numpy()))
    # thicker for a larger |w|: the widths are in the order of the weights' sizes
    order = np.argsort(np.abs(merged["weight"].to_numpy()), kind="stable")
    assert (np.diff(merged["width"].to_numpy()[order]) >= -1e-12).all()


# ---- on the page ---------------------------------------------------------------------------------
def test_the_diagram_draws_one_line_per_weight_with_its_sign_and_width():
    at = settle(app(query={"epochs": "150"}))
    assert not at.exception
    result = at.session_state[session.RUN].result
    chart = diagram_of(at)
    lines = dataset_with(chart, *LINE_COLUMNS)
    assert len(lines) == 2 * 16 + 16 * 3  # 2 inputs, 16 of the 64 hidden units, 3 outputs
    assert_lines_match(lines, result.network, result.config.features, result.data.class_names)
    units = dataset_with(chart, *MAP_COLUMNS)
    assert list(units["name"][:2]) == ["x₁", "x₂"] and len(units) == 2 + 16 + 3
    assert "+48 more" in set(dataset_with(chart, "text", "kind")["text"])
    biases = dataset_with(chart, "text", "kind")
    shown = set(biases.loc[biases["kind"] == "bias", "text"]) - {""}
    b2 = result.network.params["b2"]
    assert {f"{value:+.2f}" for value in b2} <= shown  # the output biases are visible too


def test_the_replay_slider_moves_the_diagram_to_that_epoch():
    at = settle(app(query={"epochs": "300"}))
    result = at.session_state[session.RUN].result
    final = dataset_with(diagram_of(at), *LINE_COLUMNS)
    first_epoch = result.history.snapshots[0].epoch
    at.select_slider(key=session.view_key(session.RESULT, "replay")).set_value(first_epoch).run()
    assert not at.exception
    early = dataset_with(diagram_of(at), *LINE_COLUMNS)
    _, net = result.network_at(0)
    assert_lines_match(early, net, result.config.features, result.data.class_names)
    assert not np.allclose(early["weight"].sort_values().to_numpy(), final["weight"].sort_values().to_numpy())


def test_a_selected_unit_shows_its_map_and_its_formula_with_its_weights():
    at = settle(app(query={"epochs": "120", "hidden": "5"}))
    result = at.session_state[session.RUN].result
    at.selectbox(key=session.DIAGRAM_UNIT).set_value("1:2").run()
    assert not at.exception
    (code,) = [c.value for c in at.code if c.value.startswith("h₃")]
    W, b = result.network.params["W1"], result.network.params["b1"]
    assert code == logic.formula(result.network, ("x1", "x2"), result.data.class_names, 1, 2, "relu")
    assert_formula(code, W[:, 2], b[2], ["x₁", "x₂"])
    assert code.startswith("h₃ = ReLU(")
    big = [c for c in charts(at) if "url" in str(c["spec"]) and not any("weight" in f for f in c["datasets"])]
    assert any(picture(dataset_with(c, "url")["url"].iloc[0]).shape[:2] == (100, 100) for c in big)


def test_the_diagram_follows_a_run_while_it_trains():
    at = app(query={"epochs": "20000", "seed": "11", "hidden": "16"})  # long, yet well within the time limit
    at.run()
    job = at.session_state[session.RUN]
    deadline = time.monotonic() + 30
    while (job.progress().params is None or job.progress().epoch < 20) and time.monotonic() < deadline:
        time.sleep(0.1)
    progress = job.progress()
    job.progress = lambda: progress  # this reader sees the run where it was: the page draws those parameters
    try:
        at.run()
        assert not at.exception
        assert not job.done, "the run ended before the page was drawn again"
        lines = dataset_with(diagram_of(at), *LINE_COLUMNS)
        net = trained(RunConfig(epochs=1, hidden=(16,))).network.with_params(progress.params)
        assert_lines_match(lines, net, ("x1", "x2"), job.data.class_names)
    finally:
        del job.progress
        at.button(key=session.CANCEL).click()
        at.run()


# ---- the logic, directly -------------------------------------------------------------------------
def assert_formula(text: str, weights: np.ndarray, bias: float, names: list[str]) -> None:
    """The formula names every input (or, past ``FORMULA_TERMS``, the strongest ones and how many
    more) with its weight to 2 decimals, and the bias."""
    written = np.argsort(-np.abs(weights), kind="stable")[: logic.FORMULA_TERMS]
    if len(weights) > logic.FORMULA_TERMS:
        assert f"({len(weights) - logic.FORMULA_TERMS} more terms)" in text
    for weight, name in zip(weights[written], np.asarray(names)[written]):
        term = re.search(rf"([−+]?)\s*(\d+\.\d\d)·{re.escape(name)}(?!\d|[₀-₉])", text)
        assert term, (name, text)
        value = float(term.group(2)) * (-1 if term.group(1) == "−" else 1)
        assert abs(value - weight) <= 0.005 + 1e-9, (name, value, weight)
    tail = re.search(r"([−+])\s*(\d+\.\d\d)\)?$", text.split(";")[0])
    assert tail and abs(float(tail.group(2)) * (-1 if tail.group(1) == "−" else 1) - bias) <= 0.005 + 1e-9


@pytest.fixture(scope="module")
def wide():
    return trained(RunConfig(epochs=40, hidden=(64, 20), features=("x1", "x2", "x1^2")))


def test_a_wide_layer_shows_its_16_strongest_units_and_says_how_many_more(wide):
    net = wide.network
    chosen = logic.drawn_units(net)
    assert [len(c) for c in chosen] == [3, 16, 16, 3]
    outgoing = np.linalg.norm(net.params["W2"], axis=1)
    assert set(chosen[1]) == set(np.argsort(-outgoing)[:16])  # the strongest by outgoing weight norm
    diagram = logic.diagram(net, wide.data, wide.config.features)
    assert list(diagram.more["text"]) == ["+48 more", "+4 more"]
    assert len(diagram.weights) == 3 * 16 + 16 * 16 + 16 * 3
    assert_lines_match(diagram.weights, net, wide.config.features, wide.data.class_names)
    chart = diagram_charts.diagram_chart(diagram).to_dict()  # validated against the Vega-Lite schema
    assert len(chart["layer"]) >= 3


def test_the_biggest_network_allowed_draws_hundreds_of_lines_not_thousands():
    config = RunConfig(epochs=1, hidden=(128,) * 4, classes=10, features=tuple(sn.FEATURES))
    result = trained(config)
    diagram = logic.diagram(result.network, result.data, config.features)
    assert len(diagram.weights) == 7 * 16 + 3 * 16 * 16 + 16 * 10
    assert len(diagram.units) == 7 + 4 * 16 + 10
    assert list(diagram.more["text"]) == ["+112 more"] * 4


def test_formulas_of_every_kind_of_unit(wide):
    net, names = wide.network, wide.data.class_names
    features = wide.config.features
    first = logic.formula(net, features, names, 1, 0, "relu")
    assert first.startswith("h1.1 = ReLU(")
    assert_formula(first, net.params["W1"][:, 0], net.params["b1"][0], ["x₁", "x₂", "x₁²"])
    deep = logic.formula(net, features, names, 2, 3, "tanh")
    assert deep.startswith("h2.4 = tanh(") and "(58 more terms)" in deep  # 64 inputs: the 6 strongest written
    output = logic.formula(net, features, names, 3, 1, "relu")
    assert output.startswith("z₁ = ") and output.endswith("p(class 1) = softmax(z)₁")
    assert_formula(output, net.params["W3"][:, 1], net.params["b3"][1], [f"h2.{j + 1}" for j in range(20)])
    assert logic.formula(net, features, names, 0, 2, "relu").startswith("x₁² = x1^2")
    assert logic.formula(net, features, names, 1, 0, "linear").startswith("h1.1 = ") and "ReLU" not in (
        logic.formula(net, features, names, 1, 0, "linear")
    )


def test_unit_maps_are_what_each_unit_computes(wide):
    net, data, features = wide.network, wide.data, wide.config.features
    diagram = logic.diagram(net, data, features)
    _, _, centres = frames.grid_points(data, logic.THUMB_RESOLUTION)
    values = logic.layer_values(net, features, centres)
    np.testing.assert_allclose(values[-1], net.predict_proba(np.c_[centres, centres[:, 0] ** 2]), atol=1e-12)
    units = diagram.units.set_index(["layer", "unit"])
    for (layer, unit), row in units.iterrows():
        column = values[layer][:, unit]
        assert row["low"] == pytest.approx(column.min()) and row["high"] == pytest.approx(column.max())
    # an output's map: its class colour, as opaque as the class is likely (top row = highest y)
    url = units.loc[(3, 0), "url"]
    pixels = picture(url).astype(float)
    probability = values[3][:, 0].reshape(logic.THUMB_RESOLUTION, -1)[::-1]
    inner = (slice(1, -1), slice(1, -1))  # inside the map's one-pixel frame, every cell
    expected = np.round(255 * plot_charts.MAP_OPACITY[1] * probability)
    np.testing.assert_allclose(pixels[..., 3][inner], expected, atol=1)


# ---- the decision map with many points (issue 15 item 12) ----------------------------------------
def test_ten_classes_of_a_thousand_points_leave_the_map_readable():
    result = trained(RunConfig(epochs=20, samples=1000, classes=10, hidden=(8,)))
    points = frames.points_frame(result.network, result.data)
    grid = frames.grid_frame(result.network, result.data, 20)
    assert len(points) == 10_000
    chart = plot_charts.boundary_chart(grid, points, result.data.class_names, window=frames.extent(result.data))
    spec = chart.to_dict()
    drawn = next(pd.DataFrame(values) for values in spec["datasets"].values() if "correct" in values[0])
    for kind in ("right", "wrong"):
        count = int((points["correct"] == kind).sum())
        shown = int((drawn["correct"] == kind).sum())
        assert shown == min(count, len(range(0, count, max(1, -(-count // plot_charts.MAX_SHOWN_POINTS)))))
        assert shown <= plot_charts.MAX_SHOWN_POINTS  # an even share of each kind, neither burying the map
    sizes = _size_range(spec)
    assert sizes[1] <= 40 and sizes[0] <= 12  # small marks, not 120-pixel crosses over the map
    assert "wrong shown" in str(spec["title"]) or "right shown" in str(spec["title"])  # and the chart says so
    few = plot_charts.boundary_chart(
        grid, points.iloc[:300], result.data.class_names, window=frames.extent(result.data)
    )
    assert _size_range(few.to_dict()) == list(plot_charts.MARKER_SIZES) and "title" not in few.to_dict()


def _size_range(spec: dict) -> list[float]:
    for layer in spec["layer"]:
        size = layer.get("encoding", {}).get("size")
        if size:
            return size["scale"]["range"]
    raise AssertionError("no size scale")

"""Input features in the app: a run's network sees ``config.features`` of each point, and the choice
travels with the configuration — the URL, the controls, the cache key, uploaded points, the maps."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import app, charts, dataset_with, decision_map, metric, settle, trained

import scratchnet as sn
from scratchnet.app.plots import frames
from scratchnet.app.runs import points as own
from scratchnet.app.runs.config import FIELDS, RunConfig, from_query, to_query
from scratchnet.app.runs.cost import cost_verdict
from scratchnet.app.runs.result import inputs, make_data, make_network
from scratchnet.app.ui import session

pytestmark = pytest.mark.usefixtures("fresh_caches")
SQUARES = ("x1", "x2", "x1^2", "x2^2")


# ---- the configuration ---------------------------------------------------------------------------
def test_features_default_to_the_plain_coordinates_and_size_the_network():
    assert RunConfig().features == ("x1", "x2") == FIELDS["features"].default
    config = RunConfig(features=("sin(x2)", "x1", "x1*x2"))
    assert config.features == ("x1", "x1*x2", "sin(x2)")  # one order, the engine's: equal choices, equal configs
    assert config == RunConfig(features=("x1", "x1*x2", "sin(x2)"))
    assert config.sizes == [3, 64, 3] and config.n_params == (3 + 1) * 64 + (64 + 1) * 3
    assert make_network(config, 3).sizes == [3, 64, 3]
    assert cost_verdict(config).seconds > 0


@pytest.mark.parametrize("bad", [(), ("x3",), ("x1", "banana"), "x1,x2", [1, 2], None])
def test_bad_features_are_refused_saying_what_is_allowed(bad):
    with pytest.raises(ValueError) as refused:
        RunConfig(features=bad)
    message = str(refused.value)
    assert message.startswith("features must") and "x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)" in message


def test_every_default_of_the_config_is_its_fields():
    config = RunConfig()
    for name, spec in FIELDS.items():
        assert getattr(config, name) == spec.default, name


def test_features_travel_in_the_link_and_back():
    config = RunConfig(features=("x1", "x2", "x1^2"), epochs=50)
    query = to_query(config)
    assert query["features"] == "x1,x2,x1^2"
    assert from_query(query) == (config, [])
    assert "features" not in to_query(RunConfig())  # the default is not spelled out
    again, messages = from_query({"features": ["x1, sin(x1) ,x1"]})  # spaces, repeats: read kindly
    assert again.features == ("x1", "sin(x1)") and messages == []
    kept, messages = from_query({"features": ["x1,x9"], "epochs": ["70"]})
    assert kept.features == ("x1", "x2") and kept.epochs == 70
    (message,) = messages
    assert "features must" in message and "'x9'" in message


# ---- the network meets points through its features ----------------------------------------------
def test_inputs_are_the_features_of_each_point_in_order():
    config = RunConfig(features=("x1", "x2^2", "x1*x2", "sin(x1)"))
    X = np.array([[0.5, -2.0], [1.0, 3.0]])
    expected = np.c_[X[:, 0], X[:, 1] ** 2, X[:, 0] * X[:, 1], np.sin(X[:, 0])]
    np.testing.assert_allclose(inputs(config, X), expected)
    np.testing.assert_array_equal(inputs(RunConfig(), X), X)


def test_the_gradient_check_passes_through_a_network_on_features():
    config = RunConfig(features=("x1", "x2", "x1^2", "x1*x2", "sin(x2)"), hidden=(6,), activation="tanh")
    data = make_data(config)
    net = make_network(config, data.classes)
    assert sn.gradient_check(net, inputs(config, data.X_train[:40]), data.y_train[:40]) < 1e-6


def test_a_run_on_features_is_drawn_with_them():
    config = RunConfig(dataset="circles", classes=2, noise=0.1, hidden=(), features=("x1^2", "x2^2"), epochs=600)
    result = trained(config)
    assert result.train_accuracy >= 0.95  # a straight line in (x₁², x₂²) is a circle in (x₁, x₂)
    grid = frames.grid_frame(result.network, result.data, 40, features=config.features)
    _, _, centres = frames.grid_points(result.data, 40)
    predicted = result.network.predict(inputs(config, centres))
    assert (np.asarray(result.data.class_names)[predicted] == grid["predicted"].to_numpy()).all()
    points = frames.points_frame(result.network, result.data, features=config.features)
    assert (points["correct"] == "right").mean() >= 0.9
    wide = make_network(RunConfig(features=SQUARES), 2)
    with pytest.raises(ValueError):  # a network on 4 features cannot be shown the plain coordinates
        frames.grid_frame(wide, result.data, 10)


def test_uploaded_points_train_on_features():
    rng = np.random.default_rng(4)
    radius = np.r_[rng.uniform(0, 1, 80), rng.uniform(2, 3, 80)]
    angle = rng.uniform(0, 2 * np.pi, 160)
    X = np.c_[radius * np.cos(angle), radius * np.sin(angle)] * 50 + 200
    points = own.make_points(X, np.repeat([0, 1], 80), ("inside", "outside"))
    config = RunConfig(hidden=(), features=("x1^2", "x2^2"), epochs=800, lr=0.1).replace(
        data_id=points.fingerprint, classes=2, data_points=len(points)
    )
    data = own.to_data(points, config.test_share, config.data_seed)
    result = trained(config, data)
    assert result.train_accuracy >= 0.95  # standardised points, then squared: the ring is a circle again


# ---- on the page ---------------------------------------------------------------------------------
def test_a_link_with_features_trains_a_network_on_them():
    at = settle(app(query={"features": "x1,x2,x1^2,x2^2", "epochs": "150"}))
    assert not at.exception
    result = at.session_state[session.RUN].result
    assert result.config.features == SQUARES and result.network.sizes[0] == 4
    expected = trained(RunConfig(features=SQUARES, epochs=150))
    assert metric(at, "Final loss") == f"{expected.train_loss:.4f}"
    board = next(c for c in charts(at) if any("x2" in f for f in c["datasets"].values()) and "layer" in c["spec"])
    cells = decision_map(board)
    centres = (cells[["x", "y"]].to_numpy() - result.data.center) / result.data.scale
    names = np.asarray(result.data.class_names)
    assert (names[result.network.predict(inputs(result.config, centres))] == cells["predicted"]).mean() > 0.999
    # the diagram's input column is the four features
    diagram = next(c for c in charts(at) if any("fed_by" in f for f in c["datasets"].values()))
    assert list(dataset_with(diagram, "name", "fed_by")["name"][:4]) == ["x₁", "x₂", "x₁²", "x₂²"]


def test_the_inputs_control_trains_what_it_shows_and_refuses_none():
    at = settle(app(query={"epochs": "120"}))
    inputs_control = next(g for g in at.get("button_group") if g.label == "Inputs")
    assert list(inputs_control.value) == ["x1", "x2"]
    inputs_control.set_value(["x1", "x2", "sin(x1)", "sin(x2)"]).run()
    next(b for b in at.sidebar.button if b.label == "Train").click()
    settle(at)
    assert not at.exception
    assert at.session_state[session.RUN].config.features == ("x1", "x2", "sin(x1)", "sin(x2)")
    assert at.query_params["features"] in ("x1,x2,sin(x1),sin(x2)", ["x1,x2,sin(x1),sin(x2)"])  # the link follows

    next(g for g in at.get("button_group") if g.label == "Inputs").set_value([]).run()
    assert not at.exception
    train = next(b for b in at.sidebar.button if b.label == "Train")
    assert train.disabled
    assert any("features must" in e.value for e in at.sidebar.error)


def test_a_preset_with_features_loads_them_into_the_controls():
    at = settle(app(query={"epochs": "100"}))
    at.selectbox(key=session.PRESET_CHOICE).set_value("circles_squares").run()
    next(b for b in at.sidebar.button if b.label == "Load preset and train").click()
    settle(at)
    assert not at.exception
    assert at.session_state[session.RUN].config.features == ("x1^2", "x2^2")
    assert list(next(g for g in at.get("button_group") if g.label == "Inputs").value) == ["x1^2", "x2^2"]

"""The Playground page, driven through Streamlit's AppTest: controls, training, charts, messages."""

from __future__ import annotations

import time

import numpy as np
import pytest
from app_helpers import app, charts, dataset_with, decision_map, metric, settle

import scratchnet as sn
from scratchnet.app.plots.charts import MAP_OPACITY
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.presets import PRESETS
from scratchnet.app.runs.trainer import get_pool

SHORT = {"epochs": "200"}


pytestmark = pytest.mark.usefixtures("fresh_caches")  # every test starts with empty Streamlit caches


def engine_result(config: RunConfig) -> tuple[float, float, float]:
    """Train ``config`` with the engine directly, as a notebook would: (train loss, train acc, test acc)."""
    X, y = sn.make_dataset(config.dataset, config.samples, config.classes, config.noise, seed=config.data_seed)
    X_train, X_test, y_train, y_test = sn.train_test_split(X, y, config.test_share, seed=config.data_seed)
    net = sn.mlp([2, *config.hidden, config.classes], activation=config.activation, init=config.init, seed=config.seed)
    optimizer = sn.Adam(lr=config.lr, decay=config.decay)
    sn.train(net, X_train, y_train, optimizer, config.epochs, seed=config.seed)
    train_loss, train_acc = sn.evaluate(net, X_train, y_train)
    return train_loss, train_acc, sn.evaluate(net, X_test, y_test)[1]


def test_the_default_page_trains_and_its_numbers_are_the_engines():
    at = settle(app(query=SHORT))
    assert not at.exception
    config = RunConfig(epochs=200)
    loss, train_acc, test_acc = engine_result(config)
    assert metric(at, "Final loss") == f"{loss:.4f}"
    assert metric(at, "Train accuracy") == f"{train_acc:.1%}"
    assert metric(at, "Test accuracy") == f"{test_acc:.1%}"
    assert metric(at, "Epochs") == "200"


def test_the_charts_carry_the_run():
    at = settle(app(query=SHORT))
    drawn = charts(at)
    losses = next(c for c in drawn if "vconcat" in c["spec"])
    curve = dataset_with(losses, "epoch", "series", "loss")
    assert (curve["series"] == "training").sum() == 200 and (curve["series"] == "held out").sum() == 200
    assert curve["epoch"].min() == 1 and curve["epoch"].max() == 200
    assert np.isfinite(curve["loss"]).all()
    assert len(dataset_with(losses, "epoch", "lr")) == 200

    board = next(c for c in drawn if "layer" in c["spec"] and any("x2" in f for f in map(list, c["datasets"].values())))
    cells = decision_map(board)
    assert len(cells) == 100 * 100
    assert set(cells["predicted"]) == {"class 0", "class 1", "class 2"}
    low, high = MAP_OPACITY
    assert cells["opacity"].between(low - 0.01, high + 0.01).all() and cells["opacity"].std() > 0.02  # shaded
    # each pixel shows the class the trained network predicts at its cell's centre (the map is not flipped)
    result = at.session_state["run"].result
    centres = (cells[["x", "y"]].to_numpy() - result.data.center) / result.data.scale
    names = np.asarray(result.data.class_names)
    assert (names[result.network.predict(centres)] == cells["predicted"]).mean() > 0.999
    points = dataset_with(board, "x", "y", "true", "predicted", "split")
    assert len(points) == 300
    assert (points["split"] == "held out").sum() == 60
    wrong = (points["true"] != points["predicted"]) == (points["correct"] == "wrong")
    assert wrong.all()


def test_controls_train_what_they_show_and_write_the_link():
    at = app(query=SHORT)
    settle(at)
    at.select_slider(key="cfg.lr").set_value(0.01)
    at.select_slider(key="cfg.epochs").set_value(100)
    at.slider(key="cfg.classes").set_value(4)
    next(b for b in at.sidebar.button if b.label == "Train").click()
    settle(at)
    assert not at.exception
    run = at.session_state["run"]
    config = run.config if hasattr(run, "config") else run.result.config
    assert (config.lr, config.epochs, config.classes) == (0.01, 100, 4)
    assert metric(at, "Epochs") == "100"
    assert at.query_params["lr"] == "0.01" and at.query_params["classes"] == "4"


def test_a_link_round_trips_the_configuration_and_reuses_the_run():
    first = settle(app(query={"epochs": "150", "lr": "0.02", "hidden": "16,8", "dataset": "blobs"}))
    job = first.session_state["run"]
    submitted = get_pool().submitted
    second = settle(app(query=dict(first.query_params)))
    assert second.session_state["run"] is job  # the same shared run: not trained twice
    assert get_pool().submitted == submitted
    assert job.config.hidden == (16, 8) and job.config.dataset == "blobs"


def test_a_preset_fills_the_controls_and_trains():
    at = settle(app(query=SHORT))
    at.selectbox(key="preset_choice").set_value("momentum")
    next(b for b in at.sidebar.button if b.label == "Load preset and train").click()
    at.run()
    preset = PRESETS["momentum"].config()
    assert at.session_state["cfg.optimizer"] == "sgd"
    assert at.session_state["cfg.momentum"] == preset.momentum and at.session_state["cfg.lr"] == preset.lr
    run = at.session_state["run"]
    assert run.config == preset
    run.wait(60)


def test_a_diverging_run_says_so_and_still_draws():
    at = settle(app(query={"preset": "explode"}))
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "blew up" in message and "learning rate" in message
    result = at.session_state["run"].result
    assert result.status == "diverged" and result.history.diverged_at < 500
    curve = dataset_with(next(c for c in charts(at) if "vconcat" in c["spec"]), "epoch", "series", "loss")
    assert (curve["series"] == "training").sum() == result.history.diverged_at
    assert metric(at, "Train accuracy").endswith("%")


def test_a_cached_configuration_does_not_train_again():
    at = settle(app(query=SHORT))
    job = at.session_state["run"]
    submitted = get_pool().submitted
    next(b for b in at.sidebar.button if b.label == "Train").click()
    settle(at)
    assert at.session_state["run"] is job and get_pool().submitted == submitted


def test_cancel_keeps_what_was_learned():
    at = app(query={"epochs": "40000", "seed": "3"})
    at.run()
    job = at.session_state["run"]
    deadline = time.monotonic() + 30
    while job.progress().epoch < 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    at.button(key="cancel_run").click()
    at.run()
    result = at.session_state["run"]
    assert result.status == "cancelled" and 200 <= result.history.epochs_run < 40000
    assert any("Stopped at epoch" in w.value for w in at.warning)
    assert int(metric(at, "Epochs").replace(",", "")) == result.history.epochs_run


def test_bad_link_values_get_messages_and_the_rest_is_kept():
    at = settle(app(query={"lr": "abc", "samples": "1e12", "dataset": "nope", "epochs": "120", "noise": "nan"}))
    assert not at.exception
    messages = " ".join(w.value for w in at.warning)
    for name in ("lr", "samples", "dataset", "noise"):
        assert name in messages
    config = at.session_state["run"].config
    assert config.epochs == 120 and config.lr == RunConfig().lr and config.samples == RunConfig().samples


def test_a_classroom_link_hides_controls():
    at = settle(app(query={"hide": "training,seed", "epochs": "100"}))
    keys = {w.key for w in at.sidebar.select_slider} | {w.key for w in at.sidebar.selectbox}
    assert "cfg.lr" not in keys and "cfg.optimizer" not in keys
    assert "cfg.dataset" in keys
    assert "cfg.seed" not in {w.key for w in at.sidebar.number_input}
    assert at.session_state["run"].config.epochs == 100


def test_too_costly_a_run_is_refused_before_it_starts():
    at = settle(app(query=SHORT))
    at.slider(key="cfg.samples").set_value(1000)
    at.select_slider(key="cfg.epochs").set_value(100_000)
    at.run()
    train = next(b for b in at.sidebar.button if b.label == "Train")
    assert train.disabled
    assert any("limit" in e.value for e in at.sidebar.error)


def test_the_replay_slider_moves_the_boundary():
    at = settle(app(query={"epochs": "300"}))

    def drawn_map():
        board = next(
            c for c in charts(at) if "layer" in c["spec"] and any("x2" in f for f in map(list, c["datasets"].values()))
        )
        return decision_map(board)

    final = drawn_map()
    at.select_slider(key="result.replay").set_value(0)
    at.run()
    start = drawn_map()
    assert (start["predicted"] != final["predicted"]).mean() > 0.2
    assert start["opacity"].mean() < final["opacity"].mean()  # the untrained network is less sure


def test_the_confusion_matrix_is_drawn_when_opened_and_counts_every_point():
    at = settle(app(query=SHORT))
    assert not any("count" in frame for c in charts(at) for frame in c["datasets"].values())  # closed: not computed
    at.session_state["result.details"] = True
    at.run()
    assert not at.exception
    result = at.session_state["run"].result
    matrix = dataset_with(
        next(c for c in charts(at) if any("count" in f for f in c["datasets"].values())), "true", "predicted", "count"
    )
    assert matrix["count"].sum() == len(result.data.y_train)
    right = matrix.loc[matrix["true"] == matrix["predicted"], "count"].sum()
    assert right / len(result.data.y_train) == pytest.approx(result.train_accuracy)

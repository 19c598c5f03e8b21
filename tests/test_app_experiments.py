"""The Experiments page: the notebook replayed, optimizers side by side, and "My runs".

Pure comparisons (``scratchnet.app.experiments.logic``) are checked on small runs trained here; the page
is driven through AppTest with short runs (a shortened replay, 200-epoch optimizer runs) that
train in the shared trainer pool.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from app_helpers import app, charts, dataset_with, metric, picture, trained

import scratchnet as sn
from scratchnet.app.experiments import charts as experiment_charts
from scratchnet.app.experiments import logic, view
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.cost import cost_verdict
from scratchnet.app.runs.result import make_data
from scratchnet.app.ui import session
from scratchnet.app.ui.cache import start_run
from scratchnet.notebook import EXPERIMENTS, HELD_OUT_RECORDED_ACCURACY

PAGE = "pages/1_Experiments.py"
REPLAY_SCALE = 0.05  # 500, 500 and 1,500 epochs instead of 10,000, 10,000 and 30,000
WAIT = 120.0


pytestmark = pytest.mark.usefixtures("fresh_caches")  # every test starts with empty Streamlit caches


def wait_for(configs) -> None:
    for config in configs:
        assert start_run(config).wait(WAIT), f"{config} did not finish in time"


def tables(at) -> list[pd.DataFrame]:
    """The page's tables, accuracies back as fractions (the page shows them as percentages)."""
    found = []
    for element in at.dataframe:
        frame = element.value.copy()
        for column in frame.columns:
            if "accuracy" in column:
                frame[column] = frame[column] / 100
        found.append(frame)
    return found


# ---- compare: pure functions ---------------------------------------------------------------------
def test_the_replay_plan_is_the_notebooks_three_runs_in_four_versions():
    plan = logic.replay_plan()
    assert len(plan) == len(EXPERIMENTS) * len(logic.VERSIONS) == 12
    for run in plan:
        config = run.config
        assert (config.lr, config.decay if run.version != logic.HELPFUL else run.experiment.decay) == (
            run.experiment.lr,
            run.experiment.decay,
        )
        assert config.epochs == run.experiment.epochs
        assert (config.dataset, config.samples, config.classes, config.noise) == ("spiral", 100, 3, 0.2)
        assert config.test_share == 0 and config.train_points == 300  # trains on all 300 points, like the notebook
        assert config.hidden == (64,) and config.init == "notebook"
        assert cost_verdict(config).level != "refuse"
    as_written = [run.config for run in plan if run.version == "as written"]
    assert {(c.activation, c.optimizer) for c in as_written} == {("notebook_relu", "notebook_gd")}
    fixed = [run.config for run in plan if run.version == "ReLU fixed"]
    assert {(c.activation, c.optimizer) for c in fixed} == {("relu", "notebook_gd")}
    applied = [run.config for run in plan if run.version == "decay applied"]
    assert {(c.activation, c.optimizer) for c in applied} == {("relu", "sgd")}
    assert [run.config.epochs for run in plan] == sorted(run.config.epochs for run in plan)  # short runs first


def test_a_shortened_replay_keeps_everything_but_the_epochs():
    full, short = logic.replay_plan(), logic.replay_plan(0.01)
    assert [r.config.replace(epochs=1) for r in full] == [r.config.replace(epochs=1) for r in short]
    assert {r.config.epochs for r in short} == {100, 300}
    for bad in (0, -1, 1.5):
        with pytest.raises(ValueError, match="epochs_scale"):
            logic.replay_plan(bad)


def test_the_replay_table_carries_the_notebooks_recorded_numbers_before_anything_trains():
    plan = logic.replay_plan()
    frame = logic.replay_frame(plan, {})
    assert len(frame) == len(plan) + len(EXPERIMENTS)
    recorded = frame[frame["version"] == logic.RECORDED]
    assert recorded["train accuracy"].tolist()[1:] == [0.633, 0.760]
    assert recorded["lowest loss"].tolist()[1:] == [0.699, 0.460]
    assert recorded["final loss"].tolist()[1:] == [0.751, 0.536]
    assert recorded[logic.FRESH_COLUMN].iloc[-1] == 0.704
    assert "slowly" in recorded["note"].iloc[0]
    measured = frame[frame["version"] != logic.RECORDED]
    assert measured["train accuracy"].isna().all() and (measured["note"] == "not started").all()
    assert logic.replay_findings(frame) == []  # nothing to say until every run is in


def test_fmt_and_points():
    assert [logic.fmt(v) for v in (1e-5, 5e-7, 0.5, 2.0, 10_000)] == ["1e-5", "5e-7", "0.5", "2", "10000"]
    assert logic._points([0.213, -0.04, 0.001, -0.004]) == "+21, −4, ±0, ±0"


def test_optimizer_configs_share_data_seed_and_epochs():
    configs = logic.optimizer_configs(epochs=500, seed=7)
    # one contender per comparison an optimizer's record gives, in the table's order
    expected = [c.label or choice.short for choice in sn.OPTIMIZER_CHOICES.values() for c in choice.compared]
    assert list(configs) == expected and {"GD", "GD + decay", "Momentum", "Adagrad", "RMSprop", "Adam"} <= set(configs)
    assert len(set(configs.values())) == len(configs)
    for config in configs.values():
        assert (config.epochs, config.seed, config.data_seed, config.test_share) == (500, 7, 7, 0.2)
        assert config.hidden == (64,) and config.dataset == "spiral"
    assert (configs["Momentum"].momentum, configs["Momentum"].decay) == (0.9, 1e-3)
    assert configs["GD"].momentum == 0 and configs["GD"].decay == 0
    assert (configs["Adam"].optimizer, configs["Adam"].lr) == ("adam", 0.05)
    assert "ρ 0.9" in next(c for c in logic.CONTENDERS if c.label == "RMSprop").settings()


def test_overlay_frame_and_chart_have_one_curve_per_run():
    short = trained(RunConfig(epochs=50, optimizer="sgd", lr=1.0))
    long = trained(RunConfig(epochs=1500, optimizer="adam", hidden=(8,)))
    frame = logic.overlay_frame({"short": short.history, "long": long.history})
    counts = frame.groupby("run").size()
    assert counts["short"] == 50
    assert 100 < counts["long"] <= 601  # thinned for drawing
    assert frame.groupby("run")["epoch"].max().to_dict() == {"long": 1500, "short": 50}
    held = logic.overlay_frame({"short": short.history}, series="held out")
    assert np.allclose(held["loss"], short.history.val_loss)
    spec = experiment_charts.overlay_loss_chart(frame, ["short", "long"], epochs=1500).to_dict()
    color = spec["layer"][0]["encoding"]["color"]
    assert color["scale"]["domain"] == ["short", "long"]
    assert len(set(color["scale"]["range"])) == 2
    assert logic.overlay_frame({}).empty


def test_results_frame_fills_rows_as_runs_finish():
    done = trained(RunConfig(epochs=100))
    frame = logic.results_frame({"done": done, "later": None}, status={"later": "waiting"}, fresh=logic.fresh_accuracy)
    assert frame["run"].tolist() == ["done", "later"]
    assert frame.loc[0, "train accuracy"] == done.train_accuracy
    assert frame.loc[0, "held-out accuracy"] == done.test_accuracy
    assert 0.3 < frame.loc[0, logic.FRESH_COLUMN] <= 1.0
    assert np.isnan(frame.loc[1, "train accuracy"]) and frame.loc[1, "status"] == "waiting"


def test_fresh_points_are_new_points_of_the_same_dataset():
    config = RunConfig()
    X, y = logic.fresh_points(config)
    X_train = make_data(config).X_train
    assert X.shape == (3000, 2) and np.bincount(y).tolist() == [1000] * 3
    assert np.isin(X[:, 0], X_train[:, 0]).mean() < 0.01  # only the spiral's centre point is shared


def test_boundary_panels_draw_one_small_map_per_run():
    a, b = trained(RunConfig(epochs=30)), trained(RunConfig(epochs=30, dataset="moons", classes=2))
    chart = experiment_charts.boundary_panels(
        [experiment_charts.Panel("a", a.network, a.data), experiment_charts.Panel("b", b.network, b.data)],
        resolution=20,
        columns=2,
    )
    spec = chart.to_dict()
    assert len(spec["concat"]) == 2 and spec["columns"] == 2
    maps = [picture(frame[0]["url"]) for frame in spec["datasets"].values() if frame and "url" in frame[0]]
    assert [m.shape for m in maps] == [(20, 20, 4), (20, 20, 4)]
    colours = [len(np.unique(m[..., :3].reshape(-1, 3), axis=0)) for m in maps]
    assert colours == [3, 2]  # the spiral's three classes, the moons' two
    assert spec["resolve"]["scale"]["x"] == "independent"  # each map keeps its own window
    with pytest.raises(ValueError):
        experiment_charts.boundary_panels([])


def test_my_runs_frame_and_labels():
    a = trained(RunConfig(epochs=20, optimizer="sgd", lr=0.5, momentum=0.9))
    b = trained(RunConfig(epochs=20, hidden=(), test_share=0.0))
    frame = logic.my_runs_frame([a, b])
    assert frame["#"].tolist() == [1, 2]
    assert frame.loc[0, "optimizer"] == "GD lr 0.5, momentum 0.9"
    assert frame.loc[1, "network"] == "linear" and np.isnan(frame.loc[1, "test accuracy"])
    assert logic.run_label(1, a.config) == "#1 GD lr 0.5 · 64 ReLU"


# ---- the page ------------------------------------------------------------------------------------
def test_the_page_loads_with_three_sections_and_trains_nothing_until_asked():
    at = app(PAGE)
    at.run()
    assert not at.exception
    assert [tab.label for tab in at.tabs] == list(view.SECTIONS)
    assert at.button(key=session.REPLAY_BUTTON).label == "Replay the notebook"
    shown = pd.concat(tables(at))
    assert HELD_OUT_RECORDED_ACCURACY in shown[logic.FRESH_COLUMN].tolist()
    assert session.MY_RUNS not in at.session_state


def test_optimizers_side_by_side_then_my_runs():
    at = app(PAGE)
    at.session_state[session.EXPERIMENTS_SECTION] = "Optimizers"
    at.run()
    at.select_slider(key=session.OPTIMIZER_EPOCHS).set_value(200)
    at.button[0].click().run()  # the form's Compare
    assert not at.exception
    configs = logic.optimizer_configs(200, 0)
    wait_for(configs.values())
    at.run()
    assert not at.exception

    (table,) = tables(at)
    assert table["run"].tolist() == list(configs)
    assert table["train accuracy"].between(0.2, 1.0).all() and table["held-out accuracy"].between(0.0, 1.0).all()
    assert (table["status"] == "done").all()
    by_run = table.set_index("run")
    assert by_run.loc["Adam", "train accuracy"] > by_run.loc["GD", "train accuracy"]  # 200 epochs: Adam is far ahead

    drawn = charts(at)
    curves = dataset_with(next(c for c in drawn if "layer" in c["spec"]), "epoch", "run", "loss")
    assert len(curves) == 200 * len(configs) and set(curves["run"]) == set(configs)
    maps = next(c for c in drawn if "concat" in c["spec"])
    assert len(maps["spec"]["concat"]) == len(configs)

    # AppTest cannot click a tab: open "My runs" in a new page run of this session's runs, entering
    # through the Playground (the entry page) so that "Reopen in the Playground" can go back to it.
    runs = at.session_state[session.MY_RUNS]
    assert len(runs) == len(configs)
    at = app(query={"epochs": "200"})
    at.run()
    at.switch_page(PAGE)
    at.session_state[session.EXPERIMENTS_SECTION] = "My runs"
    at.session_state[session.MY_RUNS] = runs
    at.run()
    assert not at.exception
    (mine,) = tables(at)
    shorts = tuple(sn.OPTIMIZER_CHOICES[config.optimizer].short for config in configs.values())
    assert len(mine) == len(configs) and mine["optimizer"].str.startswith(shorts).all()
    picked = at.multiselect(key=session.MINE_PICKED)
    assert len(picked.value) == 2  # the two newest, overlaid at once
    picked.set_value([0, 2, 5]).run()
    assert not at.exception
    drawn = charts(at)
    overlay = dataset_with(next(c for c in drawn if "layer" in c["spec"]), "epoch", "run", "loss")
    assert overlay["run"].nunique() == 3 and len(overlay) == 3 * 200
    assert len(next(c for c in drawn if "concat" in c["spec"])["spec"]["concat"]) == 3

    momentum = runs[2]
    assert momentum.config == configs["Momentum"]
    at.selectbox(key=session.MINE_REOPEN).set_value(2)
    at.button(key=session.MINE_OPEN).click().run()
    assert not at.exception
    assert "Experiments" not in [title.value for title in at.title]  # now on the Playground
    assert at.session_state[session.RUN].result is momentum
    assert (
        at.session_state[session.control_key("optimizer")] == "sgd"
        and at.session_state[session.control_key("momentum")] == 0.9
    )
    assert metric(at, "Train accuracy") == f"{momentum.train_accuracy:.1%}"
    assert not any("settings have changed" in info.value for info in at.info)


def test_the_notebook_replay_as_written_against_corrected():
    at = app(PAGE)
    at.session_state[session.REPLAY_SCALE] = REPLAY_SCALE
    at.run()
    at.button(key=session.REPLAY_BUTTON).click().run()
    assert not at.exception
    plan = logic.replay_plan(REPLAY_SCALE)
    wait_for(run.config for run in plan)
    at.run()
    assert not at.exception

    frame = pd.concat(tables(at), ignore_index=True)
    assert len(frame) == len(plan) + len(EXPERIMENTS)
    versions = frame.groupby("version")
    as_written = versions.get_group("as written")["train accuracy"].to_numpy()
    fixed = versions.get_group("ReLU fixed")["train accuracy"].to_numpy()
    assert as_written.mean() < fixed.mean()  # same seed, same points: the wrong derivative learns less
    assert np.all((as_written > 0.2) & (as_written < 1.0))
    applied = versions.get_group("decay applied")["lr at the end"].to_numpy()
    assert np.all(applied < [e.lr for e in EXPERIMENTS])  # the decay really shrank the step
    recorded = versions.get_group(logic.RECORDED)
    assert {0.633, 0.76} <= set(recorded["train accuracy"].dropna())
    assert recorded[logic.FRESH_COLUMN].dropna().tolist() == [HELD_OUT_RECORDED_ACCURACY]
    findings = " ".join(m.value for m in at.markdown)
    assert "Its ReLU derivative" in findings and "Its decay was never applied" in findings

    # Another visitor (a new session) sees the shared, cached replay at once: no button, no training.
    other = app(PAGE)
    other.session_state[session.REPLAY_SCALE] = REPLAY_SCALE
    other.run()
    assert not other.exception
    assert not [button for button in other.button if button.key == session.REPLAY_BUTTON]
    assert pd.concat(tables(other), ignore_index=True)["train accuracy"].notna().sum() == len(plan) + 2


def test_an_empty_overlay_chart_has_a_sane_loss_axis():
    empty = logic.overlay_frame({})
    for log_scale in (False, True):
        spec = experiment_charts.overlay_loss_chart(empty, ["GD", "Adam"], epochs=500, log_scale=log_scale).to_dict()
        domain = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
        assert domain[0] < domain[1] and domain[1] == 1  # not the "0.000000" of an empty domain
    drawn = trained(RunConfig(epochs=20))
    spec = experiment_charts.overlay_loss_chart(logic.overlay_frame({"a": drawn.history}), ["a"], epochs=20).to_dict()
    assert "domain" not in spec["layer"][0]["encoding"]["y"]["scale"]  # with data, the data set the axis


class WaitingJob:
    """A run that waits for a trainer (no epoch trained yet): what every run is in a busy class."""

    def __init__(self, config: RunConfig) -> None:
        self.config, self.done, self.result, self.error, self.state = config, False, None, None, "queued"

    def progress(self):
        from scratchnet.app.runs.jobs import Progress

        return Progress("queued", 0, self.config.epochs, 0.0, None, None, ahead=3)

    def watch(self, watcher: str) -> None:
        pass


def test_the_optimizer_comparison_draws_no_empty_chart_while_every_run_waits(monkeypatch):
    monkeypatch.setattr(view, "_job", WaitingJob)
    at = app(PAGE)
    at.session_state[session.EXPERIMENTS_SECTION] = "Optimizers"
    at.run()
    assert not at.exception
    assert not at.get("vega_lite_chart")
    assert any("appear here as soon as" in caption.value for caption in at.caption)
    (table,) = tables(at)
    assert (table["status"] == "waiting").all()


def test_a_replay_another_session_started_is_not_in_my_runs():
    first = app(PAGE)
    first.session_state[session.REPLAY_SCALE] = REPLAY_SCALE
    first.run()
    first.button(key=session.REPLAY_BUTTON).click().run()
    plan = logic.replay_plan(REPLAY_SCALE)
    wait_for(run.config for run in plan)
    first.run()
    assert not first.exception
    assert {run.config for run in first.session_state[session.MY_RUNS]} == {run.config for run in plan}

    # A second student opens the page: the shared replay is shown, but none of it is this student's
    second = app(PAGE)
    second.session_state[session.REPLAY_SCALE] = REPLAY_SCALE
    second.run()
    assert not second.exception
    assert pd.concat(tables(second), ignore_index=True)["train accuracy"].notna().sum() == len(plan) + 2
    mine = second.session_state[session.MY_RUNS] if session.MY_RUNS in second.session_state else []  # noqa: SIM401 (no .get here)
    assert mine == []
    second.session_state[session.EXPERIMENTS_SECTION] = "My runs"
    second.run()
    assert any("Runs you train" in info.value for info in second.info)

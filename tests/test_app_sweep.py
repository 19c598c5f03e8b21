"""The Sweep page and its logic: the grid of configurations, its cost bound, its table and heatmap."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from app_helpers import ROOT, app, charts, dataset_with, trained

from scratchnet.app.runs.config import OPTIMIZER_LABELS, RunConfig
from scratchnet.app.runs.cost import COST_LIMIT_SECONDS, estimate_seconds
from scratchnet.app.sweep import charts as sweep_charts
from scratchnet.app.sweep import logic as sw
from scratchnet.app.ui import session

PAGE = "pages/3_Sweep.py"
WAIT = 90.0


pytestmark = pytest.mark.usefixtures("fresh_caches")  # every test starts with empty Streamlit caches


def small_sweep(**base) -> sw.Sweep:
    return sw.make_sweep(RunConfig(epochs=60, **base), "lr", (0.01, 0.1, 100.0), "decay", (0.0, 0.01))


# ---- axes and their values ------------------------------------------------------------------------
def test_default_axis_values_are_log_spaced_and_decay_starts_at_zero():
    assert sw.spaced_values("lr", 0.001, 10, 5) == (0.001, 0.01, 0.1, 1.0, 10.0)
    assert sw.spaced_values("decay", 0, 0.1, 4) == (0.0, 0.001, 0.01, 0.1)
    assert sw.spaced_values("hidden", 4, 64, 5) == (4, 8, 16, 32, 64)
    assert sw.spaced_values("momentum", 0, 0.9, 4) == (0.0, 0.3, 0.6, 0.9)
    for name, spec in sw.AXES.items():
        for count in range(sw.MIN_VALUES, sw.MAX_VALUES + 1):
            values = sw.spaced_values(name, *spec.default_range, count)
            assert values == tuple(sorted(set(values)))
            assert values[0] == spec.default_range[0] and values[-1] == spec.default_range[1]
            sw.Axis(name, values)  # every default is a valid axis


@pytest.mark.parametrize(
    ("name", "values", "words"),
    [
        ("lr", (0.1, 1000.0), ["Learning rate", "100", "1000"]),
        ("lr", (0.0, 0.1), ["Learning rate", "1e-05"]),
        ("decay", (0.0, 2.0), ["Decay", "1"]),
        ("hidden", (0, 8), ["Hidden units", "128"]),
        ("hidden", (8, 200), ["Hidden units", "200"]),
        ("momentum", (0.5, 1.0), ["Momentum", "0.99"]),
        ("epochs", (10, 2.5), ["Epochs", "2.5"]),
        ("lr", (0.1, 0.1), ["2 to 8", "got 1"]),
        ("lr", tuple(0.001 * 2**k for k in range(9)), ["2 to 8", "got 9"]),
        ("batch_size", (1, 2), ["lr, decay, hidden, epochs, momentum"]),
    ],
)
def test_axis_values_outside_the_fields_bounds_are_refused_by_name(name, values, words):
    with pytest.raises(ValueError) as error:
        sw.Axis(name, values)
    for word in words:
        assert word in str(error.value)


def test_typed_values_are_parsed_and_bad_ones_named():
    assert sw.parse_values("lr", "0.5, 1 2;4") == (0.5, 1.0, 2.0, 4.0)
    assert sw.parse_values("hidden", "8,16") == (8, 16)
    with pytest.raises(ValueError, match="'fast'"):
        sw.parse_values("lr", "0.1, fast")


# ---- the grid -------------------------------------------------------------------------------------
def test_the_grid_has_one_config_per_cell_and_changes_only_its_two_settings():
    base = sw.default_base()
    sweep = sw.make_sweep(base, "lr", (0.01, 0.1, 1.0), "decay", (0.0, 0.001))
    cells = sweep.cells
    assert len(cells) == 6 and len({cell.config for cell in cells}) == 6
    assert [(c.row, c.col) for c in cells] == [(r, c) for r in range(2) for c in range(3)]
    for cell in cells:
        assert cell.config == base.replace(lr=cell.x, decay=cell.y)
        assert (cell.config.lr, cell.config.decay) == (sweep.x.values[cell.col], sweep.y.values[cell.row])
    assert base.epochs == sw.BASE_EPOCHS and base.replace(epochs=RunConfig().epochs) == RunConfig()


def test_a_hidden_units_axis_gives_one_hidden_layer_per_cell():
    sweep = sw.make_sweep(RunConfig(hidden=(32, 32)), "hidden", (4, 16), "epochs", (100, 200))
    assert [cell.config.hidden for cell in sweep.cells] == [(4,), (16,), (4,), (16,)]
    assert [cell.config.epochs for cell in sweep.cells] == [100, 100, 200, 200]


def test_the_two_axes_must_differ_and_momentum_needs_gradient_descent():
    with pytest.raises(ValueError, match="different settings"):
        sw.make_sweep(RunConfig(), "lr", (0.1, 1.0), "lr", (0.2, 2.0))
    with pytest.raises(ValueError, match="momentum acts only with Gradient descent"):
        sw.make_sweep(RunConfig(optimizer="adam"), "lr", (0.1, 1.0), "momentum", (0.0, 0.9))
    sweep = sw.make_sweep(RunConfig(optimizer="sgd"), "lr", (0.1, 1.0), "momentum", (0.0, 0.9))
    assert {cell.config.momentum for cell in sweep.cells} == {0.0, 0.9}


# ---- the cost bound -------------------------------------------------------------------------------
def test_the_default_sweep_is_affordable_and_its_estimate_is_the_cells_shared_by_the_trainers():
    sweep = sw.make_sweep(
        sw.default_base(), "lr", sw.spaced_values("lr", 1e-3, 10, 5), "decay", sw.spaced_values("decay", 0, 0.1, 5)
    )
    cost = sw.sweep_cost(sweep, workers=2)
    assert cost.level == "ok" and len(sweep.cells) == 25
    assert cost.seconds == pytest.approx(sum(estimate_seconds(c.config) for c in sweep.cells) / 2)
    assert sw.sweep_cost(sweep, workers=1).seconds == pytest.approx(2 * cost.seconds)


def test_a_sweep_over_the_time_limit_is_refused_with_what_to_reduce():
    values = sw.spaced_values("lr", 1e-3, 10, 8)
    sweep = sw.make_sweep(RunConfig(epochs=30_000), "lr", values, "decay", sw.spaced_values("decay", 0, 0.1, 8))
    cost = sw.sweep_cost(sweep, workers=2)
    assert cost.seconds > sw.SWEEP_LIMIT_SECONDS
    assert cost.level == "refuse"
    assert f"{sw.SWEEP_LIMIT_SECONDS:.0f} s limit" in cost.message and "fewer values per axis" in cost.message
    # the same grid with a tenth of the epochs fits
    assert sw.sweep_cost(sw.Sweep(RunConfig(epochs=3000), sweep.x, sweep.y), workers=2).level != "refuse"


def test_one_cell_too_costly_for_the_playground_refuses_the_sweep():
    sweep = sw.make_sweep(RunConfig(samples=1000), "hidden", (8, 128), "epochs", (100, 50_000))
    worst = max(sweep.cells, key=lambda cell: estimate_seconds(cell.config))
    assert estimate_seconds(worst.config) > COST_LIMIT_SECONDS
    cost = sw.sweep_cost(sweep, workers=2, limit=1e9)
    assert cost.level == "refuse"
    assert "units 128 · epochs 50,000" in cost.message and "epochs axis" in cost.message


def test_no_grid_can_pass_the_cell_limit():
    assert sw.MAX_VALUES**2 <= sw.MAX_CELLS


# ---- the table and the heatmap --------------------------------------------------------------------
@pytest.fixture(scope="module")
def finished() -> tuple[sw.Sweep, list[sw.CellState]]:
    sweep = small_sweep(optimizer="sgd")
    states = []
    for cell in sweep.cells:
        result = trained(cell.config)
        states.append(sw.CellState(result.status, 1.0, result))
    return sweep, states


def test_the_table_has_one_row_per_cell_with_the_results(finished):
    sweep, states = finished
    frame, domain = sw.sweep_frame(sweep, states, "train_accuracy")
    assert len(frame) == len(sweep.cells) == 6
    assert sorted(zip(frame["row"], frame["col"])) == [(r, c) for r in range(2) for c in range(3)]
    assert domain == (0.0, 1.0)
    for state, (_, row) in zip(states, frame.iterrows(), strict=True):
        assert row["train_accuracy"] == pytest.approx(state.result.train_accuracy)
        assert row["test_accuracy"] == pytest.approx(state.result.test_accuracy)
        assert row["status"] == state.status


def test_the_lr_100_cells_diverge_and_are_flagged_not_coloured(finished):
    sweep, states = finished
    frame, _ = sw.sweep_frame(sweep, states, "train_accuracy")
    blown = frame[frame["x"] == "100"]
    assert len(blown) == 2
    assert (blown["status"] == "diverged").all() and (blown["text"] == "diverged").all()
    assert blown["value"].isna().all()
    assert blown["state"].str.startswith("diverged at epoch").all()
    calm = frame[frame["x"] != "100"]
    assert (calm["status"] == "completed").all()
    assert np.allclose(calm["value"], calm["train_accuracy"])
    assert all(text.endswith("%") for text in calm["text"])


def test_loss_colours_are_finite_and_lower_is_lighter(finished):
    sweep, states = finished
    frame, (low, high) = sw.sweep_frame(sweep, states, "train_loss")
    coloured = frame.dropna(subset=["value"])
    assert len(coloured) == 4 and 0 < low <= coloured["value"].min() and coloured["value"].max() <= high
    best, worst = coloured.loc[coloured["value"].idxmin()], coloured.loc[coloured["value"].idxmax()]
    assert best["ink"] == "dark" and worst["ink"] == "light"


def test_unfinished_cells_say_so():
    sweep = small_sweep()
    states = [sw.CellState("queued"), sw.CellState("training", 0.4)] + [sw.CellState("cancelled")] * 3
    states.append(sw.CellState("failed", 1.0, error="the trainer process stopped unexpectedly"))
    frame, _ = sw.sweep_frame(sweep, states, "test_accuracy", picked=1)
    assert list(frame["text"]) == ["waiting", "training", "stopped", "stopped", "stopped", "failed"]
    assert frame["value"].isna().all()
    assert frame["state"][1] == "training, 40%" and "stopped unexpectedly" in frame["state"][5]
    assert list(frame["picked"]) == [False, True, False, False, False, False]
    with pytest.raises(ValueError, match="one entry per cell"):
        sw.sweep_frame(sweep, states[:2], "train_accuracy")


def test_the_heatmap_draws_every_cell_and_reports_clicks(finished):
    sweep, states = finished
    frame, domain = sw.sweep_frame(sweep, states, "train_accuracy", picked=2)
    spec = sweep_charts.sweep_chart(frame, sweep, "train_accuracy", domain).to_dict()
    (data,) = spec["datasets"].values()
    assert len(data) == 6
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rect", "rect", "text", "rect", "rect"]
    assert [param["name"] for param in spec["params"]] == [sweep_charts.SELECTION]
    assert spec["layer"][0]["encoding"]["x"]["sort"] == ["0.01", "0.1", "100"]
    assert sweep_charts.picked_cell({sweep_charts.SELECTION: [{"cell": 4}]}) == 4
    assert sweep_charts.picked_cell({sweep_charts.SELECTION: []}) is None
    assert sweep_charts.picked_cell(None) is None and sweep_charts.picked_cell({"other": [{"cell": 1}]}) is None


def test_cell_states_read_from_jobs():
    config = RunConfig(epochs=5)
    result = trained(config)
    assert sw.cell_state(SimpleNamespace(done=True, result=result, error=None)).status == "completed"
    failed = sw.cell_state(SimpleNamespace(done=True, result=None, error="boom"))
    assert (failed.status, failed.error, failed.finished) == ("failed", "boom", True)
    queued = SimpleNamespace(done=False, result=None, error=None, state="queued")
    assert sw.cell_state(queued).status == "queued" and not sw.cell_state(queued).finished
    assert sw.cell_state(queued, stopped=result).status == "cancelled"


# ---- the page -------------------------------------------------------------------------------------
def sweep_page(x: str, y: str, **base) -> object:
    """The page with typed axis values (learning rate across, decay down) and base settings."""
    at = app(PAGE)
    at.run()
    at.text_input(key=session.sweep_value_keys("x", "lr")[2]).set_value(x)
    at.text_input(key=session.sweep_value_keys("y", "decay")[2]).set_value(y)
    for name, value in base.items():
        widget = next(w for w in at.sidebar if getattr(w, "key", None) == session.sweep_base_key(name))
        widget.set_value(value)
    return at.run()


def run_to_the_end(at) -> list:
    next(b for b in at.sidebar.button if b.label == "Run sweep").click().run()
    assert not at.exception
    run = at.session_state[session.SWEEP_RUN]
    for job in run.jobs:
        assert job.wait(WAIT), "a cell did not finish in time"
    at.run()
    assert not at.exception
    return list(run.jobs)


def heatmap_data(at):
    chart = next(c for c in charts(at) if any("status" in f.columns for f in c["datasets"].values()))
    return dataset_with(chart, "cell", "status", "value")


def test_the_page_loads_and_waits_for_a_sweep():
    at = app(PAGE).run()
    assert not at.exception
    assert any(b.label == "Run sweep" and not b.disabled for b in at.sidebar.button)
    assert any("Estimated time" in c.value for c in at.sidebar.caption)
    assert any("Run sweep" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")


def test_a_small_sweep_runs_and_its_heatmap_carries_the_jobs_results():
    at = sweep_page("0.01, 0.1", "0, 0.01", epochs=100)
    jobs = run_to_the_end(at)
    assert len(jobs) == 4
    assert [(job.config.lr, job.config.decay, job.config.epochs) for job in jobs] == [
        (0.01, 0.0, 100),
        (0.1, 0.0, 100),
        (0.01, 0.01, 100),
        (0.1, 0.01, 100),
    ]
    data = heatmap_data(at).sort_values("cell")
    assert len(data) == 4 and (data["status"] == "completed").all()
    assert np.allclose(data["value"], [job.result.train_accuracy for job in jobs])
    assert any("4 of 4 cells trained" in c.value for c in at.caption)

    at.segmented_control(key=session.SWEEP_METRIC).set_value("test_accuracy").run()
    data = heatmap_data(at).sort_values("cell")
    assert np.allclose(data["value"], [job.result.test_accuracy for job in jobs])
    # running the same sweep again reuses every cell: the same jobs, already done
    next(b for b in at.sidebar.button if b.label == "Run sweep").click().run()
    assert [id(job) for job in at.session_state[session.SWEEP_RUN].jobs] == [id(job) for job in jobs]


def test_a_learning_rate_of_100_with_gradient_descent_is_marked_diverged():
    at = sweep_page("0.1, 100", "0, 0.01", epochs=100, optimizer="sgd")
    jobs = run_to_the_end(at)
    data = heatmap_data(at).sort_values("cell")
    blown = [job.config.lr == 100.0 for job in jobs]
    assert [job.result.status == "diverged" for job in jobs] == blown
    assert list(data["status"]) == ["completed", "diverged", "completed", "diverged"]
    assert list(data["text"])[1::2] == ["diverged", "diverged"]
    assert any("2 diverged" in c.value for c in at.caption)


def test_an_over_limit_sweep_is_refused_and_starts_nothing():
    at = sweep_page("0.001, 0.01, 0.1, 1, 10", "0, 0.0001, 0.001, 0.01, 0.1", epochs=50_000)  # about 87 s
    refusal = " ".join(e.value for e in at.sidebar.error)
    assert "limit" in refusal and "fewer values per axis" in refusal
    button = next(b for b in at.sidebar.button if b.label == "Run sweep")
    assert button.disabled
    assert session.SWEEP_RUN not in at.session_state
    assert not at.get("vega_lite_chart")


def test_momentum_without_gradient_descent_is_explained_and_fixable():
    at = app(PAGE).run()
    at.selectbox(key=session.sweep_axis_key("y")).set_value("momentum").run()
    assert any("Gradient descent" in e.value for e in at.sidebar.error)
    next(b for b in at.sidebar.button if b.label == f"Use {OPTIMIZER_LABELS['sgd']}").click().run()
    assert not at.sidebar.error
    assert at.session_state[session.sweep_base_key("optimizer")] == "sgd"


def test_cancel_stops_the_unfinished_cells():
    at = sweep_page("0.01, 0.1", "0, 0.01", epochs=20_000)
    next(b for b in at.sidebar.button if b.label == "Run sweep").click().run()
    run = at.session_state[session.SWEEP_RUN]
    at.button(key=session.SWEEP_CANCEL).click().run()
    assert not at.exception
    for job in run.jobs:
        assert job.wait(WAIT)
    stopped = at.session_state[session.SWEEP_STOPPED]
    assert len(stopped) >= 2  # at least the two that were still waiting
    assert all(result.status == "cancelled" for result in stopped.values())
    data = heatmap_data(at)
    assert (data["status"] == "cancelled").sum() == len(stopped)
    at.run()
    trained_cells = (data["status"] == "completed").sum()
    said = " ".join(c.value for c in at.caption) + " ".join(p.proto.text for p in at.get("progress"))
    assert f"{trained_cells} of 4 cells trained · {len(stopped)} stopped" in said  # stopped cells are not "done"


def test_a_cell_opens_its_run_in_the_playground():
    at = app(query={"epochs": "10"})  # the Playground first (its own first run is tiny)
    at.run()
    at.switch_page(PAGE).run()
    at.text_input(key=session.sweep_value_keys("x", "lr")[2]).set_value("0.01, 0.1")
    at.text_input(key=session.sweep_value_keys("y", "decay")[2]).set_value("0, 0.01")
    next(w for w in at.sidebar if getattr(w, "key", None) == session.sweep_base_key("epochs")).set_value(100)
    jobs = run_to_the_end(at.run())
    at.selectbox(key=session.SWEEP_PICK).set_value(3).run()
    at.button(key=session.SWEEP_OPEN).click().run()
    assert not at.exception
    labels = [b.label for b in at.sidebar.button]
    assert "Train" in labels and "Run sweep" not in labels  # the Playground ran, not the Sweep
    shown = at.session_state[session.RUN].result
    assert shown is jobs[3].result
    assert shown.config == RunConfig(lr=0.1, decay=0.01, epochs=100)
    assert at.session_state[session.control_key("lr")] == 0.1 and at.session_state[session.control_key("decay")] == 0.01
    assert [run.config for run in at.session_state[session.MY_RUNS]][-1] == shown.config


def test_the_sweep_logic_runs_without_streamlit():
    code = "import sys, scratchnet.app.sweep; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


# ---- what the page says (issue: words that disagree) ---------------------------------------------------
def test_progress_counts_only_cells_trained_to_the_end_as_trained():
    assert sw.progress_text({"completed": 34, "cancelled": 6}, 40) == "34 of 40 cells trained · 6 stopped"
    assert sw.progress_text({"completed": 2, "diverged": 2}, 4) == "2 of 4 cells trained · 2 diverged"
    assert sw.progress_text({"completed": 1, "training": 2, "queued": 1}, 4) == "1 of 4 cells trained · 2 training"


def test_a_refused_typed_value_is_said_once_with_the_controls_label():
    at = sweep_page("0.1, 1000", "0, 0.01")
    assert not at.exception
    messages = [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    about = [m for m in messages if "1000" in m]
    assert len(about) == 1, messages
    assert about[0].startswith("Learning rate: each value must be") and "from 1e-05 to 100" in about[0]
    assert not any("lr must" in m.lower() for m in messages)
    assert next(b for b in at.sidebar.button if b.label == "Run sweep").disabled


@pytest.mark.parametrize(
    ("x", "y", "words"), [("lr", "decay", "learning rate × decay"), ("hidden", "epochs", "hidden units × epochs")]
)
def test_the_explainer_names_the_axes_chosen(x, y, words):
    at = app(PAGE).run()
    at.selectbox(key=session.sweep_axis_key("x")).set_value(x).run()
    at.selectbox(key=session.sweep_axis_key("y")).set_value(y).run()
    assert not at.exception
    (explainer,) = [e for e in at.expander if e.label.startswith("What a")]
    assert explainer.label == f"What a {words} map shows"
    text = " ".join(m.value for m in explainer.markdown)
    for name in (x, y):
        assert sw.AXIS_NOTES[name][0].split("**")[1] in text  # each axis's own note
    if "lr" not in (x, y):
        assert "learning rate" not in text.lower()


def test_the_base_controls_are_the_playgrounds_under_the_sweeps_keys():
    at = app(PAGE).run()
    assert not at.exception
    keys = {getattr(w, "key", None) for w in at.sidebar}
    assert session.sweep_base_key("layers") in keys and session.units_key(0, session.SWEEP_BASE_PREFIX) in keys
    assert session.sweep_base_key("features") in keys  # the new inputs too
    assert session.sweep_base_key("lr") not in keys and session.sweep_base_key("decay") not in keys  # on the axes
    assert not any(key and key.startswith(session.CONTROL_PREFIX) for key in keys)  # the Playground's own stay apart
    at.slider(key=session.sweep_base_key("layers")).set_value(2).run()
    at.slider(key=session.units_key(1, session.SWEEP_BASE_PREFIX)).set_value(8).run()
    at.text_input(key=session.sweep_value_keys("x", "lr")[2]).set_value("0.01, 0.1")
    at.text_input(key=session.sweep_value_keys("y", "decay")[2]).set_value("0, 0.01")
    at.select_slider(key=session.sweep_base_key("epochs")).set_value(10)
    run_to_the_end(at.run())
    assert {cell.config.hidden for cell in at.session_state[session.SWEEP_RUN].sweep.cells} == {(64, 8)}


def test_a_classroom_link_and_its_hidden_controls_travel_to_the_sweep_and_back():
    at = app(query={"preset": "linear", "hide": "network,presets,upload", "epochs": "10"})
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    keys = {getattr(w, "key", None) for w in at.sidebar}
    assert session.sweep_base_key("layers") not in keys and session.sweep_base_key("activation") not in keys
    at.text_input(key=session.sweep_value_keys("x", "lr")[2]).set_value("0.01, 0.1")
    at.text_input(key=session.sweep_value_keys("y", "decay")[2]).set_value("0, 0.01")
    next(w for w in at.sidebar if getattr(w, "key", None) == session.sweep_base_key("epochs")).set_value(100)
    jobs = run_to_the_end(at.run())
    assert {job.config.hidden for job in jobs} == {()}  # the lesson's network, not the default 64 units
    at.selectbox(key=session.SWEEP_PICK).set_value(1).run()
    at.button(key=session.SWEEP_OPEN).click().run()
    assert not at.exception
    assert at.session_state[session.RUN].result.config.hidden == ()
    address = dict(at.query_params)  # the address bar the Playground opened with
    assert address["hide"] == "network,presets,upload" and address["lr"] == "0.1" and "preset" not in address
    labels = [w.label for w in at.sidebar if hasattr(w, "label")]
    assert "Hidden layers" not in labels and "Train" in labels


def test_a_setting_the_classroom_link_hides_is_no_axis_choice():
    """A teacher who hides a setting keeps it fixed: the Sweep must not let the student vary it on an
    axis either. The default axis it hid gives way to another setting."""
    assert sw.axis_choices(frozenset()) == tuple(sw.AXES)
    assert sw.axis_choices(frozenset({"lr", "presets"})) == ("decay", "hidden", "epochs", "momentum")
    assert sw.axis_choices(frozenset({"network"})) == (
        "lr",
        "decay",
        "epochs",
        "momentum",
    )  # hidden is a network setting
    at = app(query={"hide": "lr,network", "epochs": "10"})
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    for side in ("x", "y"):
        options = at.selectbox(key=session.sweep_axis_key(side)).options
        assert options == [sw.AXES[name].label for name in ("decay", "epochs", "momentum")]
    assert {at.session_state[session.sweep_axis_key(side)] for side in ("x", "y")} == {"decay", "epochs"}


def test_a_link_that_hides_all_but_one_axis_setting_says_a_sweep_needs_two():
    assert sw.too_few_axes(frozenset({"lr"})) is None
    message = sw.too_few_axes(frozenset({"training"}))
    assert "two" in message and "hidden units" in message.lower()
    assert "none" in sw.too_few_axes(frozenset({"training", "network"}))
    at = app(query={"hide": "training", "epochs": "10"})
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert any("two" in error.value for error in at.error), [e.value for e in at.error]
    assert next(b for b in at.sidebar.button if b.label == "Run sweep").disabled
    assert not [w for w in at.sidebar if getattr(w, "key", None) == session.sweep_axis_key("x")]
    assert not at.expander or all("Learning rate" not in e.label for e in at.expander)  # no axes to explain

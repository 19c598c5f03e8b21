"""The presentation view (issue 22): its link value, its large charts, and every chart's text alternative."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from app_helpers import app, charts, settle, trained

from scratchnet.app.playground import charts as diagram_charts
from scratchnet.app.playground import logic
from scratchnet.app.plots import charts as plot_charts
from scratchnet.app.plots import frames
from scratchnet.app.plots.confusion import confusion_chart
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.view import read_view_link
from scratchnet.app.ui import session

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture(scope="module")
def result():
    return trained(RunConfig(epochs=30, hidden=(6,), samples=60))


@pytest.mark.parametrize(("value", "present"), [("1", True), ("true", True), ("0", False), ("bogus", False)])
def test_present_is_read_with_the_other_link_values(value, present) -> None:
    opened = read_view_link({"present": [value], "lr": ["0.1"]})
    assert opened.present is present
    assert opened.link.config.lr == 0.1 and not opened.link.messages  # no message: it is a known value


def map_loss_diagram(result, large_text: bool) -> list[dict]:
    data, net, config = result.data, result.network, result.config
    grid, points = frames.grid_frame(net, data, 20), frames.points_frame(net, data)
    history = result.history
    return [
        plot_charts.boundary_chart(
            grid, points, data.class_names, window=frames.extent(data), large_text=large_text
        ).to_dict(),
        plot_charts.loss_chart(
            frames.loss_frame(history), frames.lr_frame(history), epochs=config.epochs, large_text=large_text
        ).to_dict(),
        diagram_charts.diagram_chart(logic.diagram(net, data, config.features), large_text=large_text).to_dict(),
    ]


def test_large_charts_set_axes_legends_and_biases_at_readable_sizes(result) -> None:
    for spec in map_loss_diagram(result, large_text=True)[:2]:
        axis, legend = spec["config"]["axis"], spec["config"]["legend"]
        assert min(axis["labelFontSize"], axis["titleFontSize"]) >= 16
        assert min(legend["labelFontSize"], legend["titleFontSize"]) >= 16
    diagram = map_loss_diagram(result, large_text=True)[2]
    sizes = next(layer["encoding"]["size"]["scale"] for layer in diagram["layer"] if layer["mark"]["type"] == "text")
    assert dict(zip(sizes["domain"], sizes["range"], strict=True))["bias"] >= 12
    assert min(sizes["range"]) >= 12
    for spec in map_loss_diagram(result, large_text=False):
        assert "axis" not in spec.get("config", {})  # the normal view keeps the theme's sizes


def test_every_chart_of_a_run_says_what_it_shows(result) -> None:
    specs = map_loss_diagram(result, large_text=False)
    y, predicted = result.data.y_train, result.network.predict(result.data.X_train)
    specs.append(confusion_chart(frames.confusion_frame(y, predicted, result.data.class_names), ["a"]))
    specs[-1] = specs[-1].to_dict()
    titles = [spec["description"].split(".")[0] for spec in specs]
    assert titles == ["Decision map", "Loss curve", "Network diagram", "Confusion matrix"]
    assert all(len(spec["description"]) > 40 for spec in specs)  # a title and a line on what it shows
    wrong = int((frames.points_frame(result.network, result.data)["correct"] == "wrong").sum())
    assert f"{wrong:,} drawn misclassified" in specs[0]["description"]  # the summary's count is the map's


def test_the_presentation_link_opens_the_large_view_without_the_sidebar() -> None:
    at = settle(app(query={"present": "1", "epochs": "40"}).run())
    assert not at.exception
    assert at.session_state[session.PRESENT] is True
    assert not at.sidebar.button  # no sidebar: Train is on the page, beside the step buttons
    labels = [button.label for button in at.button]
    assert {"Train", "Step +1", "Step +10", "Continue"} <= set(labels)
    assert not at.get("metric")  # the figures, the options and the details stay out
    specs = charts(at)
    assert len(specs) == 3
    sized = [chart["spec"]["config"]["axis"]["labelFontSize"] for chart in specs[:2]]  # the map, the loss curve
    assert min(sized) >= 16
    at.toggle(key=session.PRESENT).set_value(False).run()
    assert at.sidebar.button and at.query_params.get("present") in (None, [], "")


def test_a_large_board_writes_each_name_as_it_was_typed_in_big_words() -> None:
    from scratchnet.app.challenges import charts as board_charts

    names = ["Ada", "**Bob**", "<i>Eve</i>", *[f"student {i}" for i in range(20)]]
    spec = board_charts.large_board(
        {"Rank": list(range(1, 24)), "Name": names, "Accuracy": ["90%"] * 23}, title="Board"
    ).to_dict()
    texts = [cell["text"] for table in spec["datasets"].values() for cell in table]
    assert names[:3] == [text for text in texts if text in names[:3]]  # as typed: no Markdown, no HTML
    assert "student 19" not in texts  # the top of the board only: one screen's worth
    sizes = [layer["mark"]["fontSize"] for layer in spec["layer"]]
    assert min(sizes) >= 20 and spec["description"].startswith("Board.")


# ---- every chart the app draws has a text alternative ------------------------------------------------------
def _playground():
    at = app(query={"epochs": "60"})
    at.session_state[session.view_key(session.RESULT, "details")] = True  # open: the confusion matrix
    return settle(at)


def _presentation():
    return settle(app(query={"present": "1", "epochs": "60"}))


def _experiments():
    from scratchnet.app.experiments import logic as experiments
    from scratchnet.app.ui.cache import start_run

    at = app("pages/1_Experiments.py")
    at.session_state[session.EXPERIMENTS_SECTION] = "Optimizers"
    at.run()
    at.select_slider(key=session.OPTIMIZER_EPOCHS).set_value(200)
    at.button[0].click().run()  # the form's Compare
    for config in experiments.optimizer_configs(200, 0).values():
        assert start_run(config).wait(120), "an optimizer run did not finish in time"
    return at.run()


def _step_through():
    at = app("pages/2_Under_the_hood.py").run()
    at.button(key=session.STEP_TAKE).click().run()  # the batch loss per step appears after a step
    return at


def _gradient_check():
    at = app("pages/2_Under_the_hood.py")
    at.session_state[session.HOOD_TAB] = "Gradient check"
    return at.run()


def _inside():
    from scratchnet.app.runs.jobs import TrainingJob

    at = app("pages/2_Under_the_hood.py")
    at.session_state[session.RUN] = TrainingJob.finished(trained(RunConfig(epochs=60, hidden=(5,), samples=40)))
    at.session_state[session.HOOD_TAB] = "Inside a trained network"
    return at.run()


def _sweep():
    at = app("pages/3_Sweep.py").run()
    at.text_input(key=session.sweep_value_keys("x", "lr")[2]).set_value("0.01, 0.1")
    at.text_input(key=session.sweep_value_keys("y", "decay")[2]).set_value("0, 0.01")
    next(w for w in at.sidebar if getattr(w, "key", None) == session.sweep_base_key("epochs")).set_value(100)
    at.run()
    next(b for b in at.sidebar.button if b.label == "Run sweep").click().run()
    for job in at.session_state[session.SWEEP_RUN].jobs:
        assert job.wait(120), "a sweep cell did not finish in time"
    return at.run()


def _lesson_by_hand():
    at = app("pages/4_Lessons.py", {"lesson": "downhill"}).run()
    at.button(key=session.hand_widget_key("downhill", "step")).click().run()  # its steps chart and the unit
    return at


SCENES = {  # every page, and every chart it can draw (the Challenges' board: test_a_large_board_...)
    "Playground (map, loss, network, confusion matrix, drawing canvas)": _playground,
    "Playground's presentation view": _presentation,
    "Experiments (overlaid loss curves, decision maps)": _experiments,
    "Under the hood: step-through": _step_through,
    "Under the hood: gradient check": _gradient_check,
    "Under the hood: inside a trained network": _inside,
    "Sweep (its grid, the picked cell's map)": _sweep,
    "Lessons (a unit by hand, the steps taken)": _lesson_by_hand,
}


@pytest.mark.parametrize("scene", list(SCENES))
def test_every_chart_on_every_page_has_a_title_and_a_line_on_what_it_shows(scene) -> None:
    at = SCENES[scene]()
    assert not at.exception
    drawn = [json.loads(element.proto.spec) for element in at.get("vega_lite_chart")]
    assert drawn, "the scene draws no chart: it no longer tests what it says"
    for spec in drawn:
        title, _, summary = spec.get("description", "").partition(". ")
        assert title and len(summary) > 20, (scene, spec.get("description"), spec.get("title"))


def test_the_summaries_numbers_are_the_runs_own() -> None:
    from scratchnet.app.experiments import charts as experiment_charts
    from scratchnet.app.experiments import logic as experiments
    from scratchnet.app.under_the_hood import charts as hood_charts

    runs = {name: trained(RunConfig(epochs=80, optimizer=name, samples=60)) for name in ("sgd", "adam")}
    histories = {name: run.history for name, run in runs.items()}
    spec = experiment_charts.overlay_loss_chart(experiments.overlay_frame(histories), list(runs), epochs=80).to_dict()
    finals = {name: float(history.loss[-1]) for name, history in histories.items()}
    lowest = min(finals, key=finals.get)
    assert f"2 runs over 80 epochs; lowest final loss {finals[lowest]:.3g} ({lowest})." in spec["description"]

    norms = pd.DataFrame(
        {"epoch": [20, 20, 10, 10], "layer": ["W1", "W2", "W1", "W2"], "norm": [0.25, 0.5, 2, 4], "loss": 1.0}
    )
    about = hood_charts.gradient_norm_chart(norms).to_dict()["description"]
    assert "2 epochs recorded up to epoch 20; at the last: W1 0.25, W2 0.5." in about  # the latest, not the first
    steps = hood_charts.loss_steps_chart([1.5, 1.25, 1.0]).to_dict()
    assert "2 steps: the batch loss from 1.5000 to 1.0000." in steps["description"]

"""One record per choice: every optimizer and activation in the engine's tables is offered by the
controls, survives a link, builds the engine's class, is written by the exported script (which
trains the same run again) and is named the same way on every page."""

from __future__ import annotations

import pytest
from app_helpers import app
from test_app_export import _printed, _run_script, _train_like_the_app

import scratchnet as sn
from scratchnet.app.board.logic import ChallengeSpec
from scratchnet.app.challenges import board
from scratchnet.app.experiments import logic as experiments
from scratchnet.app.runs.config import FIELDS, RunConfig, from_query, to_query, without_unused
from scratchnet.app.runs.export import reproduce_script
from scratchnet.app.runs.result import inputs, make_data, make_network, make_optimizer
from scratchnet.app.sweep import logic as sweep
from scratchnet.choices import OPTIMIZER_SETTINGS, users, uses

OPTIMIZERS = list(sn.OPTIMIZER_CHOICES)
ACTIVATIONS = list(sn.ACTIVATION_CHOICES)
SMALL = RunConfig(samples=30, hidden=(6,), epochs=25, lr=0.05)


def _with_optimizer(key: str) -> RunConfig:
    """A small run with optimizer ``key``, each setting it reads set away from its default."""
    choice = sn.OPTIMIZER_CHOICES[key]
    momentum = 0.5 if uses(key, "momentum") else 0.0
    return SMALL.replace(optimizer=key, lr=0.3 if choice.uses or choice.bug else 0.05, momentum=momentum)


def test_the_links_keep_their_values():
    """Links already shared name these; a record may be added, never renamed."""
    assert {"sgd", "adam", "rmsprop", "adagrad", "notebook_gd"} <= set(OPTIMIZERS)
    assert {"relu", "leaky_relu", "tanh", "sigmoid", "linear", "notebook_relu"} <= set(ACTIVATIONS)


@pytest.mark.parametrize("table", [sn.OPTIMIZER_CHOICES, sn.ACTIVATION_CHOICES])
def test_one_spelling_each(table):
    labels = [choice.label for choice in table.values()]
    shorts = [choice.short for choice in table.values()]
    assert len(set(labels)) == len(labels) and len(set(shorts)) == len(shorts)
    assert all(key == choice.key for key, choice in table.items())
    assert all(" (" not in short for short in shorts)  # a short label is never cut out of a long one


def test_the_notebooks_choices_are_registered_as_bugs():
    assert [key for key, choice in sn.OPTIMIZER_CHOICES.items() if choice.bug] == ["notebook_gd"]
    assert [key for key, choice in sn.ACTIVATION_CHOICES.items() if choice.bug] == ["notebook_relu"]


def test_the_controls_offer_every_record():
    assert list(FIELDS["optimizer"].choices) == OPTIMIZERS and list(FIELDS["activation"].choices) == ACTIVATIONS
    at = app().run()
    assert at.selectbox(key="cfg.optimizer").options == [choice.label for choice in sn.OPTIMIZER_CHOICES.values()]
    assert at.selectbox(key="cfg.activation").options == [choice.label for choice in sn.ACTIVATION_CHOICES.values()]


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_the_momentum_control_shows_exactly_for_the_optimizers_that_read_it(optimizer):
    at = app(query={"optimizer": optimizer}).run()
    widgets = [*at.sidebar.number_input, *at.sidebar.slider, *at.sidebar.select_slider]
    shown = {widget.key for widget in widgets}
    assert "cfg.lr" in shown  # the controls were drawn
    assert ("cfg.momentum" in shown) == uses(optimizer, "momentum")


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_choice_survives_a_link(optimizer, activation):
    config = _with_optimizer(optimizer).replace(activation=activation)
    query = to_query(config)
    assert query.get("optimizer", RunConfig().optimizer) == optimizer  # the record's key is the link's value
    assert query.get("activation", RunConfig().activation) == activation
    again, messages = from_query(query)
    assert again == config and messages == []


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_optimizer_builds_with_the_settings_it_reads(optimizer):
    config = _with_optimizer(optimizer).replace(decay=1e-3)
    built = make_optimizer(config)
    assert type(built) is sn.OPTIMIZER_CHOICES[optimizer].engine
    hyper = built.hyperparameters()
    assert (hyper["lr"], hyper["decay"]) == (config.lr, config.decay)
    for name in OPTIMIZER_SETTINGS:
        if uses(optimizer, name):
            assert hyper[name] == getattr(config, name)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_builds_its_engine_class(activation):
    net = make_network(SMALL.replace(activation=activation, hidden=(4, 3)), 3)
    kinds = [type(layer) for layer in net.layers if not isinstance(layer, sn.Dense)]
    assert kinds == [sn.ACTIVATION_CHOICES[activation].engine] * 2


def test_a_setting_the_optimizer_does_not_read_is_reset():
    for optimizer in OPTIMIZERS:
        config = without_unused(RunConfig(optimizer=optimizer, momentum=0.9))
        assert config.momentum == (0.9 if uses(optimizer, "momentum") else FIELDS["momentum"].default)


RUNS = [("optimizer", key) for key in OPTIMIZERS] + [("activation", key) for key in ACTIVATIONS]


@pytest.mark.parametrize(("field", "key"), RUNS)
def test_the_script_of_every_choice_trains_the_same_run(field, key, tmp_path):
    config = _with_optimizer(key) if field == "optimizer" else SMALL.replace(activation=key)
    output = _run_script(reproduce_script(config), tmp_path)
    data = make_data(config)
    _, net = _train_like_the_app(config, data)
    loss, _ = sn.evaluate(net, inputs(config, data.X_train), data.y_train)
    assert float(_printed(output, "final training loss")) == pytest.approx(loss, rel=1e-12, abs=1e-12)


def test_every_optimizer_is_named_by_its_short_label_on_the_board_and_in_experiments():
    spec = ChallengeSpec(title="All")
    assert spec.optimizers == tuple(OPTIMIZERS)  # a new challenge allows every optimizer
    for key, choice in sn.OPTIMIZER_CHOICES.items():
        config = _with_optimizer(key)
        assert f"{choice.short} lr" in board.settings(config)
        assert experiments.optimizer_text(config).startswith(f"{choice.short} lr")
        assert ("momentum 0.5" in board.settings(config)) == uses(key, "momentum")
    assert spec.rules().endswith(" / ".join(choice.short for choice in sn.OPTIMIZER_CHOICES.values()) + ".")


def test_experiments_compare_every_record_that_gives_settings():
    compared = {config.optimizer for config in experiments.optimizer_configs(epochs=10).values()}
    assert compared == {key for key, choice in sn.OPTIMIZER_CHOICES.items() if choice.compared}


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_a_momentum_sweep_needs_an_optimizer_that_reads_momentum(optimizer):
    base = RunConfig(optimizer=optimizer)
    if uses(optimizer, "momentum"):
        grid = sweep.make_sweep(base, "lr", (0.1, 1.0), "momentum", (0.0, 0.9))
        assert {cell.config.momentum for cell in grid.cells} == {0.0, 0.9}
    else:
        with pytest.raises(ValueError, match="momentum acts only with"):
            sweep.make_sweep(base, "lr", (0.1, 1.0), "momentum", (0.0, 0.9))
    assert users("momentum")[0] == "sgd"

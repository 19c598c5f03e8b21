"""Take it home: weights that load back, a history table, and a script that trains the same run again."""

from __future__ import annotations

import ast
import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet.app.runs import export
from scratchnet.app.runs.config import FIELDS, MAX_HIDDEN_LAYERS, RunConfig
from scratchnet.app.runs.export import POINTS_FILE, SCRIPT_FILE, history_csv, reproduce_script, weights_npz
from scratchnet.app.runs.result import DataSplit, inputs, make_data, make_network
from scratchnet.app.runs.trainer import Task, train_task
from scratchnet.app.runs.upload import make_points, points_csv, to_data
from scratchnet.app.ui import session

REPO_ROOT = Path(__file__).resolve().parent.parent
GRID = np.random.default_rng(0).uniform(-1.5, 1.5, (400, 2))


def _train_like_the_app(config: RunConfig, data: DataSplit) -> tuple[sn.History, sn.Network]:
    """Exactly the app's worker path: runs.make_network / make_optimizer, sn.train with snapshots and a callback."""
    reports: list[tuple] = []
    train_task(Task(1, config, data), lambda *message: reports.append(message), lambda: False)
    kind, _, history, params = reports[-1]
    assert kind == "done"
    return history, make_network(config, data.classes).with_params(params)


# ---- weights ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_weights_load_back_to_identical_predictions(dtype: str) -> None:
    config = RunConfig(hidden=(16, 8), activation="tanh", dtype=dtype, epochs=40)
    _, net = _train_like_the_app(config, make_data(config))
    raw = weights_npz(net)
    assert raw[:2] == b"PK"  # an .npz is a zip archive
    loaded = sn.load(io.BytesIO(raw))
    assert loaded.sizes == net.sizes and loaded.dtype == net.dtype
    np.testing.assert_array_equal(loaded.predict_proba(GRID), net.predict_proba(GRID))
    np.testing.assert_array_equal(loaded.predict(GRID), net.predict(GRID))


def test_the_notebook_relu_survives_the_download() -> None:
    config = RunConfig(activation="notebook_relu", init="notebook", optimizer="notebook_gd", lr=1.0, epochs=30)
    _, net = _train_like_the_app(config, make_data(config))
    loaded = sn.load(io.BytesIO(weights_npz(net)))
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in net.layers]
    np.testing.assert_array_equal(loaded.logits(GRID), net.logits(GRID))


# ---- history ----------------------------------------------------------------------------------------
def _table(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8"))))


def test_history_has_one_row_per_epoch_with_held_out_columns() -> None:
    config = RunConfig(epochs=17, optimizer="sgd", lr=0.5, decay=0.01)
    history, _ = _train_like_the_app(config, make_data(config))
    table = _table(history_csv(history))
    assert table[0] == ["epoch", "loss", "accuracy", "lr", "val_loss", "val_accuracy"]
    body = table[1:]
    assert [int(row[0]) for row in body] == list(range(1, 18))
    values = np.array([[float(value) for value in row[1:]] for row in body])
    for column, name in enumerate(table[0][1:]):
        np.testing.assert_array_equal(values[:, column], getattr(history, name))  # written exactly
    assert values[0, 2] == 0.5 and values[-1, 2] < 0.5  # the decay shows in the lr column


def test_history_without_held_out_points_has_four_columns() -> None:
    config = RunConfig(epochs=5, test_share=0.0)
    history, _ = _train_like_the_app(config, make_data(config))
    table = _table(history_csv(history))
    assert table[0] == ["epoch", "loss", "accuracy", "lr"]
    assert len(table) == 6


def test_history_of_a_stopped_run_has_only_the_epochs_it_ran() -> None:
    X, y = sn.spiral_data(30, 3, seed=0)
    history = sn.train(sn.mlp([2, 8, 3]), X, y, sn.Adam(lr=0.01), epochs=100, callback=lambda epoch, h: epoch == 9)
    assert history.status == "cancelled"
    assert len(_table(history_csv(history))) == 1 + 9


def test_history_of_a_blown_up_run_is_still_a_table() -> None:
    X, y = sn.spiral_data(30, 3, seed=0)
    history = sn.train(sn.mlp([2, 8, 3]), X, y, sn.SGD(lr=1e4), epochs=50, validation=(X, y))
    assert history.status == "diverged"
    table = _table(history_csv(history))
    assert len(table) == 1 + history.epochs_run
    assert all(len(row) == 6 for row in table)


# ---- the script -------------------------------------------------------------------------------------
def _run_script(script: str, tmp_path: Path, *args: str) -> str:
    path = tmp_path / SCRIPT_FILE
    path.write_text(script, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, str(path), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _printed(output: str, what: str) -> str:
    match = re.search(rf"^{what}: (\S+)", output, re.MULTILINE)
    assert match, output
    return match.group(1)


def _imports(script: str) -> set[str]:
    tree = ast.parse(script)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


CONFIGS = {
    "adam-default": RunConfig(epochs=200),
    "sgd-momentum-decay-l2-batches": RunConfig(
        optimizer="sgd", lr=0.5, momentum=0.9, decay=1e-3, l2=1e-3, batch_size=32, epochs=60, seed=5
    ),
    "notebook-as-written": RunConfig(
        optimizer="notebook_gd",
        activation="notebook_relu",
        init="notebook",
        lr=1.0,
        decay=0.01,
        epochs=150,
        test_share=0.0,
    ),
    "tanh-two-layers-moons": RunConfig(
        dataset="moons",
        classes=2,
        noise=0.15,
        activation="tanh",
        hidden=(16, 8),
        init="glorot",
        optimizer="rmsprop",
        lr=0.01,
        epochs=120,
        data_seed=11,
    ),
    "float32-circles-adagrad": RunConfig(
        dataset="circles",
        classes=4,
        dtype="float32",
        optimizer="adagrad",
        lr=0.5,
        hidden=(32,),
        epochs=80,
        test_share=0.35,
        batch_size=50,
    ),
    "no-hidden-layer-blobs": RunConfig(dataset="blobs", classes=5, hidden=(), epochs=50, seed=7, data_seed=3),
    "squared-features-circles": RunConfig(
        dataset="circles", classes=2, features=("x1", "x2", "x1^2", "x2^2"), hidden=(8,), epochs=60
    ),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_the_script_trains_the_same_run(name: str, tmp_path: Path) -> None:
    config = CONFIGS[name]
    script = reproduce_script(config)
    assert _imports(script) <= {"numpy", "scratchnet"}
    output = _run_script(script, tmp_path)

    history, net = _train_like_the_app(config, make_data(config))
    assert history.status == "completed"
    # the history's last row, measured during the last epoch (before its step), is named as such ...
    script_loss = float(_printed(output, "last history row loss"))
    assert script_loss == pytest.approx(float(history.loss[-1]), rel=1e-12, abs=1e-12)
    data = make_data(config)
    # ... and the final loss is the app's: of the weights after the last step (issue 15 item 11)
    final_loss = float(_printed(output, "final training loss"))
    assert final_loss == pytest.approx(
        sn.evaluate(net, inputs(config, data.X_train), data.y_train)[0], rel=1e-12, abs=1e-12
    )
    assert (
        _printed(output, "training accuracy")
        == f"{sn.evaluate(net, inputs(config, data.X_train), data.y_train)[1]:.3f}"
    )
    if len(data.y_test):
        assert (
            _printed(output, "held-out accuracy")
            == f"{sn.evaluate(net, inputs(config, data.X_test), data.y_test)[1]:.3f}"
        )
    else:
        assert "held-out" not in output
    assert f"after {config.epochs} epochs" in output


def _uploaded_points():
    rng = np.random.default_rng(2)
    y = np.repeat([0, 1, 2], [30, 25, 20])
    angle = 2 * np.pi * y / 3
    X = np.c_[1000 + 40 * np.cos(angle), 0.01 * np.sin(angle)] + rng.normal(0, [15, 0.004], (75, 2))
    return make_points(X, y, ("Ärger", 'say "hi"', "class, with comma"))


def test_the_script_trains_the_same_run_on_uploaded_points(tmp_path: Path) -> None:
    points = _uploaded_points()
    config = RunConfig(
        data_id=points.fingerprint,
        data_points=len(points),
        classes=points.classes,
        hidden=(12,),
        epochs=120,
        test_share=0.3,
    )
    (tmp_path / POINTS_FILE).write_bytes(points_csv(points))
    script = reproduce_script(config, points)
    assert _imports(script) <= {"numpy", "scratchnet", "csv", "hashlib", "sys"}
    output = _run_script(script, tmp_path, POINTS_FILE)
    assert "Warning" not in output

    history, _ = _train_like_the_app(config, to_data(points, config.test_share, config.data_seed))
    assert float(_printed(output, "last history row loss")) == pytest.approx(float(history.loss[-1]), rel=1e-12)


def test_the_script_warns_when_given_other_points(tmp_path: Path) -> None:
    points = _uploaded_points()
    config = RunConfig(data_id=points.fingerprint, data_points=len(points), classes=points.classes, epochs=5)
    text = points_csv(points).decode().splitlines()
    text[5] = text[5].replace(text[5].split(",")[0], "999.5", 1)
    (tmp_path / "changed.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    output = _run_script(reproduce_script(config, points), tmp_path, "changed.csv")
    assert "Warning: these are not exactly the points" in output


def test_uploaded_runs_need_their_points() -> None:
    points = _uploaded_points()
    config = RunConfig(data_id=points.fingerprint, data_points=len(points), classes=3)
    with pytest.raises(ValueError, match="needs those points"):
        reproduce_script(config)
    with pytest.raises(ValueError, match="fingerprint"):
        reproduce_script(config.replace(data_id="0123456789abcdef"), points)
    with pytest.raises(ValueError, match="classes"):
        reproduce_script(config.replace(classes=4), points)


hidden = st.lists(st.integers(1, int(FIELDS["hidden"].high)), max_size=MAX_HIDDEN_LAYERS).map(tuple)


def _field(name: str):
    spec = FIELDS[name]
    if spec.kind == "int":
        return st.integers(int(spec.low), int(spec.high))
    if spec.kind == "float":
        low = spec.low if name != "lr" else 1e-5
        return st.floats(low, spec.high, allow_nan=False, allow_infinity=False)
    return st.sampled_from(list(spec.choices))


@st.composite
def configs(draw) -> RunConfig:
    values = {name: draw(_field(name)) for name in FIELDS if name not in ("hidden", "classes")}
    values["hidden"] = draw(hidden)
    if values["dataset"] in ("moons", "xor"):
        values["classes"] = 2
    else:
        values["classes"] = draw(st.integers(2, 10))
    return RunConfig(**values)


def _is_optimizer(call: str) -> bool:
    """``sn.Adam``, ``sn.optimizers.Nesterov`` and the like: a call of an optimizer class of scratchnet."""
    if not call.startswith("sn."):
        return False
    target = sn
    for part in call.removeprefix("sn.").split("."):
        target = getattr(target, part, None)
    return isinstance(target, type) and issubclass(target, sn.Optimizer)


@settings(max_examples=60, deadline=None)
@given(configs())
def test_every_config_gives_a_valid_script(config: RunConfig) -> None:
    script = reproduce_script(config)
    compile(script, SCRIPT_FILE, "exec")
    assert _imports(script) <= {"numpy", "scratchnet"}
    tree = ast.parse(script)
    calls = {ast.unparse(node.func): node for node in ast.walk(tree) if isinstance(node, ast.Call)}
    keywords = {kw.arg: kw.value for kw in calls["sn.train"].keywords}
    stop = keywords.pop("early_stopping", None)  # as the app: only with held-out points to stop on
    if config.patience and config.test_share > 0:
        assert ast.unparse(stop) == f"{config.patience} if len(y_test) else None"
    else:
        assert stop is None
    train = {name: ast.literal_eval(value) for name, value in keywords.items() if name != "validation"}
    assert train == {
        "epochs": config.epochs,
        "batch_size": config.batch_size or None,
        "seed": config.seed,
        "l2": config.l2,
    }
    mlp = {kw.arg: kw.value for kw in calls["sn.mlp"].keywords}
    assert ast.literal_eval(mlp["seed"]) == config.seed and ast.literal_eval(mlp["dtype"]) == config.dtype
    sizes = calls["sn.mlp"].args[0]
    assert [ast.literal_eval(size) for size in sizes.elts[1:-1]] == list(config.hidden)
    optimizer = next(node for name, node in calls.items() if _is_optimizer(name))
    assert ast.literal_eval(next(kw.value for kw in optimizer.keywords if kw.arg == "lr")) == config.lr


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12).filter(str.strip), min_size=2, max_size=4, unique=True))
def test_any_class_names_give_a_valid_script(names: list[str]) -> None:
    try:
        points = make_points(np.arange(40.0).reshape(20, 2), np.arange(20) % len(names), names)
    except ValueError:  # e.g. "1" and "1.0" are one class
        return
    config = RunConfig(data_id=points.fingerprint, data_points=len(points), classes=points.classes)
    script = reproduce_script(config, points)
    compile(script, SCRIPT_FILE, "exec")
    tree = ast.parse(script)
    assigned = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id in ("CLASS_NAMES", "FINGERPRINT")
    }
    assert assigned == {"CLASS_NAMES": points.class_names, "FINGERPRINT": points.fingerprint}


def test_module_never_imports_streamlit() -> None:
    assert "streamlit" not in Path(export.__file__).read_text(encoding="utf-8")


def test_the_app_the_history_and_the_script_agree_on_the_final_figures(tmp_path: Path) -> None:
    """One definition of the final loss and accuracy (issue 15 item 11): the app's metrics and the
    script's "final" lines are those of the weights after the last step; the history's last row,
    one step earlier, is what the script calls the last history row, and the CSV holds exactly it."""
    from app_helpers import app, metric, settle

    from scratchnet.app.ui.run_panel import FINAL_HELP

    at = settle(app(query={"epochs": "150", "seed": "4"}))
    result = at.session_state[session.RUN].result
    output = _run_script(reproduce_script(result.config), tmp_path)
    final_loss = float(_printed(output, "final training loss"))
    assert metric(at, "Final loss") == f"{final_loss:.4f}"
    assert metric(at, "Train accuracy") == f"{float(_printed(output, 'training accuracy')):.1%}"
    assert final_loss == pytest.approx(result.train_loss, rel=1e-12)
    last_row = _table(history_csv(result.history))[-1]
    assert float(last_row[1]) == float(_printed(output, "last history row loss"))
    assert "after the last step" in FINAL_HELP and "before" in FINAL_HELP  # the app says which is which

"""Input features: their values, their order, their refusals, back-propagation through them, the CLI flag."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.cli import main

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = "x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)"


def test_the_features_and_their_order():
    assert list(sn.FEATURES) == ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    assert list(sn.FEATURE_LABELS) == list(sn.FEATURES)
    assert sn.DEFAULT_FEATURES == ("x1", "x2")


def test_each_feature_is_its_formula():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, (50, 2))
    x1, x2 = X[:, 0], X[:, 1]
    expected = {
        "x1": x1,
        "x2": x2,
        "x1^2": x1**2,
        "x2^2": x2**2,
        "x1*x2": x1 * x2,
        "sin(x1)": np.sin(x1),
        "sin(x2)": np.sin(x2),
    }
    for name, column in expected.items():
        np.testing.assert_allclose(sn.FEATURES[name](X), column, rtol=1e-15, err_msg=name)
    all_columns = sn.expand_features(X, list(expected))
    np.testing.assert_allclose(all_columns, np.column_stack(list(expected.values())), rtol=1e-15)


def test_columns_come_in_the_order_given():
    X = np.array([[1.0, 2.0], [-0.5, 3.0]])
    np.testing.assert_array_equal(sn.expand_features(X, ["x2^2", "x1", "x1*x2"]), [[4.0, 1.0, 2.0], [9.0, -0.5, -1.5]])
    np.testing.assert_array_equal(sn.expand_features(X, ("x1", "x2")), X)
    assert sn.expand_features(X, ["x2"]).shape == (2, 1)


def test_dtypes_and_empty_point_sets():
    X32 = np.ones((3, 2), np.float32)
    assert sn.expand_features(X32, ["sin(x1)", "x1^2"]).dtype == np.float32
    assert sn.expand_features(np.ones((3, 2), int), ["x1"]).dtype == np.float64
    assert sn.expand_features(np.empty((0, 2)), ["x1", "x2^2"]).shape == (0, 2)
    X = np.ones((3, 2))
    sn.expand_features(X, ["x1^2"])
    np.testing.assert_array_equal(X, np.ones((3, 2)))  # the points are not touched


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["x3"], f"features must be names from {ALLOWED}; got 'x3'"),
        (["x1", "X2"], f"features must be names from {ALLOWED}; got 'X2'"),
        (["x1", 2], f"features must be names from {ALLOWED}; got 2"),
        ([], f"features must name at least one of {ALLOWED}; got none"),
        ((), f"features must name at least one of {ALLOWED}; got none"),
        (["x1", "x1^2", "x1"], "features must not repeat a name; 'x1' is listed twice"),
        ("x1", f"features must be a list of names from {ALLOWED}; got 'x1'"),
        (None, f"features must be a list of names from {ALLOWED}; got None"),
    ],
)
def test_bad_names_are_refused_with_what_is_allowed(names, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        sn.expand_features(np.zeros((2, 2)), names)
    with pytest.raises(ValueError):
        sn.check_feature_names(names)


def test_points_must_have_two_columns():
    with pytest.raises(ValueError, match=r"X must have 2 columns; got 3"):
        sn.expand_features(np.zeros((4, 3)), ["x1"])
    with pytest.raises(ValueError, match=r"X must hold only finite numbers"):
        sn.expand_features(np.array([[np.nan, 1.0]]), ["x1"])


def test_check_feature_names_returns_a_tuple():
    assert sn.check_feature_names(["x1", "sin(x2)"]) == ("x1", "sin(x2)")


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_back_propagation_is_right_through_a_network_on_features(activation):
    X, y = sn.circles_data(samples=8, seed=1)
    names = list(sn.FEATURES)
    inputs = sn.expand_features(X, names)
    net = sn.mlp([len(names), 5, 2], activation=activation, init="glorot", seed=3)
    assert sn.gradient_check(net, inputs, y) < 1e-6


def test_a_linear_model_on_squares_separates_the_circles():
    """No hidden layer: a straight line in (x1², x2²) is a circle in the plane."""
    X, y = sn.circles_data(samples=100, seed=0)
    X_train, X_test, y_train, y_test = sn.train_test_split(X, y, seed=0)
    names = ["x1", "x2", "x1^2", "x2^2"]
    plain, squared = sn.mlp([2, 2], seed=0), sn.mlp([4, 2], seed=0)
    sn.train(plain, X_train, y_train, sn.Adam(lr=0.05), 500)
    sn.train(squared, sn.expand_features(X_train, names), y_train, sn.Adam(lr=0.05), 500)
    assert sn.evaluate(plain, X_test, y_test)[1] < 0.8
    assert sn.evaluate(squared, sn.expand_features(X_test, names), y_test)[1] >= 0.95


def _table_rows(text: str) -> list[list[str]]:
    lines = [line for line in text.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_cli_features_reach_the_network(tmp_path, capsys):
    path = tmp_path / "net.npz"
    args = ["--dataset", "circles", "--hidden", "4", "--epochs", "300", "--save", str(path)]
    assert main([*args, "--features", "x1", "x2", "x1^2", "x2^2", "x1*x2"]) == 0
    rows = _table_rows(capsys.readouterr().out)
    assert len(rows) == 1 and rows[0][6] == "completed" and float(rows[0][4]) >= 0.95
    assert sn.load(path).sizes == [5, 4, 2]
    assert main([*args, "--features", "sin(x2)"]) == 0
    assert sn.load(path).sizes == [1, 4, 2]


@pytest.mark.parametrize(
    ("features", "words"),
    [(["x3"], ["features must be names from", ALLOWED, "'x3'"]), (["x1", "x1"], ["'x1' is listed twice"])],
)
def test_cli_refuses_bad_features(features, words, capsys):
    assert main(["--epochs", "2", "--features", *features]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: ")
    for word in words:
        assert word in captured.err


def test_cli_features_from_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "scratchnet", "--epochs", "20", "--features", "x1^2", "x2^2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(_table_rows(result.stdout)) == 1
    assert (
        "--features"
        in subprocess.run(
            [sys.executable, "-m", "scratchnet", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
        ).stdout
    )

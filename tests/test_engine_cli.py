"""``python -m scratchnet``: the table it prints, the notebook replay, and its errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.cli import main

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["run", "epochs", "final loss", "train acc", "test acc", "seconds", "status"]


def _table(text: str) -> tuple[list[str], list[list[str]]]:
    """Header cells and body rows of the Markdown table in ``text``."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len(lines) >= 2 and set(lines[1]) <= {"|", "-"}
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    return cells[0], cells[2:]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scratchnet", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_module_entry_point_prints_one_row() -> None:
    result = _run("--epochs", "50")
    assert result.returncode == 0, result.stderr
    header, rows = _table(result.stdout)
    assert header == COLUMNS
    assert len(rows) == 1
    run, epochs, loss, train_acc, test_acc, seconds, status = rows[0]
    assert run.startswith("Adam(lr=0.05") and epochs == "50" and status == "completed"
    assert 0 < float(loss) < 1.2
    assert 0 <= float(train_acc) <= 1 and 0 <= float(test_acc) <= 1 and float(seconds) >= 0


def test_one_row_per_optimizer_and_learning_rate(capsys) -> None:
    assert main(["--epochs", "50", "--optimizer", "sgd", "adam", "--lr", "0.1", "1.0"]) == 0
    header, rows = _table(capsys.readouterr().out)
    assert header == COLUMNS
    runs = [row[0] for row in rows]
    assert len(rows) == 4
    assert [run.split("(")[0] for run in runs] == ["SGD", "SGD", "Adam", "Adam"]
    assert [run.split("lr=")[1].split(",")[0] for run in runs] == ["0.1", "1", "0.1", "1"]
    assert all(row[1] == "50" and row[6] == "completed" for row in rows)
    # Spiral, 20 % held out of 300 points: every accuracy is a multiple of 1/240 or 1/60.
    for row in rows:
        assert round(float(row[3]) * 240) == pytest.approx(float(row[3]) * 240, abs=0.2)


def test_flags_reach_the_run(tmp_path, capsys) -> None:
    path = tmp_path / "last.npz"
    args = ["--dataset", "blobs", "--classes", "4", "--samples", "30", "--hidden", "8,6", "--activation", "tanh"]
    args += ["--dtype", "float32", "--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.5", "--epochs", "20"]
    args += ["--batch-size", "16", "--test-share", "0", "--save", str(path)]
    assert main(args) == 0
    _, rows = _table(capsys.readouterr().out)
    assert len(rows) == 1 and "momentum=0.9" in rows[0][0] and rows[0][4] == ""  # nothing held out
    net = sn.load(path)
    assert net.sizes == [2, 8, 6, 4] and net.dtype == np.float32 and isinstance(net.layers[1], sn.Tanh)


def test_notebook_mode_prints_every_experiment_and_variant(capsys) -> None:
    assert main(["notebook", "--shrink", "100"]) == 0
    header, rows = _table(capsys.readouterr().out)
    assert header == COLUMNS
    assert len(rows) == 3 * (1 + 3)  # per experiment: its record, then the three variants
    records = rows[::4]
    assert [r[0] for r in records] == [
        "notebook's record: lr 0.5, decay 0.01",
        "notebook's record: lr 2, decay 0.01",
        "notebook's record: lr 1, decay 0.1",
    ]
    assert [r[1] for r in records] == ["10000", "10000", "30000"]
    assert records[1][3] == "0.633" and records[2][4] == "0.704"  # the numbers the notebook recorded
    for i, epochs in enumerate(("100", "100", "300")):
        variants = rows[4 * i + 1 : 4 * i + 4]
        assert [r[0] for r in variants] == ["as written", "ReLU fixed", "decay applied"]
        assert all(r[1] == epochs and r[6] == "completed" for r in variants)
        assert all(0 <= float(r[3]) <= 1 and 0 <= float(r[4]) <= 1 for r in variants)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--lr", "-1"], ["lr", "got -1"]),
        (["--epochs", "0"], ["epochs", "got 0"]),
        (["--samples", "0"], ["samples", "got 0"]),
        (["--dataset", "moons", "--classes", "3"], ["classes", "got 3"]),
        (["--hidden", "0"], ["sizes[1]", "got 0"]),
        (["--test-share", "0.95"], ["test_share", "got 0.95"]),
        (["--optimizer", "sgd", "--momentum", "2"], ["momentum", "got 2"]),
        (["--seed", "-1"], ["seed", "got -1"]),
        (["notebook", "--shrink", "0"], ["shrink", "got 0"]),
        (["notebook", "--shrink", "-5"], ["shrink", "got -5"]),
    ],
)
def test_bad_values_exit_with_code_2_and_a_clear_message(args, words, capsys) -> None:
    assert main([*args, "--epochs", "2"] if "--epochs" not in args else args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    for word in words:
        assert word in captured.err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--epochs", "ten"], ["--epochs", "invalid int value", "'ten'"]),
        (["--optimizer", "lbfgs"], ["--optimizer", "invalid choice", "'lbfgs'"]),
        (["--hidden", "a,b"], ["--hidden", "unit counts", "'a,b'"]),
        (["--bogus"], ["unrecognized arguments", "--bogus"]),
    ],
)
def test_unparsable_flags_exit_with_code_2(args, words, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err


def test_save_to_an_unwritable_place_is_a_clean_error(tmp_path, capsys) -> None:
    assert main(["--epochs", "2", "--save", str(tmp_path / "no" / "such" / "dir" / "x.npz")]) == 2
    assert "error:" in capsys.readouterr().err


def test_process_exit_code_and_stderr_for_a_bad_value() -> None:
    result = _run("--lr", "-1", "--epochs", "2")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "lr must be a finite number above 0" in result.stderr and "got -1" in result.stderr
    assert "Traceback" not in result.stderr

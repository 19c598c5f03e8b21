"""The engine's boundaries: NumPy only (never the app, pandas, altair or streamlit), and no private
name used outside the module that defines it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import scratchnet as sn

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "scratchnet"
MODULES = sorted(path.stem for path in ENGINE.glob("*.py") if path.stem != "__main__")
FORBIDDEN = ("scratchnet.app", "pandas", "altair", "streamlit")

BLOCKED_IMPORT = f"""
import importlib, importlib.abc, sys

FORBIDDEN = {FORBIDDEN!r}

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == blocked or name.startswith(blocked + ".") for blocked in FORBIDDEN):
            raise ImportError(f"the engine must not import {{name}}")
        return None

sys.meta_path.insert(0, Blocker())
import scratchnet
for module in {MODULES!r}:
    if module != "__init__":
        importlib.import_module("scratchnet." + module)
X, y = scratchnet.spiral_data(samples=20, seed=0)
scratchnet.train(scratchnet.mlp([2, 4, 3]), scratchnet.expand_features(X, ["x1", "x2"]), y, scratchnet.Adam(), 3)
loaded = sorted(name for name in sys.modules if any(name == b or name.startswith(b + ".") for b in FORBIDDEN))
assert not loaded, loaded
print("ok")
"""


def test_the_engine_imports_and_trains_without_the_app_pandas_altair_or_streamlit():
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_blocker_does_block():
    """The check above would notice an engine module importing pandas."""
    probe = BLOCKED_IMPORT.replace("import scratchnet\n", "import scratchnet\nimport pandas\n", 1)
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "the engine must not import pandas" in result.stderr


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _defined_private_names(tree: ast.Module) -> set[str]:
    """Private names a module defines: functions, classes, module or class variables, ``self._x`` attributes."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and _private(node.name):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and _private(node.id):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _private(node.attr):
            names.add(node.attr)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Attribute) and _private(node.target.attr):
            names.add(node.target.attr)
    return names


@pytest.mark.parametrize("module", MODULES)
def test_no_private_name_crosses_a_module(module):
    tree = ast.parse((ENGINE / f"{module}.py").read_text(encoding="utf-8"))
    own = _defined_private_names(tree)
    foreign: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            foreign += [f"import {alias.name}" for alias in node.names if _private(alias.name)]
        elif isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own:
            foreign.append(f"line {node.lineno}: .{node.attr}")
    assert not foreign, f"{module}.py uses private names of other modules: {foreign}"


def test_every_public_engine_name_is_exported():
    for name in ("FEATURES", "expand_features", "loss_and_gradient", "one_hot", "History", "Snapshot", "train"):
        assert name in sn.__all__ and hasattr(sn, name)

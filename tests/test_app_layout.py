"""The app's layout keeps to its rules: logic and charts never need Streamlit, no module grows past
about 400 lines, and every page file is the same two lines (its configuration, then its view).

These read the source and import the modules in a fresh interpreter; nothing is drawn.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from app_helpers import ROOT

APP = ROOT / "scratchnet" / "app"
PAGE_FILES = sorted([ROOT / "streamlit_app.py", *(ROOT / "pages").glob("*.py")])
MAX_LINES = 420  # "about 400": a little slack, never a second module's worth

#: Installed first on ``sys.meta_path``: any import of Streamlit (or of the modules named) fails, as
#: it would on a machine without it.
BLOCKER = """
import importlib.abc, sys
BLOCKED = {blocked!r}
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED or any(name == b or name.startswith(b + ".") for b in BLOCKED):
            raise ImportError(f"{{name}} is not importable here")
        return None
sys.meta_path.insert(0, Blocker())
"""


def modules_of(package: Path, prefix: str) -> list[str]:
    """Every module of ``package`` (a folder of .py files), dotted, ``__init__`` as the package itself."""
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        names.append(".".join((prefix, *parts[:-1])) if parts[-1] == "__init__" else ".".join((prefix, *parts)))
    return names


def streamlit_free_modules() -> list[str]:
    """The app's modules that must not import Streamlit: all but ``ui/*`` and each page's ``view``."""
    return [
        name
        for name in modules_of(APP, "scratchnet.app")
        if not name.startswith("scratchnet.app.ui") and name.split(".")[-1] != "view"
    ]


def import_with_blocked(modules: list[str], blocked: list[str]) -> subprocess.CompletedProcess:
    code = BLOCKER.format(blocked=blocked) + (
        "import importlib\n"
        "failed = []\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as error:\n"
        "        failed.append(f'{name}: {type(error).__name__}: {error}')\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)


def test_every_logic_and_chart_module_imports_without_streamlit():
    modules = streamlit_free_modules()
    assert {"scratchnet.app.sweep.logic", "scratchnet.app.sweep.charts", "scratchnet.app.runs.step_trace"} <= set(
        modules
    )
    done = import_with_blocked(modules, ["streamlit"])
    assert done.returncode == 0, f"these need Streamlit:\n{done.stdout}{done.stderr[-2000:]}"


def test_the_blocker_really_blocks_streamlit():
    done = import_with_blocked(["scratchnet.app.ui.session", "scratchnet.app.sweep.view"], ["streamlit"])
    assert done.returncode == 1
    assert "scratchnet.app.ui.session: ImportError" in done.stdout and "scratchnet.app.sweep.view" in done.stdout


def test_the_engine_never_imports_the_app_or_its_libraries():
    engine = [name for name in modules_of(ROOT / "scratchnet", "scratchnet") if not name.startswith("scratchnet.app")]
    done = import_with_blocked(engine, ["streamlit", "pandas", "altair", "scratchnet.app"])
    assert done.returncode == 0, f"the engine reached for the app or its libraries:\n{done.stdout}{done.stderr[-2000:]}"


@pytest.mark.parametrize("path", sorted(APP.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_app_module_is_over_about_400_lines(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by concept"


def page_calls(path: Path) -> tuple[list[str], list[str]]:
    """What a page file does besides importing: its statements (as source), and the modules it imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    body = tree.body[1:] if tree.body and isinstance(getattr(tree.body[0], "value", None), ast.Constant) else tree.body
    imports, statements = [], []
    for node in body:
        if isinstance(node, ast.ImportFrom):
            imports += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            imports += [alias.name for alias in node.names]
        else:
            statements.append(ast.unparse(node))
    return statements, imports


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_every_page_file_is_its_configuration_then_its_views_page(path: Path):
    from scratchnet.app.ui.nav import PAGES

    assert path.read_text(encoding="utf-8").startswith('"""'), "a page starts with a docstring saying what it shows"
    statements, imports = page_calls(path)
    assert len(statements) == 2, f"a page is two calls; {path.name} has: {statements}"
    configure, draw = statements
    title = next((label for file, label, *_ in PAGES if ROOT / file == path), None)
    assert title is not None, f"{path.name} is not in nav.PAGES"
    assert configure == f"nav.page_config({title!r})"
    view = draw.removesuffix(".page()")
    assert draw.endswith(".page()") and "." not in view, draw
    assert any(name.endswith(f".view.{view}") or (name.endswith(".view") and view == "view") for name in imports), (
        f"{path.name} draws with {view}.page() but imports {imports}"
    )
    assert "scratchnet.app.ui.nav" in imports
    assert all(name.startswith("scratchnet.app.") for name in imports), f"a page imports only the app: {imports}"


def test_every_page_in_the_menu_has_its_file():
    from scratchnet.app.ui.nav import PAGES

    assert {ROOT / file for file, *_ in PAGES} == set(PAGE_FILES)

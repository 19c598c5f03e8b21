"""The app's layout keeps to its rules: imports only look down (the engine, then ``runs``, ``plots``,
``ui``, the page packages, the page files; no page package imports another), logic and charts never
need Streamlit, no module (engine or app) grows past 400 lines nor any function past 60, and every page
file is the same one line (its title and its view, through nav.run_page).

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
MAX_LINES = 400  # a module past this is split at a concept's end
MAX_FUNCTION_LINES = 60  # a function past this is split, so each reads at a glance

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
    """The app's modules that must not import Streamlit: all but ``ui/*`` and each page's views
    (``view``, and a page's other Streamlit modules, named ``*_view``)."""
    return [
        name
        for name in modules_of(APP, "scratchnet.app")
        if not name.startswith("scratchnet.app.ui")
        and not (name.split(".")[-1] == "view" or name.split(".")[-1].endswith("_view"))
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


#: The layers, lowest first: a module imports only from its own layer or one below it.
LAYERS = ("the engine", "runs", "plots", "ui", "a page package", "a page file")
PAGE_PACKAGES = ("playground", "experiments", "under_the_hood", "sweep", "lessons", "challenges")
ALL_MODULES = set(modules_of(ROOT / "scratchnet", "scratchnet"))


def layer_of(module: str) -> tuple[int, str]:
    """(rank in ``LAYERS``, the page package or "") of a module of scratchnet, or of a page file."""
    parts = module.split(".")
    if parts[0] in ("pages", "streamlit_app"):
        return LAYERS.index("a page file"), ""
    if parts[:2] != ["scratchnet", "app"]:
        return LAYERS.index("the engine"), ""
    top = parts[2] if len(parts) > 2 else ""
    # the app's own package, its formatter, its glossary and the class database sit with runs
    if top in ("", "runs", "text", "glossary", "board"):
        return LAYERS.index("runs"), ""
    if top in ("plots", "ui"):
        return LAYERS.index(top), ""
    assert top in PAGE_PACKAGES, f"{module}: a package the layout does not know (add it to PAGE_PACKAGES or LAYERS)"
    return LAYERS.index("a page package"), top


def imported_modules(path: Path, module: str) -> list[tuple[int, str]]:
    """Every scratchnet module ``path`` imports, anywhere in it (a function's own imports too), with
    its line: ``from a.b import c`` is the module ``a.b.c`` when there is one, else ``a.b``."""
    found = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's own package
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], *filter(None, [base])]
                )
            for alias in node.names:
                whole = f"{base}.{alias.name}"
                found.append((node.lineno, whole if whole in ALL_MODULES else base))
    return sorted((line, name) for line, name in found if name.split(".")[0] == "scratchnet")


def layered_files() -> list[tuple[Path, str]]:
    """Every module under scratchnet/app and every page file, with its dotted name."""
    files = [(ROOT / "scratchnet" / Path(*name.split(".")[1:]), name) for name in modules_of(APP, "scratchnet.app")]
    files = [
        (path.with_suffix(".py") if path.with_suffix(".py").exists() else path / "__init__.py", n) for path, n in files
    ]
    return files + [(path, path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")) for path in PAGE_FILES]


def test_imports_only_look_down_and_no_page_package_imports_another():
    wrong = []
    for path, module in layered_files():
        rank, page = layer_of(module)
        for line, name in imported_modules(path, module):
            their_rank, their_page = layer_of(name)
            where = f"{path.relative_to(ROOT)}:{line} imports {name}"
            if their_rank > rank:
                wrong.append(f"{where}: {LAYERS[rank]} may not import {LAYERS[their_rank]} (imports only look down)")
            elif page and their_page and their_page != page:
                wrong.append(f"{where}: a page package imports no other page (share it through ui/ or lower)")
    assert not wrong, "imports against the layers (engine <- runs <- plots <- ui <- pages):\n" + "\n".join(wrong)


def test_the_layer_check_sees_an_upward_import_and_a_neighbours(tmp_path: Path):
    module = tmp_path / "cache.py"
    module.write_text("def f():\n    from scratchnet.app.playground import logic\nimport scratchnet as sn\n")
    imports = imported_modules(module, "scratchnet.app.ui.cache")
    assert imports == [(2, "scratchnet.app.playground.logic"), (3, "scratchnet")]
    assert layer_of("scratchnet.app.playground.logic") > layer_of("scratchnet.app.ui.cache")
    assert layer_of("scratchnet.app.lessons.view")[1] != layer_of("scratchnet.app.playground.view")[1]
    relative = tmp_path / "view.py"
    relative.write_text("from . import logic\nfrom ..runs import config\n")
    assert imported_modules(relative, "scratchnet.app.sweep.view") == [
        (1, "scratchnet.app.sweep.logic"),
        (2, "scratchnet.app.runs.config"),
    ]


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


@pytest.mark.parametrize("path", sorted((ROOT / "scratchnet").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_400_lines(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by concept"


def long_functions(paths: list[Path]) -> list[str]:
    """``file:line name (N lines)`` of every function (a method, a nested one too) of ``paths`` longer
    than ``MAX_FUNCTION_LINES``, from its ``def`` (or first decorator) to its last line."""
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
                length = node.end_lineno - first + 1
                if length > MAX_FUNCTION_LINES:
                    where = path.relative_to(ROOT).as_posix() if ROOT in path.parents else path.name
                    found.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_is_over_60_lines():
    long = long_functions([*sorted((ROOT / "scratchnet").rglob("*.py")), *PAGE_FILES])
    assert not long, "functions to split (each should read at a glance):\n" + "\n".join(long)


def test_the_function_check_sees_a_long_function(tmp_path: Path):
    module = tmp_path / "long.py"
    lines = [f"x{i} = {i}" for i in range(MAX_FUNCTION_LINES - 1)]  # with its def: a function just at the cap
    short = "def short():\n" + "".join(f"    {line}\n" for line in lines)
    long = "class C:\n    @staticmethod\n    def long():\n" + "".join(f"        {line}\n" for line in lines)
    module.write_text(short + "\n\n" + long)  # the decorator counts: one line past the cap
    assert long_functions([module]) == [f"long.py:{MAX_FUNCTION_LINES + 5} long ({MAX_FUNCTION_LINES + 1} lines)"]


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
    assert len(statements) == 1, f"a page is one call; {path.name} has: {statements}"
    (call,) = statements
    title = next((label for file, label, *_ in PAGES if ROOT / file == path), None)
    assert title is not None, f"{path.name} is not in nav.PAGES"
    assert call.startswith(f"nav.run_page({title!r}, ") and call.endswith(".page)"), call
    view = call.removeprefix(f"nav.run_page({title!r}, ").removesuffix(".page)")
    assert "." not in view, call
    assert any(name.endswith(f".view.{view}") or (name.endswith(".view") and view == "view") for name in imports), (
        f"{path.name} draws with {view}.page but imports {imports}"
    )
    assert "scratchnet.app.ui.nav" in imports
    assert all(name.startswith("scratchnet.app.") for name in imports), f"a page imports only the app: {imports}"


def test_every_page_in_the_menu_has_its_file():
    from scratchnet.app.ui.nav import PAGES

    assert {ROOT / file for file, *_ in PAGES} == set(PAGE_FILES)


# ---- session state has one owner -----------------------------------------------------------------
SESSION = APP / "ui" / "session"


def session_state_users(paths: list[Path]) -> list[str]:
    """``file:line`` of every line of ``paths`` that names ``session_state`` (an alias, or a docstring's
    mention too: the name is the owner's alone)."""
    return [
        f"{path.relative_to(ROOT).as_posix() if ROOT in path.parents else path.name}:{number}"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "session_state" in line
    ]


def test_only_the_session_package_touches_session_state():
    outside = [
        path for path in [*sorted((ROOT / "scratchnet").rglob("*.py")), *PAGE_FILES] if SESSION not in path.parents
    ]
    users = session_state_users(outside)
    assert not users, "st.session_state outside ui/session/ (add a typed accessor there):\n" + "\n".join(users)


def test_the_session_check_sees_an_alias(tmp_path: Path):
    aliased, clean = tmp_path / "aliased.py", tmp_path / "clean.py"
    aliased.write_text("import streamlit as st\n\n\ndef f():\n    state = st.session_state\n")
    clean.write_text("from scratchnet.app.ui import session\n\n\ndef f():\n    return session.current_run()\n")
    assert session_state_users([aliased, clean]) == ["aliased.py:5"]


def test_session_state_is_split_by_concern_within_the_line_cap():
    modules = sorted(SESSION.glob("*.py"))
    assert not (APP / "ui" / "session.py").exists(), "one owner: the package, not a module beside it"
    assert len(modules) >= 5, "one module per concern beside the core"
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in modules}
    assert all(size <= MAX_LINES for size in sizes.values()), f"split it by concern: {sizes}"

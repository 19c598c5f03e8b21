"""Hostile input: every link parameter with nonsense in it, runs that blow up, and what a session
may touch. The app must stay up, say what it refused (naming the value and what is allowed), keep
the rest of the configuration, and still train.

The link parsing is checked exhaustively as plain functions (every field × every hostile value,
plus property-based queries); the page itself is driven through AppTest with a sample of them.
"""

from __future__ import annotations

import ast
import io
import math
import os
import re
import sys
import tomllib

import numpy as np
import pytest
from app_helpers import ROOT, app, charts, dataset_with, decision_map, metric, settle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

import scratchnet as sn
from scratchnet.app.plots import charts as chart_builders
from scratchnet.app.plots import frames
from scratchnet.app.plots.confusion import confusion_chart
from scratchnet.app.runs import export
from scratchnet.app.runs.config import FIELDS, RunConfig, from_query, to_query
from scratchnet.app.runs.cost import cost_verdict
from scratchnet.app.runs.links import read_link
from scratchnet.app.runs.presets import PRESETS
from scratchnet.app.runs.result import make_data, make_network, summarize, train_run
from scratchnet.app.text import escape
from scratchnet.app.ui import session

# ---- the values --------------------------------------------------------------------------------
HOSTILE = {
    "empty": "",
    "negative": "-1",
    "zero": "0",
    "huge": "1e12",
    "nan": "nan",
    "inf": "inf",
    "minus inf": "-inf",
    "word": "abc",
    "unicode": "ünïcødé 😀 مرحبا",
    "long text": "x" * 10_000,
    "long number": "9" * 5_000,
    "hex": "0x1A",
    "list": "[1, 2]",
    "markup": "<script>alert(1)</script>",
    "null byte": "1\x00",
    "too many layers": "8,8,8,8,8",
}
#: Fields for which a hostile value is in fact allowed (0 is a fine noise, seed or batch size; an
#: empty or zero ``hidden`` means "no hidden layer").
ALLOWED = {
    "zero": {"noise", "data_seed", "test_share", "decay", "momentum", "batch_size", "l2", "seed", "hidden", "patience"},
    "empty": {"hidden"},
}

#: A valid, non-default value for every field: what must survive next to a hostile one.
VALID = {
    "dataset": "blobs",
    "samples": "40",
    "classes": "4",
    "noise": "0.1",
    "data_seed": "3",
    "test_share": "0.25",
    "hidden": "12,6",
    "features": "x1,x2,x1*x2",
    "activation": "tanh",
    "init": "glorot",
    "optimizer": "sgd",
    "lr": "0.1",
    "decay": "0.001",
    "momentum": "0.5",
    "epochs": "150",
    "patience": "40",
    "batch_size": "64",
    "l2": "0.0001",
    "dtype": "float32",
    "seed": "5",
}
EXPECTED = RunConfig(
    dataset="blobs",
    samples=40,
    classes=4,
    noise=0.1,
    data_seed=3,
    test_share=0.25,
    hidden=(12, 6),
    features=("x1", "x2", "x1*x2"),
    activation="tanh",
    init="glorot",
    optimizer="sgd",
    lr=0.1,
    decay=0.001,
    momentum=0.5,
    epochs=150,
    patience=40,
    batch_size=64,
    l2=0.0001,
    dtype="float32",
    seed=5,
)


def refused(kind: str, name: str) -> bool:
    return name not in ALLOWED.get(kind, set())


def names_value(message: str, raw: str) -> bool:
    """Whether ``message`` shows the refused value: its text (shortened, escaped) or the number it reads as."""
    shown = {repr(raw)[1:16], raw.replace(",", ", ")}
    try:
        number = float(raw)
    except ValueError:
        pass
    else:
        shown.add(repr(number))
        if math.isfinite(number) and number == int(number):
            shown.add(str(int(number)))
    return any(part in message for part in shown)


pytestmark = pytest.mark.usefixtures("fresh_caches")  # every test starts with empty Streamlit caches


# ---- the link, as a function: every field × every hostile value --------------------------------
@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("name", list(FIELDS))
def test_every_field_refuses_nonsense_by_name_and_keeps_the_rest(name: str, kind: str) -> None:
    raw = HOSTILE[kind]
    config, messages = from_query({**VALID, name: [raw]})
    others = {other for other in FIELDS if other != name}
    assert {other: getattr(config, other) for other in others} == {o: getattr(EXPECTED, o) for o in others}
    if not refused(kind, name):
        return
    assert getattr(config, name) == getattr(RunConfig(), name)  # the refused field keeps its default
    mine = [m for m in messages if name in m]
    assert len(mine) == 1, messages
    assert "must" in mine[0]  # and says what is allowed
    assert names_value(mine[0], raw), mine[0]
    assert len(mine[0]) < 300  # a 10 000-character value is not echoed back whole


def test_a_refused_value_falls_back_to_the_default_when_nothing_else_is_given() -> None:
    config, messages = from_query({"lr": ["nan"], "epochs": ["-5"], "dataset": ["mnist"], "optimizer": ["lbfgs"]})
    assert config == RunConfig()
    text = " ".join(messages)
    for name, value in (("lr", "nan"), ("epochs", "-5"), ("dataset", "mnist"), ("optimizer", "lbfgs")):
        assert name in text and value in text
    assert "spiral" in text and "adam" in text  # the allowed names are listed


def test_duplicated_keys_use_the_last_value_and_say_so() -> None:
    config, messages = from_query({"epochs": ["100", "300"], "lr": ["abc", "0.2"], "seed": ["1", "2", "zz"]})
    assert config.epochs == 300 and config.lr == 0.2 and config.seed == RunConfig().seed
    text = " ".join(messages)
    assert "epochs was given 2 times" in text and "lr was given 2 times" in text and "seed was given 3 times" in text
    assert "'zz'" in text


def test_a_dataset_with_too_many_classes_is_fitted_with_a_note() -> None:
    config, messages = from_query({"dataset": ["moons"], "classes": ["7"]})
    assert (config.dataset, config.classes) == ("moons", 2)
    assert any("moons" in m and "2" in m for m in messages)


def test_unknown_presets_are_named_and_the_known_ones_listed() -> None:
    link = read_link({"preset": ["../../etc/passwd"], "epochs": ["120"]})
    assert link.preset is None and link.config == RunConfig(epochs=120)
    (message,) = link.messages
    assert "preset" in message and "../../etc/passwd" in message and "explode" in message


def test_a_duplicated_preset_uses_the_last() -> None:
    link = read_link({"preset": ["nope", "explode"]})
    assert link.preset == "explode" and link.config == PRESETS["explode"].config()


def test_unknown_names_in_hide_are_named_and_the_known_ones_applied() -> None:
    link = read_link({"hide": ["lr,nonsense,💥", "training"]})
    assert link.hidden == {"lr", "training"}
    text = " ".join(link.messages)
    assert "hide" in text and "nonsense" in text


# ---- the link, property-based ------------------------------------------------------------------
LINK_KEYS = [*FIELDS, "preset", "hide"]
values = hs.one_of(
    hs.sampled_from(list(HOSTILE.values())),
    hs.sampled_from(list(VALID.values())),
    hs.sampled_from([*PRESETS, *FIELDS, "training", "data", "network", "presets"]),
    hs.integers(-(10**20), 10**20).map(str),
    hs.floats(allow_nan=True, allow_infinity=True).map(repr),
    hs.text(max_size=30),
)
queries = hs.dictionaries(
    hs.one_of(hs.sampled_from(LINK_KEYS), hs.text(max_size=8)), hs.lists(values, max_size=3), max_size=12
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries)
def test_any_query_gives_a_valid_config_and_messages_never_an_exception(query: dict[str, list[str]]) -> None:
    link = read_link(query)
    config = link.config
    assert isinstance(config, RunConfig)
    assert config == RunConfig(**config.as_dict())  # it validates itself again, unchanged
    assert all(isinstance(m, str) and 0 < len(m) < 400 for m in link.messages)
    assert link.hidden <= {*FIELDS, "data", "network", "training", "presets"}
    assert cost_verdict(config).level in ("ok", "warn", "refuse")
    # a single valid value for a field, with no message about that field, is the value the config holds
    if "preset" not in query:
        for name in set(query) & set(FIELDS) - {"classes"}:
            mentioned = any(m.startswith(f"Ignored a value from the link: {name}") for m in link.messages)
            if len(query[name]) == 1 and not mentioned:
                assert getattr(config, name) == getattr(from_query({name: query[name]})[0], name)
    # and the config's own link opens the same config, without a word
    again, messages = from_query(to_query(config))
    assert again == config and messages == []


# ---- the page: a sample of hostile links through AppTest ----------------------------------------
def hostile_query(kind: str, half: int) -> tuple[dict[str, str], set[str], set[str]]:
    """Every other field set to the hostile value, the rest valid (``epochs`` always valid, to keep the
    runs short). Returns the query, the fields given the hostile value, and those among them it refuses."""
    names = [name for name in FIELDS if name != "epochs"]
    hostile = {name for i, name in enumerate(names) if i % 2 == half}
    query = {name: (HOSTILE[kind] if name in hostile else VALID[name]) for name in FIELDS}
    return query, hostile, {name for name in hostile if refused(kind, name)}


def unescaped(text: str) -> str:
    """Markdown text as a reader sees it (messages quoting user values are escaped, see safe_text)."""
    return re.sub(r"\\(.)", r"\1", text)


def warnings_text(at) -> str:
    return unescaped(" ".join(w.value for w in at.warning))


APP_KINDS = ["empty", "negative", "huge", "nan", "word", "unicode", "long text", "markup"]


@pytest.mark.parametrize("kind", APP_KINDS)
def test_the_page_survives_a_hostile_link_says_so_and_still_trains(kind: str) -> None:
    query, hostile, refusals = hostile_query(kind, APP_KINDS.index(kind) % 2)
    at = settle(app(query=query))
    assert not at.exception
    text = warnings_text(at)
    for name in refusals:
        assert f"{name} must" in text or f"{name} units must" in text, (name, text[:500])
    job = at.session_state[session.RUN]
    config = job.config
    for name in set(FIELDS) - hostile:
        if not (name == "momentum" and config.optimizer != "sgd"):
            assert getattr(config, name) == getattr(EXPECTED, name), name
    assert job.result is not None and job.result.history.epochs_run >= 1  # it trained
    assert metric(at, "Epochs")  # and its result is drawn
    # the controls show the configuration that was kept
    assert (
        at.session_state[session.control_key("seed")] == config.seed
        and at.session_state[session.control_key("dataset")] == config.dataset
    )


def test_the_page_with_duplicated_keys_unknown_keys_and_junk_presets_and_hide_lists() -> None:
    query = {
        "epochs": ["100", "140"],
        "lr": ["0.2", "lots"],
        "preset": ["🙂", "not-a-preset"],
        "hide": ["lr,💥,../../etc", "seed"],
        "lrr": "0.3",
        "": "",
        "x" * 300: "y" * 300,
    }
    at = settle(app(query=query))
    assert not at.exception
    text = warnings_text(at)
    assert "epochs was given 2 times" in text and "'lots'" in text and "not-a-preset" in text
    config = at.session_state[session.RUN].config
    assert config.epochs == 140 and config.lr == RunConfig().lr
    keys = {w.key for w in at.sidebar.select_slider} | {w.key for w in at.sidebar.number_input}
    assert "cfg.lr" not in keys and "cfg.seed" not in keys and "cfg.epochs" in keys
    assert at.session_state[session.RUN].result.status == "completed"


def test_a_link_cannot_start_a_run_over_the_cost_limit() -> None:
    """Opening a link trains it at once; a link must not be a way around the per-run cost limit."""
    query = {"samples": "1000", "classes": "10", "hidden": "128,128,128,128", "epochs": "100000"}
    config, _ = from_query(query)
    assert cost_verdict(config).level == "refuse"
    at = app(query=query)
    at.run()
    assert not at.exception
    run = at.session_state[session.RUN] if session.RUN in at.session_state else None  # noqa: SIM401
    if run is not None and hasattr(run, "cancel"):
        run.cancel("test")  # do not leave a 90 s run behind in the pool
    assert run is None or run.config != config
    assert any("limit" in e.value for e in at.error) or any("limit" in e.value for e in at.sidebar.error)


def test_link_values_cannot_inject_markdown_links_or_images() -> None:
    """Refused values are echoed in messages drawn as Markdown: they must show as text, not as links."""
    at = settle(app(query={"dataset": "[click](http://example.com)", "optimizer": "![](http://example.com/x.png)"}))
    assert not at.exception
    text = " ".join(w.value for w in at.warning)  # as drawn: escaped
    assert "example" in text  # the value is named ...
    assert "[click](http" not in text and "![](http" not in text  # ... but cannot become a link or an image


# ---- the controls ------------------------------------------------------------------------------
#: Values no widget can send from a browser (its range stops them), sent anyway as a crafted
#: message would: the page must stay up and keep a configuration it can train.
OUT_OF_RANGE = [
    ("number_input", "cfg.seed", 10**12),
    ("slider", "cfg.samples", 0),
    ("slider", "cfg.noise", float("inf")),
    ("slider", "cfg.layers", 9),
    ("slider", "cfg.test_share", float("nan")),
]


@pytest.mark.parametrize(("kind", "key", "value"), OUT_OF_RANGE, ids=lambda v: str(v)[:12])
def test_out_of_range_control_values_never_break_the_page(kind: str, key: str, value) -> None:
    at = settle(app(query={"epochs": "100", "seed": "4"}))
    getattr(at, kind)(key=key).set_value(value)
    at.run()
    assert not at.exception
    train = next(b for b in at.sidebar.button if b.label == "Train")
    if not train.disabled:  # whatever the controls hold now is a valid configuration: it trains
        train.click()
        settle(at)
        assert not at.exception
        assert at.session_state[session.RUN].result.history.epochs_run == 100
    else:
        assert at.sidebar.error  # or the page says why not


# ---- uploads through the page ------------------------------------------------------------------
def spiral_rows(separator: str = ",", labels=("a", "b", "c")) -> str:
    X, y = sn.spiral_data(samples=20, classes=len(labels), seed=1)
    return "\n".join(separator.join((f"{a:.5f}", f"{b:.5f}", labels[c])) for (a, b), c in zip(X, y))


#: Files the tests of the reader itself (test_app_upload.py) cover one by one, sent through the page.
HOSTILE_FILES = {
    "wrong columns": (b"name;age\nann;3\nbob;4\n", "column"),
    "over the size cap": (b"0.5,0.25,a\n" * 250_000, "MB"),
    "a huge number of rows": (
        b"".join(b"%d,%d,%s\n" % (i % 97, i % 89, b"ab"[i % 2 : i % 2 + 1]) for i in range(30_000)),
        "20,000",
    ),
    "text in numeric columns": (b"x,y,label\n1,2,a\n3,four,b\n", "four"),
    "inf": (b"x,y,label\n1,2,a\ninf,3,b\n", "inf"),
    "too many classes": ("\n".join(f"{i},{i},c{i % 12}" for i in range(240)).encode(), "12"),
    "binary renamed .csv": (bytes(range(256)) * 8, "not a text file"),
    "zip renamed .csv": (b"PK\x03\x04" + bytes(300), "zip"),
}


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_a_hostile_upload_gets_its_message_and_nothing_else_changes(case: str) -> None:
    raw, hint = HOSTILE_FILES[case]
    at = settle(app(query={"epochs": "120", "seed": "8", "lr": "0.02"}))
    before = at.session_state[session.RUN]
    at.file_uploader(key="upload").set_value((f"{case}.csv", raw, "text/csv"))
    at.run()
    assert not at.exception
    message = unescaped(" ".join(e.value for e in at.sidebar.error))
    assert hint.lower() in message.lower(), message[:300]
    assert len(message) < 600
    assert at.session_state[session.RUN] is before
    assert at.session_state[session.control_key("seed")] == 8  # the controls are kept
    assert at.session_state[session.control_key("lr")] == 0.02


@pytest.mark.parametrize(
    ("encoding", "separator"), [("utf-16", ";"), ("cp1252", "\t"), ("utf-8-sig", "|"), ("utf-16-be", " ")]
)
def test_odd_encodings_and_separators_upload_and_train(encoding: str, separator: str) -> None:
    raw = ("x,y,label\n".replace(",", separator) + spiral_rows(separator, ("é", "ß", "ø"))).encode(encoding)
    at = settle(app(query={"epochs": "120"}))
    at.file_uploader(key="upload").set_value(("odd.csv", raw, "text/csv"))
    at.run()
    assert not at.exception and not at.sidebar.error
    next(b for b in at.sidebar.button if b.label == "Train").click()
    settle(at)
    result = at.session_state[session.RUN].result
    assert set(result.data.class_names) == {"é", "ß", "ø"} and result.history.epochs_run == 120


def test_uploaded_text_cannot_inject_markdown() -> None:
    """File names and labels are shown in messages and labels drawn as Markdown: they must stay text."""
    labels = ("[a](http://example.com)", "![b](http://example.com/i.png)", "**c**")
    at = settle(app(query={"epochs": "120"}))
    at.file_uploader(key="upload").set_value(("[f](http://example.com).csv", b"\x00\x01binary", "text/csv"))
    at.run()
    shown = " ".join(e.value for e in at.sidebar.error)
    assert "example" in shown and "[f](http" not in shown
    at.file_uploader(key="upload").set_value(
        ("ok.csv", ("x,y,label\n" + spiral_rows(",", labels)).encode(), "text/csv")
    )
    at.run()
    assert not at.exception and not at.sidebar.error
    texts = (
        [w.label for w in at.sidebar.toggle]
        + [m.value for m in at.sidebar.markdown]
        + [c.value for c in at.sidebar.caption]
    )
    described = " ".join(texts)
    assert "example" in described
    for label in labels:
        assert label not in described


def test_an_upload_is_never_executed() -> None:
    """A file of code is data: it is never compiled, run, or written anywhere."""
    payload = "__import__('os').system('touch /tmp/scratchnet_pwned')"
    seen: list[str] = []
    watch = WriteWatch.get()

    def compiled(event: str, args: tuple) -> None:
        if event in ("compile", "exec") and args and payload in repr(args[0])[:100_000]:
            seen.append(event)

    sys.addaudithook(compiled)
    raw = f"x,y,label\n{payload},1,a\n1,2,{payload[:30]}\n".encode()
    at = settle(app(query={"epochs": "120"}))
    watch.on = True
    try:
        at.file_uploader(key="upload").set_value(("code.csv", raw, "text/csv"))
        at.run()
    finally:
        watch.on = False
    assert not at.exception and at.sidebar.error
    assert seen == [] and watch.writes == []
    assert not os.path.exists("/tmp/scratchnet_pwned")


# ---- divergence, downstream --------------------------------------------------------------------
def test_the_explode_preset_downstream_in_the_page() -> None:
    """lr 100: the run stops with a message; metrics, map, replay at every snapshot, confusion matrix
    and the fresh-points test all still work."""
    at = settle(app(query={"preset": "explode"}))
    assert not at.exception
    result = at.session_state[session.RUN].result
    assert result.status == "diverged"
    assert "blew up" in unescaped(" ".join(e.value for e in at.error))
    # a run that blew up has no final loss to show (issue 15 item 4): it says when it diverged instead
    assert metric(at, "Diverged at").startswith("epoch") and metric(at, "Train accuracy").endswith("%")
    curve = dataset_with(next(c for c in charts(at) if "vconcat" in c["spec"]), "epoch", "loss")
    assert len(curve) > 0
    epochs = [s.epoch for s in result.history.snapshots]
    if len(epochs) > 1:
        for epoch in epochs:
            at.select_slider(key="result.replay").set_value(epoch)
            at.run()
            assert not at.exception
            board = next(c for c in charts(at) if "layer" in c["spec"] and len(c["datasets"]) >= 2)
            cells = decision_map(board)  # every pixel in a class colour, whatever the weights did
            assert len(cells) == 100 * 100 and cells["opacity"].between(0, 1).all()
    at.session_state[session.view_key(session.RESULT, "details")] = True  # open the confusion matrix
    at.run()
    at.segmented_control(key="result.cm_split").set_value("held out")
    at.run()
    assert not at.exception
    fresh = next(b for b in at.button if b.label.startswith("Test on"))
    fresh.click()
    at.run()
    assert not at.exception
    assert any(m.label.startswith("Accuracy on") for m in at.metric)


EXPLOSIONS = [
    RunConfig(optimizer=optimizer, lr=100.0, epochs=300, dtype=dtype, momentum=0.9 if optimizer == "sgd" else 0.0)
    for optimizer in ("sgd", "adam", "rmsprop", "adagrad", "notebook_gd")
    for dtype in ("float64", "float32")
] + [
    RunConfig(optimizer="sgd", lr=100.0, epochs=200, batch_size=1, samples=20),
    RunConfig(optimizer="sgd", lr=100.0, epochs=300, hidden=(), l2=0.1),
    RunConfig(optimizer="sgd", lr=100.0, epochs=300, test_share=0.0, activation="sigmoid", init="glorot"),
    RunConfig(optimizer="notebook_gd", lr=100.0, epochs=300, activation="notebook_relu", init="notebook"),
]


@pytest.mark.parametrize("config", EXPLOSIONS, ids=lambda c: f"{c.optimizer}-{c.dtype}-{c.hidden}-{c.batch_size}")
def test_exploding_runs_break_nothing_downstream(config: RunConfig) -> None:
    """Whatever the run did, every view and download of it works and shows finite numbers."""
    data = make_data(config)
    net = make_network(config, data.classes)
    with np.errstate(all="ignore"):
        history = train_run(config, data, net)
    result = summarize(config, data, net, history.copy())
    if result.status == "diverged":
        assert result.history.epochs_run == result.history.diverged_at < config.epochs
        assert np.isfinite(result.history.loss[:-1]).all()  # the curve up to the blow-up
        assert np.isfinite(result.network.flat_params).all()  # the network shown is a finite one
    assert result.message
    losses = frames.loss_frame(result.history)
    assert not np.isinf(losses["loss"]).any()
    chart_builders.loss_chart(losses, frames.lr_frame(result.history), epochs=config.epochs).to_dict()
    for index in range(len(result.history.snapshots)):
        _, shown = result.network_at(index)
        grid = frames.grid_frame(shown, data, resolution=20)
        assert grid["confidence"].between(0, 1).all() and grid["predicted"].notna().all()
        points = frames.points_frame(shown, data)
    chart_builders.boundary_chart(grid, points, data.class_names, window=frames.extent(data)).to_dict()
    with np.errstate(all="ignore"):
        predicted = result.network.predict(data.X_train)
    confusion = frames.confusion_frame(data.y_train, predicted, data.class_names)
    assert confusion["count"].sum() == len(data.y_train)
    confusion_chart(confusion, data.class_names).to_dict()
    loaded = sn.load(io.BytesIO(export.weights_npz(result.network)))
    assert np.array_equal(loaded.flat_params, result.network.flat_params)
    table = export.history_csv(result.history).decode()
    assert len(table.splitlines()) == result.history.epochs_run + 1
    compile(export.reproduce_script(config), "reproduce_run.py", "exec")  # valid Python (compiled, never run)


# ---- security ----------------------------------------------------------------------------------
SOURCES = sorted(
    [ROOT / "streamlit_app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "scratchnet").rglob("*.py")],
    key=str,
)
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "input", "breakpoint"}
FORBIDDEN_MODULES = {"subprocess", "pickle", "marshal", "shelve", "dill", "cloudpickle", "pty", "socket", "ctypes"}
FORBIDDEN_ATTRIBUTES = {"system", "popen", "spawnl", "spawnv", "execv", "execl", "startfile", "html"}
#: The one folder the app may make: the class board's SQLite database lives in the user's data folder,
#: outside the repository, and on a fresh machine that folder does not exist yet.
MKDIR_ALLOWED = {"scratchnet/app/board/database.py"}


def problems(path, source: str | None = None) -> list[str]:
    """Dangerous constructs in one source file: code execution, shells, unpickling, raw HTML, file writes
    in the app."""
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"), str(path))
    in_app = "scratchnet/app" in path.as_posix() or path.parent == ROOT or path.parent.name == "pages"
    relative = path.relative_to(ROOT).as_posix()
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{where} imports {m}" for m in modules if m.split(".")[0] in FORBIDDEN_MODULES]
            if isinstance(node, ast.ImportFrom) and node.module == "streamlit.components.v1":
                found.append(f"{where} imports raw HTML components")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                found.append(f"{where} calls {func.id}")
            if isinstance(func, ast.Attribute) and func.attr in FORBIDDEN_ATTRIBUTES:
                found.append(f"{where} calls .{func.attr}")
            if in_app and isinstance(func, ast.Name) and func.id == "open":
                found.append(f"{where} opens a file")
            writes = {"write_text", "write_bytes"} | (set() if relative in MKDIR_ALLOWED else {"mkdir"})
            if in_app and isinstance(func, ast.Attribute) and func.attr in writes:
                found.append(f"{where} writes a file")
            for keyword in node.keywords:
                if keyword.arg in {"unsafe_allow_html", "allow_pickle"} and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                ):
                    found.append(f"{where} passes {keyword.arg}={ast.unparse(keyword.value)}")
    return found


def test_no_source_file_executes_shells_out_unpickles_or_writes_raw_html() -> None:
    assert len(SOURCES) > 20
    assert [problem for path in SOURCES for problem in problems(path)] == []


def test_the_checker_catches_what_it_should() -> None:
    source = (
        "import subprocess\nimport os\nimport streamlit as st\n"
        "eval(x)\nos.system(x)\nst.markdown(x, unsafe_allow_html=True)\nnp.load(f, allow_pickle=True)\n"
        "open(x, 'w')\nst.html(x)\n"
    )
    found = problems(ROOT / "scratchnet" / "app" / "probe.py", source)  # checked in memory, nothing written
    for word in ("subprocess", "eval", ".system", "unsafe_allow_html", "allow_pickle", "opens a file", ".html"):
        assert any(word in f for f in found), (word, found)


@pytest.mark.parametrize(
    "text",
    [
        "[click](http://example.com)",
        "![](http://x.co/p.png)",
        ":red[alarm] :material/home:",
        "$x^2$",
        "**b** _i_ `c`",
        "<img src=x onerror=alert(1)>",
        "# heading",
        "a\\b",
        "www.example.com",
        "0.05 (kept)",
        "ünï 😀",
    ],
)
def test_escaped_text_reads_the_same_and_does_nothing(text: str) -> None:
    escaped = escape(text)
    assert re.sub(r"\\(.)", r"\1", escaped) == text  # unescaped, it is the same text
    assert not re.search(r"(?<!\\)[\[\]()*_`$:<>!#.]", escaped)  # no special character is left bare


def test_xsrf_protection_stays_on_and_uploads_are_capped() -> None:
    settings_file = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = settings_file.get("server", {})
    assert server.get("enableXsrfProtection") is True
    assert server.get("enableCORS", True) is True  # turning CORS off would turn XSRF protection off too
    assert server.get("enableStaticServing", False) is False
    assert 0 < server.get("maxUploadSize", 200) <= 2


class WriteWatch:
    """Records every file this process opens for writing (or creates, renames, deletes) while on."""

    installed: WriteWatch | None = None

    def __init__(self) -> None:
        self.on = False
        self.writes: list[str] = []

    @classmethod
    def get(cls) -> WriteWatch:
        if cls.installed is None:
            cls.installed = cls()
            sys.addaudithook(cls.installed.hook)  # audit hooks cannot be removed: this one is switched off
        return cls.installed

    def hook(self, event: str, args: tuple) -> None:
        if not self.on:
            return
        if event == "open":
            path, mode, flags = [*args, None, None, None][:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            )
            if writing and not self._ignored(path):
                self.writes.append(f"open {path!r} {mode!r}")
        elif event in ("os.remove", "os.rename", "os.mkdir", "shutil.rmtree", "os.truncate") and not self._ignored(
            args[0] if args else None
        ):
            self.writes.append(f"{event} {args!r}")

    @staticmethod
    def _ignored(path: object) -> bool:
        text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else ""
        return not text or "__pycache__" in text or text.startswith("/dev/") or "/.hypothesis/" in text


def test_running_every_page_writes_no_file(tmp_path) -> None:
    """Open every page, train, replay, upload (a bad file, then a good one) and train on it, take the
    downloads: not one file is written or created."""
    watch = WriteWatch.get()
    watch.on = True
    (tmp_path / "probe.txt").write_text("the watch sees writes")  # the watch itself works ...
    watch.on = False
    assert any("probe.txt" in write for write in watch.writes)
    watch.writes.clear()

    page_files = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
    good = ("x,y,label\n" + spiral_rows()).encode()
    watch.on = True
    try:
        at = settle(app(query={"epochs": "120", "lr": "1e12"}))
        at.select_slider(key="result.replay").set_value(at.session_state[session.RUN].result.history.snapshots[0].epoch)
        at.run()
        at.file_uploader(key="upload").set_value(("bad.csv", b"\x89PNG\r\n" + bytes(64), "text/csv"))
        at.run()
        at.file_uploader(key="upload").set_value(("good.csv", good, "text/csv"))
        at.run()
        next(b for b in at.sidebar.button if b.label == "Train").click()
        settle(at)
        downloads = [element.proto for element in at.get("download_button")]
        for page in page_files:
            other = app(page)
            other.run()  # (whether the page works is tested elsewhere; here: what it writes)
    finally:
        watch.on = False
    assert not at.exception
    assert at.session_state[session.RUN].config.data_id  # it trained on the uploaded points
    assert len(downloads) >= 3
    assert watch.writes == []

"""Helpers for driving the Streamlit pages in tests: AppTest runs, chart data, a live server."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pytest
from altair import load_schema
from altair.utils.schemapi import validate_jsonschema
from PIL import Image
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from scratchnet.app.plots.charts import rgb
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.result import DataSplit, RunResult, make_data, make_network, summarize, train_run
from scratchnet.app.ui import session

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"  # screenshots the browser tests keep
APP = "[data-testid=stApp]"  # Streamlit's page, mounted (by its scripts, before any server connection)
IDLE = f"{APP}[data-test-script-state=notRunning]"  # the page's script has finished
DRAWN = """() => new Promise(resolve => {  // the browser has drawn: ten smooth frames in a row (or 5 s passed)
    let last = performance.now(), smooth = 0;
    const give_up = setTimeout(() => resolve(false), 5000);
    const frame = now => {
        smooth = now - last < 50 ? smooth + 1 : 0;
        last = now;
        if (smooth >= 10) { clearTimeout(give_up); resolve(true); } else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
})"""
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")  # Debian's, as CI installs it
#: A browser test module's marks (``pytestmark = BROWSER``): chosen with ``-m browser``, skipped without Chromium.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (CI installs Debian's chromium)"),
]


def browser(test):
    """One browser test among others that are not: ``BROWSER``'s marks on that test alone."""
    for mark in BROWSER:
        test = mark(test)
    return test


LOAD_PORTS = range(8620, 8641)  # servers for load tests and benchmarks, apart from the browser tests'
AS_DEPLOYED = ("--server.fileWatcherType", "none")  # the app as deployed: no reloading when files change
VEGA_LITE_SCHEMA = load_schema()


def app(path: str = "streamlit_app.py", query: dict[str, str] | None = None) -> AppTest:
    """An AppTest of a page (the app's home page, switched to ``path``), optionally opened with URL
    query parameters."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    if path != "streamlit_app.py":
        at.switch_page(path)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at


def settle(at: AppTest, timeout: float = 60.0) -> AppTest:
    """Run the page, wait for its run (if training) to finish, and run it again to draw the result."""
    at.run()
    run = at.session_state[session.RUN] if session.RUN in at.session_state else None  # noqa: SIM401 (no .get here)
    if run is not None and hasattr(run, "wait"):
        assert run.wait(timeout), "training did not finish in time"
        at.run()
    return at


def rerun_fragment_alone(runner, fragment: str) -> None:
    """Make ``runner``'s next run a rerun of ``fragment`` alone, as the browser asks when its timer fires or
    a widget inside it changes. AppTest's runner turns its first request into a whole-page run whatever it
    asks for, so the fragment is put on the pending request itself (AppTest internals: tests only)."""
    request = runner.request_rerun

    def scoped(data) -> bool:
        accepted = request(data)
        pending = runner._requests
        pending._rerun_data = dataclasses.replace(pending._rerun_data, fragment_id_queue=[fragment])
        return accepted

    runner.request_rerun = scoped


class FragmentTimers:
    """What the browser would do with a page's fragments, for AppTest (which only ever runs whole pages).

    Records, after every ``at.run()``, the timers that run left set (``timers[-1]``: fragment id ->
    seconds; empty when nothing polls) and whether its last script run was the whole page
    (``whole[-1]``). ``rerun_fragment(fragment_id)`` makes the next ``at.run()`` a rerun of that
    fragment alone, as the browser's timer, or a click on a button inside the fragment, does. (In a
    page of the multipage app, a click's callback may still turn into a whole-page run here.)"""

    def __init__(self, monkeypatch) -> None:
        from streamlit.runtime.scriptrunner import ScriptRunnerEvent
        from streamlit.testing.v1.local_script_runner import LocalScriptRunner

        self.timers: list[dict[str, float]] = []
        self.whole: list[bool] = []
        self._fragment: str | None = None
        original = LocalScriptRunner.run
        recorder = self

        def run(runner, widget_state=None, query_params=None, timeout=3, page_hash="", context_info=None):
            fragment, recorder._fragment = recorder._fragment, None
            if fragment is not None:
                rerun_fragment_alone(runner, fragment)
            tree = original(runner, widget_state, query_params, timeout, page_hash, context_info=context_info)
            messages = [message for message in runner.forward_msgs() if message.HasField("auto_rerun")]
            recorder.timers.append({m.auto_rerun.fragment_id: m.auto_rerun.interval for m in messages})
            starts = [
                data
                for event, data in zip(runner.events, runner.event_data)
                if event == ScriptRunnerEvent.SCRIPT_STARTED
            ]
            recorder.whole.append(bool(starts) and not starts[-1].get("fragment_ids_this_run"))
            return tree

        monkeypatch.setattr(LocalScriptRunner, "run", run)

    def rerun_fragment(self, fragment_id: str) -> None:
        self._fragment = fragment_id


_FRAGMENT_OF: dict[str, str] = {}  # element id -> the fragment it was last drawn in ("" = the page)
_SCOPE: list[str] = []  # the fragment the next run reruns alone


@contextmanager
def fragments_recorded():
    """While inside, every AppTest run records the fragment each element was drawn in, and a
    ``click_canvas`` on a chart inside a fragment reruns that fragment alone, as the browser does."""
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    original = LocalScriptRunner.run

    def run(runner, widget_state=None, query_params=None, timeout=3, page_hash="", context_info=None):
        if _SCOPE:
            rerun_fragment_alone(runner, _SCOPE.pop())
        tree = original(runner, widget_state, query_params, timeout, page_hash, context_info=context_info)
        for message in runner.forward_msgs():
            if message.HasField("delta") and message.delta.HasField("new_element"):
                element = message.delta.new_element
                element_id = getattr(getattr(element, element.WhichOneof("type")), "id", "")
                if element_id:
                    _FRAGMENT_OF[element_id] = message.delta.fragment_id
        return tree

    LocalScriptRunner.run = run
    try:
        yield _FRAGMENT_OF
    finally:
        LocalScriptRunner.run = original
        _FRAGMENT_OF.clear()
        _SCOPE.clear()


def click_canvas(at: AppTest, x: float, y: float, name: str = "click", earlier: list | None = None) -> dict:
    """Click the chart holding the point selection ``name`` at ``(x, y)`` as the browser sends it:
    the selection's fields of the click target nearest the spot, as the chart's widget value; and
    run the page (or, inside ``fragments_recorded``, the chart's fragment alone). ``earlier``: the
    selection's rows of clicks before (a toggling selection keeps them). Returns the row sent and
    where it ran (``"scope"``)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        params = [*spec.get("params", []), *(p for layer in spec.get("layer", []) for p in layer.get("params", []))]
        picked = [param for param in params if param.get("name") == name]
        if picked:
            break
    else:
        raise AssertionError(f"no chart with a selection named {name!r}")
    fields = picked[0]["select"]["fields"]
    targets = next(
        frame
        for d in element.proto.datasets
        if set(fields) <= set((frame := convert_arrow_bytes_to_pandas_df(d.data.data)).columns)
    )
    row = targets.iloc[int(np.argmin(np.hypot(targets["x"] - x, targets["y"] - y)))]
    value = {field: row[field].item() if hasattr(row[field], "item") else row[field] for field in fields}
    states = at._tree.get_widget_states()
    rows = [*(earlier or []), value]
    states.widgets.append(WidgetState(id=element.proto.id, string_value=json.dumps({"selection": {name: rows}})))
    fragment = _FRAGMENT_OF.get(element.proto.id, "")
    if fragment:
        _SCOPE.append(fragment)
    at._run(states)
    return {**value, "scope": "its fragment" if fragment else "the whole page"}


def charts(at: AppTest) -> list[dict]:
    """Every Vega-Lite chart on the page: its spec and its datasets as DataFrames.

    Each spec is checked against the Vega-Lite schema here (the app skips that check when it draws)."""
    found = []
    for element in at.get("vega_lite_chart"):
        proto = element.proto
        spec = json.loads(proto.spec)
        validate_jsonschema(spec, VEGA_LITE_SCHEMA)
        datasets = {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in proto.datasets}
        found.append({"spec": spec, "datasets": datasets})
    return found


def dataset_with(chart: dict, *columns: str) -> pd.DataFrame:
    """The chart's dataset that has all these columns."""
    for frame in chart["datasets"].values():
        if set(columns) <= set(frame.columns):
            return frame
    raise AssertionError(
        f"no dataset with columns {columns} in {[list(f.columns) for f in chart['datasets'].values()]}"
    )


def _fill_scale(spec: object) -> dict | None:
    """The first ``fill`` scale with a domain and a range in a Vega-Lite spec (the true-class legend)."""
    if isinstance(spec, dict):
        scale = spec.get("encoding", {}).get("fill", {}).get("scale", {})
        if "domain" in scale and "range" in scale:
            return scale
        spec = list(spec.values())
    if isinstance(spec, list):
        for item in spec:
            if (found := _fill_scale(item)) is not None:
                return found
    return None


def picture(url: str) -> np.ndarray:
    """The RGBA pixels (height x width x 4) of a ``data:image/png;base64,...`` URL, decoded by Pillow."""
    header, _, encoded = url.partition(",")
    assert header == "data:image/png;base64", header
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(encoded))).convert("RGBA"))


def decision_map(chart: dict) -> pd.DataFrame:
    """The decision map as drawn: the picture under the points decoded (by Pillow), one row per pixel
    with its cell's centre ``x, y`` (data units), the class whose legend colour it has
    (``predicted``) and its ``opacity``. Fails if a pixel has a colour no class has."""
    window = dataset_with(chart, "url", "x", "x2", "y", "y2").iloc[0]
    pixels = picture(window["url"])
    height, width = pixels.shape[:2]
    scale = _fill_scale(chart["spec"])
    assert scale is not None, "no class colours in the chart"
    by_colour = {rgb(color): name for name, color in zip(scale["domain"], scale["range"])}
    colours = [tuple(int(v) for v in pixel) for pixel in pixels[..., :3].reshape(-1, 3)]
    unknown = set(colours) - set(by_colour)
    assert not unknown, f"map pixels in colours of no class: {sorted(unknown)[:5]}"
    xs = window["x"] + (np.arange(width) + 0.5) * (window["x2"] - window["x"]) / width
    ys = window["y2"] - (np.arange(height) + 0.5) * (window["y2"] - window["y"]) / height  # row 0 is the top
    gx, gy = np.meshgrid(xs, ys)
    return pd.DataFrame(
        {
            "x": gx.ravel(),
            "y": gy.ravel(),
            "predicted": [by_colour[c] for c in colours],
            "opacity": pixels[..., 3].ravel() / 255,
        }
    )


def metric(at: AppTest, label: str) -> str:
    for element in at.metric:
        if element.label == label:
            return element.value
    raise AssertionError(f"no metric {label!r}; metrics: {[m.label for m in at.metric]}")


def free_port(candidates: range | None = None) -> int:
    """A free local port: the first free one among ``candidates``, else one the system picks."""
    for port in candidates or ():
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedApp(str):
    """The base URL of a running app (a ``str``), with its server ``process``."""

    process: subprocess.Popen


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux ``/proc``; just ``pid`` elsewhere)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes (Linux ``/proc``)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    """Resident memory of one process (Linux ``/proc``), 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@contextmanager
def served_app(timeout: float = 60.0, *, ports: range | None = None, output=subprocess.PIPE, options=()):
    """``streamlit run streamlit_app.py`` on a free local port (among ``ports`` if given); yields its
    base URL (a ``ServedApp``). The server's output goes to ``output`` (a pipe, or an open file to read
    later); ``options`` are more command-line arguments for ``streamlit run``."""
    port = free_port(ports)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        *options,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = ServedApp(f"http://127.0.0.1:{port}")
    url.process = process
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the app did not start")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def app_started(page, timeout: float = 60_000) -> None:
    """Wait until the page's first script run has ended. A page that has not by ``timeout`` ms fails
    the test with its script state, what its console said and what it showed: a blank page is a bug
    (docs/reliability.md, "The page that never started"), never loaded once more."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_selector(IDLE, timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(
            f"{page.url} had not finished its first script run after {timeout / 1000:.0f} s "
            f"(script state {script_state(page)!r}; None: Streamlit's page never mounted). Its console said:\n"
            + ("\n".join(console_errors(page)) or "nothing")
            + f"\nIt showed: {page_text(page)[:500]!r}"
        ) from None


def script_state(page) -> str | None:
    """The page's ``data-test-script-state`` (None before Streamlit's page has mounted), without waiting."""
    return page.evaluate(f"document.querySelector('{APP}')?.getAttribute('data-test-script-state') ?? null")


def page_text(page) -> str:
    """What the page shows, or its HTML when it shows no text, without waiting."""
    return page.evaluate("document.body ? document.body.innerText : ''") or page.content()


@contextmanager
def page_kept_on_timeout(page, name: str, what: str):
    """Run a wait on ``page``; if it times out, keep a screenshot (``artifacts/<name>.png``) and fail
    saying ``what`` never happened and what the page showed instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        yield
    except PlaywrightTimeout:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise AssertionError(
            f"{what} never happened (script state {script_state(page)!r}); the page said:\n{page_text(page)[:3000]}"
        ) from None


class ConsoleWatch:
    """Every console error and uncaught page error of the pages a browser opens, by page.

    Streamlit's frontend reports a page it cannot draw only there ("Bad delta path index" left a tab
    blank, docs/reliability.md): a browser test that ignores the console can pass over a broken page."""

    def __init__(self) -> None:
        self.errors: dict[int, list[str]] = {}
        self.urls: dict[int, str] = {}

    def attach(self, page) -> None:
        found = self.errors.setdefault(id(page), [])
        self.urls[id(page)] = page.url

        def on_console(message) -> None:
            if message.type == "error" and not streamlits_own_probe(message.text, message.location.get("url", "")):
                found.append(f"console: {message.text[:2000]}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: found.append(f"page error: {str(error)[:2000]}"))
        page.on(
            "framenavigated",
            lambda frame: self.urls.__setitem__(id(page), frame.url) if frame == page.main_frame else None,
        )

    def all(self) -> list[str]:
        return [f"{self.urls.get(key, '?')}: {error}" for key, errors in self.errors.items() for error in errors]


def streamlits_own_probe(text: str, url: str) -> bool:
    """A 404 Streamlit's frontend asks for on purpose: opened on a page's path (``/Sweep``), it first
    looks for the server under that path (``/Sweep/_stcore/health``, ``.../host-config``), is told
    404, and finds it at the root. Every other failed load is an error."""
    path = urlsplit(url).path
    return text.startswith("Failed to load resource") and path.endswith(("/_stcore/health", "/_stcore/host-config"))


_WATCHES: dict[int, ConsoleWatch] = {}  # id(page) -> the watch that follows it


def console_errors(page) -> list[str]:
    """What ``page``'s console has reported as errors so far (console errors and uncaught page errors)."""
    watch = _WATCHES.get(id(page))
    return list(watch.errors.get(id(page), [])) if watch is not None else []


class WatchedBrowser:
    """A Playwright browser whose every page is watched (``ConsoleWatch``): the same calls as the
    browser it wraps (``new_context``, ``new_page``, ...)."""

    def __init__(self, browser, watch: ConsoleWatch) -> None:
        self._browser, self.watch = browser, watch

    def _attach(self, page) -> None:
        _WATCHES[id(page)] = self.watch
        self.watch.attach(page)

    def new_page(self, *args, **kwargs):
        page = self._browser.new_page(*args, **kwargs)
        self._attach(page)
        return page

    def new_context(self, *args, **kwargs):
        context = self._browser.new_context(*args, **kwargs)
        context.on("page", self._attach)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@contextmanager
def chromium(*, allow_console_errors: bool = False):
    """Headless Chromium, driven by Playwright. Every page it opens is watched: a console error or an
    uncaught page error anywhere fails the test at the end, with what the console said (unless
    ``allow_console_errors``: a benchmark that counts them itself reads ``browser.watch``)."""
    from playwright.sync_api import sync_playwright

    watch = ConsoleWatch()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            yield WatchedBrowser(browser, watch)
        finally:
            browser.close()
    errors = watch.all()
    if errors and not allow_console_errors:
        raise AssertionError("the browser's console reported errors:\n" + "\n".join(errors))


def trained(config: RunConfig, data: DataSplit | None = None) -> RunResult:
    """``config`` trained in this process as a trainer trains it, and frozen as the trainer freezes it
    (on ``data`` when given: a student's own points; else the config's dataset)."""
    data = data if data is not None else make_data(config)
    net = make_network(config, data.classes)
    return summarize(config, data, net, train_run(config, data, net))


def steady_box(page, element, settle: float = 0.5, timeout: float = 30) -> dict:
    """``element``'s box once it has stopped moving (charts above it drawn late push it down)."""
    deadline, box = time.monotonic() + timeout, element.bounding_box()
    while time.monotonic() < deadline:
        page.wait_for_timeout(settle * 1000)
        now = element.bounding_box()
        if now == box:
            return box
        box = now
    raise AssertionError(f"the element kept moving for {timeout} s")

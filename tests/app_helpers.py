"""Helpers for driving the Streamlit pages in tests: AppTest runs, chart data, a live server."""

from __future__ import annotations

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

import pandas as pd
from altair import load_schema
from altair.utils.schemapi import validate_jsonschema
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from scratchnet.app.config import RunConfig
from scratchnet.app.runs import RunResult, make_data, make_network, summarize, train_run

ROOT = Path(__file__).resolve().parents[1]
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"  # the page's script has finished
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")  # Debian's, as CI installs it
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
    run = at.session_state["run"] if "run" in at.session_state else None  # noqa: SIM401 (no .get here)
    if run is not None and hasattr(run, "wait"):
        assert run.wait(timeout), "training did not finish in time"
        at.run()
    return at


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


@contextmanager
def chromium():
    """Headless Chromium, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            yield browser
        finally:
            browser.close()


def trained(config: RunConfig) -> RunResult:
    """``config`` trained in this process as a trainer trains it, and frozen as the trainer freezes it."""
    data = make_data(config)
    net = make_network(config, data.classes)
    return summarize(config, data, net, train_run(config, data, net))

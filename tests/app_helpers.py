"""Helpers for driving the Streamlit pages in tests: AppTest runs, chart data, a live server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def app(path: str = "streamlit_app.py", query: dict[str, str] | None = None) -> AppTest:
    """An AppTest of a page, optionally opened with URL query parameters."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=60)
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
    """Every Vega-Lite chart on the page: its spec and its datasets as DataFrames."""
    found = []
    for element in at.get("vega_lite_chart"):
        proto = element.proto
        datasets = {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in proto.datasets}
        found.append({"spec": json.loads(proto.spec), "datasets": datasets})
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served_app(timeout: float = 60.0):
    """``streamlit run streamlit_app.py`` on a free local port; yields its base URL."""
    port = free_port()
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
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
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

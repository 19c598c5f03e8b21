"""Does a long run slow everyone else down? Page response times with and without heavy runs.

    python benchmarks/responsiveness.py             # three rounds, a few minutes
    python benchmarks/responsiveness.py --rounds 1  # one round

Starts the real app (``streamlit run`` on a local port) and measures, in headless Chromium (one
tab, its copy of the app's scripts already loaded, as a student's would be), how long a student
waits for

- a light page: the Playground opened on a link whose run is already trained (cached), until
  its result is drawn;
- a light new run: a short run nobody trained yet (300 epochs), until its result is drawn;

- the server's health check, answered by its event loop (is anything holding it up?);

with the server idle, just after one student started a long run (its estimate near the 30 s
limit), and just after four students started long runs at once. The long runs' tabs close once
they are queued (the runs go on): what is measured is the server and its trainers, not a shared
machine's browser drawing other students' progress. The conditions are measured side by side in
each round, so a machine whose other load drifts affects them alike.
Prints medians; no verdicts (the machine may be shared).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from app_helpers import AS_DEPLOYED, IDLE, LOAD_PORTS, chromium, served_app  # noqa: E402

from scratchnet.app.runs.config import RunConfig, to_query  # noqa: E402
from scratchnet.app.runs.cost import COST_LIMIT_SECONDS, estimate_seconds  # noqa: E402

TIMEOUT_MS = 300_000
LIGHT = {"epochs": "300", "seed": "1"}
SETTLE_SECONDS = 8.0  # per long run started: about how long one takes here


def heavy_query(seed: int) -> dict[str, str]:
    """A run whose estimate is just under the cost limit: 1 000 points a class, two layers of 128."""
    config = RunConfig(samples=1000, hidden=(128, 128), epochs=100, seed=seed)
    per_epoch = estimate_seconds(config) / config.epochs
    epochs = int(0.9 * COST_LIMIT_SECONDS / per_epoch)
    return to_query(config.replace(epochs=epochs))


def open_and_wait(page, url: str, query: dict[str, str]) -> float:
    """Seconds from opening the link (a new session, in a tab that has the app's scripts cached already)
    until its finished run is drawn."""
    started = time.monotonic()
    page.goto(f"{url}/?{urlencode(query)}")
    page.get_by_text(f"Trained {int(query['epochs']):,} epochs").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    page.locator("[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg").first.wait_for(
        timeout=TIMEOUT_MS
    )
    return time.monotonic() - started


def health_ms(url: str, count: int = 20) -> float:
    """Median milliseconds for the server to answer its health check: is its event loop free?"""
    times = []
    for _ in range(count):
        started = time.monotonic()
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=60) as response:
            response.read()
        times.append(1000 * (time.monotonic() - started))
        time.sleep(0.05)
    return statistics.median(times)


def start_heavy(browser, url: str, seeds: list[int]) -> None:
    """Start one long run per seed, each from its own session (students pressing Train on long runs
    at the same moment). The tabs close once their runs are queued: the runs go on training, and
    the browser's drawing of their progress does not compete with what is measured."""
    contexts = []
    for seed in seeds:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.new_page().goto(f"{url}/?{urlencode(heavy_query(seed))}", wait_until="commit")
        contexts.append(context)
    for context in contexts:  # training or waiting (or, on a quick machine, finished already)
        page = context.pages[0]
        page.locator("[data-testid=stProgress], [data-testid=stMetric]").first.wait_for(timeout=TIMEOUT_MS)
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    heavy = heavy_query(0)
    estimate = estimate_seconds(RunConfig(samples=1000, hidden=(128, 128), epochs=int(heavy["epochs"])))
    print(f"heavy run: {heavy} (estimated {estimate:.0f} s)")
    conditions = {"idle": 0, "one long run": 1, "four long runs": 4}  # long runs started just before
    columns = ("new short run s", "cached page s", "health ms")
    figures = {name: {column: [] for column in columns} for name in conditions}
    with served_app(ports=LOAD_PORTS, options=AS_DEPLOYED) as url, chromium() as browser:
        student = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        open_and_wait(student, url, LIGHT)  # warm up: trainer processes started, the light run cached
        seed, heavy_seed = 1000, 100
        for round_ in range(args.rounds):  # idle and loaded measured side by side, round after round
            for name, count in conditions.items():
                start_heavy(browser, url, list(range(heavy_seed, heavy_seed + count)))
                heavy_seed, seed = heavy_seed + count, seed + 1
                figures[name]["new short run s"].append(
                    open_and_wait(student, url, {"epochs": "300", "seed": str(seed)})
                )
                figures[name]["cached page s"].append(open_and_wait(student, url, LIGHT))
                figures[name]["health ms"].append(health_ms(url))
                time.sleep(SETTLE_SECONDS * count)  # let the long runs end before the next condition
            print(f"round {round_ + 1} done")
    print(f"\nmedians over {args.rounds} rounds, measured right after the long runs were started")
    print(f"{'':16}" + "".join(f"{column:>22}" for column in columns))
    for name in conditions:
        cells = []
        for column in columns:
            values = figures[name][column]
            cells.append(f"{statistics.median(values):.2f}")
        print(f"{name:16}" + "".join(f"{cell:>22}" for cell in cells))


if __name__ == "__main__":
    main()

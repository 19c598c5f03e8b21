"""The presentation view while a run trains: how often the browser's screen is redrawn, and what one
redraw's charts cost to build.

The view polls every ``live.PRESENT_POLL_SECONDS`` (0.2 s); a class should see the map and the loss
curve move at least four times a second. This serves the app, opens ``?present=1`` on a long run in
headless Chromium and counts the changes of the progress line (one per redraw) for ``--seconds``;
then it times building the three charts of one redraw in this process (no training beside it).

    python benchmarks/present_redraw.py [--seconds 8]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

WATCH = """() => { window.changes = []; new MutationObserver(() => {
    const bar = document.querySelector('[data-testid=stProgress]'); const text = bar ? bar.innerText : '';
    if (text !== window.last) { window.last = text; window.changes.push(performance.now()); } })
    .observe(document.body, {subtree: true, childList: true, characterData: true}); }"""


def browser_redraws(seconds: float) -> list[float]:
    """The gaps (ms) between the presentation view's redraws while a long run trains."""
    from app_helpers import chromium, served_app

    with served_app(ports=range(8655, 8660)) as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        page.goto(f"{url}/?present=1&epochs=30000&seed=11")
        page.wait_for_selector("[data-testid=stProgress]", timeout=90_000)
        page.evaluate(WATCH)
        time.sleep(seconds)
        changes = page.evaluate("window.changes")
    return [b - a for a, b in itertools.pairwise(changes)]


def build_ms(repeats: int = 5) -> dict[str, float]:
    """Building one redraw's charts (as ``run_panel.progress_view`` does), in milliseconds."""
    from app_helpers import trained

    from scratchnet.app.playground import charts as diagram_charts
    from scratchnet.app.playground import logic
    from scratchnet.app.plots import charts, frames
    from scratchnet.app.runs.config import RunConfig
    from scratchnet.app.ui import run_panel
    from scratchnet.app.ui.cache import spec_of

    result = trained(RunConfig(epochs=15000))
    net, data, history, config = result.network, result.data, result.history, result.config
    builds = {
        "loss curve": lambda: charts.loss_chart(
            frames.loss_frame(history),
            frames.lr_frame(history),
            epochs=30000,
            hover=False,
            robust=True,
            height=run_panel.PRESENT_LOSS,
            large_text=True,
        ),
        "map": lambda: charts.boundary_chart(
            frames.grid_frame(net, data, run_panel.LIVE_GRID),
            frames.points_frame(net, data),
            data.class_names,
            window=frames.extent(data),
            size=run_panel.PRESENT_MAP_SIZE,
            large_text=True,
        ),
        "network": lambda: diagram_charts.diagram_chart(
            logic.diagram(net, data, config.features), width=380, large_text=True
        ),
    }
    timed = {}
    for name, build in builds.items():
        start = time.perf_counter()
        for _ in range(repeats):
            spec_of(build())
        timed[name] = (time.perf_counter() - start) / repeats * 1000
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    seconds = parser.parse_args().seconds
    gaps = browser_redraws(seconds)
    if gaps:
        print(
            f"browser: {len(gaps) + 1} redraws in {seconds:.0f} s; gap median {statistics.median(gaps):.0f} ms, "
            f"{1000 / statistics.median(gaps):.1f} redraws/s"
        )
    for name, ms in build_ms().items():
        print(f"building the {name}: {ms:.1f} ms")


if __name__ == "__main__":
    main()

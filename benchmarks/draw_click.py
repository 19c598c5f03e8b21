"""How long a click on the drawing canvas costs the server.

    python benchmarks/draw_click.py [--clicks 12]

Opens the Playground (a short default run, so its charts are on the page) and clicks the "Draw
your points" canvas ``--clicks`` times at different spots, as the browser sends a click: the
chart's point selection (the click target nearest the spot) as its widget value. When the canvas
sits in a fragment the click reruns that fragment alone, as in the browser; otherwise the whole
page. Prints the server time of each click's script run (median and worst) and how many clicks
added a point (every one should).

Target: a click adds its point in <= 0.3 s of server time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clicks", type=int, default=12)
    args = parser.parse_args()
    from app_helpers import app, click_canvas, fragments_recorded, settle
    from app_speed import script_timer

    from scratchnet.app.ui import session

    with script_timer() as script_times, fragments_recorded():
        at = settle(app(query={"epochs": "200"}))
        times, added = [], 0
        for i in range(args.clicks):
            before = len(at.session_state[session.DRAWING]) if session.DRAWING in at.session_state else 0
            spot = (-1.5 + 0.25 * i, 1.2 - 0.2 * i)
            script_times.clear()
            start = time.perf_counter()
            scope = click_canvas(at, *spot)["scope"]
            wall = time.perf_counter() - start
            assert not at.exception, at.exception
            times.append(sum(script_times))
            added += len(at.session_state[session.DRAWING]) == before + 1
            print(f"click {i + 1:2}: {times[-1]:.3f} s server ({scope}), {wall:.3f} s with AppTest's own", flush=True)
    print(
        f"drawing click, server time: median {statistics.median(times):.3f} s, worst {max(times):.3f} s "
        f"(target <= 0.3 s); {added} of {args.clicks} clicks added a point"
    )


if __name__ == "__main__":
    main()

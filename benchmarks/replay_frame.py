"""The replay's ▶ on the largest run the controls allow: the server time of each frame.

▶ reruns the replay's fragment every ``run_panel.PLAY_SECONDS`` (0.25 s: four frames a second); a
frame must cost the server less than that, or the replay falls behind its clock. This presses ▶
in AppTest and reruns the fragment as the browser's timer does, frame after frame to the end,
timing each script run (the first pass over the snapshots: nothing of them drawn before).

    python benchmarks/replay_frame.py [--frames N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]

from app_speed import script_timer  # noqa: E402

from scratchnet.app.runs.config import RunConfig, to_query  # noqa: E402
from scratchnet.app.runs.cost import cost_verdict  # noqa: E402


def frame_seconds(frames: int) -> tuple[RunConfig, list[float], list[float]]:
    """The largest run the controls allow, its ▶ pressed, then ``frames`` timer frames: each one's server
    time (wall clock) and its script thread's CPU time."""
    from app_helpers import app, rerun_fragment_alone
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    from scratchnet.app.ui import session

    sizes = dict(samples=1000, classes=10, test_share=0.2, hidden=(128, 128))
    epochs = next(e for e in (200, 100, 50, 20) if not cost_verdict(RunConfig(**sizes, epochs=e)).refused)
    config = RunConfig(**sizes, epochs=epochs)
    timer: list[str] = []  # the fragment the next run reruns alone, as the browser's timer asks
    run_page = LocalScriptRunner.run

    def run(runner, widget_state=None, query_params=None, timeout=3, page_hash="", context_info=None):
        if timer:
            rerun_fragment_alone(runner, timer.pop())
        tree = run_page(runner, widget_state, query_params, timeout, page_hash, context_info=context_info)
        for message in runner.forward_msgs():
            if message.HasField("auto_rerun") and message.auto_rerun.interval:
                run.fragment = message.auto_rerun.fragment_id
        return tree

    run.fragment = None
    LocalScriptRunner.run = run
    try:
        with script_timer() as script_times:
            at = app(query=to_query(config))
            at.run(timeout=600)
            assert at.session_state[session.RUN].wait(600), "the largest run did not finish"
            at.run(timeout=120)
            next(b for b in at.button if b.key == session.view_key(session.RESULT, "play")).click().run(timeout=120)
            assert run.fragment is not None, "▶ set no timer"
            times, cpu = [], []
            for _ in range(frames):
                timer.append(run.fragment)
                script_times.clear()
                at.run(timeout=120)
                assert not at.exception, at.exception
                times.append(sum(script_times))
                cpu.append(sum(script_times.cpu))
    finally:
        LocalScriptRunner.run = run_page
    return config, times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=20)
    args = parser.parse_args()
    from scratchnet.app.ui.run_panel import PLAY_SECONDS

    config, times, cpu = frame_seconds(args.frames)
    shape = " x ".join(map(str, config.hidden))
    print(f"largest run: {config.points:,} points, {shape} hidden, {config.epochs} epochs")
    print(
        f"replay frame, server time: median {statistics.median(times):.3f} s, worst {max(times):.3f} s "
        f"over {len(times)} frames (the timer: {PLAY_SECONDS} s a frame, target <= 0.25 s)"
    )
    print(
        f"replay frame, CPU time of the script's thread: median {statistics.median(cpu):.3f} s, worst "
        f"{max(cpu):.3f} s (what the frame costs the server, apart from other work on the machine; load "
        f"average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()

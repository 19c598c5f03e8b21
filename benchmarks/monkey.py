"""The monkey at length: seeded random actions on every page, and what went wrong.

    python benchmarks/monkey.py                         # 5 seeds x 300 actions on each of the six pages
    python benchmarks/monkey.py --seeds 20 --actions 100
    python benchmarks/monkey.py --first-seed 100 --pages pages/4_Lessons.py

Each romp starts on its page with empty caches and does ``--actions`` random actions there (with
switches to other pages and reopened addresses in between; see ``tests/app_monkey.py``). Prints,
per page, the actions tried and the time taken; then every failure (page, seed, step, the action
before it, the exception's type and message), counted by page and exception type. A failing seed
belongs in ``REGRESSIONS`` in ``tests/test_app_monkey.py`` once its cause is fixed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    import streamlit as st
    from app_monkey import PAGES, Monkey, Tally

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--actions", type=int, default=300)
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    args = parser.parse_args()
    board = tempfile.TemporaryDirectory()  # the monkey creates challenges: on a throwaway board
    os.environ["SCRATCHNET_BOARD_URL"] = f"sqlite:///{board.name}/board.sqlite"
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's bare-mode warnings
    logging.getLogger("scratchnet.app").propagate = False  # the monkey counts the caught failures itself

    seeds = range(args.first_seed, args.first_seed + args.seeds)
    total = Tally()
    print(f"{'page':28} {'seeds':>5} {'actions':>8} {'failures':>8} {'seconds':>8}")
    for page in args.pages:
        tally = Tally()
        for seed in seeds:
            st.cache_data.clear()
            st.cache_resource.clear()
            Monkey(seed).romp(page, args.actions, tally)
        print(
            f"{page:28} {len(seeds):>5} {tally.actions:>8} {len(tally.failures):>8} {tally.seconds:>8.1f}", flush=True
        )
        total.actions += tally.actions
        total.seconds += tally.seconds
        total.failures += tally.failures
    print(f"{'all':28} {len(seeds):>5} {total.actions:>8} {len(total.failures):>8} {total.seconds:>8.1f}")
    print(f"seeds {seeds.start}..{seeds.stop - 1}")
    for (page, kind), count in sorted(Counter((f.page, f.kind) for f in total.failures).items()):
        print(f"  {count:4} x {kind} on {page}")
    for failure in total.failures:
        print(" ", failure)


if __name__ == "__main__":
    main()

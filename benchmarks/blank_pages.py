"""Blank pages at length: groups of fresh tabs opened at once on fresh servers, counted.

    python benchmarks/blank_pages.py              # 13 rounds x 16 tabs = 208 tabs
    python benchmarks/blank_pages.py --rounds 4   # quicker

Each round starts a new server and opens, at once, 4 tabs on short runs (done before the page has
drawn), 2 on medium runs, 2 on long runs, and 8 on one shared short link (a class opening the link
on the board together). It prints, per round and in all, the tabs, the blank ones (never finished
their first script run) and the console errors (docs/reliability.md, "The page that never started").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from tab_storm import Storm, group_links, storm  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=13, help="fresh servers, one group of tabs each")
    args = parser.parse_args()
    total = Storm()
    for round_index in range(args.rounds):
        start = time.monotonic()
        found = storm(group_links(round_index, short=4, medium=2, long=2, classroom=8))
        total.add(found)
        print(f"round {round_index + 1:2}: {found.summary()} ({time.monotonic() - start:.0f} s)", flush=True)
        for line in found.blank + found.errors:
            print("   ", line[:300], flush=True)
    print(f"in all: {total.summary()}")


if __name__ == "__main__":
    main()

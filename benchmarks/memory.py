"""The server's memory while a class trains many different runs.

    python benchmarks/memory.py                 # 200 configurations (several minutes)
    python benchmarks/memory.py --configs 40    # a quicker look

Starts the real app (``streamlit run`` on a local port) and drives it with headless Chromium:
half the configurations are opened as links (a student following a link: one session each,
which Streamlit keeps for a while after the tab goes), the other half are trained from the
sidebar of a few long-lived sessions (a student trying setting after setting: "My runs" grows).
Every configuration is distinct and deliberately heavy for its training time: big networks
(128 x 128 x 128 units, so each run keeps megabytes of replay snapshots) and long histories.

Prints the server's resident memory (RSS) after every 20 configurations, the trainer worker
processes' as well, and the final figure against ``--budget-mb``. Figures only, no verdicts on
speed; the machine may be shared.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from app_helpers import AS_DEPLOYED, IDLE, LOAD_PORTS, chromium, process_tree, rss_bytes, served_app  # noqa: E402

TIMEOUT_MS = 300_000
MB = 1024 * 1024


def config_query(index: int, mixed: bool = True) -> dict[str, str]:
    """The ``index``-th distinct configuration: a big network with few epochs (megabytes of replay
    snapshots); when ``mixed``, every fourth is a tiny network with a long history instead."""
    if mixed and index % 4 == 3:
        return {"hidden": "4", "samples": "10", "epochs": "20000", "seed": str(index)}
    return {"hidden": "128,128,128", "samples": "10", "epochs": "100", "seed": str(index)}


def wait_result(page, seed: int) -> None:
    """Until the page shows the finished run with this seed (URL written, no progress bar, idle)."""
    page.wait_for_function(
        """seed => {
            const app = document.querySelector('[data-testid=stApp]');
            return location.search.includes('seed=' + seed + '&') || location.search.endsWith('seed=' + seed)
                ? app && app.getAttribute('data-test-script-state') === 'notRunning'
                  && !document.querySelector('[data-testid=stProgress]')
                  && document.body.innerText.includes('Trained')
                : false;
        }""",
        arg=seed,
        timeout=TIMEOUT_MS,
        polling=250,
    )


def train_from_sidebar(page, query: dict[str, str]) -> None:
    """Set this session's seed in the sidebar and press Train (the other settings are the link's)."""
    seed = page.locator("[data-testid=stSidebar] input[aria-label='Seed']")
    if not seed.is_visible():  # its group is collapsed: its widgets are in the page, hidden, and cannot be filled
        page.locator("[data-testid=stSidebar] [data-testid=stExpander] summary", has_text="Training").click()
        seed.wait_for(state="visible", timeout=TIMEOUT_MS)
    seed.fill(query["seed"])
    seed.press("Enter")
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    page.locator("[data-testid=stSidebar] button", has_text="Train").first.click()
    wait_result(page, int(query["seed"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", type=int, default=200)
    parser.add_argument("--tabs", type=int, default=4, help="browser tabs working at once")
    parser.add_argument("--budget-mb", type=float, default=1024.0)
    args = parser.parse_args()

    with served_app(ports=LOAD_PORTS, options=AS_DEPLOYED) as url, chromium() as browser:
        server = url.process.pid
        contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(args.tabs)]
        pages = [context.new_page() for context in contexts]
        start_rss = rss_bytes(server)
        print(f"server RSS at start: {start_rss / MB:.0f} MB (before any run)")
        print(f"{'configs':>8} {'server MB':>10} {'workers MB':>11} {'elapsed s':>10}")
        started = time.monotonic()
        peak = 0
        half = args.configs // 2
        queries = [config_query(i, mixed=i < half) for i in range(args.configs)]
        done = 0

        def report() -> None:
            nonlocal peak
            server_rss = rss_bytes(server)
            workers = sum(rss_bytes(pid) for pid in process_tree(server)[1:])
            peak = max(peak, server_rss)
            print(f"{done:>8} {server_rss / MB:>10.0f} {workers / MB:>11.0f} {time.monotonic() - started:>10.0f}")

        # half as links: every link a new session, several tabs at once
        for batch in range(0, half, args.tabs):
            chunk = queries[batch : min(batch + args.tabs, half)]
            for page, query in zip(pages, chunk):
                page.goto(f"{url}/?{urlencode(query)}", wait_until="commit")
            for page, query in zip(pages, chunk):
                wait_result(page, int(query["seed"]))
                done += 1
                if done % 20 == 0:
                    report()
        # the other half from the sidebar of a few long-lived sessions ("My runs" grows in each)
        rest = queries[half:]
        for page, first in zip(pages, rest):
            page.goto(f"{url}/?{urlencode(first)}")
            wait_result(page, int(first["seed"]))
            done += 1
            if done % 20 == 0:
                report()
        for batch in range(args.tabs, len(rest), args.tabs):
            for page, query in zip(pages, rest[batch : batch + args.tabs]):
                train_from_sidebar(page, query)
                done += 1
                if done % 20 == 0:
                    report()
        if done % 20:
            report()
        for context in contexts:
            context.close()
        time.sleep(1.0)
        final = rss_bytes(server)
        print(
            f"\n{done} distinct configurations in {time.monotonic() - started:.0f} s. Server RSS: {final / MB:.0f} MB "
            f"at the end, {peak / MB:.0f} MB at the highest reading (start {start_rss / MB:.0f} MB); "
            f"budget {args.budget_mb:.0f} MB: {'within' if max(final, peak) <= args.budget_mb * MB else 'OVER'}."
        )


if __name__ == "__main__":
    main()

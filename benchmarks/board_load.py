"""The challenge board under a burst: many sessions submitting to one challenge at once.

    python benchmarks/board_load.py [--sessions 20] [--rounds 25] [--url URL ...]

Each session (a thread) submits ``rounds`` different runs as fast as it can. Prints, per database,
how many were stored, refused, or failed, the wall time, the wait of one submission (median,
95th percentile, worst), and how long reading the board then takes. Without ``--url`` it uses a
fresh SQLite file, and also ``SCRATCHNET_TEST_POSTGRES_URL`` when that is set (its board tables
are dropped first: point it at a throwaway database).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time

import sqlalchemy as sa

from scratchnet.app.challenges import board, logic, store


def burst(url: str, sessions: int, rounds: int) -> str:
    engine = sa.create_engine(url, **store.engine_options(url))
    store.metadata.drop_all(engine)
    db = store.Store(engine)
    spec = logic.ChallengeSpec("burst")
    challenge_id, _ = db.create(spec)
    start = threading.Barrier(sessions)
    waits: list[float] = []
    refused: list[str] = []
    failed: list[str] = []

    def student(i: int) -> None:
        start.wait()
        for r in range(rounds):
            config = spec.start_config().replace(seed=i, lr=0.001 * (r + 1))
            began = time.perf_counter()
            try:  # "now" steps 10 s a round: the rate limit is not what is measured
                db.submit(challenge_id, f"s{i}", f"student {i}", config, 0.5, now=1e9 + 10 * r)
            except logic.Refused as error:
                refused.append(str(error))
            except store.BoardUnavailable as error:
                failed.append(str(error))
            waits.append(time.perf_counter() - began)

    began = time.perf_counter()
    threads = [threading.Thread(target=student, args=(i,)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    stored = db.submissions(challenge_id)
    read_began = time.perf_counter()
    rows = board.ranked(db.submissions(challenge_id), spec.metric)
    read = time.perf_counter() - read_began
    engine.dispose()
    waits.sort()
    ids = [submission.id for submission in stored]
    return (
        f"{url.split(':')[0]}: {len(stored)} stored of {sessions * rounds} ({len(set(ids))} distinct), "
        f"{len(refused)} refused, {len(failed)} failed; {wall:.2f} s; wait median "
        f"{statistics.median(waits) * 1000:.1f} ms, p95 {waits[int(0.95 * len(waits))] * 1000:.0f} ms, "
        f"worst {waits[-1] * 1000:.0f} ms; board of {len(rows)} read in {read * 1000:.1f} ms"
        + (f"; first failure: {failed[0]}" if failed else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--url", nargs="*")
    args = parser.parse_args()
    urls = args.url or [f"sqlite:///{tempfile.mkdtemp()}/board.sqlite"]
    if not args.url and os.environ.get("SCRATCHNET_TEST_POSTGRES_URL"):
        urls.append(os.environ["SCRATCHNET_TEST_POSTGRES_URL"])
    for url in urls:
        print(burst(url, args.sessions, args.rounds))


if __name__ == "__main__":
    main()

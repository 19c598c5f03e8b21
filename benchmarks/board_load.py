"""The class and its board under a burst: many students joining one class, recording lesson tries and
submitting to its challenge at once.

    python benchmarks/board_load.py [--sessions 30] [--rounds 25] [--url URL ...]

Each student (a thread) joins the class, then ``rounds`` times records a lesson try and submits a
different run, as fast as it can. Prints, per database and per kind of write (join, progress,
submission), how many were stored, refused or failed and the wait of one (median, 95th percentile,
worst); the wall time; and how long reading the board and the class's progress then takes. Without ``--url`` it uses a
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

from scratchnet.app.board import logic, store
from scratchnet.app.challenges import board


def figures(kind: str, waits: list[float], stored: int, asked: int, refused: list[str], failed: list[str]) -> str:
    waits = sorted(waits)
    return (
        f"  {kind}: {stored} stored of {asked}, {len(refused)} refused, {len(failed)} failed; wait median "
        f"{statistics.median(waits) * 1000:.1f} ms, p95 {waits[int(0.95 * len(waits))] * 1000:.0f} ms, "
        f"worst {waits[-1] * 1000:.0f} ms" + (f"; first failure: {failed[0]}" if failed else "")
    )


def burst(url: str, sessions: int, rounds: int) -> str:
    engine = sa.create_engine(url, **store.engine_options(url))
    store.metadata.drop_all(engine)
    db = store.Store(engine)
    spec = logic.ChallengeSpec("burst")
    class_id, _ = db.create_class("burst")
    challenge_id, _ = db.create(spec, class_id=class_id, key_hash=db.classroom(class_id).key_hash)
    start = threading.Barrier(sessions)
    kinds = ("join", "progress", "submission")
    waits: dict[str, list[float]] = {kind: [] for kind in kinds}
    refused: dict[str, list[str]] = {kind: [] for kind in kinds}
    failed: dict[str, list[str]] = {kind: [] for kind in kinds}

    def timed(kind: str, write):
        began = time.perf_counter()
        try:
            return write()
        except logic.Refused as error:
            refused[kind].append(str(error))
        except store.BoardUnavailable as error:
            failed[kind].append(str(error))
        finally:
            waits[kind].append(time.perf_counter() - began)

    def student(i: int) -> None:
        start.wait()
        joined = timed("join", lambda: db.join(class_id, f"student {i}"))
        if joined is None:
            return
        me = joined[0]
        for r in range(rounds):
            config = spec.start_config().replace(seed=i, lr=0.001 * (r + 1))
            timed("progress", lambda r=r: db.record_goal(class_id, me.id, f"lesson{r % 10}", r % 2 == 0, 1e9 + r))
            # "now" steps 10 s a round: the rate limit is not what is measured
            timed(
                "submission",
                lambda c=config, r=r: db.submit(
                    challenge_id, logic.student_session(me.id), me.name, c, 0.5, now=1e9 + 10 * r
                ),
            )

    began = time.perf_counter()
    threads = [threading.Thread(target=student, args=(i,)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    stored = {
        "join": len(db.students(class_id)),
        "progress": sum(row.tries for row in db.progress(class_id)),
        "submission": len({s.id for s in db.submissions(challenge_id)}),
    }
    read_began = time.perf_counter()
    rows = board.ranked(db.submissions(challenge_id), spec.metric)
    progress = db.progress(class_id)
    read = time.perf_counter() - read_began
    engine.dispose()
    asked = {"join": sessions, "progress": sessions * rounds, "submission": sessions * rounds}
    lines = [figures(kind, waits[kind], stored[kind], asked[kind], refused[kind], failed[kind]) for kind in kinds]
    return (
        f"{url.split(':')[0]}: {sessions} students, {wall:.2f} s wall\n" + "\n".join(lines) + "\n"
        f"  board of {len(rows)} and {len(progress)} progress rows read in {read * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
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

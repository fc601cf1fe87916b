"""Crash safety, measured: a 10,000-row run killed with SIGKILL at a random moment, then
resumed (and killed again while it resumes, sometimes), 20 times over. Each trial counts
the duplicate creates (must be 0) and the rows lost (must be 0).

The sandbox keeps its account in SQLite so it outlives the killed processes (its writes of
one request land together); the run's journal sits beside the results.
Run by hand: .venv/bin/python benchmarks/kill_resume.py [--rows N] [--trials K] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import create_workbook, killed_and_resumed, stored_account

from bulkops.sandbox import Store

ROOT = Path(__file__).resolve().parent.parent
_CHILD = """
import sys
from pathlib import Path
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops import actions
from bulkops.run import Wiring
from bulkops.sandbox import Sandbox, SandboxTransport, Store
box = Sandbox(store=Store(Path(sys.argv[1])))
box.log.keep_bodies = False
box.grant("kill", 84784)
result = actions.run(Path(sys.argv[2]), settings=Settings(rate=100000.0, concurrency=8),
    out=Path(sys.argv[3]),
    resume=sys.argv[4] == "resume",
    wiring=Wiring(transport=SandboxTransport(box), auth=StaticToken("kill")))
counts = result.counts()
print(counts.get("succeeded", 0) + counts.get("unchanged", 0), sum(counts.values()))
"""


def trial(folder: Path, rows: int, rng: random.Random) -> tuple[int, int, int, int]:
    """(kills, duplicates, lost, seconds) of one killed-and-resumed run."""
    database, results, path = folder / "sandbox.db", folder / "r.xlsx", folder / "routes.xlsx"
    stored_account(database, rows)
    create_workbook(path, rows, "Killed route")
    command = [sys.executable, "-c", _CHILD, str(database), str(path), str(results)]
    started = time.monotonic()
    kills, out, _ = killed_and_resumed(command, rng, most=3, again=0.5, moments=(1.0, 8.0))
    done, total = map(int, out.split())
    store = Store(database)
    names = Counter(
        r["provisioned_route_name"]
        for r in store.records("routes")
        if r["provisioned_route_name"].startswith("Killed route")
    )
    store.close()
    duplicates = sum(n - 1 for n in names.values() if n > 1)
    lost = rows - len(names) + (total - done)
    return kills, duplicates, lost, int(time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    all_kills = all_duplicates = all_lost = 0
    for index in range(args.trials):
        with tempfile.TemporaryDirectory() as folder:
            kills, duplicates, lost, seconds = trial(Path(folder), args.rows, rng)
        all_kills += kills
        all_duplicates += duplicates
        all_lost += lost
        print(
            f"trial {index + 1:2d}: killed {kills}x, duplicate creates {duplicates}, "
            f"rows lost {lost} ({seconds} s)",
            flush=True,
        )
    print(
        f"{args.trials} trials of {args.rows} rows, {all_kills} kills: duplicate creates "
        f"{all_duplicates}, rows lost {all_lost}"
    )


if __name__ == "__main__":
    main()

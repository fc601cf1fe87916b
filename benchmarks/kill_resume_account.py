"""Crash safety of a whole-account workbook: `samples/new-account.xlsx` (groups, users,
number orders, routes that use them, a broadcast) killed with SIGKILL at random moments
and resumed until done, many times over. Each trial counts what exists twice (groups,
users, routes, broadcasts by name; numbers beyond what the rows asked for) and the rows
that did not end succeeded or unchanged: all must be 0.

Run by hand: .venv/bin/python benchmarks/kill_resume_account.py [--trials K] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import killed_and_resumed

from bulkops.sandbox import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "new-account.xlsx"
#: numbers the sample's rows ask for: five offices, the text line, and two more
NUMBERS_ASKED = 8

_CHILD = """
import sys
from pathlib import Path
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops import actions
from bulkops.run import Wiring
from bulkops.sandbox import Sandbox, SandboxTransport, Store
box = Sandbox(store=Store(Path(sys.argv[1])))
box.grant("kill", 84784)
result = actions.run(Path(sys.argv[2]), settings=Settings(rate=15.0, concurrency=8),
    out=Path(sys.argv[3]),
    resume=sys.argv[4] == "resume", yes=True,
    wiring=Wiring(transport=SandboxTransport(box), auth=StaticToken("kill")))
counts = result.counts()
print(counts.get("succeeded", 0) + counts.get("unchanged", 0), sum(counts.values()))
for outcome in result.outcomes:
    if not outcome.status.ok:
        print(outcome.sheet, outcome.row, outcome.status.value, outcome.message, file=sys.stderr)
"""


def trial(folder: Path, rng: random.Random) -> tuple[int, int, int, int]:
    """(kills, duplicates, rows not done, seconds) of one killed-and-resumed run."""
    database, results = folder / "sandbox.db", folder / "r.xlsx"
    command = [sys.executable, "-c", _CHILD, str(database), str(SAMPLE), str(results)]
    started = time.monotonic()
    kills, out, err = killed_and_resumed(command, rng, most=4, again=0.6, moments=(0.5, 4.0))
    if err.strip():
        print(err.strip(), flush=True)
    done, total = map(int, out.split())
    store = Store(database)
    names: Counter[tuple[str, str]] = Counter()
    for table, field, first in (
        ("groups", "org_unit_name", 80000),
        ("users", "username", 90000),
        ("routes", "provisioned_route_name", 20000),
        ("broadcasts", "broadcast_name", 300),
    ):
        id_key = {
            "groups": "org_unit_id",
            "users": "ct_user_id",
            "routes": "provisioned_route_id",
            "broadcasts": "broadcast_id",
        }[table]
        for record in store.records(table):
            if int(record[id_key]) > first:
                names[(table, str(record[field]))] += 1
    new_groups = {
        int(r["org_unit_id"]) for r in store.records("groups") if int(r["org_unit_id"]) > 80000
    }
    ordered = sum(
        1
        for n in store.records("numbers")
        if n.get("status") != "available" and n.get("org_unit_id") in new_groups
    )
    store.close()
    duplicates = sum(n - 1 for n in names.values() if n > 1) + max(0, ordered - NUMBERS_ASKED)
    return kills, duplicates, total - done, int(time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    all_kills = all_duplicates = all_lost = 0
    for index in range(args.trials):
        with tempfile.TemporaryDirectory() as folder:
            kills, duplicates, lost, seconds = trial(Path(folder), rng)
        all_kills += kills
        all_duplicates += duplicates
        all_lost += lost
        print(
            f"trial {index + 1:2d}: killed {kills}x, duplicates {duplicates}, "
            f"rows not done {lost} ({seconds} s)",
            flush=True,
        )
    print(
        f"{args.trials} trials of the new-account sample (34 rows, 5 sheets), {all_kills} "
        f"kills: duplicates {all_duplicates}, rows not done {all_lost}"
    )


if __name__ == "__main__":
    main()

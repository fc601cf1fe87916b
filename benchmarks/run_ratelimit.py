"""Pacing against a rate-limited API: the sandbox allows R = 50 requests/s (burst 5) and
answers after 100 ms; a 3,000-row run with --rate 50, then one with --rate 100.

Targets (issue 4): --rate 50 achieves >= 95% of R with zero 429s; --rate 100 adapts:
>= 80% of R, 429s under 5% of requests, every row succeeded.
Run by hand: .venv/bin/python benchmarks/run_ratelimit.py [--rows N]
Real time: each run takes about rows / 50 seconds.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import create_workbook, number

from bulkops import actions
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops.run import Wiring
from bulkops.sandbox import FaultPlan, FaultRule, Sandbox, SandboxTransport
from bulkops.sandbox.demo import reserve_numbers

SERVER_RATE = 50.0


def workbook(rows: int) -> Path:
    return create_workbook(Path(tempfile.mkdtemp()) / "routes.xlsx", rows, "Paced route")


def once(path: Path, rows: int, client_rate: float) -> None:
    box = Sandbox(rate=SERVER_RATE, burst=5, faults=FaultPlan([FaultRule("latency", ms=100)]))
    box.log.keep_bodies = False
    box.grant("pace", 84784)
    reserve_numbers(box.store, [number(index) for index in range(rows)])
    result = actions.run(
        path,
        settings=Settings(rate=client_rate, concurrency=16),
        out=path.with_name(f"results-{client_rate:g}.xlsx"),
        wiring=Wiring(transport=SandboxTransport(box), auth=StaticToken("pace")),
    )
    posts = [e for e in box.log.entries if e.method == "POST"]
    refused = sum(1 for e in posts if e.status == 429)
    span = posts[-1].time - posts[0].time
    accepted = sum(1 for e in posts if e.status == 200)
    achieved = accepted / span if span else 0.0
    counts = result.counts()
    print(
        f"--rate {client_rate:g} against R = {SERVER_RATE:g}/s: {accepted} creates in "
        f"{span:.1f} s = {achieved:.1f}/s = {100 * achieved / SERVER_RATE:.1f}% of R; "
        f"429s {refused} of {len(posts)} requests ({100 * refused / len(posts):.2f}%); "
        f"max in any second {box.log.max_in_window(1.0)}; rows {counts}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3000)
    args = parser.parse_args()
    path = workbook(args.rows)
    for client_rate in (SERVER_RATE, 2 * SERVER_RATE):
        once(path, args.rows, client_rate)


if __name__ == "__main__":
    main()

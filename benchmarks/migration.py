"""A migration over loopback: `bulkops sandbox serve --latency-ms 100 --rate-limit 20` in its
own process; the demo account exported whole, then run into the empty target account
(admin@target.bulkops.test) with `--rate 20` through the real transport: every id mapped
through the ledger, every tracking number bought anew.

It prints the wall time beside what the run cannot go below (as `new_account.py` states
it): the longest chain of rows that wait for each other (a group, its child group, the
route in it, whose new number is searched for then bought before the route is sent),
times the latency of the requests each makes one after the other; and what the rate
forces (requests / rate). The floor is the larger. Target (issue 14): wall <= 1.2x floor.

Run by hand: .venv/bin/python benchmarks/migration.py [--latency-ms 100] [--rate 20]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import httpx
from new_account import chain
from run_latency import free_port, start_server

from bulkops import actions
from bulkops.config import Settings

TOKEN = "migration-bench"
TARGET = "admin@target.bulkops.test"


def _target_token(root: str) -> str:
    answer = httpx.post(f"{root}/oauth/token", json={"email": TARGET, "password": "demo-password"})
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def measure(rate: float, latency_ms: float, concurrency: int) -> tuple[Any, Path]:
    """Export the demo account, then migrate it into the target, on a fresh server."""
    folder = Path(tempfile.mkdtemp())
    port = free_port()
    limit = ("--rate-limit", f"{rate:g}")
    server = start_server(port, folder / "sandbox.db", latency_ms, TOKEN, limit)
    base = f"http://127.0.0.1:{port}/v3"
    try:
        source = Settings(base_url=base, token=TOKEN, rate=rate)
        exported = actions.export([], folder / "demo.xlsx", every=True, settings=source)
        target = Settings(base_url=base, token=_target_token(f"http://127.0.0.1:{port}"),
                          rate=rate, concurrency=concurrency)  # fmt: skip
        result = actions.run(exported.path, settings=target, out=folder / "results.xlsx",
                             yes=True)  # fmt: skip
        return result, exported.path
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    result, exported = measure(args.rate, args.latency_ms, args.concurrency)
    # a route buys its number first: the account's numbers listed, a search, an order
    rows, serial, path = chain(exported, lambda r: 3 if r.name == "routes" else 0)
    serial += 1  # the preflight before any row
    latency = args.latency_ms / 1000
    by_chain = serial * latency
    by_rate = result.requests / args.rate
    floor = max(by_chain, by_rate)
    counts: dict[str, Any] = result.counts()
    print(
        f"demo account -> empty target account, sandbox latency {args.latency_ms:.0f} ms, "
        f"rate limit {args.rate:g}/s there and in the run, --concurrency {args.concurrency}"
    )
    print(f"longest dependent chain: {rows} rows, {serial} requests one after another")
    print(f"  {' -> '.join(path)}")
    print(
        f"{'rows':>5} {'requests':>9} {'chain s':>8} {'rate s':>7} {'floor s':>8} "
        f"{'wall s':>7} {'wall/floor':>10}"
    )
    print(
        f"{len(result.outcomes):>5} {result.requests:>9} {by_chain:>8.2f} {by_rate:>7.2f} "
        f"{floor:>8.2f} {result.seconds:>7.2f} {result.seconds / floor:>9.2f}x  {counts}"
    )
    print(f"ledger: {result.ledger} ({result.mapped} mappings); throttled: {result.throttled}")


if __name__ == "__main__":
    main()

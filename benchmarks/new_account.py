"""The new-account sample over loopback: `bulkops sandbox serve --latency-ms 100` in its own
process, and `bulkops run samples/new-account.xlsx --rate 20` through the real transport.

It prints the wall time beside what the workbook's dependencies force: the longest chain
of rows that refer to each other (each waiting for the one before it), times the latency
of the requests each of them must make one after the other; and what the rate forces
(requests / rate). The floor is the larger of the two.

Run by hand: .venv/bin/python benchmarks/new_account.py [--latency-ms 100] [--rate 20]
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from run_latency import free_port, start_server

from bulkops import actions
from bulkops.config import Settings
from bulkops.io.tables import open_workbook
from bulkops.model.refs import Named, Ref
from bulkops.sheets import select_sheets
from bulkops.validation import validate_sheet
from bulkops.validation.recipients import beside
from bulkops.validation.references import ref_keys

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "new-account.xlsx"
TOKEN = "account-bench"


def chain(path: Path, extra: Callable[[Any], int] | None = None) -> tuple[int, int, list[str]]:
    """The longest chain of dependent rows: (rows, serial requests, the rows). `extra`:
    the requests a resource's row makes one after the other before its own."""
    book = open_workbook(path)
    keys: dict[tuple[str, str], tuple[str, int]] = {}
    names: dict[tuple[str, str], list[tuple[str, int]]] = {}
    depth: dict[tuple[str, int], tuple[int, int, list[str]]] = {}
    try:
        for name, resource in select_sheets(book):
            with beside(path):  # the broadcast's recipients file is read beside the sample
                records = list(validate_sheet(resource, book.sheet(name)).records())
            for record in records:
                place = (name, record.row)
                best: tuple[int, int, list[str]] = (0, 0, [])
                for column, value in record.values.items():
                    found: list[tuple[str, int]] = []
                    if isinstance(value, Ref):
                        sheet = next(n for n, r in select_sheets(book) if r.name == column.refers)
                        found = [keys[(sheet, value.key.casefold())]]
                    elif isinstance(value, Named):
                        last = value.text.rsplit("/", 1)[-1].strip().casefold()
                        found = names.get((value.resource, last), [])
                    elif isinstance(value, str) and column.refers:
                        found = [p for (s, k), p in keys.items() if k == value]
                    for other in found:
                        if depth[other][1] > best[1]:
                            best = depth[other]
                # a search order is two requests in a row (search, then order)
                own = 2 if resource.name == "numbers" and not record.key else 1
                own += extra(resource) if extra is not None else 0
                depth[place] = (best[0] + 1, best[1] + own, [*best[2], f"{name} {record.row}"])
                for key in ref_keys(resource, record):
                    keys[(name, key)] = place
                    names.setdefault((resource.name, key), []).append(place)
    finally:
        book.close()
    return max(depth.values(), key=lambda d: d[1])


def measure(rate: float, latency_ms: float, concurrency: int) -> Any:
    """One run of the sample on a fresh sandbox server."""
    folder = Path(tempfile.mkdtemp())
    port = free_port()
    server = start_server(port, folder / "sandbox.db", latency_ms, TOKEN)
    try:
        settings = Settings(
            base_url=f"http://127.0.0.1:{port}/v3", token=TOKEN, rate=rate, concurrency=concurrency
        )
        return actions.run(SAMPLE, settings=settings, out=folder / "results.xlsx", yes=True)
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    rows, serial, path = chain(SAMPLE)
    serial += 1  # the preflight (GET /auth/profile) comes before any row
    latency = args.latency_ms / 1000
    by_chain = serial * latency
    print(
        f"new-account sample, sandbox latency {args.latency_ms:.0f} ms, "
        f"--concurrency {args.concurrency}"
    )
    print(
        f"longest dependent chain: {rows} rows; with the preflight before them, {serial} "
        f"requests one after another = {by_chain:.2f} s"
    )
    print(f"  {' -> '.join(path)}")
    print(
        f"{'--rate':>8} {'rows':>5} {'requests':>9} {'chain s':>8} {'rate s':>7} "
        f"{'slots s':>8} {'floor s':>8} {'wall s':>7} {'wall/floor':>10}"
    )
    for rate in (args.rate, 1000.0):
        result = measure(rate, args.latency_ms, args.concurrency)
        counts: dict[str, Any] = result.counts()
        by_rate = result.requests / rate  # the rate limit alone
        by_slots = result.requests * latency / args.concurrency  # the concurrency alone
        floor = max(by_chain, by_rate, by_slots)
        print(
            f"{rate:>8g} {len(result.outcomes):>5} {result.requests:>9} {by_chain:>8.2f} "
            f"{by_rate:>7.2f} {by_slots:>8.2f} {floor:>8.2f} {result.seconds:>7.2f} "
            f"{result.seconds / floor:>9.2f}x  {counts}"
        )


if __name__ == "__main__":
    main()

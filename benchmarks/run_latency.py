"""Latency-bound throughput over loopback: `bulkops sandbox serve --latency-ms 100` in its
own process, no rate limit there, and a run with --concurrency 64 and --rate 1000 through
the real network transport (httpx on aiohttp). Ideal: 64 / 0.1 s = 640 requests/s.

Target (issue 4): at least 85% of the ideal.
Run by hand: .venv/bin/python benchmarks/run_latency.py [--rows N] [--concurrency C]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from common import create_workbook, stored_account

from bulkops.config import Settings
from bulkops.run import execute

TOKEN = "latency-bench"


def prepare(folder: Path, rows: int) -> tuple[Path, Path]:
    database = stored_account(folder / "sandbox.db", rows)
    return database, create_workbook(folder / "routes.xlsx", rows, "Far route")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    database, path = prepare(folder, args.rows)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bulkops",
            "sandbox",
            "serve",
            "--port",
            str(port),
            "--db",
            str(database),
            "--latency-ms",
            "100",
            "--token",
            TOKEN,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        root = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(f"{root}/v3/industry", headers={"Authorization": f"Bearer {TOKEN}"})
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        settings = Settings(
            base_url=f"{root}/v3", token=TOKEN, rate=1000.0, concurrency=args.concurrency
        )
        result = execute(path, settings=settings, out=folder / "results.xlsx")
        ideal = args.concurrency / 0.1
        achieved = result.requests / result.seconds
        print(
            f"{result.requests} requests with --concurrency {args.concurrency} at 100 ms: "
            f"{result.seconds:.1f} s = {achieved:.0f} requests/s = "
            f"{100 * achieved / ideal:.0f}% of the ideal {ideal:.0f}; rows {result.counts()}"
        )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()

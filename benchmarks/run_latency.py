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
from typing import Any

import httpx
from common import create_workbook, stored_account

from bulkops import actions
from bulkops.config import Settings

TOKEN = "latency-bench"


def prepare(folder: Path, rows: int) -> tuple[Path, Path]:
    database = stored_account(folder / "sandbox.db", rows)
    return database, create_workbook(folder / "routes.xlsx", rows, "Far route")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    port: int, database: Path, latency_ms: float, token: str, extra: tuple[str, ...] = ()
) -> Any:
    """`bulkops sandbox serve` in its own process (with `extra` flags), once it answers."""
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
            str(latency_ms),
            "--token",
            token,
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    root = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            httpx.get(f"{root}/v3/industry", headers={"Authorization": f"Bearer {token}"})
            return server
        except httpx.HTTPError:
            time.sleep(0.05)
    server.terminate()
    raise SystemExit("the sandbox server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    database, path = prepare(folder, args.rows)
    port = free_port()
    server = start_server(port, database, 100.0, TOKEN)
    try:
        root = f"http://127.0.0.1:{port}"
        settings = Settings(
            base_url=f"{root}/v3", token=TOKEN, rate=1000.0, concurrency=args.concurrency
        )
        result = actions.run(path, settings=settings, out=folder / "results.xlsx")
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

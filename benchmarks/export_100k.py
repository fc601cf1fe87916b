"""`bulkops export routes` of a 100,000-route account against `bulkops sandbox serve
--rate-limit 50` over loopback, as a user runs it (a separate process each).

Targets (issue 13): the export reaches at least 95% of the rate limit (its pages are the
only requests that matter), and its peak memory stays at most 300 MB.

Run by hand: .venv/bin/python benchmarks/export_100k.py [--routes N] [--rate R]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bulkops.sandbox import Sandbox, Store  # noqa: E402

TOKEN = "export-benchmark-token"
#: the export as the CLI runs it, then its own peak RSS (KB) on stderr
_MEASURED = (
    "import resource, sys\n"
    "from bulkops.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def seed(path: Path, routes: int) -> None:
    """The demo account plus `routes` routes (copies of a demo route), in a SQLite file."""
    store = Store(path)
    Sandbox(store=store)  # seeds the demo account
    model = store.get("routes", 12001)
    assert model is not None
    with store.transaction():
        for index in range(routes):
            route = copy.deepcopy(model)
            ident = 30_000 + index
            route.update(provisioned_route_id=ident, provisioned_route_name=f"Bench route {index}",
                         phone_number=f"{2000000000 + index:010d}")  # fmt: skip
            store.put("routes", ident, route)
    store.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--routes", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--latency-ms", type=int, default=0, help="the server's per answer")
    args = parser.parse_args()
    bulkops = str(Path(sys.executable).with_name("bulkops"))
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        started = time.perf_counter()
        seed(tmp / "account.db", args.routes)
        print(f"seeded {args.routes:,} routes in {time.perf_counter() - started:.0f} s")
        port = free_port()
        server = subprocess.Popen(
            [bulkops, "sandbox", "serve", "--port", str(port), "--db", str(tmp / "account.db"),
             "--rate-limit", f"{args.rate:g}", "--token", TOKEN,
             "--latency-ms", str(args.latency_ms)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            server.stdout.readline()  # its banner: serving
            time.sleep(1.0)
            # the sandbox parses its 100,000 routes on the first listing: not the export's time
            warm = f"http://127.0.0.1:{port}/v3/provisioned-routes?limit=1"
            request = urllib.request.Request(warm, headers={"Authorization": f"Bearer {TOKEN}"})
            with urllib.request.urlopen(request, timeout=120) as answer:
                answer.read()
            time.sleep(1.5)  # the server's rate budget back to full
            env = {**os.environ, "CONVIRZA_BASE_URL": f"http://127.0.0.1:{port}/v3",
                   "CONVIRZA_TOKEN": TOKEN, "BULKOPS_RATE": f"{args.rate:g}"}  # fmt: skip
            out = tmp / "routes-export.xlsx"
            began = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", _MEASURED, "export", "routes", "-o", str(out), "--json"],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            seconds = time.perf_counter() - began
            size = out.stat().st_size / 1e6 if out.exists() else 0.0
        finally:
            server.terminate()
            server.wait()
        if done.returncode != 0:
            raise SystemExit(f"export failed: {done.stderr.strip()}")
        figures = json.loads(done.stdout)
        peak_mb = int(done.stderr.split("PEAK ")[-1].split()[0]) / 1024
        requests = figures["requests"]
        pages = -(-args.routes // 200)
        own = figures["seconds"]  # from the command's start of work to the file closed
        print(
            f"export of {figures['rows']['Routes']:,} routes: {requests} requests ({pages} pages "
            f"of routes) against a limit of {args.rate:g}/s (the floor: "
            f"{requests / args.rate:.1f} s); answered 429: {figures['throttled']}"
        )
        print(
            f"  the export's own time {own:.1f} s = {requests / own:.1f} requests/s = "
            f"{requests / own / args.rate:.0%} of the rate (target >= 95%); end to end with "
            f"the process starting {seconds:.1f} s = {requests / seconds / args.rate:.0%}"
        )
        print(f"peak RSS of the export: {peak_mb:.0f} MB (target <= 300 MB); file {size:.1f} MB")


if __name__ == "__main__":
    main()

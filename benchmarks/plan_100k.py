"""The plan (dry run) of a 100,000-row update workbook against a 100,000-route account,
side by side with what it cannot do without: listing the account and validating the file.

Target (issue 13): the plan costs at most 1.5x (listing + `bulkops validate`).
The account is served by `bulkops sandbox serve` (no rate limit) in its own process; the
workbook is that account's own export (one cell edited up to 20,000 rows: openpyxl takes
minutes to edit more), so the plan holds unchanged rows and at most one update.

Run by hand: .venv/bin/python benchmarks/plan_100k.py [--routes N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from export_100k import TOKEN, free_port, seed  # noqa: E402


def timed(
    command: list[str], env: dict[str, str]
) -> tuple[float, subprocess.CompletedProcess[str]]:
    began = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - began, done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--routes", type=int, default=100_000)
    args = parser.parse_args()
    bulkops = str(Path(sys.executable).with_name("bulkops"))
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        seed(tmp / "account.db", args.routes)
        port = free_port()
        base = f"http://127.0.0.1:{port}/v3"
        server = subprocess.Popen(
            [bulkops, "sandbox", "serve", "--port", str(port), "--db", str(tmp / "account.db"),
             "--token", TOKEN], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            server.stdout.readline()
            time.sleep(1.0)
            env = {**os.environ, "CONVIRZA_BASE_URL": base, "CONVIRZA_TOKEN": TOKEN,
                   "BULKOPS_RATE": "100000", "BULKOPS_CONCURRENCY": "16"}  # fmt: skip

            # the listing alone (warm: the sandbox parses its routes on the first one)
            def listing() -> float:
                began = time.perf_counter()
                offset = 0
                while True:
                    request = urllib.request.Request(
                        f"{base}/provisioned-routes?limit=200&offset={offset}",
                        headers={"Authorization": f"Bearer {TOKEN}"},
                    )
                    with urllib.request.urlopen(request, timeout=120) as answer:
                        page = json.loads(answer.read())["data"]["provisioned_routes"]
                    offset += len(page)
                    if len(page) < 200:
                        return time.perf_counter() - began

            listing()
            listed = listing()
            out = tmp / "routes.xlsx"
            _, done = timed([bulkops, "export", "routes", "-o", str(out)], env)
            if done.returncode != 0:
                raise SystemExit(done.stderr)
            edited = out
            if args.routes <= 20_000:  # one edit (openpyxl takes minutes on 100,000 rows)
                from openpyxl import load_workbook

                edited = tmp / "edited.xlsx"
                book = load_workbook(out)
                sheet = book["Routes"]
                header = [str(c.value).rstrip(" *") for c in sheet[1]]
                sheet.cell(row=2, column=header.index("Ring To Number") + 1).value = "4045550999"
                book.save(edited)
            validated, done = timed([bulkops, "validate", str(edited)], env)
            planned, done = timed(
                [bulkops, "run", str(edited), "--dry-run", "-o", str(tmp / "plan.xlsx")], env
            )
            if done.returncode != 0:
                raise SystemExit(done.stderr[-2000:])
        finally:
            server.terminate()
            server.wait()
        floor = listed + validated
        print(f"{args.routes:,} routes: listing {listed:.1f} s + validate {validated:.1f} s = "
              f"{floor:.1f} s")  # fmt: skip
        print(
            f"plan (dry run, results written): {planned:.1f} s = {planned / floor:.2f}x "
            "(target <= 1.5x)"
        )


if __name__ == "__main__":
    main()

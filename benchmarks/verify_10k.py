"""Verify on 10,000 rows: what reading back costs, side by side with the same run that
does not read back.

Target (issue 13): verify adds at most the requests the listing needs (no per-row GET
where a listing serves). The account (10,000 routes, `bulkops sandbox serve`, no rate
limit) is exported; every row's Call Value is edited; the workbook runs twice against
fresh copies of the account, with --no-verify and with --verify. The difference in
requests is verify's; the listing's pages are counted on their own.

Run by hand: .venv/bin/python benchmarks/verify_10k.py [--routes N]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from export_100k import TOKEN, free_port, seed  # noqa: E402

PAGE = 200  # the sandbox's documented page cap


def summary(path: Path) -> dict[str, object]:
    sheet = load_workbook(path, read_only=True)["Summary"]
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}


@contextlib.contextmanager
def served(bulkops: str, db: Path, **settings: str) -> Iterator[dict[str, str]]:
    """`bulkops sandbox serve` on `db` while inside: the environment that reaches it."""
    port = free_port()
    server = subprocess.Popen(
        [bulkops, "sandbox", "serve", "--port", str(port), "--db", str(db), "--token", TOKEN],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        server.stdout.readline()
        time.sleep(1.0)
        yield {**os.environ, "CONVIRZA_BASE_URL": f"http://127.0.0.1:{port}/v3",
               "CONVIRZA_TOKEN": TOKEN, "BULKOPS_RATE": "100000", **settings}  # fmt: skip
    finally:
        server.terminate()
        server.wait()


def run(bulkops: str, db: Path, workbook: Path, flag: str) -> tuple[float, dict[str, object]]:
    """Serve a copy of `db`, run `workbook` against it with `flag`; seconds, Summary."""
    with served(bulkops, db, BULKOPS_CONCURRENCY="16") as env:
        out = workbook.with_name(f"results{flag}.xlsx")
        began = time.perf_counter()
        done = subprocess.run([bulkops, "run", str(workbook), flag, "--yes", "-o", str(out)],
                              env=env, capture_output=True, text=True, check=False)  # fmt: skip
        seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return seconds, summary(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--routes", type=int, default=10_000)
    args = parser.parse_args()
    bulkops = str(Path(sys.executable).with_name("bulkops"))
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        seed(tmp / "account.db", args.routes)
        for name in ("plain", "verified", "export"):
            shutil.copy(tmp / "account.db", tmp / f"{name}.db")
        exported = tmp / "routes.xlsx"
        with served(bulkops, tmp / "export.db") as env:
            subprocess.run([bulkops, "export", "routes", "-o", str(exported)], env=env,
                           check=True, capture_output=True)  # fmt: skip
        book = load_workbook(exported)
        sheet = book["Routes"]
        column = [c.value for c in sheet[1]].index("Call Value") + 1
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, column).value = 7
        edited = tmp / "edited.xlsx"
        book.save(edited)
        rows = sheet.max_row - 1

        plain_s, plain = run(bulkops, tmp / "plain.db", edited, "--no-verify")
        verified_s, verified = run(bulkops, tmp / "verified.db", edited, "--verify")
        routes = rows
        pages = math.floor(routes / PAGE) + 1  # the last page is short (or empty)
        added = int(str(verified["Requests"])) - int(str(plain["Requests"]))
        print(f"rows: {rows:,} updates against {routes:,} routes (page cap {PAGE})")
        print(f"--no-verify: {plain['Requests']} requests in {plain_s:.1f} s")
        print(f"--verify:    {verified['Requests']} requests in {verified_s:.1f} s "
              f"(read back: {verified.get('Read back: verified')} verified, "
              f"{verified.get('Read back: drifted or not verified')} not)")  # fmt: skip
        print(
            f"verify added {added} requests; the listing alone needs {pages} pages "
            f"({added / pages:.2f}x the listing; target <= 1.00x); time {verified_s / plain_s:.2f}x"
        )


if __name__ == "__main__":
    main()

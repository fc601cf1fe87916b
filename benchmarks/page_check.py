"""Uploading and checking a 100,000-row routes workbook through the upload page (the real
server under uvicorn, the file streamed over loopback, until the page answers with the
check), beside `bulkops validate` of the same file, measured in one run; and the first
page of the grid, which is all the browser is sent. Target (issue 15): the page at most
1.3x validate.

Run by hand: .venv/bin/python benchmarks/page_check.py [--rows N]
"""

from __future__ import annotations

import argparse
import re
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
import xlsxwriter
from common import HEADER, create_workbook

from bulkops import actions
from bulkops.web import WebConfig, create_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    app = create_app(WebConfig(folder / "data", sandbox=True))
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=url, headers={"Origin": url}, timeout=600, follow_redirects=True)
    client.post("/signin", data={})
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert csrf is not None
    for case, workbook in (
        ("clean", _clean(folder / "clean.xlsx", args.rows)),
        ("a warning on every row (fake numbers)",
         create_workbook(folder / "routes.xlsx", args.rows, "Page route")),
    ):  # fmt: skip
        _measure(client, csrf.group(1), workbook, case, args.rows, args.repeat)
    server.should_exit = True
    thread.join(10)


def _clean(path: Path, rows: int) -> Path:
    """`rows` create rows on numbers a North American dialler accepts (no warning)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Routes")
    sheet.write_row(0, 0, HEADER)
    for r in range(rows):
        number = f"404{200 + r // 10_000:03d}{r % 10_000:04d}"
        sheet.write_row(r + 1, 0, ["create", f"Clean route {r}", 70035, number, "4045550123"])
    book.close()
    return path


def _measure(
    client: httpx.Client, csrf: str, workbook: Path, case: str, count: int, repeat: int
) -> None:
    paged, checked, validated = [], [], []
    for _ in range(repeat):
        started = time.perf_counter()
        with workbook.open("rb") as handle:
            answer = client.post("/upload", data={"csrf": csrf},
                                 files={"file": ("routes.xlsx", handle)})  # fmt: skip
        checked.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.text[:300]
        first = time.perf_counter()
        grid = client.get(f"{answer.url}/grid", params={"show": "all"})
        paged.append(time.perf_counter() - first)
        started = time.perf_counter()
        report = actions.validate(workbook, write_report=False)
        validated.append(time.perf_counter() - started)
    size = workbook.stat().st_size / 2**20
    print(f"{count:,} routes rows ({size:.1f} MB), {case}: {report.errors} errors, "
          f"{report.warnings:,} warnings")  # fmt: skip

    def runs(times: list[float]) -> str:
        return ", ".join(f"{t:.2f}" for t in times)

    print(f"  page: upload + check   {min(checked):6.2f} s  (runs {runs(checked)})")
    print(f"  bulkops validate       {min(validated):6.2f} s  (runs {runs(validated)})")
    print(f"  ratio: {min(checked) / min(validated):.2f}x (target at most 1.3x)")
    rows = grid.text.count("<tr data-row=")
    print(f"  a grid page: {min(paged) * 1000:.0f} ms, {len(grid.content) / 1024:.0f} KB, "
          f"{rows} rows sent of {count:,}")  # fmt: skip


if __name__ == "__main__":
    main()

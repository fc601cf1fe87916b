"""Runs started from the upload page, over loopback against `bulkops sandbox serve
--latency-ms 100` (the page signed in with the demo admin's email and password, as a
person would against the real API):

1. a 5,000-row run from the page beside `bulkops run` of the same file against a fresh
   copy of the same account, rows per second side by side (target: the page at least 90%);
2. two people of one account running at once with the page's rate at 20: the requests the
   server saw in any one second (target: never more than 20).

Run by hand: .venv/bin/python benchmarks/page_run.py [--rows N]
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import xlsxwriter
from common import HEADER, create_workbook, number, stored_account
from httpx_aiohttp import AiohttpTransport
from run_latency import free_port, start_server

from bulkops import actions
from bulkops.config import Settings
from bulkops.web import WebConfig, create_app

TOKEN = "page-run-bench"


class Counted(httpx.AsyncBaseTransport):
    """The network, with the start of each request noted (one connection pool per event
    loop: each run of the page has its own)."""

    def __init__(self) -> None:
        self.inners: dict[int, AiohttpTransport] = {}
        self.starts: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import asyncio

        loop = id(asyncio.get_running_loop())
        inner = self.inners.get(loop) or self.inners.setdefault(loop, AiohttpTransport())
        self.starts.append(time.monotonic())
        return await inner.handle_async_request(request)


def _served(config: WebConfig) -> tuple[str, uvicorn.Server, threading.Thread]:
    app = create_app(config)
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return f"http://127.0.0.1:{listening.getsockname()[1]}", server, thread


def _person(url: str, email: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=url, headers={"Origin": url}, timeout=600,
                          follow_redirects=True)  # fmt: skip
    client.post("/signin", data={"email": email, "password": "demo-password"})
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found is not None, "sign-in failed"
    return client, found.group(1)


def _page_run(client: httpx.Client, csrf: str, workbook: Path) -> str:
    """Upload, preview, run; the upload's address (the run goes on in the server)."""
    with workbook.open("rb") as handle:
        checked = client.post("/upload", data={"csrf": csrf},
                              files={"file": (workbook.name, handle)})  # fmt: skip
    location = str(checked.url)
    client.post(f"{location}/preview", data={"csrf": csrf})
    return location


def _wait(page: Any, client: httpx.Client, location: str, kind: str) -> Any:
    place = next((page.config.data_dir / "people").glob(f"*/uploads/{location.rsplit('/', 1)[1]}"))
    return page.runs.wait(place, kind, 3600), place


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    database = stored_account(folder / "account.db", args.rows)
    workbook = create_workbook(folder / "routes.xlsx", args.rows, "Page route")

    # 1. the CLI and the page, each on a fresh copy of the account
    cli_db = shutil.copy(database, folder / "cli.db")
    port = free_port()
    server = start_server(port, Path(cli_db), 100.0, TOKEN)
    try:
        settings = Settings(base_url=f"http://127.0.0.1:{port}/v3", token=TOKEN, rate=1000.0,
                            concurrency=args.concurrency)  # fmt: skip
        cli = actions.run(workbook, settings=settings, out=folder / "cli.results.xlsx",
                          yes=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait()
    page_db = shutil.copy(database, folder / "page.db")
    port = free_port()
    server = start_server(port, Path(page_db), 100.0, TOKEN)
    root = f"http://127.0.0.1:{port}"
    try:
        settings = Settings(base_url=f"{root}/v3", oauth_url=root, rate=1000.0,
                            concurrency=args.concurrency)  # fmt: skip
        url, web, thread = _served(WebConfig(folder / "web", settings=settings))
        client, csrf = _person(url, "admin@demo.bulkops.test")
        location = _page_run(client, csrf, workbook)
        page = _app_page(web)
        _wait(page, client, location, "preview")
        client.post(f"{location}/run", data={"csrf": csrf, "confirm": ""})
        ran, _ = _wait(page, client, location, "run")
        web.should_exit = True
        thread.join(10)
    finally:
        server.terminate()
        server.wait()
    cli_rate = len(cli.outcomes) / cli.seconds
    print(f"{args.rows:,} route creates, sandbox latency 100 ms, --concurrency {args.concurrency}")
    print(f"  bulkops run:   {cli.seconds:6.2f} s  {cli_rate:7.1f} rows/s  {cli.counts()}")
    print(f"  the page:      {ran.seconds:6.2f} s  {ran.rate:7.1f} rows/s  {ran.counts}")
    print(f"  page / CLI: {ran.rate / cli_rate:.0%} of the CLI's rows per second (target 90%)")

    # 2. two people of one account at once, the page's rate 20
    port = free_port()
    both_db = shutil.copy(database, folder / "both.db")
    server = start_server(port, Path(both_db), 100.0, TOKEN)
    root = f"http://127.0.0.1:{port}"
    counted = Counted()
    try:
        settings = Settings(base_url=f"{root}/v3", oauth_url=root, rate=20.0,
                            concurrency=args.concurrency)  # fmt: skip
        url, web, thread = _served(WebConfig(folder / "web2", settings=settings,
                                             transport=counted))  # fmt: skip
        page = _app_page(web)
        halves = []
        for index, email in enumerate(("admin@demo.bulkops.test", "standard@demo.bulkops.test")):
            part = _part(folder / f"part{index}.xlsx", index * 150, 150, f"Person {index}")
            client, csrf = _person(url, email)
            location = _page_run(client, csrf, part)
            halves.append((client, csrf, location))
        for client, _, location in halves:
            _wait(page, client, location, "preview")
        started = time.monotonic()
        for client, csrf, location in halves:
            client.post(f"{location}/run", data={"csrf": csrf})
        for client, _, location in halves:
            _wait(page, client, location, "run")
        web.should_exit = True
        thread.join(10)
    finally:
        server.terminate()
        server.wait()
    window: deque[float] = deque()
    most = 0
    for at in sorted(t for t in counted.starts if t >= started):
        window.append(at)
        while at - window[0] >= 1.0:
            window.popleft()
        most = max(most, len(window))
    print("two people of one account at once, the page's rate 20/s:")
    print(f"  {len([t for t in counted.starts if t >= started])} requests; the most in any one "
          f"second: {most} (target at most 20)")  # fmt: skip


def _part(path: Path, start: int, rows: int, prefix: str) -> Path:
    """Route creates on the account's numbers `start`.. (each person their own)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Routes")
    sheet.write_row(0, 0, HEADER)
    for r in range(rows):
        sheet.write_row(r + 1, 0, ["create", f"{prefix} route {r}", 70035, number(start + r),
                                   "4045550123"])  # fmt: skip
    book.close()
    return path


def _app_page(server: uvicorn.Server) -> Any:
    return server.config.app.state.page  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()

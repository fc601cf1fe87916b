"""What several benchmarks build: create rows on numbers the sandbox account has reserved,
a sandbox account kept in SQLite (to outlive a process), and a run killed and resumed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import xlsxwriter

from bulkops.sandbox import Store
from bulkops.sandbox.demo import reserve_numbers, seed_demo

HEADER = ["Action", "Route Name", "Group ID", "Tracking Number", "Ring To Number"]


def number(index: int) -> str:
    """The tracking number of row `index` (one per row; `reserve_numbers` gives them)."""
    return f"{2000000000 + index}"


def create_workbook(path: Path, rows: int, prefix: str) -> Path:
    """`rows` create rows named '<prefix> <n>', each on its own number, in group 70035."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Routes")
    sheet.write_row(0, 0, HEADER)
    for r in range(rows):
        sheet.write_row(r + 1, 0, ["create", f"{prefix} {r}", 70035, number(r), "4045550123"])
    book.close()
    return path


def stored_account(database: Path, rows: int) -> Path:
    """The demo account in a SQLite file, with one reserved number per row."""
    store = Store(database)
    seed_demo(store, time.time())
    reserve_numbers(store, [number(index) for index in range(rows)])
    store.close()
    return database


def killed_and_resumed(
    command: list[str],
    rng: random.Random,
    *,
    most: int,
    again: float,
    moments: tuple[float, float],
) -> tuple[int, str, str]:
    """Run `command new`, SIGKILL it at a random moment in `moments` (seconds), then run
    `command resume` (killed again with probability `again`, `most` kills at most) until
    one finishes. Returns the kills and the finishing run's stdout and stderr."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    kills = 0
    mode = "new"
    while True:
        child = subprocess.Popen(
            [*command, mode], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        if kills < most and (kills == 0 or rng.random() < again):
            time.sleep(rng.uniform(*moments))
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                child.wait()
                kills += 1
                mode = "resume"
                continue
        out, err = child.communicate()
        if child.returncode != 0:
            raise SystemExit(f"run failed: {err[-2000:]}")
        return kills, out, err

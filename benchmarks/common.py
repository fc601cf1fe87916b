"""What several benchmarks build: create rows on numbers the sandbox account has reserved,
and a sandbox account kept in SQLite (to outlive a process)."""

from __future__ import annotations

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

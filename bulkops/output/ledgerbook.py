"""A migration's id ledger as a workbook, for audit: one row per mapping."""

from __future__ import annotations

import time
from pathlib import Path

from bulkops.ledger import BOUGHT, ORDERING, Ledger
from bulkops.output.fastxlsx import FastBook

__all__ = ["HEADER", "write_ledger"]

HEADER = ("Kind", "Source ID", "Target ID", "State", "Wave", "Recorded At")


def _when(at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(at))


_STATES = {ORDERING: "ordering (not known to have landed)", BOUGHT: "mapped (bought)"}


def write_ledger(ledger: Ledger, out: Path) -> int:
    """Write `Ledger` (the mappings) and `Accounts` (the pair) sheets; the rows written."""
    entries = ledger.entries()
    with FastBook(out) as book:
        sheet = book.sheet("Ledger", len(HEADER), (14, 16, 16, 30, 28, 20))
        sheet.row(HEADER, header=True)
        for entry in entries:
            state = _STATES.get(entry.state, "mapped")
            sheet.row([entry.kind, entry.source, entry.target, state, entry.wave,
                       _when(entry.at)])  # fmt: skip
        book.end_sheet()
        accounts = book.sheet("Accounts", 2, (16, 90), freeze=False, autofilter=False)
        accounts.row(["Item", "Value"], header=True)
        pair = ledger.pair
        for name, value in (("Source", pair.source_name), ("Source identity", pair.source),
                            ("Target", pair.target_name), ("Target identity", pair.target),
                            ("Ledger", str(ledger.path))):  # fmt: skip
            accounts.row([name, value])
        book.end_sheet()
    return len(entries)

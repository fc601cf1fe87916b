"""`bulkops undo RESULTS.xlsx`: a workbook in template form that reverses a run, built
from the run's journal (which keeps, before each update, replace or delete, what the
object held):

- an update goes back to the old values of the fields it sent (`#CLEAR` where there
  were none);
- a replace goes back to the whole object as it was;
- a deleted object is created again, from what it held; references between objects
  created again are `ref:`s, and parents come above the rows that name them;
- a created object is deleted;
- what cannot be reversed (numbers ordered or released, prompts deleted, objects of a
  kind the API cannot create or delete) is listed in the Summary with what to do by hand.

The undo workbook is an ordinary workbook: it validates, dry-runs and runs like any other,
and undoing its own run does the first run again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bulkops.engine.journal import Journal, Written
from bulkops.errors import ConfigError, OutputError, UsageError
from bulkops.ledger import ORDERING, Ledger
from bulkops.model.columns import MISSING
from bulkops.model.outcome import Status
from bulkops.model.schema import Column, Resource
from bulkops.output.fastxlsx import FastBook
from bulkops.output.templates import header_labels
from bulkops.output.xlsxout import atomic
from bulkops.paths import journal_for, results_for, undo_for
from bulkops.resources import RESOURCES, resource_for_sheet
from bulkops.resources.export import cell_of
from bulkops.undorows import UndoRow, link, ordered
from bulkops.validation.cells import CLEAR
from bulkops.version import VERSION

__all__ = ["SUMMARY_SHEET", "UndoResult", "undo"]

SUMMARY_SHEET = "Summary"

#: what each reversing row does, as the Summary counts it
_KINDS = {
    "create": "created again",
    "update": "set back (update)",
    "replace": "set back whole (replace)",
    "delete": "deleted (the run created them)",
}


@dataclass
class UndoResult:
    """What `undo` wrote: the workbook, its rows per sheet and kind, and what it cannot
    undo (one line each, with what to do by hand)."""

    path: Path
    results: Path
    rows: dict[str, int] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    cannot: list[str] = field(default_factory=list)
    #: rows the interrupted run may or may not have written: their reversal is safe either way
    in_doubt: int = 0

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def actions(self) -> dict[str, int]:
        """Rows per action, in a fixed order: create, update, replace, delete."""
        return {action: self.kinds[action] for action in _KINDS if self.kinds[action]}


def undo(results: Path, out: Path | None = None, *, force: bool = False) -> UndoResult:
    """Write the workbook that reverses the run whose results are `results` (see the
    module). ConfigError when its journal is missing or its run is still going."""
    results = Path(results)
    if not results.exists():
        raise UsageError(f"{results}: no such file (give the results workbook of a run)")
    journal_path = journal_for(results)
    if not journal_path.exists():
        ran = results_for(results)  # the input of a run, given instead of its results
        if journal_for(ran).exists():
            raise UsageError(
                f"{results} is the input of a run; undo takes its results: bulkops undo {ran}"
            )
        raise ConfigError(
            f"{results}: the journal of its run ({journal_path.name}) is not beside it, and "
            "undo needs it (a dry run keeps none; a moved results workbook needs its "
            "journal moved with it)"
        )
    target = out or undo_for(results)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"{target}: an undo workbook is written as .xlsx; name the file *.xlsx")
    if target.exists() and not force:
        raise UsageError(f"{target} exists: choose another -o, or --force to overwrite it")
    journal = Journal.read(journal_path)
    try:
        holder = journal.holder()
        if holder is not None and holder.alive():
            raise ConfigError(
                f"{results}: its run is still going ({holder.describe()}): undo it once "
                "it has finished"
            )
        writes = journal.writes()
        meta = journal.meta()
    finally:
        journal.close()
    result = UndoResult(target, results)
    sheets = _reversed(writes, result)
    result.cannot.extend(_bought(meta))
    try:
        atomic(target, lambda path: _write(path, sheets, result))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the undo workbook ({exc.strerror})") from None
    return result


# -- from the journal to rows -------------------------------------------------------------


def _bought(meta: dict[str, str]) -> list[str]:
    """What a migration bought (tracking numbers for the source's, through its ledger, not
    rows of the workbook): each number, to release by hand if it is not wanted."""
    path = meta.get("ledger")
    if not path:
        return []
    try:
        ledger = Ledger.read(Path(path))
    except UsageError:
        return [
            f"the migration's ledger {path} cannot be read: the tracking numbers this run "
            "bought are listed there (bulkops ledger show); release those not wanted"
        ]
    try:
        entries = ledger.bought(meta.get("wave", ""), float(meta.get("created", "0")))
    finally:
        ledger.close()
    return [
        f"number {e.target} was bought for the source's {e.source} (migration ledger "
        f"{Path(path).name})"
        + ("; the run stopped before it knew whether the order landed: if the account has "
           "it" if e.state == ORDERING else "; an order cannot be undone")
        + ": release the number with a release row if it is not wanted"
        for e in entries
    ]  # fmt: skip


def _resource_of(written: Written) -> Resource | None:
    return RESOURCES.get(written.resource) or resource_for_sheet(written.sheet)


def _reversed(writes: list[Written], result: UndoResult) -> list[tuple[Resource, list[UndoRow]]]:
    """The undo rows of each resource (in dependency order), in the order they must run."""
    by_resource: dict[str, list[UndoRow]] = {}
    for written in reversed(writes):  # the last write is undone first
        done = written.status in (Status.SUCCEEDED, Status.UNKNOWN)
        doubt = written.status in (None, Status.NOT_ATTEMPTED)
        if not (done or doubt):
            continue  # refused, or never sent: nothing to reverse
        resource = _resource_of(written)
        if resource is None:
            result.cannot.append(f"{_where(written)}: its sheet names no resource bulkops knows")
            continue
        result.in_doubt += doubt
        row = _reverse(resource, written, result)
        # every resource the run wrote has its sheet, rows or not: the workbook runs
        rows = by_resource.setdefault(resource.name, [])
        if row is not None:
            rows.append(row)
    result.cannot.reverse()  # in the order the run wrote
    sheets = sorted(((RESOURCES[n], rows) for n, rows in by_resource.items()),
                    key=lambda pair: pair[0].order)  # fmt: skip
    link(sheets)
    return [(resource, ordered(rows)) for resource, rows in sheets]


def _where(written: Written) -> str:
    return f"sheet '{written.sheet}' row {written.row}"


def _ident(written: Written) -> Any:
    ident = written.resource_id
    if ident is None and written.path and written.method != "POST":
        ident = written.path.rstrip("/").rsplit("/", 1)[-1]
    if isinstance(ident, str) and ident.isdigit():
        return int(ident)
    return ident


def _reverse(resource: Resource, written: Written, result: UndoResult) -> UndoRow | None:
    """The row that reverses one write, or None (with the reason in `result.cannot`)."""
    where, ident, name = _where(written), _ident(written), resource.name[:-1]
    if written.action in resource.irreversible or written.action == "release":
        what = "ordered" if written.action == "order" else f"{written.action}d"
        number = written.key[0] if written.key else ident
        result.cannot.append(
            f"{where}: {name} {number} was {what}; "
            + ("an order cannot be undone: release the number with a release row if it is "
               "not wanted" if written.action == "order"
               else "a released number may be taken by anyone: order it again if it is free")
        )  # fmt: skip
        return None
    if written.method == "POST":
        if "delete" not in resource.actions:
            result.cannot.append(f"{where}: a {name} cannot be deleted with bulkops: delete "
                                 f"{ident} in the Convirza app")  # fmt: skip
            return None
        if ident is None:
            named = written.key[0] if written.key else "?"
            result.cannot.append(
                f"{where}: the interrupted run may have created the {name} '{named}': look "
                "for it and delete it if it is there"
            )
            return None
        if written.irreversible:
            result.cannot.append(
                f"{where}: the {name} {ident} was scheduled: its row deletes it, which stops "
                "it only if it has not been sent yet; messages already sent cannot be recalled"
            )
        return UndoRow("delete", ident, {}, written)
    before = written.before
    if written.method == "DELETE" and (
        "create" not in resource.actions or resource.executor is not None
    ):
        label = resource.by_path[resource.key_paths[0]].label
        named = (before or {}).get(resource.key_paths[0]) or (written.key or ("?",))[0]
        how = (" (upload its audio file again with a create row)"
               if resource.name == "prompts" else "")  # fmt: skip
        result.cannot.append(
            f"{where}: the {name} {ident} ({label} '{named}') was deleted, and bulkops "
            f"cannot create it again as it was: re-create it by hand{how}"
        )
        return None
    if before is None:
        why = "it was written by a bulkops older than undo" if not written.kept else "none kept"
        result.cannot.append(
            f"{where}: the journal holds no old values for this {written.action} ({why}): "
            "set the object back by hand"
        )
        return None
    if written.method == "DELETE":
        cells = _cells(resource, before, resource.all_columns)
        cells.pop(resource.id_column.label, None)
        return UndoRow("create", None, cells, written, (resource.name, str(ident)))
    if written.method == "PUT":
        return UndoRow("replace", ident, _cells(resource, before, resource.all_columns), written)
    return UndoRow("update", ident, _back(resource, before), written)


def _cells(resource: Resource, shaped: dict[str, Any], columns: Iterable[Column]) -> dict[str, Any]:
    """The cells that describe `shaped` (body form) in `columns`, by label."""
    cells: dict[str, Any] = {}
    for column in columns:
        value = column.value_in(shaped)
        if value is None or value == "" or value == []:
            continue
        cells[column.label] = cell_of(column, value)
    return cells


def _changed(column: Column, before: dict[str, Any]) -> bool:
    """Whether an update's old values (`before`: the fields it changed, objects followed
    key by key, lists whole) hold this column's field."""
    node: Any = before
    for name, position in column.parts:
        if not isinstance(node, dict) or name not in node:
            return False
        if position is not None:
            return True  # a list changes whole: every position of it is set back
        node = node[name]
    return True


def _back(resource: Resource, before: dict[str, Any]) -> dict[str, Any]:
    """An update row setting back the fields an update changed: their old values, and
    `#CLEAR` for a field or a list that had none."""
    touched = [c for c in resource.all_columns
               if c is not resource.id_column and _changed(c, before)]  # fmt: skip
    cells = _cells(resource, before, touched)
    for column in touched:
        if column.label in cells:
            continue
        grouped = resource.group_of(column)
        if grouped is not None:  # #CLEAR in a list's first cell empties it
            first = resource.group_columns(grouped[0], 1)[0]
            members = [c for c in touched if (resource.group_of(c) or (None,))[0] is grouped[0]]
            if column is first and not any(c.label in cells for c in members):
                cells[column.label] = CLEAR
        elif column.clear_value is not MISSING:
            cells[column.label] = CLEAR
    return cells


# -- the workbook -------------------------------------------------------------------------


def _write(path: Path, sheets: list[tuple[Resource, list[UndoRow]]], result: UndoResult) -> None:
    with FastBook(path) as book:
        for resource, rows in sheets:
            labels = header_labels(resource)
            plain = header_labels(resource, mark_required=False)
            widths = [12.0] + [max(12.0, min(40.0, len(label) + 3.0)) for label in labels[1:]]
            sheet = book.sheet(resource.sheet, len(labels), widths)
            sheet.row(labels, header=True)
            id_label = resource.id_column.label
            for row in rows:
                cells = {**row.cells, id_label: row.ident} if row.ident is not None else row.cells
                sheet.row([row.action, *(cells.get(label) for label in plain[1:])])
                result.kinds[row.action] += 1
            book.end_sheet()
            result.rows[resource.sheet] = len(rows)
        _summary(book, result)


def _summary(book: FastBook, result: UndoResult) -> None:
    lines: list[tuple[str, str]] = [
        ("Undoes the run of", str(result.results.name)),
        ("Written at", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("bulkops version", VERSION),
    ]
    lines += [(f"Rows: {_KINDS[k]}", str(n)) for k, n in result.actions.items()]
    if result.in_doubt:
        doubt = (f"{result.in_doubt} rows of the interrupted run may or may not have been "
                 "written: their rows here are safe either way")  # fmt: skip
        lines.append(("Rows in doubt", doubt))
    for line in result.cannot:
        lines.append(("Cannot be undone", line))
    if not result.cannot:
        lines.append(("Cannot be undone", "nothing: every write of the run is reversed here"))
    lines.append(("How to use it", f"Review it, then bulkops run {result.path.name} --dry-run, "
                  "then without --dry-run. Its own results can be undone in turn."))  # fmt: skip
    sheet = book.sheet(SUMMARY_SHEET, 2, (28, 100), freeze=False, autofilter=False)
    sheet.row(["Item", "Value"], header=True)
    for name, value in lines:
        sheet.row([name, value])
    book.end_sheet()

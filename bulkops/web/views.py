"""What the page's grid and cards show, apart from the requests that ask for them: the view
a query asks for (sheet, page, filters), the page of rows it gives, the cards' words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from bulkops.io.a1 import column_letter
from bulkops.web.runs import PREVIEW, RUN
from bulkops.web.store import PAGE, Upload, data_index, read_page, safe_name

__all__ = [
    "SHOWS",
    "View",
    "attachment",
    "card",
    "confirming",
    "duration",
    "grid_of",
    "not_found",
    "only_grid",
    "view_of",
]

#: the grid's filters by problem
SHOWS: Final = ("all", "problems", "errors", "warnings")


@dataclass
class View:
    """Which rows the grid shows."""

    sheet: int
    page: int
    show: str
    code: str
    column: str
    #: only rows whose preview or run outcome is this ('create planned', 'failed' …)
    outcome: str = ""
    #: the Excel row to go to (0: none): its page, among all the rows, is shown
    row: int = 0
    #: only rows with a cell holding this text (any case)
    find: str = ""

    def query(self, **changed: Any) -> str:
        """The view's query with some of it changed (a change of page leaves the row)."""
        values = {"sheet": self.sheet, "page": self.page, "show": self.show, "code": self.code,
                  "column": self.column, "outcome": self.outcome, "row": 0,
                  "find": self.find} | changed  # fmt: skip
        if not values["row"]:
            del values["row"]
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def view_of(request: Request, upload: Upload) -> View:
    """The view a request's query asks for (anything it does not understand: the default)."""
    params = request.query_params

    def number(name: str) -> int:  # (plain digits only: '²' is a digit to str.isdigit)
        text = params.get(name, "0")
        return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0

    show = params.get("show", "all")
    code, column = params.get("code", ""), params.get("column", "")
    if code or column:
        show = "problems" if show == "all" else show
    sheet = min(number("sheet"), max(0, len(upload.sheets) - 1))
    outcome = params.get("outcome", "")[:40]
    row = number("row")
    if row:  # (a row is gone to among all the rows)
        return View(sheet, 0, "all", "", "", "", row)
    find = params.get("find", "").strip()[:100]
    return View(sheet, number("page"), show if show in SHOWS else "all", code, column, outcome,
                find=find)  # fmt: skip


def grid_of(
    upload: Upload,
    place: Path,
    view: View,
    outcomes: dict[str, Any] | None = None,
    base: str = "",
) -> dict[str, Any]:
    """What the grid shows: a page of one sheet's rows, filtered as the view says, each
    with its preview's or run's outcome when there is one; `base`, the page it is on (its
    links ask that page for the grid alone)."""
    base = base or f"/u/{upload.id}"
    if not upload.sheets:
        return {"view": view, "header": [], "rows": [], "count": 0, "pages": 0, "outcomes": {},
                "base": base}  # fmt: skip
    sheet = upload.sheets[view.sheet][0]
    missing = 0
    if view.row:
        index = data_index(place, view.sheet, view.row)
        if index is None:
            missing = view.row
        else:
            view = replace(view, page=index // PAGE)
    mine = (outcomes or {}).get(sheet, {})
    tests: list[Callable[[list[Any]], bool]] = []
    if view.outcome:

        def outcome(row: list[Any]) -> bool:
            found = mine.get(str(row[0]))
            return found is not None and view.outcome in (found[0], f"{found[1]} {found[0]}")

        tests.append(outcome)
    elif view.show != "all":

        def problem(row: list[Any]) -> bool:
            marks = [m for m in row[2][0] if m] + row[2][1]
            return any(
                (view.show == "problems" or m[0] == view.show[:-1])
                and (not view.code or m[2] == view.code)
                and (not view.column or m[3] == view.column)
                for m in marks
            )

        tests.append(problem)
    if view.find:  # (as typed, without case: the text the cells show)
        needle = view.find.casefold()
        tests.append(lambda row: any(needle in value.casefold() for value in row[1]))
    keep = (lambda row: all(test(row) for test in tests)) if tests else None
    # outcomes and text are not indexed: every page is read (problems: only their pages)
    everywhere = bool(view.outcome or view.find)
    header, count, rows, first = read_page(place, view.sheet, view.page, keep, everywhere)
    letters = [column_letter(first + index) for index in range(len(header))]
    return {"view": view, "header": header, "rows": rows, "count": count, "letters": letters,
            "pages": max(1, -(-count // PAGE)), "sheet": sheet, "outcomes": mine, "base": base,
            "missing": missing}  # fmt: skip


#: how a card names an outcome: 'create planned' -> 'Create', 'skip skipped' -> 'Skipped' …
_CARD_STATUS: Final = {"planned": "", "unchanged": "No change", "failed": "Would fail",
                       "invalid": "Invalid", "skipped": "Skipped", "succeeded": "Done",
                       "not_attempted": "Not attempted", "unknown": "Unknown", "drifted":
                       "Changed since the preview"}  # fmt: skip


def card(key: str, kind: str = PREVIEW) -> str:
    """A card's name for an outcome key ('<action> <status>')."""
    action, _, status = key.rpartition(" ")
    if status == "planned":
        return action.capitalize()
    if status == "succeeded":
        return f"{action.capitalize()}d" if action.endswith("e") else f"{action.capitalize()}ed"
    if status == "failed" and kind == RUN:
        return "Failed"
    return _CARD_STATUS.get(status, status)


def duration(seconds: float) -> str:
    """'4 min 12 s', '12 s', '1 h 3 min': how long, as the results say it."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def confirming(upload: Upload) -> str:
    """What the person confirms by typing its count."""
    parts = []
    if upload.deletes:
        parts.append(f"{upload.deletes} delete{'s' if upload.deletes != 1 else ''}")
    if upload.irreversible:
        parts.append(f"{upload.irreversible} row{'s' if upload.irreversible != 1 else ''} "
                     "that cannot be undone (numbers bought, texts sent)")  # fmt: skip
    return " and ".join(parts)


def attachment(path: Path, name: str) -> Response:
    """A workbook to download (never shown in the browser), under a safe name."""
    return FileResponse(path, filename=safe_name(name), content_disposition_type="attachment",
                        media_type="application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet")  # fmt: skip


def only_grid(request: Request) -> bool:
    """The page's grid alone is asked for (htmx swapping it: a link of the grid, a card,
    a problem): the rest of the page is not rendered."""
    return (
        request.headers.get("hx-target") == "grid" and request.headers.get("hx-request") == "true"
    )


def not_found() -> Response:
    return HTMLResponse("Not found", status_code=404)

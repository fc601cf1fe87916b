"""What the page's grid and cards show, apart from the requests that ask for them: the view
a query asks for (sheet, page, filters), the page of rows it gives, the cards' words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from bulkops.io.a1 import column_letter
from bulkops.web.runs import PREVIEW, RUN
from bulkops.web.store import PAGE, Upload, read_page, safe_name

__all__ = ["SHOWS", "View", "attachment", "card", "confirming", "grid_of", "not_found", "view_of"]

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

    def query(self, **changed: Any) -> str:
        values = {"sheet": self.sheet, "page": self.page, "show": self.show, "code": self.code,
                  "column": self.column, "outcome": self.outcome} | changed  # fmt: skip
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def view_of(request: Request, upload: Upload) -> View:
    """The view a request's query asks for (anything it does not understand: the default)."""
    params = request.query_params

    def number(name: str) -> int:
        text = params.get(name, "0")
        return int(text) if text.isdigit() else 0

    show = params.get("show", "all")
    code, column = params.get("code", ""), params.get("column", "")
    if code or column:
        show = "problems" if show == "all" else show
    sheet = min(number("sheet"), max(0, len(upload.sheets) - 1))
    outcome = params.get("outcome", "")[:40]
    return View(sheet, number("page"), show if show in SHOWS else "all", code, column, outcome)


def grid_of(
    upload: Upload, place: Path, view: View, outcomes: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the grid shows: a page of one sheet's rows, filtered as the view says, each
    with its preview's or run's outcome when there is one."""
    if not upload.sheets:
        return {"view": view, "header": [], "rows": [], "count": 0, "pages": 0, "outcomes": {}}
    sheet = upload.sheets[view.sheet][0]
    mine = (outcomes or {}).get(sheet, {})
    keep: Any = None
    if view.outcome:  # (outcomes are not indexed: every page is read)

        def keep(row: list[Any]) -> bool:
            found = mine.get(str(row[0]))
            return found is not None and view.outcome in (found[0], f"{found[1]} {found[0]}")

    elif view.show != "all":

        def keep(row: list[Any]) -> bool:
            marks = [m for m in row[2][0] if m] + row[2][1]
            return any(
                (view.show == "problems" or m[0] == view.show[:-1])
                and (not view.code or m[2] == view.code)
                and (not view.column or m[3] == view.column)
                for m in marks
            )

    header, count, rows, first = read_page(place, view.sheet, view.page, keep,
                                           everywhere=bool(view.outcome))  # fmt: skip
    letters = [column_letter(first + index) for index in range(len(header))]
    return {"view": view, "header": header, "rows": rows, "count": count, "letters": letters,
            "pages": max(1, -(-count // PAGE)), "sheet": sheet, "outcomes": mine}  # fmt: skip


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


def not_found() -> Response:
    return HTMLResponse("Not found", status_code=404)

"""The grid the page keeps beside an upload: rows written as read, shown as `to_text` shows
them, problems laid out on their cells, one page at a time."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from bulkops.validation.cells import to_text
from bulkops.web.store import PAGE, GridWriter, read_page


def test_a_page_shows_each_value_as_bulkops_reads_it(tmp_path: Path) -> None:
    values = ["create", 70035.0, datetime(2026, 1, 2, 3, 4, 5), date(2026, 3, 4), time(9, 30),
              True, 12.5, "  spaced  "]  # fmt: skip
    writer = GridWriter(tmp_path, 0)
    writer.add(1, ["Action", "Group", "When", "Day", "At", "On", "Rate", "Name"])
    writer.add(2, values)
    writer.add(3, [None, "", "   ", None, None, None, None, None])  # blank: no row
    writer.add(4, ["update"])  # a short row is padded
    header = ["Action *", "Group", "When", "Day", "At", "On", "Rate", "Name"]
    count = writer.close(header, 0, 1, {2: [[1, "invalid-reference", "Group: no such group"]]})

    shown_header, rows, page, first = read_page(tmp_path, 0, 0)
    assert (shown_header, rows, first) == (header, 2, 0)
    assert count == 2
    assert [row for row, _, _ in page] == [2, 4]
    assert page[0][1] == [to_text(v) for v in values]
    assert page[0][1][1:6] == ["70035", "2026-01-02T03:04:05", "2026-03-04", "09:30:00", "TRUE"]
    assert page[1][1] == ["update"] + [""] * 7
    cells, loose = page[0][2]
    assert cells[1] == ["error", "Group: no such group", "invalid-reference", "Group"]
    assert [c for i, c in enumerate(cells) if i != 1] == [None] * 7
    assert loose == []


def test_only_the_rows_with_problems_are_read_however_large_the_sheet(tmp_path: Path) -> None:
    writer = GridWriter(tmp_path, 3)
    writer.add(1, ["Action", "Name"])
    for row in range(2, 2 + 5 * PAGE):
        writer.add(row, ["create", f"Route {row}"])
    marks = {
        7: [[1, "too-long", "Name: too long"]],
        900: [[-1, "ignored-value", "Name: ignored", "Name"]],  # on the row
    }
    writer.close(["Action", "Name"], 0, 1, marks)

    _, rows, page, _ = read_page(tmp_path, 3, 4)
    assert rows == 5 * PAGE
    assert [row for row, _, _ in page] == list(range(2 + 4 * PAGE, 2 + 5 * PAGE))
    assert read_page(tmp_path, 3, 5)[2] == []  # past the last page: nothing

    def marked(row: list[Any]) -> bool:
        cells, loose = row[2]
        return any(cells) or bool(loose)

    _, rows, page, _ = read_page(tmp_path, 3, 0, keep=marked)
    assert rows == 2
    assert [row for row, _, _ in page] == [7, 900]
    assert page[0][2] == [[None, ["error", "Name: too long", "too-long", "Name"]], []]
    assert page[1][2] == [[None, None], [["warning", "Name: ignored", "ignored-value", "Name"]]]

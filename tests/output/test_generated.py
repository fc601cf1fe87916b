"""Generated artefacts stay current, and templates carry what an account manager needs."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from bulkops.actions import validate
from bulkops.cli import main
from bulkops.docs import columns_markdown, problems_markdown, variants_markdown
from bulkops.model.schema import Kind
from bulkops.output.templates import (
    header_labels,
    write_csv_template,
    write_template,
    write_templates,
)
from bulkops.resources import RESOURCES, get_resource
from tests.conftest import ROOT

ROUTES = get_resource("routes")
FIX = "run: .venv/bin/python scripts/generate.py"


def _parts(path: Path) -> dict[str, bytes]:
    # content only: openpyxl stamps docProps/core.xml with the save time
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in sorted(archive.namelist()) if n != "docProps/core.xml"}


def test_committed_templates_are_current(tmp_path: Path) -> None:
    """templates/*.xlsx and *.csv equal what the resource modules generate now."""
    for name, resource in RESOURCES.items():
        fresh_xlsx = write_template(resource, tmp_path / f"{name}.xlsx")
        assert _parts(fresh_xlsx) == _parts(ROOT / "templates" / f"{name}.xlsx"), FIX
        fresh_csv = write_csv_template(resource, tmp_path / f"{name}.csv")
        assert fresh_csv.read_bytes() == (ROOT / "templates" / f"{name}.csv").read_bytes(), FIX
    whole = write_templates(list(RESOURCES.values()), tmp_path / "account.xlsx")
    assert _parts(whole) == _parts(ROOT / "templates" / "account.xlsx"), FIX


def test_committed_docs_are_current() -> None:
    """docs/problems.md, docs/sandbox.md and docs/columns-*.md equal what the code
    generates now."""
    assert (ROOT / "docs" / "problems.md").read_text() == problems_markdown(), FIX
    assert (ROOT / "docs" / "sandbox.md").read_text() == variants_markdown(), FIX
    for name, resource in RESOURCES.items():
        page = (ROOT / "docs" / f"columns-{name}.md").read_text()
        assert page == columns_markdown(resource), FIX


def test_template_header_notes_dropdowns_and_formats() -> None:
    """Every header has a note; every choice and Yes/No column a dropdown; phone and id
    columns are text; the header is frozen; required columns are marked."""
    book = load_workbook(ROOT / "templates" / "routes.xlsx")
    sheet = book["Routes"]
    header = [c.value for c in sheet[1]]
    assert header == header_labels(ROUTES)
    assert "Route Name *" in header
    assert "Ring To Number *" in header
    assert "Call Value" in header  # not required: not marked
    for cell in sheet[1]:
        assert cell.comment is not None, cell.value
        assert cell.comment.text.strip(), cell.value
    ring_to = sheet.cell(row=1, column=header.index("Ring To Number *") + 1).comment
    assert ring_to is not None
    assert "Needed to: create, replace" in ring_to.text
    assert sheet.freeze_panes == "B2"
    covered: dict[str, str] = {}
    for rule in sheet.data_validations.dataValidation:
        for span in str(rule.sqref).split():
            covered[span.split(":")[0].rstrip("0123456789")] = str(rule.formula1)
    for index, column in enumerate(ROUTES.all_columns, start=2):
        letter = sheet.cell(row=1, column=index).column_letter
        if column.kind is Kind.BOOLEAN:
            assert covered[letter] == '"Yes,No"', column.label
        elif column.kind is Kind.CHOICE:
            assert covered[letter] == '"' + ",".join(c for c in column.choices if c) + '"'
        if column.kind is Kind.PHONE or column is ROUTES.id_column:
            assert sheet.column_dimensions[letter].number_format == "@", column.label
    assert covered["A"] == '"create,update,replace,upsert,delete,skip"'
    assert "Instructions" in book.sheetnames
    text = " ".join(str(c.value) for row in book["Instructions"] for c in row if c.value)
    for needle in ("#CLEAR", "replace", "without gaps", "leading zero", "1.11E+09"):
        assert needle in text


def test_template_example_row_validates_cleanly(tmp_path: Path) -> None:
    """The example row in each committed template is valid, without a warning (beside the
    sample audio files its example names, as a person's would be)."""
    shutil.copytree(ROOT / "samples" / "audio", tmp_path / "audio")
    for name in RESOURCES:
        for suffix in ("xlsx", "csv"):
            copy = shutil.copy(ROOT / "templates" / f"{name}.{suffix}", tmp_path)
            report = validate(copy, write_report=False)
            assert report.problems == [], (suffix, report.problems)
            assert report.rows == 1


def test_template_command_writes_xlsx_and_csv(tmp_path: Path) -> None:
    """`bulkops template routes` writes to a file or folder, as .xlsx or --csv."""
    assert main(["template", "routes", "-o", str(tmp_path / "mine.xlsx")]) == 0
    assert load_workbook(tmp_path / "mine.xlsx").sheetnames == ["Routes", "Instructions"]
    assert main(["template", "routes", "--csv", "-o", str(tmp_path) + "/"]) == 0
    with (tmp_path / "routes.csv").open(newline="", encoding="utf-8") as handle:
        header, example = list(csv.reader(handle))
    assert header == header_labels(ROUTES)
    assert example[0] == "skip"  # the example row is never sent
    assert main(["template", "nope"]) == 2


def test_template_all_writes_one_workbook_with_every_resource(tmp_path: Path) -> None:
    """`bulkops template --all` writes one workbook: a sheet per resource in run order, and
    its example rows validate as one multi-sheet workbook."""
    assert main(["template", "--all", "-o", str(tmp_path) + "/"]) == 0
    shutil.copytree(ROOT / "samples" / "audio", tmp_path / "audio")
    path = tmp_path / "account.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == [*(r.sheet for r in RESOURCES.values()), "Instructions"]
    # what a row refers to runs first: each resource after every one its columns name
    order = {r.name: i for i, r in enumerate(RESOURCES.values())}
    for resource in RESOURCES.values():
        for column in resource.columns:
            if column.refers in order and column.refers != resource.name:
                assert order[column.refers] < order[resource.name], (resource.name, column.label)
    guide = " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row)
    assert "ref:<Sheet>!<key>" in guide
    report = validate(path, write_report=False)
    assert report.problems == []
    assert report.rows == len(RESOURCES)
    assert main(["template", "--all", "--csv"]) == 2

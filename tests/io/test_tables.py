"""Reading: content decides the format; bad files get one clear line; provenance is kept."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from bulkops.cli import main
from bulkops.errors import EmptyInput, InputError, UnsupportedFormat
from bulkops.io.tables import open_workbook
from tests.conftest import MakeFile, write_xlsx

HEADER = ["Action", "Route Name", "Group ID", "Tracking Number", "Ring To Number"]
ROW = ["create", "Main", 70035, "4045550100", "4045550101"]


def read_all(path: Path, **kw: str) -> tuple[list[object], list[tuple[int, list[object]]]]:
    book = open_workbook(path, **kw)
    sheet = book.sheet(book.sheet_names[0])
    return sheet.header, list(sheet.rows)


def refuse(path: Path, capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    """Run validate on a bad file: exit 2 and one line on stderr holding every needle."""
    code = main(["validate", str(path), "--no-report"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in (str(path), *needles):
        assert needle in err
    return err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file is named."""
    refuse(tmp_path / "nope.xlsx", capsys, "no such file")


def test_folder_is_not_a_spreadsheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder given as FILE is refused."""
    refuse(tmp_path, capsys, "folder")


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 0-byte file says so."""
    path = tmp_path / "routes.xlsx"
    path.write_bytes(b"")
    refuse(path, capsys, "empty")


def test_binary_garbage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Bytes that are neither a workbook nor text."""
    path = tmp_path / "routes.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    refuse(path, capsys, "not a spreadsheet")


def test_legacy_xls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An Excel 97-2003 file (even renamed .xlsx) is refused with how to save it."""
    path = tmp_path / "routes.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    refuse(path, capsys, ".xls", "Save As", ".xlsx")


def test_encrypted_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A password-protected workbook (an OLE2 container) says to remove the password."""
    path = tmp_path / "routes.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le")
    )
    refuse(path, capsys, "password")


def test_macro_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A workbook with a VBA project is refused, with the .xlsx way out."""
    path = write_xlsx(tmp_path / "routes.xlsm", [HEADER, ROW])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00" * 16)
    refuse(path, capsys, "macro", ".xlsx")


def test_corrupt_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A truncated workbook is 'damaged'."""
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, ROW]).read_bytes()
    path = tmp_path / "routes.xlsx"
    path.write_bytes(good[: len(good) // 2])
    refuse(path, capsys, "damaged")


def test_opendocument_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An .ods spreadsheet is not silently misread."""
    path = tmp_path / "routes.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    refuse(path, capsys, "OpenDocument")


def test_empty_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A workbook whose Routes sheet is empty has no header row."""
    path = write_xlsx(tmp_path / "routes.xlsx", [])
    refuse(path, capsys, "empty")


def test_header_only_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A header without data rows is bad input (exit 2), naming the sheet."""
    path = write_xlsx(tmp_path / "routes.xlsx", [HEADER])
    refuse(path, capsys, "'Routes'", "no data rows")


def test_unknown_sheet_names_the_sheets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A workbook whose sheet is not named after a resource lists its sheets and the fix."""
    path = write_xlsx(tmp_path / "book.xlsx", [HEADER, ROW], sheet="Sheet1")
    refuse(path, capsys, "'Sheet1'", "--resource")
    assert main(["validate", str(path), "--resource", "routes", "--no-report"]) == 0


def test_csv_renamed_xlsx_is_read_as_csv(tmp_path: Path) -> None:
    """The format comes from the content, not the extension."""
    path = tmp_path / "routes.xlsx"
    path.write_text("Action,Route Name\ncreate,Main\n", encoding="utf-8")
    book = open_workbook(path)
    assert book.format == "csv"


def test_xlsx_provenance_with_offset_table(tmp_path: Path) -> None:
    """A table starting at B3 keeps Excel row numbers and column letters."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Routes"
    for offset, value in enumerate(HEADER):
        ws.cell(row=3, column=2 + offset, value=value)
    ws.cell(row=5, column=2, value="create")
    ws.cell(row=5, column=3, value="Main")
    ws.cell(row=5, column=5, value="oops")
    path = tmp_path / "routes.xlsx"
    book.save(path)
    wb = open_workbook(path)
    sheet = wb.sheet("Routes")
    assert sheet.header_row == 3
    assert sheet.first_column == 1
    rows = list(sheet.rows)
    assert rows[0][0] == 4  # the blank row 4 is still numbered
    assert rows[1][0] == 5
    from bulkops.actions import validate

    report = validate(path, write_report=False)
    bad = next(p for p in report.problems if p.code == "invalid-phone")
    assert (bad.row, bad.cell, bad.column) == (5, "E5", "Tracking Number")


def test_formula_cached_value_is_used_and_unvalued_one_reported(tmp_path: Path) -> None:
    """A formula saved with its result reads as the result; one without is an error there."""
    path = tmp_path / "routes.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Routes")
    ws.write_row(0, 0, HEADER)
    ws.write_row(1, 0, ["create", "A", None, "4045550100", "4045550101"])
    ws.write_formula(1, 2, "=70000+35", None, 70035)
    ws.write_row(2, 0, ["create", "B", None, "4045550102", "4045550101"])
    book.close()
    # xlsxwriter writes <v>0</v> for a formula without a value: strip it to mimic scripts
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    sheet_xml = sheet_xml.replace(
        "</row></sheetData>",
        '<c r="C3"><f>70000+36</f></c></row><row r="4"><c r="A4"><f>"upd"&amp;"ate"</f></c>'
        '<c r="B4" t="str"><v>B</v></c></row></sheetData>',
    )
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    _header, rows = read_all(path)
    assert rows[0][1][2] == 70035
    from bulkops.actions import validate

    report = validate(path, write_report=False)
    found = [(p.cell, p.column) for p in report.problems if p.code == "formula-without-value"]
    assert found == [("C3", "Group ID"), ("A4", "Action")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters_are_detected(csvfile: MakeFile, delimiter: str) -> None:
    """Comma, semicolon (European Excel) and tab files read the same."""
    path = csvfile([HEADER, ROW], delimiter=delimiter)
    header, rows = read_all(path)
    assert header == HEADER
    assert rows == [(2, [str(v) for v in ROW])]


def test_csv_with_bom_and_utf16(tmp_path: Path) -> None:
    """UTF-8 with a byte-order mark and UTF-16 (Excel's 'Unicode text') both read."""
    text = "Action,Route Name\r\ncreate,Café\r\n"
    for encoding in ("utf-8-sig", "utf-16"):
        path = tmp_path / f"routes-{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        header, rows = read_all(path)
        assert header == ["Action", "Route Name"]
        assert rows[0][1] == ["create", "Café"]


def test_csv_in_another_encoding_names_the_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """cp1252 bytes are an error naming the offset, or read with --encoding."""
    path = tmp_path / "routes.csv"
    path.write_bytes("Action,Route Name\ncreate,Caf\u00e9\n".encode("cp1252"))
    err = refuse(path, capsys, "byte 28", "--encoding")
    assert "0xE9" in err
    _header, rows = read_all(path, encoding="cp1252")
    assert rows[0][1] == ["create", "Caf\u00e9"]


def test_unknown_encoding_is_a_clear_error(tmp_path: Path) -> None:
    """A misspelt --encoding is named."""
    path = tmp_path / "routes.csv"
    path.write_text("a\n1\n")
    with pytest.raises(InputError, match="no such encoding"):
        read_all(path, encoding="latin-99")


def test_error_classes() -> None:
    """Unsupported formats and empty inputs are input errors (exit 2)."""
    assert issubclass(UnsupportedFormat, InputError)
    assert issubclass(EmptyInput, InputError)


def test_zip_bomb_is_refused_before_inflating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A small workbook whose sheet would unpack a thousand times its size is refused at
    once, naming the limit, without inflating anything."""
    import time

    path = write_xlsx(tmp_path / "routes.xlsx", [HEADER, ROW])
    block = b"<row/>" * 100_000
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as stream,
    ):
        for _ in range(300):  # 180 MB of repetition, well under 1 MB compressed
            stream.write(block)
    assert path.stat().st_size < 20 * 2**20
    started = time.monotonic()
    err = refuse(path, capsys, "zip bomb")
    assert time.monotonic() - started < 5
    assert "at most 200x" in err


def test_too_many_parts_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A workbook zip with more than 10,000 entries is not an ordinary workbook."""
    path = write_xlsx(tmp_path / "routes.xlsx", [HEADER, ROW])
    with zipfile.ZipFile(path, "a") as archive:
        for index in range(10_001):
            archive.writestr(f"junk/{index}", b"")
    refuse(path, capsys, "10,0", "parts")


def _with_prolog(tmp_path: Path, name: str, prolog: str, reference: str) -> Path:
    path = write_xlsx(tmp_path / name, [HEADER, ROW])
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = prolog + sheet.replace("<t>Main</t>", f"<t>{reference}</t>")
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    return path


@pytest.mark.parametrize(
    ("prolog", "reference"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
            + "".join(
                f'<!ENTITY a{i} "{("&a" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                for i in range(1, 10)
            )
            + "]>",
            "&a9;",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            "&x;",
        ),
    ],
    ids=["xml-bomb", "external-entity"],
)
def test_xml_entities_are_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], prolog: str, reference: str
) -> None:
    """An entity-expansion bomb and an external entity: refused, quickly, saying why."""
    import time

    started = time.monotonic()
    refuse(_with_prolog(tmp_path, "routes.xlsx", prolog, reference), capsys, "XML entities")
    assert time.monotonic() - started < 2


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("parts", "said"),
    [
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01"},
         "an Excel Binary Workbook (.xlsb)"),
        ({"Index/Document.iwa": b"\x00", "Metadata/Properties.plist": b""},
         "an Apple Numbers file; in Numbers use File > Export To > Excel"),
        ({"table.csv": b"a,b\n1,2\n"}, "a zip archive holding one file (table.csv): unzip it"),
    ],
)  # fmt: skip
def test_zips_that_are_not_workbooks_are_named(
    parts: dict[str, bytes], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refuse(_zip(tmp_path / "routes.xlsx", parts), capsys, said)


@pytest.mark.parametrize(
    ("head", "said"),
    [
        (b"<!DOCTYPE html><html><body><table><tr><td>Action</td></tr></table>",
         "an HTML page saved with a spreadsheet's name, not a CSV file"),
        (b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
         "an Excel 2003 XML spreadsheet (SpreadsheetML)"),
        (b'<?xml version="1.0"?><office:document xmlns:office="urn:oasis:names:tc:opendocument'
         b':xmlns:office:1.0">', "a flat OpenDocument spreadsheet (.fods)"),
        (b"ID;PWXL;N;E\r\nC;Y1;X1;K\"Action\"\r\nE\r\n", "a SYLK file (.slk)"),
        (b'TABLE\r\n0,1\r\n""\r\nVECTORS\r\n', "a DIF file (.dif)"),
        (b"Action,Route Name\ncreate,\x00Main\n", "a text file with a NUL byte (byte 25)"),
        (b"\x09\x04\x06\x00\x00\x00\x10\x00" + b"\x00" * 64, "an old Excel 2.x-4.x worksheet"),
    ],
)  # fmt: skip
def test_files_of_other_formats_are_named_not_read_as_csv(
    head: bytes, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "routes.csv"
    path.write_bytes(head)
    refuse(path, capsys, said)


def test_a_package_laid_out_otherwise_is_read(tmp_path: Path) -> None:
    """Entries named with backslashes (as some Windows tools write them) are a workbook
    calamine reads: not refused by the check that comes first."""
    made = write_xlsx(tmp_path / "made.xlsx", [HEADER, ROW])
    with zipfile.ZipFile(made) as source:
        parts = {n.replace("/", "\\") if n.startswith("xl/") else n: source.read(n)
                 for n in source.namelist()}  # fmt: skip
    header, rows = read_all(_zip(tmp_path / "routes.xlsx", parts))
    assert header == HEADER
    assert rows[0][1][:2] == ROW[:2]


def test_line_numbers_count_a_lone_cr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "routes.csv"
    path.write_bytes(b"Action,Route Name\rcreate,Caf\xe9\r")
    refuse(path, capsys, "not UTF-8 at byte 28 (line 2, byte 0xE9)")


def test_a_refusal_lists_at_most_ten_sheets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "many.xlsx"))
    for index in range(25):
        book.add_worksheet(f"Data {index}").write_row(0, 0, HEADER)
    book.close()
    err = refuse(tmp_path / "many.xlsx", capsys, "'Data 9' and 15 more)")
    assert "'Data 10'" not in err

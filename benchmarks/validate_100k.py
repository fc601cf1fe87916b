"""`bulkops validate` on a generated 100,000-row routes workbook, side by side with
python-calamine alone reading the same file into Python lists.

Target (issue 2): validate <= 2x the bare read, peak memory < 600 MB.
Run by hand: .venv/bin/python benchmarks/validate_100k.py [--rows N] [--runs K]

Each measurement runs in a fresh subprocess (interpreter start and imports included, as a
user sees them); peak RSS is the child's maximum resident set. The split between reading,
mapping (header binding and cell coercion) and validation (identity, required cells, list
groups, cross-field rules, duplicates) is measured in-process on rows already read; the
formula scan (formulas saved without a value) runs in a thread beside calamine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
PYTHON = sys.executable


def generate(path: Path, rows: int) -> None:
    """A realistic routes workbook: every template column, about 40 of them filled."""
    from bulkops.output.templates import header_labels
    from bulkops.resources import get_resource

    routes = get_resource("routes")
    labels = header_labels(routes, mark_required=False)
    col = {label: i for i, label in enumerate(labels)}
    rng = random.Random(42)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Routes")
    sheet.write_row(0, 0, labels)
    yes_no = ("Yes", "No")
    for r in range(1, rows + 1):
        area = rng.choice((404, 470, 678, 770))
        values: dict[str, object] = {
            "Action": "create",
            "Route Name": f"Location {r} - {rng.choice(('Google Ads', 'Facebook', 'Yelp'))}",
            "Route Status": rng.choice(("active", "inactive")),
            "Group ID": 70000 + r % 500,
            "Tracking Number": float(f"{area}555{r % 10000:04d}"),
            "Routing Type": "simple",
            "Ring To Number": float(f"{area}2{r % 1000000:06d}"),
            "Simultaneous Ring": rng.choice(yes_no),
            "Record Calls": rng.choice(yes_no),
            "Caller ID Shown": "phone_number",
            "Voice Prompt": "Thank you for calling. Please wait while we connect your call.",
            "Whisper Enabled": "Yes",
            "Whisper Type": "text",
            "Whisper Message": f"Call from campaign {r % 97}",
            "FTC Whisper Enabled": "No",
            "Caller Message Enabled": "No",
            "Play Disclaimer": rng.choice(("before", "after", "none")),
            "Hold Message Enabled": "No",
            "Voicemail Enabled": rng.choice(yes_no),
            "Voicemail Greeting": "Please leave a message after the beep.",
            "Voicemail Rings": float(rng.randint(2, 6)),
            "Voice Agent Enabled": "No",
            "Call Value": float(rng.choice((0, 10, 25.5, 150))),
            "Repeat Interval": 30.0,
            "Webhook ID": float(rng.randint(1, 20)),
            "SMS Forwarding": rng.choice(yes_no),
            "Spam Protection": "Yes",
            "SMS Users": f"{rng.randint(1000, 99999)}; {rng.randint(1000, 99999)}",
            "SMS Notifications": "Yes",
            "Email Notifications": rng.choice(yes_no),
            "Unclaimed SMS": "No",
            "Custom Source 1 ID": str(1000 + r % 300),
            "Custom Source 1 Type": "CS1",
            "Overflow 1 Number": float(f"{area}3{r % 1000000:06d}"),
            "Overflow 1 Rings": 3.0,
            "Overflow 2 Number": float(f"{area}4{r % 1000000:06d}"),
            "Overflow 2 Rings": 4.0,
            "Hunt Type": "round_robin",
            "Hunt 1 Destination": float(f"{area}6{r % 1000000:06d}"),
            "Hunt 2 Destination": float(f"{area}7{r % 1000000:06d}"),
        }
        for label, value in values.items():
            if isinstance(value, float):
                sheet.write_number(r, col[label], value)
            else:
                sheet.write_string(r, col[label], str(value))
    book.close()


_READ = """
import sys, python_calamine
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
rows = [row for row in book.get_sheet_by_name("Routes").iter_rows()]
print(len(rows))
"""


def child(argv: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of one fresh process (its own rusage)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode not in (0, 1):
            raise SystemExit(f"{argv} failed: {err.read().decode()}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


def split(path: Path) -> dict[str, float]:
    """Seconds for reading, mapping and validation, in-process, on the same file."""
    import gc

    from bulkops.io.tables import open_workbook
    from bulkops.io.xlsx import unvalued_formulas
    from bulkops.resources import get_resource
    from bulkops.validation import validate_sheet

    routes = get_resource("routes")
    gc.disable()
    start = time.perf_counter()
    book = open_workbook(path)
    sheet = book.sheet("Routes")
    rows = list(sheet.rows)
    read = time.perf_counter() - start
    start = time.perf_counter()
    unvalued_formulas(path, "Routes")
    scan = time.perf_counter() - start  # runs beside calamine's load: not part of `read`

    def timed(mapping_only: bool) -> float:
        sheet.rows = iter(rows)
        validation = validate_sheet(routes, sheet)
        validator = validation.validator
        if mapping_only:
            for owner, name in (
                (validator, "_identity"),
                (validator, "_required"),
                (validator.checks, "lists"),
                (validator.checks, "rules"),
            ):
                setattr(owner, name, lambda *a: None)
        begin = time.perf_counter()
        for _ in validation.records():
            pass
        return time.perf_counter() - begin

    mapping = timed(mapping_only=True)
    total = timed(mapping_only=False)
    gc.enable()
    print(f"  (formula scan alone {scan:.2f} s, overlapped with the read)")
    return {"read": read, "mapping": mapping, "validation": total - mapping}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    path = DATA / f"routes-{args.rows}.xlsx"
    if not path.exists():
        began = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {path.name} in {time.perf_counter() - began:.1f} s")
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB, {args.rows} rows")

    reads, validates = [], []
    read_peak = validate_peak = 0.0
    for _ in range(args.runs):
        seconds, peak, out = child([PYTHON, "-c", _READ, str(path)])
        reads.append(seconds)
        read_peak = max(read_peak, peak)
    for _ in range(args.runs):
        argv = [PYTHON, "-m", "bulkops", "validate", str(path), "--json", "--no-report"]
        seconds, peak, out = child(argv)
        validates.append(seconds)
        validate_peak = max(validate_peak, peak)
        doc = json.loads(out)
        assert doc["rows"] == args.rows, doc["rows"]
    read_s = statistics.median(reads)
    validate_s = statistics.median(validates)
    print(f"python-calamine read into lists : {read_s:6.2f} s  (runs {reads_fmt(reads)})")
    print(f"bulkops validate (whole command) : {validate_s:6.2f} s  (runs {reads_fmt(validates)})")
    print(f"ratio validate / bare read       : {validate_s / read_s:6.2f}x  (target <= 2x)")
    print(f"peak RSS, bare read              : {read_peak:6.0f} MB")
    print(f"peak RSS, validate               : {validate_peak:6.0f} MB  (target < 600 MB)")
    parts = split(path)
    total = sum(parts.values())
    print("in-process split of validate's work:")
    for name, seconds in parts.items():
        print(f"  {name:<13} {seconds:6.2f} s  {100 * seconds / total:4.0f}%")


def reads_fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()

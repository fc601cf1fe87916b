"""`bulkops map` of a 100,000-row foreign CSV (the shape of samples/foreign's call-tracking
export) with the committed mapping, which writes the template-form workbook and validates
it, beside `bulkops validate` of that same template-form workbook, measured in one run.
Target (issue 14): map + validation at most 2x validate.

Run by hand: .venv/bin/python benchmarks/map_100k.py [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from bulkops import actions

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "samples" / "foreign" / "calltrack-export.mapping.xlsx"
SOURCES = ("Google Ads", "Facebook", "Yelp", "Direct Mail", "Radio")


def foreign(path: Path, rows: int) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Tracking Number", "Name", "Destination", "Source", "Recording",
                         "Status"])  # fmt: skip
        for index in range(rows):
            number = f"({200 + index // 10_000_000 % 700}) {index // 10_000 % 1000:03d}-"
            number += f"{index % 10_000:04d}"
            writer.writerow([number, f"Route {index}", "(404) 555-0123",
                             SOURCES[index % len(SOURCES)], "yes" if index % 2 else "no",
                             "Paused" if index % 7 == 0 else "Active"])  # fmt: skip
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    source = foreign(folder / "export.csv", args.rows)
    out = folder / "export.routes.xlsx"
    mapped: list[float] = []
    validated: list[float] = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = actions.map_foreign(source, "routes", mapping=MAPPING, out=out)
        mapped.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = actions.validate(out, write_report=False)
        validated.append(time.perf_counter() - started)
    assert result.report is not None
    best_map, best_validate = min(mapped), min(validated)
    print(f"{args.rows:,} foreign rows -> {result.rows:,} template rows "
          f"({result.report.errors} errors; validate alone: {report.errors})")  # fmt: skip
    print(f"  map (read, write, validate): {best_map:6.2f} s   (runs: "
          f"{', '.join(f'{t:.2f}' for t in mapped)})")  # fmt: skip
    print(f"  validate of the same file:   {best_validate:6.2f} s   (runs: "
          f"{', '.join(f'{t:.2f}' for t in validated)})")  # fmt: skip
    print(f"  ratio: {best_map / best_validate:.2f}x (target at most 2x)")


if __name__ == "__main__":
    main()

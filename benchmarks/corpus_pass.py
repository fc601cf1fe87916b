"""Every spreadsheet of ../shared/corpus (1,163 files written by other software) through
`bulkops validate` and `bulkops run --sandbox --resource routes`, as a user runs them.

Prints: tracebacks (an exception escaping the command), hangs (over 60 s), exit codes
outside 0/1/2 (targets: 0 each), and how the refusals (exit 2) read: how many name the
file's real format, by extension. Nothing is copied into the project; results are
written to a temporary folder.

Run by hand: .venv/bin/python benchmarks/corpus_pass.py [--only SUBSTRING] [--show N]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from types import FrameType

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bulkops.cli import main as bulkops  # noqa: E402

CORPUS = HERE.parent.parent / "shared" / "corpus"
HANG = 60

#: how a refusal reads, by the words it uses (the first kind that matches)
KINDS = (
    ("read: no sheet named after a resource", ("cannot tell which resource",)),
    ("names its format", ("this is ", "macro-enabled", "password-protected",
                          "a zip archive holding", "NUL byte")),
    ("damaged, said in words", ("damaged",)),
    ("empty", ("empty", "no header row", "no worksheet", "no data rows")),
    ("not UTF-8 (names the byte and the fix)", ("not UTF-8", "not valid")),
    ("not a spreadsheet", ("not a spreadsheet", "not an Excel workbook")),
)  # fmt: skip


def kind_of(said: str) -> str:
    return next((name for name, words in KINDS if any(w in said for w in words)), "other")


class Hang(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def one(args: list[str]) -> tuple[int | str, str]:
    """The command's exit code (or 'traceback' / 'hang') and what it printed on stderr."""
    err = io.StringIO()
    signal.alarm(HANG)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code: int | str = bulkops(args)
    except Hang:
        code = "hang"
    except BaseException:
        code = "traceback"
        err.write(traceback.format_exc())
    finally:
        signal.alarm(0)
    return code, err.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--show", type=int, default=10)
    options = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        files = [CORPUS / "files" / row["corpus_path"]
                 for row in csv.DictReader(handle, delimiter="\t")]  # fmt: skip
    files = [f for f in files if options.only in str(f)]
    codes: dict[str, Counter[str]] = {"validate": Counter(), "run": Counter()}
    bad: list[tuple[str, Path, str]] = []
    kinds: Counter[str] = Counter()
    others: list[str] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for index, path in enumerate(files):
            copy = out / f"{index}{path.suffix}"  # results are written beside the input
            shutil.copyfile(path, copy)
            for command, args in (
                ("validate", ["validate", str(copy), "--no-report"]),
                ("run", ["run", str(copy), "--sandbox", "--resource", "routes", "--yes",
                         "-o", str(out / f"{index}.results.xlsx")]),
            ):  # fmt: skip
                code, said = one(args)
                codes[command][str(code)] += 1
                if code not in (0, 1, 2):
                    bad.append((command, path, said.strip().splitlines()[-1] if said else ""))
                if code == 2 and command == "validate":
                    kind = kind_of(said)
                    kinds[kind] += 1
                    if kind == "other":
                        others.append(said.strip()[:160])
            for leftover in out.iterdir():
                if leftover.is_file():
                    leftover.unlink()
    seconds = time.perf_counter() - began
    print(f"{len(files)} files, both commands, in {seconds:.0f} s")
    for command, counted in codes.items():
        shown = ", ".join(f"{k}: {n}" for k, n in sorted(counted.items()))
        print(f"  {command}: {shown}")
    print(f"tracebacks, hangs and other exit codes: {len(bad)} (target 0)")
    for command, path, line in bad[: options.show]:
        print(f"  {command} {path.relative_to(CORPUS)}: {line[:160]}")
    print(f"refusals by validate (exit 2): {sum(kinds.values())}, by what they say:")
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count}")
    for line in others[: options.show]:
        print(f"    other: {line}")


if __name__ == "__main__":
    main()

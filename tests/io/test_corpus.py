"""Spreadsheets written by other software (../shared/corpus, read in place, never copied
into the project): every 3rd file of its MANIFEST through `bulkops validate`. No
traceback, no exit code but 0, 1 or 2, and a refusal is one line naming the file.
(`benchmarks/corpus_pass.py` runs every file through validate and run.)"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from bulkops.cli import main
from tests.conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpus"


def _sample() -> list[str]:
    if not (CORPUS / "MANIFEST.tsv").exists():
        return []
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [row["corpus_path"] for row in rows[::3]]


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not beside the project")
@pytest.mark.parametrize("name", _sample())
def test_a_file_written_by_other_software_gets_an_answer(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / Path(name).name  # (a report would be written beside the input)
    shutil.copyfile(CORPUS / "files" / name, copy)
    code = main(["validate", str(copy), "--no-report"])
    err = capsys.readouterr().err
    assert code in (0, 1, 2)
    assert "Traceback" not in err
    if code == 2:
        assert err.count("\n") == 1, err
        assert str(copy) in err

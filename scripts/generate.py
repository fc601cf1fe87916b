"""Regenerate every derived artefact: templates/ and the reference pages in docs/.

Run: .venv/bin/python scripts/generate.py   (tests/test_generated.py fails when stale)
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from bulkops.docs import columns_markdown, problems_markdown, variants_markdown
from bulkops.output.templates import write_csv_template, write_template, write_templates
from bulkops.resources import RESOURCES, Resource

ROOT = Path(__file__).resolve().parent.parent


def _content(path: Path) -> dict[str, bytes]:
    # openpyxl stamps docProps/core.xml with the save time: compare everything else
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def save_if_changed(write: Callable[[Path], object], target: Path) -> None:
    """Call `write(path)` on a temporary path; replace `target` only if its content differs,
    so regenerating leaves unchanged workbooks (and git) alone."""
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / target.name
        write(fresh)
        if not target.exists() or _content(fresh) != _content(target):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(fresh.read_bytes())


def _write_xlsx_if_changed(resource: Resource, target: Path) -> None:
    save_if_changed(lambda path: write_template(resource, path), target)


def main() -> None:
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "problems.md").write_text(problems_markdown(), encoding="utf-8")
    (docs / "sandbox.md").write_text(variants_markdown(), encoding="utf-8")
    for name, resource in RESOURCES.items():
        _write_xlsx_if_changed(resource, ROOT / "templates" / f"{name}.xlsx")
        write_csv_template(resource, ROOT / "templates" / f"{name}.csv")
        (docs / f"columns-{name}.md").write_text(columns_markdown(resource), encoding="utf-8")
    save_if_changed(
        lambda path: write_templates(list(RESOURCES.values()), path),
        ROOT / "templates" / "account.xlsx",
    )
    print("wrote templates/ and docs/")


if __name__ == "__main__":
    main()

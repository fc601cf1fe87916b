"""Regenerate every derived artefact: templates/ and the reference pages in docs/.

Run: .venv/bin/python scripts/generate.py   (tests/test_generated.py fails when stale)
"""

from __future__ import annotations

from pathlib import Path

from bulkops.docs import columns_markdown, problems_markdown
from bulkops.io.templates import write_csv_template, write_template
from bulkops.resources import RESOURCES

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "problems.md").write_text(problems_markdown(), encoding="utf-8")
    for name, resource in RESOURCES.items():
        write_template(resource, ROOT / "templates" / f"{name}.xlsx")
        write_csv_template(resource, ROOT / "templates" / f"{name}.csv")
        (docs / f"columns-{name}.md").write_text(columns_markdown(resource), encoding="utf-8")
    print("wrote templates/ and docs/")


if __name__ == "__main__":
    main()

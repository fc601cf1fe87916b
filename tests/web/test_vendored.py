"""The page's third-party files: each is the file its manifest names, byte for byte, with
its licence beside it (taken from the npm registry at a pinned version)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import bulkops.web

VENDOR = Path(bulkops.web.__file__).parent / "static" / "vendor"


def test_every_vendored_file_is_in_the_manifest_with_its_checksum() -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    files = {str(p.relative_to(VENDOR)) for p in VENDOR.rglob("*") if p.is_file()}
    assert files - {"MANIFEST.json"} == set(manifest)
    for name, entry in manifest.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == entry["sha256"], name
        assert (VENDOR / name).parent.joinpath("LICENSE").is_file(), name

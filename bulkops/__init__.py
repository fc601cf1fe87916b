"""bulkops: spreadsheets in, safe bulk operations against the Convirza V3 Platform API out.

The top-level names load their modules on first use, so `import bulkops.sandbox` brings in
nothing of the client side (the sandbox must stay an independent reading of the contract),
and pandas is loaded by the notebook functions only (`read_workbook`, `validate_frame`,
`export_frame`, `run_frames`: see `bulkops.frames`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from bulkops.version import VERSION as __version__

if TYPE_CHECKING:
    from bulkops.actions import catalogue, template, validate
    from bulkops.errors import BulkopsError
    from bulkops.frames import export_frame, read_workbook, run_frames, validate_frame
    from bulkops.validation import Problem, Report

__all__ = [
    "BulkopsError",
    "Problem",
    "Report",
    "__version__",
    "catalogue",
    "export_frame",
    "read_workbook",
    "run_frames",
    "template",
    "validate",
    "validate_frame",
]

_LAZY = {
    "BulkopsError": "bulkops.errors",
    "Problem": "bulkops.validation",
    "Report": "bulkops.validation",
    "catalogue": "bulkops.actions",
    "template": "bulkops.actions",
    "validate": "bulkops.actions",
    "read_workbook": "bulkops.frames",
    "validate_frame": "bulkops.frames",
    "export_frame": "bulkops.frames",
    "run_frames": "bulkops.frames",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        try:
            module = import_module(_LAZY[name])
        except ModuleNotFoundError as missing:
            if missing.name != "pandas":
                raise
            raise ImportError(
                f"bulkops.{name} works with pandas DataFrames: pip install 'bulkops[notebook]'"
            ) from None
        return getattr(module, name)
    raise AttributeError(f"module 'bulkops' has no attribute {name!r}")

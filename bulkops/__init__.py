"""bulkops: spreadsheets in, safe bulk operations against the Convirza V3 Platform API out.

The top-level names load their modules on first use, so `import bulkops.sandbox` brings in
nothing of the client side (the sandbox must stay an independent reading of the contract).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from bulkops.version import VERSION as __version__

if TYPE_CHECKING:
    from bulkops.actions import catalogue, template, validate
    from bulkops.errors import BulkopsError
    from bulkops.validation import Problem, Report

__all__ = ["BulkopsError", "Problem", "Report", "__version__", "catalogue", "template", "validate"]

_LAZY = {
    "BulkopsError": "bulkops.errors",
    "Problem": "bulkops.validation",
    "Report": "bulkops.validation",
    "catalogue": "bulkops.actions",
    "template": "bulkops.actions",
    "validate": "bulkops.actions",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'bulkops' has no attribute {name!r}")

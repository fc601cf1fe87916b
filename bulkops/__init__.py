"""bulkops: spreadsheets in, safe bulk operations against the Convirza V3 Platform API out."""

from __future__ import annotations

from bulkops.actions import catalogue, template, validate
from bulkops.errors import BulkopsError
from bulkops.validation import Problem, Report

__all__ = ["BulkopsError", "Problem", "Report", "__version__", "catalogue", "template", "validate"]

__version__ = "0.1.0"

"""Exceptions that stop work. Problems found *in* a spreadsheet are data, not exceptions
(see `bulkops.validation.problems`); these are for when work cannot go on at all.

The tree::

    BulkopsError                  every error bulkops raises on purpose; CLI exit code 2
     ├── UsageError               a flag, argument or resource name that makes no sense
     ├── ConfigError              settings that cannot be used
     ├── OutputError              a report, template or results file that cannot be written
     └── InputError               a file that cannot be read as a spreadsheet
          ├── UnsupportedFormat   .xls, .xlsm, encrypted or not a spreadsheet at all
          └── EmptyInput          no sheet, no header or no data where some was needed

Every message is one line a non-programmer can act on: what is wrong, where, what to do.
"""

from __future__ import annotations

__all__ = [
    "BulkopsError",
    "ConfigError",
    "EmptyInput",
    "InputError",
    "OutputError",
    "UnsupportedFormat",
    "UsageError",
]


class BulkopsError(Exception):
    """Base class: the message is shown to the user as it is, on one line."""


class UsageError(BulkopsError):
    """The command line asked for something that cannot be done."""


class ConfigError(BulkopsError):
    """A setting (flag, environment, bulkops.toml) cannot be used."""


class OutputError(BulkopsError):
    """A file bulkops writes cannot be written (folder missing, read-only, disk full)."""


class InputError(BulkopsError):
    """The input file cannot be read."""


class UnsupportedFormat(InputError):
    """The file is not a workbook bulkops can read (legacy, macro-enabled, encrypted, other)."""


class EmptyInput(InputError):
    """The file holds nothing to work on."""

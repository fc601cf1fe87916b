"""The version of bulkops (recorded in every results workbook and journal)."""

from typing import Final

__all__ = ["VERSION"]

VERSION: Final = "0.1.0"

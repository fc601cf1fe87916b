"""Where each file a command writes goes when no -o says otherwise: beside its input,
named after it. One place, so `validate`, `run`, `report` and the CLI's printed next steps
always agree."""

from __future__ import annotations

from pathlib import Path

from bulkops.config import FAILED_SUFFIX, JOURNAL_SUFFIX, REPORT_SUFFIX, RESULTS_SUFFIX

__all__ = ["failed_for", "journal_for", "report_for", "results_for", "undo_for"]


def report_for(source: Path) -> Path:
    """The validation report of `source`: `NAME.report.xlsx` beside it."""
    return source.with_name(source.stem + REPORT_SUFFIX)


def results_for(source: Path) -> Path:
    """The results workbook of a run of `source`: `NAME.results.xlsx` beside it."""
    return source.with_name(source.stem + RESULTS_SUFFIX)


def failed_for(source: Path, results: Path) -> Path:
    """The rows of `source` left to fix: `NAME.failed.xlsx` beside the results."""
    return results.with_name(source.stem + FAILED_SUFFIX)


def journal_for(results: Path) -> Path:
    """The run's journal, beside its results workbook (`NAME.results.journal`)."""
    return results.with_name(results.stem + JOURNAL_SUFFIX)


def undo_for(results: Path) -> Path:
    """The workbook that undoes a run: `NAME.undo.xlsx` beside its results."""
    name = results.stem.removesuffix(RESULTS_SUFFIX.removesuffix(".xlsx"))
    return results.with_name(name + ".undo.xlsx")

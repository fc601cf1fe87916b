"""`bulkops report FILE`: the results workbook rebuilt from the run's journal alone (and
the input file it mirrors), without a request to the API. Rows the journal has no outcome
for are shown as they stand: in doubt (sent, answer unknown) or not attempted."""

from __future__ import annotations

import time
from pathlib import Path

from bulkops.engine.journal import Journal
from bulkops.errors import ConfigError, OutputError
from bulkops.io.tables import open_workbook
from bulkops.model.outcome import RowOutcome, Status
from bulkops.paths import failed_for, journal_for, results_for
from bulkops.run import RunResult, file_sha256
from bulkops.sheets import select_sheets
from bulkops.validation import Report, validate_sheet
from bulkops.version import VERSION

__all__ = ["rebuild"]


def rebuild(
    path: str | Path,
    *,
    out: Path | None = None,
    resource: str | None = None,
    encoding: str | None = None,
) -> RunResult:
    from bulkops.output.results import RunSummary, write_failed, write_results

    path = Path(path)
    workbook = open_workbook(path, encoding=encoding)  # first: a missing input is named as such
    workbook.close()
    results = out or results_for(path)
    location = journal_for(results)
    if not location.exists():
        raise ConfigError(
            f"no journal of a run of {path.name} ({location.name} is not there): run it "
            "first, or give -o the results workbook that run wrote"
        )
    journal = Journal.read(location)
    try:
        meta = journal.meta()
        if meta.get("input_sha256") != file_sha256(path):
            raise ConfigError(
                f"{path} changed since its journal was written: the results "
                "cannot be rebuilt for it"
            )
        done, doubt = journal.done(), journal.in_doubt()
    finally:
        journal.close()
    workbook = open_workbook(path, encoding=encoding)
    report = Report(path=path, sheets=[])
    outcomes: list[RowOutcome] = []
    try:
        for name, chosen in select_sheets(workbook, resource):
            validation = validate_sheet(chosen, workbook.sheet(name))
            for record in validation.records():
                key = (record.sheet, record.row)
                outcome = done.get(key)
                if outcome is None:
                    if key in doubt:
                        outcome = RowOutcome(
                            record.sheet,
                            record.row,
                            record.action,
                            Status.UNKNOWN,
                            "sent, but the journal has no answer: --resume settles it",
                        )
                    else:
                        outcome = RowOutcome(
                            record.sheet,
                            record.row,
                            record.action,
                            Status.NOT_ATTEMPTED,
                            "not reached by the run",
                        )
                outcomes.append(outcome)
            report.sheets.append(validation.report)
    finally:
        workbook.close()
    created = float(meta.get("created", "0") or 0)
    summary = RunSummary(
        input_path=path,
        input_sha256=meta.get("input_sha256", ""),
        target=meta.get("base_url", ""),
        started=time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(created)),
        finished=f"(rebuilt from the journal, run {meta.get('state', 'unknown')})",
        seconds=0.0,
        requests=0,
        throttled=0,
        settings={"rebuilt": True},
        version=VERSION,
    )
    try:
        written = write_results(
            results, report, outcomes, summary, encoding=encoding, resource_override=resource
        )
        failed = write_failed(failed_for(path, results), report, outcomes, encoding=encoding)
    except OSError as exc:
        raise OutputError(f"{results}: cannot write the results ({exc.strerror})") from None
    return RunResult(report, outcomes, written, failed, summary.target, False, 0.0, 0, 0)

"""One library function per command. The CLI parses, calls one of these, renders the result
and picks the exit code; these never print or exit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bulkops.actions.catalogue import ACCOUNT_TEMPLATE, catalogue, template, template_all
from bulkops.actions.sandbox import sandbox, sandbox_reading, sandbox_socket, serve_sandbox
from bulkops.config import Settings, settings_with
from bulkops.errors import OutputError, UsageError
from bulkops.io.tables import open_workbook
from bulkops.paths import report_for
from bulkops.resources import RESOURCES, get_resource
from bulkops.sheets import select_sheets
from bulkops.validation import Report
from bulkops.validation.cells import to_text
from bulkops.validation.recipients import beside
from bulkops.validation.workbook import check_workbook

if TYPE_CHECKING:
    from bulkops.ledger import Ledger
    from bulkops.model.outcome import RowOutcome
    from bulkops.run import RunResult, Wiring

__all__ = [
    "ACCOUNT_TEMPLATE",
    "MapResult",
    "catalogue",
    "export",
    "export_ledger",
    "login",
    "logout",
    "map_foreign",
    "read_ledger",
    "run",
    "sandbox",
    "sandbox_reading",
    "sandbox_socket",
    "serve_sandbox",
    "template",
    "template_all",
    "undo",
    "validate",
    "verify",
]


def validate(
    path: str | Path,
    *,
    resource: str | None = None,
    report: Path | None = None,
    write_report: bool = True,
    encoding: str | None = None,
    include_hidden: bool = False,
    allow_unknown_columns: bool = False,
) -> Report:
    """Validate every resource sheet of a file.

    The report workbook is written to `report` when given, else beside the input when there
    are problems (unless `write_report` is False).
    """
    path = Path(path)
    workbook = open_workbook(path, encoding=encoding)
    try:
        sheets = select_sheets(workbook, resource)
        with beside(path):  # a recipients file is read beside the input
            result = check_workbook(path, workbook, sheets, include_hidden=include_hidden,
                                    allow_unknown=allow_unknown_columns).report  # fmt: skip
    finally:
        workbook.close()
    target = report if report is not None else report_for(path)
    if report is not None or (write_report and result.problems):
        from bulkops.output.reportbook import write_report_workbook  # xlsxwriter: when needed

        if target.resolve() == path.resolve():
            raise UsageError(f"{target}: the report would overwrite the input; choose another -o")
        try:
            result.report_path = write_report_workbook(result, target, encoding=encoding)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write the report ({exc.strerror})") from None
    return result


def run(
    path: str | Path,
    *,
    settings: Settings | None = None,
    rate: float | None = None,
    concurrency: int | None = None,
    dry_run: bool = False,
    sandbox: bool = False,
    out: Path | None = None,
    resource: str | None = None,
    encoding: str | None = None,
    include_hidden: bool = False,
    allow_unknown_columns: bool = False,
    stop_on_problems: bool = False,
    resume: bool = False,
    new_run: bool = False,
    yes: bool = False,
    progress: Callable[[RowOutcome], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    confirm: Callable[[str], bool] | None = None,
    wiring: Wiring | None = None,
    variants: list[str] | None = None,
    verify: bool | None = None,
    plan: Path | None = None,
    allow_drift: bool = False,
    ledger: Path | None = None,
) -> RunResult:
    """Validate the whole workbook, then send its rows; write the results workbook.

    `rate` and `concurrency` override `settings` (by default: the environment and
    bulkops.toml), validated as any setting is (a UsageError names the flag). More than
    DELETE_CONFIRM deletes, or what cannot be undone, need `yes` or `confirm(question)`
    to say yes, else nothing is sent (UsageError). With `stop_on_problems`, one invalid
    row anywhere means nothing is sent. `wiring` swaps the transport, credentials and
    clock (tests, benchmarks) and turns signal handling off. `variants` ('NAME=VALUE')
    choose the in-process sandbox's reading of the docs (with `sandbox` only). A workbook
    exported from another account is a migration: its ids are mapped through the `ledger`
    (by default beside the workbook; see `bulkops.migration`)."""
    from bulkops.run import Hooks, RunOptions, Wiring, execute

    if variants and not sandbox:
        raise UsageError("--variant chooses how the sandbox answers: use it with --sandbox")

    options = RunOptions(
        dry_run=dry_run,
        sandbox=sandbox,
        out=out,
        resource=resource,
        encoding=encoding,
        include_hidden=include_hidden,
        allow_unknown=allow_unknown_columns,
        stop_on_problems=stop_on_problems,
        resume=resume,
        new_run=new_run,
        yes=yes,
        verify=verify,
        plan=Path(plan) if plan is not None else None,
        allow_drift=allow_drift,
        ledger=Path(ledger) if ledger is not None else None,
    )
    return execute(
        Path(path),
        settings=settings_with(
            settings,
            rate=rate,
            concurrency=concurrency,
            sandbox_variants=", ".join(variants) if variants else None,
        ),
        options=options,
        wiring=wiring or Wiring(),
        hooks=Hooks(progress=progress, on_total=on_total, confirm=confirm),
    )


def read_ledger(path: Path) -> Ledger:
    """A migration's id ledger, opened to look at (`bulkops.ledger.Ledger`; close it)."""
    from bulkops.ledger import Ledger

    return Ledger.read(path)


def export_ledger(path: Path, out: Path) -> int:
    """Write a ledger's mappings to a workbook; the rows written."""
    from bulkops.output.ledgerbook import write_ledger

    if out.resolve() == path.resolve():
        raise UsageError(f"{out}: that is the ledger itself; choose another -o")
    ledger = read_ledger(path)
    try:
        return write_ledger(ledger, out)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write it ({exc.strerror})") from None
    finally:
        ledger.close()


@dataclass
class MapResult:
    """What `map_foreign` did: the mapping it suggested (no workbook yet), or the workbook
    it wrote with a confirmed mapping, its validation and where each problem came from."""

    mapping_path: Path
    suggested: bool
    mapping: Any
    out: Path | None = None
    rows: int = 0
    report: Report | None = None
    #: each problem of the mapped workbook, with the foreign cell (or Constant) it came from
    sources: list[tuple[Any, str]] = field(default_factory=list)


def map_foreign(
    foreign: str | Path,
    resource: str,
    *,
    mapping: Path | None = None,
    out: Path | None = None,
    encoding: str | None = None,
    force: bool = False,
) -> MapResult:
    """A foreign sheet into `resource`'s template form (see `bulkops.mapping`). Without a
    `mapping`: suggest one and write it beside the file (`NAME.mapping.xlsx`) to review.
    With one: check it against the file (`MappingProblems` names each mistake by its row;
    nothing is written), write the template-form workbook (`NAME.RESOURCE.xlsx`), and
    validate it, each problem with the foreign cell it came from."""
    from bulkops.mapping import (
        MappingProblems,
        apply,
        check_values,
        foreign_sheet,
        provenance,
        read_mapping,
        required_missing,
        suggest,
        write_mapping,
    )

    foreign = Path(foreign)
    chosen = get_resource(resource)
    workbook, sheet = foreign_sheet(foreign, encoding)
    try:
        if mapping is None:
            target = foreign.with_name(f"{foreign.stem}.mapping.xlsx")
            if target.exists() and not force:
                raise UsageError(
                    f"{target} exists: give it with --mapping to use it, or --force to "
                    "suggest a new one over it"
                )
            suggested = suggest(chosen, sheet)
            try:
                write_mapping(suggested, target, foreign.name)
            except OSError as exc:
                raise OutputError(f"{target}: cannot write it ({exc.strerror})") from None
            return MapResult(target, True, suggested)
        header = [to_text(h) if h is not None else "" for h in sheet.header]
        confirmed = read_mapping(mapping, chosen, header, foreign.name)
        problems, rows = check_values(confirmed, sheet, foreign.name)
        problems += required_missing(confirmed)
        if problems:
            raise MappingProblems(problems)
        written = out or foreign.with_name(f"{foreign.stem}.{chosen.name}.xlsx")
        if written.resolve() in (foreign.resolve(), mapping.resolve()):
            raise UsageError(f"{written}: that would overwrite an input; choose another -o")
        try:
            mapped = apply(confirmed, rows, written)
        except OSError as exc:
            raise OutputError(f"{written}: cannot write it ({exc.strerror})") from None
    finally:
        workbook.close()
    report = validate(written, resource=chosen.name, write_report=False)
    sources = [
        (p, provenance(confirmed, mapped, foreign.name, p.row, p.column)) for p in report.problems
    ]
    return MapResult(mapping, False, confirmed, written, mapped.rows, report, sources)


def export(
    names: Sequence[str],
    out: Path | None = None,
    *,
    every: bool = False,
    settings: Settings | None = None,
    sandbox: bool = False,
    force: bool = False,
    group: str | None = None,
    as_csv: bool = False,
    variants: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
    wiring: Wiring | None = None,
) -> Any:
    """Export the account's objects of `names` (or `every` resource that can be updated)
    to a workbook in template form (see `bulkops.exporting`)."""
    from bulkops.exporting import export as write_export
    from bulkops.exporting import exportable

    if every and names:
        raise UsageError("name resources, or --all: not both")
    if variants and not sandbox:
        raise UsageError("--variant chooses how the sandbox answers: use it with --sandbox")
    chosen = (
        [r for r in RESOURCES.values() if exportable(r) is None]
        if every
        else [get_resource(n) for n in names]
    )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = out or Path(f"export-{stamp}" if as_csv else f"export-{stamp}.xlsx")
    return write_export(
        chosen,
        target,
        settings=settings_with(
            settings, sandbox_variants=", ".join(variants) if variants else None
        ),
        sandbox=sandbox,
        force=force,
        group=group,
        as_csv=as_csv,
        wiring=wiring,
        progress=progress,
    )


def verify(
    path: str | Path,
    *,
    out: Path | None = None,
    settings: Settings | None = None,
    sandbox: bool = False,
    resource: str | None = None,
    variants: list[str] | None = None,
    wiring: Wiring | None = None,
) -> RunResult:
    """Read back what a run's rows ask for (its results workbook, or any workbook): a dry
    run, GETs only, whose rows say `verified` (the object is as the row describes) or
    `drifted` with the fields that differ, in a `Result: Verified` column."""
    from bulkops.model.outcome import Status

    def read_back(outcome: RowOutcome) -> None:
        if outcome.status is Status.UNCHANGED:
            outcome.verified = "verified"
        elif outcome.status is Status.PLANNED:
            moved = ", ".join(change.split(":", 1)[0] for change in outcome.changes)
            outcome.verified = "drifted: " + (moved or outcome.message)
        elif outcome.status is Status.FAILED:
            outcome.verified = f"drifted: {outcome.message}"

    source = Path(path)
    target = out or source.with_name(f"{source.stem}.verify.xlsx")
    return run(
        source,
        settings=settings,
        dry_run=True,
        sandbox=sandbox,
        out=target,
        resource=resource,
        progress=read_back,
        wiring=wiring,
        variants=variants,
    )


def undo(results: str | Path, out: Path | None = None, *, force: bool = False) -> Any:
    """Write the workbook that reverses the run whose results workbook is `results`
    (see `bulkops.undo`); nothing is sent."""
    from bulkops.undo import undo as write_undo

    return write_undo(Path(results), out, force=force)


def login(email: str, password: str, *, oauth_url: str | None = None) -> Any:
    """Log in with email + password; the token pair is stored (see `bulkops.auth`)."""
    from bulkops.auth import login as oauth_login
    from bulkops.connect import check_url

    url = oauth_url or Settings().oauth_url
    check_url(url)  # the password goes over https only (plain http only to loopback)
    if not email.strip() or not password:
        raise UsageError("both an email and a password are needed to log in")
    return oauth_login(email.strip(), password, url)


def logout() -> bool:
    """Revoke and forget the stored token pair."""
    from bulkops.auth import logout as oauth_logout

    return oauth_logout()

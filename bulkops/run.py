"""`bulkops run`: validate a whole workbook, then execute its rows against the API (or the
in-process sandbox) under the rate limit, and write the results workbook. Library code:
no printing; `Hooks.progress` is called with each row's outcome as it finishes.

`execute` is reached through `bulkops.actions.run`, the one function every caller uses
(the CLI, tests, benchmarks); `Run` is the concurrent part, one object per run."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import httpx

from bulkops.client import ApiClient, TokenSource
from bulkops.config import DELETE_CONFIRM, GRACE_SECONDS, MAX_ROWS, VERIFY_BELOW, Settings
from bulkops.connect import connect
from bulkops.engine.clock import RealClock
from bulkops.engine.journal import Journal
from bulkops.engine.planfile import Plan, read_plan
from bulkops.engine.sources import SourceIds
from bulkops.engine.workbook import Run
from bulkops.errors import EmptyInput, InputError, OutputError, UsageError
from bulkops.io.tables import Workbook, open_workbook
from bulkops.migration import Migration
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.schema import Resource
from bulkops.paths import failed_for, journal_for, results_for
from bulkops.runtypes import Hooks, Interrupted, RunOptions, RunResult, Wiring, file_sha256
from bulkops.sheets import select_sheets
from bulkops.validation.recipients import beside
from bulkops.validation.workbook import WorkbookCheck, check_workbook
from bulkops.version import VERSION

__all__ = [
    "GRACE_SECONDS",
    "Hooks",
    "Interrupted",
    "RunOptions",
    "RunResult",
    "Wiring",
    "execute",
    "file_sha256",
    "verifies",
]


def _gate(
    check: WorkbookCheck,
    options: RunOptions,
    hooks: Hooks,
    target: str,
) -> None:
    """Many deletes, or what cannot be undone (outside the in-process sandbox, which spends
    no money and sends no text), need a yes before anything is sent."""
    deletes, irreversible = check.deletes, check.irreversible
    gated = deletes > DELETE_CONFIRM or (irreversible > 0 and not options.sandbox)
    if options.dry_run or not gated or options.yes:
        return
    what = (
        f"{deletes} rows delete objects"
        if deletes > DELETE_CONFIRM
        else f"{irreversible} row{'s' if irreversible != 1 else ''} cannot be undone "
        "(sending messages, buying numbers)"
    )
    if hooks.confirm is None or not hooks.confirm(f"{what} in {target}: continue?"):
        raise UsageError(f"{what}: nothing was sent; check the sheet, then run again with --yes")


def execute(
    path: Path,
    *,
    settings: Settings,
    options: RunOptions,
    wiring: Wiring,
    hooks: Hooks,
) -> RunResult:
    """Run a workbook: validate all of it, then send (see `bulkops.actions.run`)."""
    workbook = open_workbook(path, encoding=options.encoding)
    try:
        sheets = select_sheets(workbook, options.resource)
        results = options.out or results_for(path)
        if results.resolve() == path.resolve():
            raise UsageError(f"{results}: the results would overwrite the input; choose another -o")
        with beside(path):  # a recipients file is read beside the input
            check = check_workbook(path, workbook, sheets, include_hidden=options.include_hidden,
                                   allow_unknown=options.allow_unknown)  # fmt: skip
            if check.report.rows == 0:  # as validate says it: bad input, exit 2
                empty = next(p for p in check.report.problems if p.code == "no-data-rows")
                raise EmptyInput(f"{path}: sheet '{empty.sheet}': {empty.message}")
            return _execute(
                path, workbook, sheets, check, results, settings, options, wiring, hooks
            )
    finally:
        workbook.close()


def _signed_off(options: RunOptions, path: Path, sha: str, target: str) -> Plan | None:
    """The plan to apply (`--plan`), checked against this input and this account."""
    if options.plan is None:
        return None
    if options.dry_run:
        raise UsageError("--plan applies a plan that was made with --dry-run: leave --dry-run out")
    plan = read_plan(options.plan)
    if plan.input_sha256 != sha:
        raise UsageError(
            f"{path} changed since the plan {options.plan.name} was made from it (its SHA-256 "
            "differs): make the plan again with --dry-run, and sign that one off"
        )
    if plan.target and plan.target != target:
        raise UsageError(
            f"--plan {options.plan.name} was made against {plan.target}, not {target}: make "
            "the plan against the account it is applied to"
        )
    return plan


def verifies(asked: bool | None, rows: int) -> bool:
    """Whether a run reads back what it wrote: as asked, else below VERIFY_BELOW rows."""
    return asked if asked is not None else rows < VERIFY_BELOW


def _execute(
    path: Path,
    workbook: Workbook,
    sheets: list[tuple[str, Resource]],
    check: WorkbookCheck,
    results: Path,
    settings: Settings,
    options: RunOptions,
    wiring: Wiring,
    hooks: Hooks,
) -> RunResult:
    if check.total > MAX_ROWS:
        raise InputError(
            f"{path}: {check.total:,} data rows (at most {MAX_ROWS:,} in one run): split the file"
        )
    held = options.stop_on_problems and not check.report.valid
    migration = Migration.of(path, workbook, options.ledger)
    connection = connect(
        settings, wiring.transport, wiring.auth, sandbox=options.sandbox, need_auth=not held
    )
    box, base_url, target = connection.box, connection.base_url, connection.target
    transport, auth = connection.transport, connection.auth
    sha = file_sha256(path)
    plan = _signed_off(options, path, sha, target)
    if not held:
        _gate(check, options, hooks, target)
    clock = wiring.clock or RealClock()
    started_wall = time.time()
    started = clock.monotonic()
    journal = None
    done: dict[tuple[str, int], RowOutcome] = {}
    doubt: set[tuple[str, int]] = set()
    if not options.dry_run and wiring.journaled and not held:
        journal = Journal.open(
            journal_for(results),
            input_sha256=sha,
            base_url=target,
            resume=options.resume,
            new_run=options.new_run,
        )
        if options.resume:
            done, doubt = journal.done(), journal.in_doubt()
    run = Run(
        workbook,
        sheets,
        check,
        settings,
        dry_run=options.dry_run,
        include_hidden=options.include_hidden,
        allow_unknown=options.allow_unknown,
        clock=clock,
        journal=journal,
        done=done,
        doubt=doubt,
        progress=hooks.progress,
        grace=wiring.grace,
        verify=verifies(options.verify, check.total),
        plan=plan.rows if plan is not None else None,
        allow_drift=options.allow_drift,
        limiter=wiring.limiter,
        stop=wiring.stop,
    )
    if migration is not None:
        run.sources_for = _migrating(migration, check, sheets, options, hooks, target, journal)
    if hooks.on_total is not None:
        hooks.on_total(check.total)
    if held:
        invalid = check.report.invalid_rows
        run.held(
            f"not sent: {invalid} row{'s' if invalid != 1 else ''} of the workbook "
            f"{'are' if invalid != 1 else 'is'} invalid and --stop-on-problems is on: fix "
            "them, then run again"
        )
        outcomes = run.outcomes()
    else:
        try:
            outcomes = _send(run, base_url, transport, auth, settings, wiring, journal, results)
        finally:
            if migration is not None:
                migration.close()
    seconds = clock.monotonic() - started
    used = {
        "rate": settings.rate,
        "concurrency": settings.concurrency,
        "dry_run": options.dry_run,
        "max_attempts": settings.max_attempts,
    }
    from bulkops.output.results import RunSummary, write_failed, write_results

    mapper = migration.mapper if migration is not None else None
    summary = RunSummary(
        input_path=path,
        input_sha256=sha,
        target=target,
        started=time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started_wall)),
        finished=time.strftime("%Y-%m-%d %H:%M:%S"),
        seconds=seconds,
        requests=run.requests,
        throttled=run.throttled,
        settings=used,
        version=VERSION,
        undo=f"bulkops undo {results}" if journal is not None and _wrote(outcomes) else "",
        ledger=str(mapper.ledger.path) if mapper is not None and not options.dry_run else "",
    )
    report = check.report
    try:
        results_path = write_results(
            results,
            report,
            outcomes,
            summary,
            encoding=options.encoding,
            resource_override=options.resource,
        )
        failed = None
        if not options.dry_run:
            stale = failed_for(path, results)
            failed = write_failed(stale, report, outcomes, encoding=options.encoding)
            if failed is None and stale.exists():  # an earlier run's rows to fix: all done now
                stale.unlink()
    except OSError as exc:
        raise OutputError(f"{results}: cannot write the results ({exc.strerror})") from None
    return RunResult(
        report,
        outcomes,
        results_path,
        failed,
        target,
        options.dry_run,
        seconds,
        run.requests,
        run.throttled,
        box,
        used,
        signal=run.signal,
        held=held,
        undo=summary.undo,
        ledger=mapper.ledger.path if mapper is not None else None,
        mapped=mapper.ledger.size if mapper is not None else 0,
    )


def _migrating(
    migration: Migration,
    check: WorkbookCheck,
    sheets: list[tuple[str, Resource]],
    options: RunOptions,
    hooks: Hooks,
    target: str,
    journal: Journal | None,
) -> Callable[[dict[str, Any]], SourceIds | None]:
    """Once the preflight said which account the run reached: the mapper of a migration
    into it (None when the workbook came from it). Routes there may buy numbers (a source
    tracking number cannot move): outside the sandbox, that needs a yes first. The journal
    names the ledger (`bulkops undo` lists the numbers bought from it)."""

    def sources(profile: dict[str, Any]) -> SourceIds | None:
        mapper = migration.against(target, profile, options.dry_run)
        if mapper is not None and journal is not None and mapper.ledger.path is not None:
            journal.note(ledger=str(mapper.ledger.path.resolve()), wave=mapper.ledger.wave)
        buying = sum(
            len(check.rows.get(name, ()))
            for name, resource in sheets
            if any(c.takes_number for c in resource.columns)
        )
        if mapper is None or not buying or options.sandbox or options.dry_run or options.yes:
            return mapper
        what = (
            f"up to {buying} route row{'s' if buying != 1 else ''} may each buy a new "
            f"tracking number (those the ledger does not map yet) in {target}"
        )
        if hooks.confirm is None or not hooks.confirm(f"{what}: continue?"):
            migration.close()
            raise UsageError(f"{what}: nothing was sent; run again with --yes to buy them")
        return mapper

    return sources


def _wrote(outcomes: list[RowOutcome]) -> bool:
    """Whether a run changed something (or may have): what `bulkops undo` reverses."""
    return any(o.status in (Status.SUCCEEDED, Status.UNKNOWN) for o in outcomes)


def _send(
    run: Run,
    base_url: str,
    transport: httpx.AsyncBaseTransport | None,
    auth: TokenSource | None,
    settings: Settings,
    wiring: Wiring,
    journal: Journal | None,
    results: Path,
) -> list[RowOutcome]:
    """The rows sent, with the run's end recorded in the journal however it ended."""
    assert auth is not None  # (only a run that sends nothing has no credentials)

    async def main() -> None:
        async with ApiClient(
            base_url,
            auth=auth,
            transport=transport,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
        ) as client:
            await run.main(client, base_url, wiring.signals)

    # Rows make many short-lived objects, and the cyclic GC walking them costs 2-3x; but a
    # request leaves cycles behind (httpx, anyio), so the collector must keep running:
    # freeze what exists now and collect young objects less often instead.
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], 20_000), thresholds[1], thresholds[2])
    try:
        anyio.run(main)
        outcomes = [] if run.aborted else run.outcomes()
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        if journal is not None:
            journal.finish(run.completed and run.signal is None)
            journal.close()
    if run.aborted:
        raise Interrupted(run.signal, results)
    return outcomes

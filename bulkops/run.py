"""`bulkops run`: validate a workbook, execute its rows against the API (or the in-process
sandbox) under the rate limit, and write the results workbook. Library code: no printing;
`progress` is called with each row's outcome as it finishes."""

from __future__ import annotations

import gc
import hashlib
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import httpx

from bulkops.client import ApiClient, StaticToken, TokenSource
from bulkops.config import (
    DELETE_CONFIRM,
    FAILED_SUFFIX,
    GRACE_SECONDS,
    MAX_ROWS,
    RESULTS_SUFFIX,
    Settings,
)
from bulkops.connect import check_url, credentials, preflight
from bulkops.engine.clock import Clock, RealClock
from bulkops.engine.journal import Journal, journal_path_for
from bulkops.engine.links import Links
from bulkops.engine.outcome import RowOutcome
from bulkops.engine.ratelimit import RateLimiter
from bulkops.engine.retry import RetryPolicy
from bulkops.engine.runner import Runner
from bulkops.engine.scan import scan_input, unreached
from bulkops.errors import InputError, OutputError, UsageError
from bulkops.io.tables import open_workbook
from bulkops.validation import Report, SheetReport, validate_sheet
from bulkops.validation.recipients import beside

__all__ = [
    "GRACE_SECONDS",
    "Interrupted",
    "RunResult",
    "execute",
    "file_sha256",
    "results_path_for",
]

_SANDBOX_TOKEN = "bulkops-sandbox-run"


def results_path_for(source: Path) -> Path:
    return source.with_name(source.stem + RESULTS_SUFFIX)


@dataclass
class RunResult:
    """Everything a run produced: the validation report, one outcome per data row (in
    sheet order), where the results went, and its figures."""

    report: Report
    outcomes: list[RowOutcome]
    results_path: Path | None
    failed_path: Path | None
    target: str
    dry_run: bool
    seconds: float
    requests: int
    throttled: int
    sandbox: Any = None
    settings: dict[str, Any] = field(default_factory=dict)
    signal: int | None = None  # the signal that stopped the run early, if one did

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for outcome in self.outcomes:
            found[outcome.status.value] = found.get(outcome.status.value, 0) + 1
        return found

    @property
    def ok(self) -> bool:
        return all(o.status.ok for o in self.outcomes)

    def as_dict(self) -> dict[str, Any]:
        """The `--json` document of DESIGN.md."""
        return {
            "summary": self.counts(),
            "rows": [o.as_dict() for o in self.outcomes],
            "results_path": str(self.results_path) if self.results_path else None,
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def execute(
    path: str | Path,
    *,
    settings: Settings,
    dry_run: bool = False,
    sandbox: bool = False,
    out: Path | None = None,
    resource: str | None = None,
    encoding: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    auth: TokenSource | None = None,
    clock: Clock | None = None,
    progress: Callable[[RowOutcome], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    resume: bool = False,
    new_run: bool = False,
    grace: float = GRACE_SECONDS,
    signals: bool = True,
    yes: bool = False,
    confirm: Callable[[str], bool] | None = None,
    journaled: bool = True,
    include_hidden: bool = False,
) -> RunResult:
    """Run a workbook. `transport`/`auth`/`clock` are for tests; `sandbox` makes its own.

    More than DELETE_CONFIRM deletes need `yes` or `confirm(question)` to say yes; else
    nothing is sent (UsageError). A live run keeps a journal beside the results (`resume`
    continues an interrupted one).
    With `signals`, the first Ctrl-C or SIGTERM stops starting rows and lets the requests in
    flight finish (up to `grace` seconds); a second one stops at once (`Interrupted`)."""
    from bulkops.actions import select_sheets

    path = Path(path)
    workbook = open_workbook(path, encoding=encoding)
    sheets = select_sheets(workbook, resource)
    results = out or results_path_for(path)
    if results.resolve() == path.resolve():
        raise UsageError(f"{results}: the results would overwrite the input; choose another -o")
    box = None
    if sandbox:
        from bulkops.sandbox import SANDBOX_URL, Sandbox, SandboxTransport

        box = Sandbox()
        box.grant(_SANDBOX_TOKEN, 84784, lifetime=86400)
        base_url, target = f"{SANDBOX_URL}/v3", "the in-process sandbox (no real account)"
        transport = transport or SandboxTransport(box)
        auth = auth or StaticToken(_SANDBOX_TOKEN)
    else:
        base_url, target = settings.base_url, settings.base_url
        if transport is None:
            check_url(base_url)
        if auth is None:
            auth = credentials(settings, transport)
    clock = clock or RealClock()
    report = Report(path=path, sheets=[])
    sha = file_sha256(path)
    started_wall = time.time()
    started = clock.monotonic()
    limiter = RateLimiter(settings.rate, clock)
    policy = RetryPolicy(max_attempts=settings.max_attempts)
    outcomes: list[RowOutcome] = []
    counters = {"requests": 0, "throttled": 0}
    total, deletes, irreversible = scan_input(path, sheets, encoding)
    if total > MAX_ROWS:
        raise InputError(
            f"{path}: {total:,} data rows (at most {MAX_ROWS:,} in one run): split the file"
        )
    # the in-process sandbox spends no money and sends no text: only deletes are gated there
    gated = deletes > DELETE_CONFIRM or (irreversible > 0 and not sandbox)
    if not dry_run and gated and not yes:
        what = (
            f"{deletes} rows delete objects"
            if deletes > DELETE_CONFIRM
            else f"{irreversible} row{'s' if irreversible != 1 else ''} cannot be undone "
            "(sending messages, buying numbers)"
        )
        if confirm is None or not confirm(f"{what} in {target}: continue?"):
            raise UsageError(
                f"{what}: nothing was sent; check the sheet, then run again with --yes"
            )
    journal = None
    done: dict[tuple[str, int], RowOutcome] = {}
    doubt: set[tuple[str, int]] = set()
    if not dry_run and journaled:  # (unjournaled only to measure what the journal costs)
        journal = Journal.open(
            journal_path_for(results),
            input_sha256=sha,
            base_url=target,
            resume=resume,
            new_run=new_run,
        )
        if resume:
            done, doubt = journal.done(), journal.in_doubt()
    state: dict[str, Any] = {"signal": None, "runners": []}

    def stop_reason(signum: int) -> str:
        name = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
        return f"not attempted: the run was stopped ({name}); --resume continues it"

    async def watch(group: anyio.abc.TaskGroup) -> None:
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as received:
            async for signum in received:
                if state["signal"] is not None:
                    state["abort"] = True
                    group.cancel_scope.cancel()  # a second one: stop now
                    return
                state["signal"] = signum
                for runner in state["runners"]:
                    runner.stop(stop_reason(signum))
                group.start_soon(_cancel_after, grace, group, clock)

    async def main() -> None:
        async with ApiClient(
            base_url,
            auth=auth,
            transport=transport,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
        ) as client:
            await limiter.acquire()  # the preflight counts against the rate like any request
            await preflight(client, base_url)
            async with anyio.create_task_group() as group:
                if signals:
                    group.start_soon(watch, group)
                await sheets_run(client)
                state["completed"] = True
                group.cancel_scope.cancel()

    async def sheets_run(client: ApiClient) -> None:
        """Every sheet at once, in dependency order: a row waits only for the rows it
        refers to, and all share the request slots and the rate limit."""
        links = Links(sheets, dry_run=dry_run)
        slots = anyio.Semaphore(settings.concurrency)
        runners: list[Runner] = []
        state["runners"] = runners

        async def one(name: str, chosen: Any) -> None:
            validation = validate_sheet(chosen, workbook.sheet(name), include_hidden=include_hidden)
            runner = Runner(
                client,
                chosen,
                limiter=limiter,
                policy=policy,
                concurrency=settings.concurrency,
                clock=clock,
                dry_run=dry_run,
                blocked=validation.validator.blocked,
                on_outcome=progress,
                journal=journal,
                done=done,
                doubt=doubt,
                links=links,
                slots=slots,
                sheet=name,
            )
            runners.append(runner)
            if state["signal"] is not None:
                runner.stop(stop_reason(state["signal"]))
            reports[name] = validation
            finished = await runner.run(validation.records())
            finished.sort(key=lambda o: o.row)
            results[name] = finished
            counters["requests"] += runner.requests
            counters["throttled"] += runner.throttled

        reports: dict[str, Any] = {}
        results: dict[str, list[RowOutcome]] = {}
        try:
            async with anyio.create_task_group() as group:
                for name, chosen in sheets:
                    group.start_soon(one, name, chosen)
        finally:
            for name, _ in sheets:  # in the workbook's order, whatever finished first
                if name in reports:
                    report.sheets.append(reports[name].report)
                outcomes.extend(results.get(name, []))

    if on_total is not None:
        on_total(total)
    # Rows make many short-lived objects, and the cyclic GC walking them costs 2-3x; but a
    # request leaves cycles behind (httpx, anyio), so the collector must keep running:
    # freeze what exists now and collect young objects less often instead.
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], 20_000), thresholds[1], thresholds[2])
    try:
        with beside(path):  # a recipients file is read beside the input
            anyio.run(main)
        if len(outcomes) < total and not state.get("abort"):
            # stopped before some rows were even read: they end not_attempted too, so
            # every row of the input has exactly one status (and resume picks them up)
            missing = unreached(path, sheets, encoding, outcomes)
            if journal is not None:
                for outcome in missing:
                    journal.outcome(outcome)
            outcomes.extend(missing)
            outcomes.sort(key=lambda o: ([n for n, _ in sheets].index(o.sheet), o.row))
            for sheet_name, chosen in sheets:
                if all(done.sheet != sheet_name for done in report.sheets):
                    report.sheets.append(SheetReport(sheet_name, chosen.name))
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        workbook.close()
        if journal is not None:
            complete = bool(state.get("completed")) and state["signal"] is None
            journal.finish(complete)
            journal.close()
    if state.get("abort"):
        raise Interrupted(state["signal"], results)
    seconds = clock.monotonic() - started
    used = {
        "rate": settings.rate,
        "concurrency": settings.concurrency,
        "dry_run": dry_run,
        "max_attempts": settings.max_attempts,
    }
    from bulkops import __version__
    from bulkops.io.results import RunSummary, write_failed, write_results

    summary = RunSummary(
        input_path=path,
        input_sha256=sha,
        target=target,
        started=time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started_wall)),
        finished=time.strftime("%Y-%m-%d %H:%M:%S"),
        seconds=seconds,
        requests=counters["requests"],
        throttled=counters["throttled"],
        settings=used,
        version=__version__,
    )
    override = resource if resource else None
    try:
        results_path = write_results(
            results, report, outcomes, summary, encoding=encoding, resource_override=override
        )
        failed = None
        if not dry_run:
            # beside the results, named after the input: NAME.failed.xlsx
            failed = write_failed(
                results.with_name(path.stem + FAILED_SUFFIX), report, outcomes, encoding=encoding
            )
    except OSError as exc:
        raise OutputError(f"{results}: cannot write the results ({exc.strerror})") from None
    result = RunResult(
        report,
        outcomes,
        results_path,
        failed,
        target,
        dry_run,
        seconds,
        counters["requests"],
        counters["throttled"],
        box,
        used,
    )
    result.signal = state["signal"]
    return result


class Interrupted(BaseException):
    """A second Ctrl-C or SIGTERM: the run stopped at once. The journal is consistent and
    `--resume` continues; no results workbook was written."""

    def __init__(self, signum: int | None, results: Path) -> None:
        super().__init__("stopped at once")
        self.signum = signum
        self.results = results


async def _cancel_after(grace: float, group: anyio.abc.TaskGroup, clock: Clock) -> None:
    """After the first signal: requests still in flight when the grace period ends are
    cancelled (their rows stay in doubt in the journal, and --resume reconciles them)."""
    await clock.sleep(grace)
    group.cancel_scope.cancel()

"""One run of a workbook's sheets, concurrently: every sheet at once, in dependency order,
over one client; a row waits only for the rows it refers to, and all share the request
slots and the rate limit. Ctrl-C / SIGTERM once stops starting rows, twice stops at once.
(`bulkops.run` validates the workbook first, then hands it to `Run`.)"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import anyio.abc

from bulkops.client import ApiClient
from bulkops.config import Settings
from bulkops.connect import preflight
from bulkops.engine.clock import Clock
from bulkops.engine.failures import held_back
from bulkops.engine.journal import Journal
from bulkops.engine.links import Links
from bulkops.engine.nesting import Removals
from bulkops.engine.planfile import PlannedRow
from bulkops.engine.ratelimit import RateLimiter
from bulkops.engine.retry import RetryPolicy
from bulkops.engine.runner import Failed, Runner
from bulkops.engine.sources import SourceIds
from bulkops.engine.verify import verify as verify_written
from bulkops.io.tables import Workbook
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.record import RowRecord
from bulkops.model.schema import Resource
from bulkops.validation import validate_sheet
from bulkops.validation.workbook import WorkbookCheck

__all__ = ["Run"]


def _stop_reason(signum: int) -> str:
    name = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
    return f"not attempted: the run was stopped ({name}); --resume continues it"


class Run:
    """The concurrent part of one run: every sheet at once, in dependency order, over one
    client; a row waits only for the rows it refers to, and all share the request slots
    and the rate limit. `outcomes()` once `main` returned (or was stopped)."""

    def __init__(
        self,
        workbook: Workbook,
        sheets: list[tuple[str, Resource]],
        check: WorkbookCheck,
        settings: Settings,
        *,
        dry_run: bool,
        include_hidden: bool,
        allow_unknown: bool = False,
        clock: Clock,
        journal: Journal | None,
        done: dict[tuple[str, int], RowOutcome],
        doubt: set[tuple[str, int]],
        progress: Callable[[RowOutcome], None] | None,
        grace: float,
        verify: bool = False,
        plan: dict[tuple[str, int], PlannedRow] | None = None,
        allow_drift: bool = False,
        sources: Callable[[dict[str, Any]], SourceIds | None] | None = None,
        limiter: RateLimiter | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.workbook = workbook
        self.sheets = sheets
        self.check = check
        self.settings = settings
        self.dry_run = dry_run
        self.include_hidden = include_hidden
        self.allow_unknown = allow_unknown
        self.clock = clock
        self.journal = journal
        self.done = done
        self.doubt = doubt
        self.progress = progress
        self.grace = grace
        #: read back every object the run wrote, once it is over (never in a dry run)
        self.verify = verify and not dry_run
        self.plan = plan
        self.allow_drift = allow_drift
        #: a migration's source ids, once the preflight said which account this is
        self.sources_for = sources
        self.sources: SourceIds | None = None
        self.limiter = limiter or RateLimiter(settings.rate, clock)
        #: set from another thread: stop as one Ctrl-C does
        self.stop = stop
        self.policy = RetryPolicy(max_attempts=settings.max_attempts)
        self.runners: list[Runner] = []
        self.finished: dict[str, list[RowOutcome]] = {}
        #: the first Ctrl-C / SIGTERM, once one came
        self.signal: int | None = None
        #: a second one came: stopped at once, without results
        self.aborted = False
        #: every sheet ran to its end
        self.completed = False
        self.requests = 0
        self.throttled = 0

    async def main(self, client: ApiClient, base_url: str, signals: bool) -> None:
        await self.limiter.acquire()  # the preflight counts against the rate like any request
        profile = await preflight(client, base_url, self._again)
        if self.sources_for is not None:
            self.sources = self.sources_for(profile)
        async with anyio.create_task_group() as group:
            if signals:
                group.start_soon(self._watch, group)
            if self.stop is not None:
                group.start_soon(self._watch_stop, group, self.stop)
            await self._sheets(client)
            self.completed = True
            group.cancel_scope.cancel()

    async def _again(self, error: BaseException, attempt: int) -> bool:
        """Whether the preflight tries again after `error` (after the policy's wait)."""
        decision = self.policy.decide("GET", error, attempt)
        if decision.retry:
            await self.clock.sleep(decision.delay)
            await self.limiter.acquire()
        return decision.retry

    async def _watch(self, group: anyio.abc.TaskGroup) -> None:
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as received:
            async for signum in received:
                if self.signal is not None:
                    self.aborted = True
                    group.cancel_scope.cancel()  # a second one: stop now
                    return
                self.signal = signum
                for runner in self.runners:
                    runner.stop(_stop_reason(signum))
                group.start_soon(self._cancel_after, group)

    async def _watch_stop(self, group: anyio.abc.TaskGroup, stop: threading.Event) -> None:
        """A stop asked from another thread: as the first Ctrl-C."""
        await anyio.to_thread.run_sync(stop.wait, abandon_on_cancel=True)
        if self.signal is None:
            self.signal = signal.SIGINT
            for runner in self.runners:
                runner.stop(_stop_reason(signal.SIGINT))
            group.start_soon(self._cancel_after, group)

    async def _cancel_after(self, group: anyio.abc.TaskGroup) -> None:
        """After the first signal: requests still in flight when the grace period ends are
        cancelled (their rows stay in doubt in the journal, and --resume reconciles them)."""
        await self.clock.sleep(self.grace)
        group.cancel_scope.cancel()

    async def _sheets(self, client: ApiClient) -> None:
        links = Links(self.sheets, dry_run=self.dry_run, sources=self.sources)
        # a dry run changes nothing: its deletes need not wait for one another
        removals = None if self.dry_run else Removals([name for name, _ in self.sheets])
        slots = anyio.Semaphore(self.settings.concurrency)
        links.directory.planned = {f.kind for f in self.check.named.values() if f.query is None}
        async with anyio.create_task_group() as group:
            group.start_soon(self._prelist, client, links)
            for name, chosen in self.sheets:
                group.start_soon(self._sheet, client, links, slots, name, chosen, removals)

    async def _prelist(self, client: ApiClient, links: Links) -> None:
        """What rows name by text, listed before any row is sent (renames keep their old
        name); the sheets list what they hold meanwhile."""
        try:
            if self.check.named and self.sheets:
                reader = Runner(client, self.sheets[0][1], limiter=self.limiter,
                                policy=self.policy, concurrency=1, clock=self.clock)  # fmt: skip
                with contextlib.suppress(Failed):  # the rows that need it try again, and say why
                    await links.directory.prelist(reader, self.check.named.values())
                self.requests += reader.requests
        finally:
            links.prelisted.set()

    async def _sheet(
        self,
        client: ApiClient,
        links: Links,
        slots: anyio.Semaphore,
        name: str,
        chosen: Resource,
        removals: Removals | None = None,
    ) -> None:
        validation = validate_sheet(
            chosen,
            self.workbook.sheet(name),
            include_hidden=self.include_hidden,
            allow_unknown=self.allow_unknown,
        )
        runner = Runner(
            client,
            chosen,
            limiter=self.limiter,
            policy=self.policy,
            concurrency=self.settings.concurrency,
            clock=self.clock,
            dry_run=self.dry_run,
            blocked=validation.validator.blocked,
            on_outcome=self.progress,
            journal=self.journal,
            done=self.done,
            doubt=self.doubt,
            links=links,
            slots=slots,
            sheet=name,
            parked=self.settings.parked_rows,
            removals=removals,
        )
        runner.verifying = self.verify
        runner.plan, runner.allow_drift = self.plan, self.allow_drift
        self.runners.append(runner)
        if self.signal is not None:
            runner.stop(_stop_reason(self.signal))
        try:
            await runner.run(self._records(chosen, validation.records()))
            if self.verify and self.signal is None:  # its rows read back, once all are done
                await verify_written(runner)  # (its requests count with the sheet's)
        finally:
            self.finished[name] = sorted(runner.outcomes, key=lambda o: o.row)
            self.requests += runner.requests
            self.throttled += runner.throttled

    def _records(self, resource: Resource, records: Iterator[RowRecord]) -> Iterator[RowRecord]:
        """The sheet's rows, as validation made them, each as this account knows it."""
        carry, sources = self.check.carry, self.sources
        for record in records:
            record = carry(record)
            if sources is not None and record.valid:
                sources.own(resource, record)
            yield record

    def held(self, reason: str) -> None:
        """Send nothing: every row ends invalid, skipped, or not attempted for `reason`."""
        for name, chosen in self.sheets:
            validation = validate_sheet(
                chosen,
                self.workbook.sheet(name),
                include_hidden=self.include_hidden,
                allow_unknown=self.allow_unknown,
            )
            blocked = validation.validator.blocked
            outcomes = self.finished[name] = []
            for record in validation.records():
                record = self.check.carry(record)
                outcome = held_back(record, bool(record.action) and blocked(record)) or RowOutcome(
                    record.sheet, record.row, record.action, Status.NOT_ATTEMPTED, reason
                )
                outcomes.append(outcome)
                if self.progress is not None:
                    self.progress(outcome)

    def outcomes(self) -> list[RowOutcome]:
        """One outcome per data row, in the workbook's order: rows a stopped run never
        reached end `not_attempted`, so every row has exactly one status."""
        found: list[RowOutcome] = []
        for name, _ in self.sheets:
            mine = self.finished.get(name, [])
            seen = {o.row for o in mine}
            missing = [
                RowOutcome(
                    name,
                    number,
                    "",
                    Status.NOT_ATTEMPTED,
                    "not attempted: the run stopped before this row; --resume continues it",
                )
                for number in self.check.rows.get(name, ())
                if number not in seen
            ]
            if missing and self.journal is not None:
                for outcome in missing:
                    self.journal.outcome(outcome)
            found += sorted([*mine, *missing], key=lambda o: o.row) if missing else mine
        return found

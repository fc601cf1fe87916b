"""Executes rows concurrently under one shared rate limiter, with retries, and turns each
row into a `RowOutcome`. The dry run takes the same path but sends only GETs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import anyio

from bulkops.client import ApiClient
from bulkops.config import PARKED_ROWS
from bulkops.engine.breaker import Breaker
from bulkops.engine.clock import Clock
from bulkops.engine.converge import decide
from bulkops.engine.existing import Existing
from bulkops.engine.failures import (
    Failed,
    SentFailed,
    failure_outcome,
    held_back,
    systemic,
    text_of,
)
from bulkops.engine.journal import Journal
from bulkops.engine.links import LOOKUP, NOTHING, WAIT, Blocked, Links
from bulkops.engine.nesting import Deletes, Removals, aside
from bulkops.engine.plan import Lookup, Operation, plan_row
from bulkops.engine.planfile import PlannedRow, drifted_from
from bulkops.engine.preview import preview
from bulkops.engine.ratelimit import RateLimiter
from bulkops.engine.requesting import SheetContext
from bulkops.engine.retry import RetryPolicy
from bulkops.engine.writes import write
from bulkops.errors import UnexpectedAnswer
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.record import RowRecord
from bulkops.model.schema import Resource

__all__ = ["Failed", "Runner"]


class Runner(SheetContext):
    """`await runner.run(records)` -> one outcome per record, in the order they finish."""

    def __init__(
        self,
        client: ApiClient,
        resource: Resource,
        *,
        limiter: RateLimiter,
        policy: RetryPolicy,
        concurrency: int,
        clock: Clock,
        dry_run: bool = False,
        blocked: Callable[[RowRecord], bool] = lambda record: False,
        on_outcome: Callable[[RowOutcome], None] | None = None,
        journal: Journal | None = None,
        done: dict[tuple[str, int], RowOutcome] | None = None,
        doubt: set[tuple[str, int]] | None = None,
        links: Links | None = None,
        slots: anyio.Semaphore | None = None,
        sheet: str = "",
        parked: int = PARKED_ROWS,
        removals: Removals | None = None,
    ) -> None:
        super().__init__(client, resource, limiter=limiter, policy=policy,
                         concurrency=concurrency, clock=clock, dry_run=dry_run,
                         journal=journal, doubt=doubt, slots=slots)  # fmt: skip
        self.concurrency = concurrency
        self.blocked = blocked
        self.on_outcome = on_outcome
        self.finished = done or {}
        self.lookup = Lookup(resource)
        self.existing = Existing(resource)
        self.breaker = Breaker(clock)
        self.exists: dict[str, bool] = {}
        self.outcomes: list[RowOutcome] = []
        self.links = links
        self.sheet = sheet
        #: rows waiting aside for the rows they refer to, at most
        self.parking = anyio.Semaphore(parked)
        #: the sheet's delete rows, for objects that hold others of their kind
        self.deletes = Deletes() if resource.nested else None
        #: the workbook's delete rows: this sheet's wait for those of later sheets
        self.removals = removals
        #: applying a signed-off plan: what it said of each row, and whether a row whose
        #: object changed since is sent anyway
        self.plan: dict[tuple[str, int], PlannedRow] | None = None
        self.allow_drift = False
        #: keep what each write sent, to read it back at the end (`bulkops.engine.verify`)
        self.verifying = False
        self.written: list[tuple[RowOutcome, str, dict[str, Any] | None]] = []

    # -- rows ----------------------------------------------------------------------------

    def _done(self, outcome: RowOutcome, record: RowRecord) -> RowOutcome:
        if self.journal is not None:
            self.journal.outcome(outcome)
        return self._finished(outcome, record)

    def _finished(self, outcome: RowOutcome, record: RowRecord) -> RowOutcome:
        self.outcomes.append(outcome)
        if record.action == "delete":
            if self.deletes is not None:
                self.deletes.done(outcome.status is Status.SUCCEEDED)
            if self.removals is not None:
                self.removals.finished(self.sheet)
        if self.links is not None:
            self.links.settle(record, outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome

    def _sendable(self, record: RowRecord) -> bool:
        return (
            (record.sheet, record.row) not in self.finished
            and record.action not in ("", "skip")
            and record.valid
            and not self.blocked(record)
        )

    async def _resolved(self, record: RowRecord) -> tuple[list[str], Blocked | None]:
        """The row's references resolved in place: dry-run notes, or why it is blocked."""
        if self.links is None or not self._sendable(record) or self.stopped is not None:
            return [], None
        try:
            return await self.links.resolve(self, record), None
        except Blocked as why:
            return [], why
        except Failed as failed:  # looking a name up failed
            return [], Blocked(Status.FAILED, f"could not look it up: {text_of(failed.error)}")

    async def _parked(self, record: RowRecord, parked: bool = True) -> None:
        """A row that may wait, for rows of the workbook or for the sheet's other deletes:
        aside from the workers, holding no request slot while it waits."""
        try:
            if self.links is not None:  # no row before the names are listed
                await self.links.prelisted.wait()
            if self.removals is not None and record.action == "delete":
                await self.removals.wait(self.sheet)  # what later sheets delete goes first
            notes, blocked = await self._resolved(record)
            await self.slot()
            try:
                await self.row(record, notes, blocked)
            finally:
                self.slots.release()
        finally:
            if parked:
                self.parking.release()

    async def row(
        self, record: RowRecord, notes: list[str] | None = None, blocked: Blocked | None = None
    ) -> RowOutcome:
        earlier = self.finished.get((record.sheet, record.row))
        if earlier is not None:  # done by the run this one resumes: never sent again
            return self._finished(earlier, record)
        held = held_back(record, bool(record.action) and self.blocked(record))
        if held is not None:
            return self._done(held, record)
        base = RowOutcome(record.sheet, record.row, record.action, Status.INVALID)
        if blocked is not None:
            base.status, base.message = blocked.status, blocked.message
            return self._done(base, record)
        await self.breaker.admit()  # held while the API is failing
        if self.stopped is not None:
            base.status, base.message = Status.NOT_ATTEMPTED, self.stopped
            return self._done(base, record)
        started = self.clock.monotonic()
        operation = plan_row(self.resource, record)
        attempts = 0
        sent = False
        try:
            if self.resource.executor is not None:  # not plain CRUD (phone numbers)
                outcome, attempts = await self._executed(record)
            else:
                outcome, attempts, sent = await self._converged(record, operation)
        except Failed as failed:
            attempts += failed.attempts
            if isinstance(failed, SentFailed):
                operation, sent = failed.operation, not self.dry_run
            outcome = self._failure(record, operation, failed.error, sent)
            if systemic(failed.error):
                await self._trip(failed.error)
        else:
            self.breaker.succeeded()
        outcome.attempts = attempts
        outcome.duration_ms = int((self.clock.monotonic() - started) * 1000)
        if notes:  # a dry run's references to what earlier rows would create
            outcome.message += f" ({'; '.join(notes)})"
        return self._done(outcome, record)

    async def _executed(self, record: RowRecord) -> tuple[RowOutcome, int]:
        """A row of a resource with its own executor; a failure counts what it sent."""
        assert self.resource.executor is not None
        before = self.requests
        try:
            outcome, attempts = await self.resource.executor(self, record)
        except Failed as failed:
            raise Failed(failed.error, self.requests - before) from None
        return self._landed(record, outcome), int(attempts)

    def _landed(self, record: RowRecord, outcome: RowOutcome) -> RowOutcome:
        """A row the interrupted run had sent, found already done: that run's write landed,
        so this row did it, not someone else (a removal found done stays unchanged)."""
        in_doubt = (record.sheet, record.row) in self.doubt
        removal = record.action in ("delete", "release")
        if in_doubt and outcome.status is Status.UNCHANGED and not removal:
            outcome.status, outcome.reconciled = Status.SUCCEEDED, True
            outcome.message = f"done by the interrupted run (found: {outcome.resource_id})"
        return outcome

    async def _converged(
        self, record: RowRecord, operation: Operation
    ) -> tuple[RowOutcome, int, bool]:
        """Convergence, then the write (or its preview): the outcome, the attempts, and
        whether the write went out. Raises `Failed` with the attempts made so far."""
        decided, attempts = await decide(self, record, operation)
        if isinstance(decided, RowOutcome):
            return self._landed(record, decided), attempts, False
        if self.plan is not None and not self.dry_run and not self.allow_drift:
            drifted = drifted_from(self.plan, self.existing, record, decided)
            if drifted is not None:
                return drifted, attempts, False
        try:
            if self.dry_run:
                outcome, used = await preview(self, record, decided)
            else:
                outcome, used = await write(self, record, decided)
        except Failed as failed:
            raise SentFailed(failed.error, attempts + failed.attempts, decided) from None
        return outcome, attempts + used, not self.dry_run

    async def _trip(self, error: Exception) -> None:
        """A row failed for the API's reasons: the breaker may hold, probe and stop."""
        verdict = await self.breaker.failed(self.client, self.resource.base_path)
        self.requests += self.breaker.probes_sent
        self.breaker.probes_sent = 0
        if verdict is not None:
            self.stop(verdict)

    def remember(self, operation: Operation, outcome: RowOutcome) -> None:
        """Our own write, reflected in what the account holds (for later rows), and kept
        to be read back once the run is over (when it verifies)."""
        self.existing.remember(operation.method, operation.body, outcome.resource_id)
        if self.verifying and outcome.resource_id is not None:
            self.written.append((outcome, operation.method, operation.body))

    async def _list_early(self) -> None:
        # if it fails, the first row that needs the listing tries again, and says why
        with contextlib.suppress(Failed):
            if self.resource.prefetch is not None:
                await self.resource.prefetch(self)
            elif self.resource.executor is None:
                await self.ensure_existing()

    async def ensure_existing(self) -> int:
        """List the account's objects once per run; the requests it took."""
        finder, links = self.resource.finder, self.links
        listed = None
        if links is not None and finder is not None and finder.listing == self.resource.listing:
            listed = partial(links.directory.as_listed, self, finder)  # listed once a run
        try:
            return await self.existing.load(self.call, listed)
        except UnexpectedAnswer as unexpected:
            raise Failed(unexpected, 1) from None

    def _failure(
        self, record: RowRecord, operation: Operation, error: Exception, sent: bool = True
    ) -> RowOutcome:
        outcome, stop = failure_outcome(self.resource, record, operation, error, sent, self.dry_run)
        if stop is not None:
            self.stop(stop)
        return outcome

    async def run(self, records: Iterable[RowRecord]) -> list[RowOutcome]:
        """Every record, `concurrency` at a time (the slots shared with the run's other
        sheets); a row that refers to others waits for them aside. Outcomes in the order
        they finish."""
        send, receive = anyio.create_memory_object_stream[tuple[RowRecord, bool]](self.concurrency)

        async def worker(mine: Any) -> None:
            if self.links is not None:  # no row before the names are listed
                await self.links.prelisted.wait()
            async with mine:
                async for record, lookup in mine:
                    await self.slot()
                    try:
                        if lookup:  # names to look up in the account, in this row's slot
                            await self.row(record, *await self._resolved(record))
                        else:
                            await self.row(record)
                    finally:
                        self.slots.release()

        links = self.links
        async with anyio.create_task_group() as group:
            if links is not None:
                # list what the account holds while the first rows wait for their references
                group.start_soon(self._list_early)
            for _ in range(self.concurrency):
                group.start_soon(worker, receive.clone())
            receive.close()
            try:
                async with send:
                    for record in records:
                        needs = NOTHING
                        if links is not None:
                            links.register(record, self.resource)
                            needs = links.needs(self.resource, record)
                        if record.action == "delete" and aside(
                            self.sheet, self.deletes, self.removals
                        ):  # waits for other deletes: aside and unbounded (see `aside`)
                            group.start_soon(self._parked, record, False)
                        elif needs == WAIT:
                            # bounded: the rows waited for are above, or in sheets that
                            # are read at the same time, so they are never held up by it
                            await self.parking.acquire()
                            group.start_soon(self._parked, record)
                        else:
                            await send.send((record, needs == LOOKUP))
            finally:
                if links is not None:
                    links.finished_reading(self.sheet)
                if self.deletes is not None:
                    self.deletes.all_read()
                if self.removals is not None:
                    self.removals.all_read(self.sheet)
        return self.outcomes

"""The seam between the engine and a resource that does its own work (phone numbers are
ordered and released, not created; a broadcast's dry run checks its sender): what such a
resource's hooks may use of a run, and nothing more.

The engine's sheet runner implements `RunContext`; a hook never sees the runner itself, so
a resource cannot reach into the engine's state, and the engine knows no resource by name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import anyio

from bulkops.client import Answer
from bulkops.errors import ApiError, TransportError
from bulkops.model.outcome import RowOutcome
from bulkops.model.record import RowRecord

__all__ = ["Describe", "Executor", "Failed", "Prefetch", "RunContext", "Vet", "kept"]

T = TypeVar("T")


class RunContext(Protocol):
    """What a resource hook may use of the run it is part of."""

    @property
    def dry_run(self) -> bool:
        """GETs only: a hook answers `planned` (or `failed`: why it would fail) and writes
        nothing."""
        ...

    @property
    def requests(self) -> int:
        """Requests the sheet has sent so far (a hook counts its own by the difference)."""
        ...

    @property
    def state(self) -> dict[str, Any]:
        """The resource's own state for this run (what it listed, what rows claimed)."""
        ...

    def in_doubt(self, record: RowRecord) -> bool:
        """Whether the interrupted run this one resumes sent this row's request without
        learning its outcome."""
        ...

    def intent(
        self,
        record: RowRecord,
        method: str,
        path: str,
        key: tuple[Any, ...] | None,
        payload: bytes,
        *,
        before: dict[str, Any] | None = None,
        irreversible: bool = False,
    ) -> None:
        """Journal the request about to be sent (before it is: a crash leaves it in doubt),
        with what the object held `before` it (for `bulkops undo`)."""
        ...

    async def call(
        self,
        method: str,
        path: str,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        gone_is_done: bool = False,
        content_type: str = "application/json",
    ) -> tuple[Answer, int]:
        """One request under the rate limit, retried as the policy says: the answer and
        the attempts it took. Raises `Failed` when it failed for good. `content` is the
        body already encoded (as `content_type` says); with `gone_is_done`, a DELETE's
        404 means done."""
        ...

    def pages(
        self, path: str, params: dict[str, Any] | None = None
    ) -> AsyncIterator[tuple[list[dict[str, Any]], int]]:
        """A listing, page by page: each page's items and the attempts it took."""
        ...


@dataclass
class Failed(Exception):
    """A request that will not be tried again (`RunContext.call` raises it): its last error
    and how many attempts it took."""

    error: ApiError | TransportError
    attempts: int


async def kept(run: RunContext, key: str, make: Callable[[], Awaitable[T]]) -> T:
    """What `make()` gives, made once per run and kept in the resource's state under
    `key` (rows that start together wait for the first to make it)."""
    lock = run.state.setdefault(f"{key}-lock", anyio.Lock())
    async with lock:
        if key not in run.state:
            run.state[key] = await make()
    made: T = run.state[key]
    return made


#: A row of a resource that is not plain CRUD: its outcome and the requests it took.
Executor = Callable[[RunContext, RowRecord], Awaitable[tuple[RowOutcome, int]]]
#: What such a resource lists once at the start of a run (while the first rows wait).
Prefetch = Callable[[RunContext], Awaitable[Any]]
#: A dry run's further checks of a row it would send: what would make it fail.
Vet = Callable[[RunContext, RowRecord], Awaitable[list[str]]]
#: A note on a body the dry run shows (a message's SMS segments).
Describe = Callable[[dict[str, Any]], str]

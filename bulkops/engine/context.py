"""What the engine's helpers (convergence, writes, the dry run's preview, references) use of
the sheet runner they work for: the seam a resource's hooks see, plus the sheet's picture
of the account. The runner implements it; the helpers never import the runner, so no
helper can reach further into it than this says."""

from __future__ import annotations

from typing import Protocol

from bulkops.engine.clock import Clock
from bulkops.engine.existing import Existing
from bulkops.engine.nesting import Deletes
from bulkops.engine.plan import Lookup, Operation
from bulkops.model.outcome import RowOutcome
from bulkops.model.schema import Resource
from bulkops.model.seam import RunContext

__all__ = ["SheetWork"]


class SheetWork(RunContext, Protocol):
    """One sheet's run, as the engine's helpers see it."""

    #: the resource the sheet holds
    resource: Resource
    #: what the account holds of it (listed once), kept current with the run's writes
    existing: Existing
    #: how a natural key finds an object in a listing
    lookup: Lookup
    #: objects a dry run checked exist, by path
    exists: dict[str, bool]
    clock: Clock
    #: the sheet's delete rows, for objects that hold others of their kind
    deletes: Deletes | None

    async def ensure_existing(self) -> int:
        """List the account's objects once per run; the requests it took."""
        ...

    def remember(self, operation: Operation, outcome: RowOutcome) -> None:
        """Our own write, reflected in what the account holds (for later rows), and kept
        to be verified once the run is over (when the run verifies)."""
        ...

    async def slot(self) -> None:
        """Take a request slot again (after `release_slot`)."""
        ...

    def release_slot(self) -> None:
        """Give the row's request slot back while it waits for other rows."""
        ...

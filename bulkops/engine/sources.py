"""The seam a migration plugs into a run: a workbook exported from another account holds
that account's ids, and `SourceIds` says what each became in this one (through the id
ledger, `bulkops.migration`). The engine asks it a few things and knows nothing else of
migrations: what a row's own id is here, what an id or number a cell gives is here, and
what a finished row made."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from bulkops.model.outcome import RowOutcome
from bulkops.model.record import RowRecord
from bulkops.model.schema import Column, Resource

if TYPE_CHECKING:
    from bulkops.model.seam import RunContext

__all__ = ["SourceIds", "source_key"]


def source_key(ident: object) -> str:
    """The key a row is referred to by the source id it carries (`#70001`)."""
    return f"#{ident}"


class SourceIds(Protocol):
    def own(self, resource: Resource, record: RowRecord) -> None:
        """Rewrite the row's own id to the target's, or, when none is mapped yet, make the
        row find its object by its natural key (or create it)."""
        ...

    def unsent(self, record: RowRecord) -> str | None:
        """Why the row is not sent, when it must not be (it deletes an object the target
        never got): it then ends `unchanged`."""
        ...

    def origin(self, record: RowRecord) -> Any:
        """The source id the row carried, when its object is not mapped yet (None else)."""
        ...

    def mapped(self, kind: str, source: Any) -> Any:
        """The target id of a source object of `kind` (typed as ids are), None if unmapped."""
        ...

    async def number(
        self, run: RunContext, record: RowRecord, column: Column, value: str
    ) -> tuple[Any, str | None]:
        """The target's number for a source number in `column`, and a note for a dry run
        (what it would order): mapped, or (a column whose object takes the number) ordered
        like it in the row's group. Raises LookupError saying why there is none."""
        ...

    def settled(self, resource: Resource, record: RowRecord, outcome: RowOutcome) -> None:
        """A finished row: the object it made or found is what its source id became."""
        ...

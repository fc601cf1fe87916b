"""Verification: once a sheet of a live run is done, every object it wrote is read back
and compared with what its row sent (later sheets may still run: none writes to its
objects). One listing per resource serves every row (a GET of one object only where the
listing does not show a field the row sent); each written row's outcome then says
`verified`, or `drifted` with the fields that differ."""

from __future__ import annotations

from functools import partial
from typing import Any

import anyio

from bulkops.engine.converge import changed_labels
from bulkops.engine.existing import deleted, differences
from bulkops.engine.failures import Failed, text_of
from bulkops.engine.runner import Runner
from bulkops.model.outcome import RowOutcome
from bulkops.together import together

__all__ = ["VERIFIED", "verify"]

VERIFIED = "verified"
_SHOWN = 4


async def verify(runner: Runner) -> int:
    """Read back what `runner` wrote and mark each written row's outcome; the requests
    it took."""
    if not runner.written:
        return 0
    resource = runner.resource
    before = runner.requests
    listed: dict[str, dict[str, Any]] = {}
    try:
        async for items, _ in runner.pages(resource.listing):
            for item in items:
                shaped = resource.shaped(item)
                listed[str(shaped.get(resource.id_key))] = shaped
    except Failed as failed:
        for outcome, _, _ in runner.written:
            outcome.verified = f"not verified: could not list ({text_of(failed.error)})"
        return runner.requests - before
    limiter = anyio.CapacityLimiter(max(1, runner.concurrency))

    async def check(outcome: RowOutcome, method: str, body: dict[str, Any] | None) -> None:
        ident = str(outcome.resource_id)
        found = listed.get(ident)
        if method == "DELETE":
            gone = found is None or deleted(found)
            outcome.verified = VERIFIED if gone else "drifted: it is still there"
            return
        if found is None:
            outcome.verified = "drifted: not found when read back"
            return
        diff = differences(body or {}, found)
        if isinstance(diff, dict) and any(key not in found for key in diff):
            try:  # fields the listing does not show: read the object itself
                async with limiter:
                    answer, _ = await runner.call("GET", f"{resource.base_path}/{ident}")
                if isinstance(answer.data, dict):
                    diff = differences(body or {}, {**found, **resource.shaped(answer.data)})
            except Failed as failed:
                outcome.verified = f"not verified: {text_of(failed.error)}"
                return
        if diff is None:
            outcome.verified = VERIFIED
            return
        labels = list(dict.fromkeys(changed_labels(resource, diff)))
        shown = ", ".join(labels[:_SHOWN]) + (" …" if len(labels) > _SHOWN else "")
        outcome.verified = f"drifted: {shown}"

    await together(partial(check, *written) for written in runner.written)  # all at once
    return runner.requests - before

"""Time for the sandbox: a real clock, or a manual one tests move by hand (no sleeping)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

__all__ = ["Clock", "ManualClock", "iso"]


class Clock:
    """Wall time (for timestamps and token expiry) and monotonic time (for rate limits)."""

    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        import anyio

        await anyio.sleep(seconds)


class ManualClock(Clock):
    """A clock that only moves when told to; `sleep` moves it instead of waiting."""

    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self._now = start
        self._mono = 0.0

    def now(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += seconds
        self._mono += seconds

    async def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))


def iso(epoch: float) -> str:
    """ISO 8601 UTC with milliseconds, as the API writes timestamps."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

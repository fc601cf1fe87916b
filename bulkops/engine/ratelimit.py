"""One rate limiter shared by every worker: GCRA pacing (no burst), adaptive on 429.

GCRA (virtual scheduling): each caller reserves the slot `max(tat, now)` and moves the
theoretical arrival time `tat` on by 1/rate, then sleeps until its slot. Starts are spaced
at least 1/rate apart, so never more than `rate` start in any sliding second, and there is
no burst at the start (perf-notes.md measured aiolimiter's default at ~2R in one second).

A 429 halves the pace (not below SLOWEST_SHARE of the target) and, with Retry-After,
pauses everyone until then; CALM_REQUESTS successes in a row step it back up by a quarter.
"""

from __future__ import annotations

from bulkops.config import CALM_REQUESTS, SLOWEST_SHARE
from bulkops.engine.clock import Clock

__all__ = ["RateLimiter"]


class RateLimiter:
    def __init__(self, rate: float, clock: Clock) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.target = rate
        self.rate = rate
        self.clock = clock
        self._tat = 0.0
        self._calm = 0
        self.slowdowns = 0

    async def acquire(self) -> None:
        """Wait for this caller's slot."""
        now = self.clock.monotonic()
        slot = max(self._tat, now)
        self._tat = slot + 1.0 / self.rate
        if slot > now:
            await self.clock.sleep(slot - now)

    def throttled(self, retry_after: float | None) -> None:
        """A 429: slow the whole run down, and pause it for Retry-After when given."""
        self.slowdowns += 1
        self._calm = 0
        self.rate = max(self.target * SLOWEST_SHARE, self.rate / 2)
        if retry_after:
            self._tat = max(self._tat, self.clock.monotonic() + retry_after)

    def succeeded(self) -> None:
        """A clean answer: after enough of them in a row, speed back up."""
        if self.rate >= self.target:
            return
        self._calm += 1
        if self._calm >= CALM_REQUESTS:
            self._calm = 0
            self.rate = min(self.target, self.rate * 1.25)

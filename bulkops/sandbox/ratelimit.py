"""Per-token rate limiting: a token bucket (rate per second, burst), on an injected clock."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bulkops.sandbox.clock import Clock

__all__ = ["TokenBucket"]


@dataclass
class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; one bucket per access token."""

    rate: float
    burst: int
    clock: Clock
    _state: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, key: str) -> float:
        """0.0 if a request may go now (and counts it), else seconds until it may."""
        now = self.clock.monotonic()
        tokens, last = self._state.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._state[key] = (tokens - 1.0, now)
            return 0.0
        self._state[key] = (tokens, now)
        return (1.0 - tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> str:
        """The Retry-After header value (whole seconds, at least 1)."""
        return str(max(1, math.ceil(wait)))

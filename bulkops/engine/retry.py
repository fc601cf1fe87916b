"""When to try a request again, and after how long.

Retried (reliability.md 1.3): GET, PUT, PATCH and DELETE on timeouts, lost answers, 429
and 5xx; every method when the request provably never left (`NotSent`) and on 429 (the
server refused it before processing). A POST whose answer was lost or that met a 5xx is
*not* sent again here: the row ends `unknown` until it is reconciled (issue "Never lose").
Delays: Retry-After when the server gave one (above RETRY_AFTER_CAP the run stops rather
than sleeping for hours), else exponential backoff with full jitter. A per-run budget
stops an outage turning into a retry storm.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bulkops.config import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    MAX_ATTEMPTS,
    RETRY_AFTER_CAP,
    RETRY_BUDGET,
    RETRY_COST,
    RETRY_REFUND,
)
from bulkops.errors import NotSent, OutcomeUnknown, RateLimited, ServerError

__all__ = ["IDEMPOTENT", "Decision", "RetryBudget", "RetryPolicy"]

IDEMPOTENT = frozenset({"GET", "PUT", "PATCH", "DELETE"})


@dataclass
class RetryBudget:
    """AWS-style: each retry costs tokens, each clean success refunds one."""

    tokens: int = RETRY_BUDGET
    cost: int = RETRY_COST
    refund: int = RETRY_REFUND
    capacity: int = RETRY_BUDGET

    def spend(self) -> bool:
        if self.tokens < self.cost:
            return False
        self.tokens -= self.cost
        return True

    def earn(self) -> None:
        self.tokens = min(self.capacity, self.tokens + self.refund)


@dataclass(frozen=True)
class Decision:
    retry: bool
    delay: float = 0.0
    reason: str = ""


@dataclass
class RetryPolicy:
    max_attempts: int = MAX_ATTEMPTS
    base: float = BACKOFF_BASE
    cap: float = BACKOFF_CAP
    retry_after_cap: float = RETRY_AFTER_CAP
    budget: RetryBudget = field(default_factory=RetryBudget)
    random: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform between 0 and min(cap, base * 2^(attempt-1))."""
        return self.random.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))

    def decide(self, method: str, error: BaseException, attempt: int) -> Decision:
        """Whether attempt `attempt` (1-based) that failed with `error` is tried again."""
        retryable = isinstance(error, NotSent | RateLimited) or (
            method in IDEMPOTENT and isinstance(error, OutcomeUnknown | ServerError)
        )
        if not retryable:
            return Decision(False, reason="not retryable")
        if attempt >= self.max_attempts:
            return Decision(False, reason=f"gave up after {attempt} attempts")
        delay = self.backoff(attempt)
        if isinstance(error, RateLimited) and error.retry_after is not None:
            if error.retry_after > self.retry_after_cap:
                return Decision(False, reason=f"Retry-After of {error.retry_after:g} s is too long")
            delay = error.retry_after + self.random.uniform(0, self.base)
        if not self.budget.spend():
            return Decision(False, reason="the run's retry budget is spent")
        return Decision(True, delay)

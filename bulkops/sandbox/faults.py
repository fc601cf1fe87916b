"""The fault plan: deterministic (from a seed) failures, per method and path.

A plan is a list of rules; each request draws from one seeded random stream, so the same
requests in the same order meet the same faults. Kinds:

| kind | what the client sees | committed? |
|---|---|---|
| `latency` (`ms`, `jitter`) | the answer, later | as usual |
| `500`, `502`, `503` | that status and the error envelope | no |
| `429` (`burst`, `retry_after`) | a burst of 429s with Retry-After | no |
| `refuse` | a connection error before anything is sent | no |
| `html` | a 502 HTML page from a "proxy" | no |
| `drop` | the connection drops after the write committed | **yes** |
| `lost-500` | a 500 after the write committed | **yes** |
| `slow` (`commit`) | no answer within the client's read timeout | if `commit` (default yes) |
| `truncated` | the JSON body cut in half | yes |
| `empty` | an empty body with the real status | yes |
| `expire-token` (`after`) | 401 once a token has made `after` requests | no |

Spec syntax (`--faults`): rules separated by ',' ; a rule is
`KIND[:SHARE][:key=value…][@METHOD][ /path-prefix]`, e.g.
`500:0.1, drop:0.05@POST /provisioned-routes, latency:1:ms=100:jitter=50, expire-token:after=200`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Final

__all__ = ["KINDS", "FaultPlan", "FaultRule", "parse_faults"]

#: faults decided before the request reaches the handlers (nothing is committed)
BEFORE: Final = frozenset({"500", "502", "503", "429", "refuse", "html"})
#: faults applied to the answer of a request that was handled (and maybe committed)
AFTER: Final = frozenset({"drop", "lost-500", "slow", "truncated", "empty"})
KINDS: Final = BEFORE | AFTER | {"latency", "expire-token"}


@dataclass
class FaultRule:
    """One kind of fault, for a share of the requests matching `method` and `path`."""

    kind: str
    share: float = 1.0
    method: str | None = None
    path: str | None = None
    ms: float = 0.0
    jitter: float = 0.0
    burst: int = 1
    retry_after: int = 1
    after: int = 0
    commit: bool = True
    limit: int | None = None
    fired: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind '{self.kind}'; known: {', '.join(sorted(KINDS))}")
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"fault share must be between 0 and 1, was {self.share}")

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        return not (self.path and not path.startswith(self.path))


@dataclass
class FaultPlan:
    """Rules plus one seeded random stream. `before`/`after` pick at most one fault each."""

    rules: list[FaultRule] = field(default_factory=list)
    seed: int = 0
    _random: random.Random = field(init=False)
    _burst_left: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def _draw(self, rule: FaultRule) -> bool:
        if rule.limit is not None and rule.fired >= rule.limit:
            return False
        hit = rule.share >= 1.0 or self._random.random() < rule.share
        if hit:
            rule.fired += 1
        return hit

    def latency(self, method: str, path: str) -> float:
        """Seconds to wait before answering."""
        total = 0.0
        for rule in self.rules:
            if rule.kind == "latency" and rule.matches(method, path) and self._draw(rule):
                total += (rule.ms + self._random.uniform(0, rule.jitter)) / 1000
        return total

    def before(self, method: str, path: str) -> FaultRule | None:
        for index, rule in enumerate(self.rules):
            early = rule.kind in BEFORE or (rule.kind == "slow" and not rule.commit)
            if not early or not rule.matches(method, path):
                continue
            if rule.kind == "429":
                left = self._burst_left.get(index, 0)
                if left > 0:
                    self._burst_left[index] = left - 1
                    return rule
                if self._draw(rule):
                    self._burst_left[index] = rule.burst - 1
                    return rule
                continue
            if self._draw(rule):
                return rule
        return None

    def after(self, method: str, path: str) -> FaultRule | None:
        for rule in self.rules:
            late = rule.kind in AFTER and (rule.kind != "slow" or rule.commit)
            if late and rule.matches(method, path) and self._draw(rule):
                return rule
        return None

    def token_budget(self) -> int | None:
        """Requests a token may make before it expires (an `expire-token` rule), if any."""
        budgets = [r.after for r in self.rules if r.kind == "expire-token" and r.after > 0]
        return min(budgets) if budgets else None


_NUMERIC = {"ms": float, "jitter": float, "burst": int, "retry_after": int, "after": int,
            "limit": int}  # fmt: skip


def parse_faults(spec: str, seed: int = 0) -> FaultPlan:
    """A plan from the `--faults` syntax (see the module docstring)."""
    rules = []
    for text in (part.strip() for part in spec.split(",")):
        if not text:
            continue
        where = ""
        if "@" in text:
            text, where = text.split("@", 1)
        elif " /" in text:
            text, where = text.split(" ", 1)
        method, _, path = where.strip().partition(" ")
        if method.startswith("/"):
            method, path = "", method
        kind, *options = text.strip().split(":")
        rule = FaultRule(kind=kind.strip(), method=method.upper() or None, path=path or None)
        for option in options:
            key, eq, value = option.partition("=")
            key = key.strip().replace("-", "_")
            try:
                if not eq:
                    rule.share = float(key)
                elif key == "commit":
                    rule.commit = value.strip().lower() in ("1", "yes", "true")
                elif key in _NUMERIC:
                    setattr(rule, key, _NUMERIC[key](value))
                else:
                    raise ValueError(f"unknown option '{key}'")
            except ValueError as exc:
                raise ValueError(f"fault '{text.strip()}': {exc}") from None
        rule.__post_init__()
        rules.append(rule)
    return FaultPlan(rules, seed)

"""Faults a fake gateway injects, bounded by count, matched by operation.

A `Fault` fires on every `every`-th matching request until it has fired `times` times.
Kinds:
    error           answer `status_code` (default 500) in the provider's error shape
    rate_limit      answer 429 with `Retry-After: <retry_after>`
    slow            sleep `delay` seconds, then answer normally
    drop            start the response, then drop the connection
    malformed       answer 200 with a truncated JSON body
    never_complete  (submit) the run stays running forever
    fail_run        (submit) the run ends failed
With `after=True`, error/drop/malformed hit after the request took effect (the run exists).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

FaultKind = Literal[
    "error", "rate_limit", "slow", "drop", "malformed", "never_complete", "fail_run"
]
KINDS: frozenset[str] = frozenset(FaultKind.__args__)  # type: ignore[attr-defined]
OPS: frozenset[str] = frozenset({"submit", "status", "result", "cancel", "*"})
RUN_FAULTS: frozenset[str] = frozenset({"never_complete", "fail_run"})


@dataclass(kw_only=True)
class Fault:
    kind: FaultKind
    op: str = "*"
    times: int = 1
    every: int = 1
    status_code: int = 500
    retry_after: str = "0"
    delay: float = 0.2
    after: bool = False
    seen: int = field(default=0, compare=False)
    fired: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"unknown fault kind {self.kind!r} (known: {', '.join(sorted(KINDS))})"
            )
        if self.op not in OPS:
            raise ValueError(f"unknown fault op {self.op!r} (known: {', '.join(sorted(OPS))})")
        if not 0 <= self.times <= 100_000 or self.every < 1:
            raise ValueError("a fault needs 0 <= times <= 100000 and every >= 1")

    def matches(self, op: str) -> bool:
        return self.op in ("*", op) and self.fired < self.times

    def fire(self) -> bool:
        """Count one matching request; True when the fault hits this one."""
        self.seen += 1
        if self.seen % self.every:
            return False
        self.fired += 1
        return True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fault:
        known = {f.name for f in fields(cls)} - {"seen", "fired"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(
                f"unknown fault option(s): {', '.join(sorted(unknown))} (known: {', '.join(sorted(known))})"
            )
        if "kind" not in data:
            raise ValueError(f"a fault needs a kind (known: {', '.join(sorted(KINDS))})")
        return cls(**dict(data))


class FaultPlan:
    """The faults in force; thread-safe (tests change it while the server runs)."""

    def __init__(self, faults: Iterable[Fault] = ()) -> None:
        self._lock = threading.Lock()
        self._faults = list(faults)

    def set(self, faults: Iterable[Fault | Mapping[str, Any]]) -> None:
        parsed = [f if isinstance(f, Fault) else Fault.from_dict(f) for f in faults]
        with self._lock:
            self._faults = parsed

    def clear(self) -> None:
        self.set([])

    def take(self, op: str, *, run_faults: bool = False) -> Fault | None:
        """The fault to apply to this request of `op`, if any (counts the request)."""
        with self._lock:
            for fault in self._faults:
                if (fault.kind in RUN_FAULTS) != run_faults or not fault.matches(op):
                    continue
                if fault.fire():
                    return fault
        return None

    def fired(self) -> dict[str, int]:
        with self._lock:
            return {f"{f.op}:{f.kind}": f.fired for f in self._faults}

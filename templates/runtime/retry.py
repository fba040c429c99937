"""Retry policy: exponential backoff with full jitter, honouring Retry-After.

What is retried (see `http.py`):
    polls (status, result, cancel, idempotent submits)
        connection errors, dropped connections, timeouts, 429, 5xx, malformed JSON
    submits without an idempotency key (a re-submit could pay twice)
        only failures where the provider certainly did not take the job:
        a connection that never opened, and 429 (the request was refused)
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How often and how long to retry. `max_retries=0` disables retries."""

    max_retries: int = 3
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: bool = True
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def delay(self, attempt: int, *, retry_after: float | None = None) -> float:
        """Seconds to sleep before retry number `attempt` (0-based)."""
        ceiling = min(self.max_delay, self.initial_delay * (2**attempt))
        backoff = self.rng.uniform(0, ceiling) if self.jitter else ceiling
        if retry_after is None:
            return backoff
        return max(backoff, min(retry_after, self.max_retry_after))


NO_RETRIES = RetryPolicy(max_retries=0)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        return _retry_after_date(value, now=now)
    return max(0.0, seconds) if seconds == seconds else None


def _retry_after_date(value: str, *, now: float | None) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)

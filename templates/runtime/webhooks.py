"""Signing and verifying callbacks (scheme `hmac-sha256-timestamped`).

Header value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Several
`v1=` entries may appear (secret rotation); one matching is enough. Verification compares
in constant time and rejects timestamps outside the tolerance window (replays).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .errors import WebhookVerificationError
from .secrets import Secret, as_secret

SCHEMES = frozenset({"hmac-sha256-timestamped"})
DEFAULT_TOLERANCE = 300
_Verify = TypeVar("_Verify", bound=Callable[..., None])


def _refuses_malformed(check: _Verify) -> _Verify:
    """Any malformed input (a header or body of the wrong type, non-ASCII or huge digits,
    whatever the header scheme) becomes WebhookVerificationError, never TypeError/ValueError."""

    @functools.wraps(check)
    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            check(*args, **kwargs)
        except WebhookVerificationError:
            raise
        except (TypeError, ValueError, AttributeError, OverflowError, UnicodeError) as exc:
            reason = type(exc).__name__
            raise WebhookVerificationError(
                f"malformed signature header or body ({reason})"
            ) from None

    return guarded  # type: ignore[return-value]


def compute_signature(secret: str | Secret, body: bytes | str, *, timestamp: int) -> str:
    """Hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`."""
    raw = body.encode() if isinstance(body, str) else body
    message = str(timestamp).encode() + b"." + raw
    return hmac.new(as_secret(secret).get().encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str | Secret, body: bytes | str, *, timestamp: int | None = None) -> str:
    """The signature header value for `body`, timestamped now unless told otherwise."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={compute_signature(secret, body, timestamp=t)}"


@_refuses_malformed
def verify(
    secret: str | Secret,
    body: bytes | str,
    header: str | None,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> None:
    """Raise WebhookVerificationError unless `header` signs `body` recently enough."""
    if not header:
        raise WebhookVerificationError("missing signature header")
    timestamp, candidates = _parse(header)
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise WebhookVerificationError(
            f"signature timestamp is {int(current - timestamp)} s from now, outside {tolerance} s"
        )
    expected = compute_signature(secret, body, timestamp=timestamp)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise WebhookVerificationError("signature does not match the body")


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """A header by case-insensitive name (plain dicts included)."""
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise WebhookVerificationError("malformed signature header (want t=<unix>,v1=<hex>)")
    return timestamp, candidates

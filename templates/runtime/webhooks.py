"""Signing and verifying callbacks; the manifest names the scheme (`callback.signature`).

`hmac-sha256`: the header value is the 64-character lowercase hex HMAC-SHA256(secret, raw
body) and nothing else. No timestamp is signed, so the scheme itself cannot reject a replayed
callback: a receiver that must, de-duplicates on the run id (a run ends once).

`hmac-sha256-timestamped`: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
Several `v1=` entries may appear (secret rotation); one matching is enough, and timestamps
outside the tolerance window are rejected (replays).

Both compare in constant time, over the raw bytes as received (never re-serialized JSON).
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

PLAIN = "hmac-sha256"
TIMESTAMPED = "hmac-sha256-timestamped"
SCHEMES = frozenset({PLAIN, TIMESTAMPED})
DEFAULT_TOLERANCE = 300
HEX_DIGITS = frozenset("0123456789abcdef")
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


def _raw(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else body


def _mac(secret: str | Secret, message: bytes) -> str:
    return hmac.new(as_secret(secret).get().encode(), message, hashlib.sha256).hexdigest()


def compute_signature(
    secret: str | Secret, body: bytes | str, *, timestamp: int | None = None
) -> str:
    """Hex HMAC-SHA256 of the raw body, or of `"<timestamp>.<body>"` when timestamped."""
    if timestamp is None:
        return _mac(secret, _raw(body))
    return _mac(secret, str(timestamp).encode() + b"." + _raw(body))


def sign(
    secret: str | Secret,
    body: bytes | str,
    *,
    scheme: str = PLAIN,
    timestamp: int | None = None,
) -> str:
    """The signature header value for `body` under `scheme` (timestamped: now by default)."""
    _known(scheme)
    if scheme == PLAIN:
        return compute_signature(secret, body)
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={compute_signature(secret, body, timestamp=t)}"


@_refuses_malformed
def verify(
    secret: str | Secret,
    body: bytes | str,
    header: str | None,
    *,
    scheme: str = PLAIN,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> None:
    """Raise WebhookVerificationError unless `header` signs `body` under `scheme`."""
    _known(scheme)
    if not header:
        raise WebhookVerificationError("missing signature header")
    if scheme == PLAIN:
        _verify_plain(secret, body, header.strip())
    else:
        _verify_timestamped(secret, body, header, tolerance=tolerance, now=now)


def _known(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise WebhookVerificationError(f"unknown signature scheme {scheme!r}")


def _verify_plain(secret: str | Secret, body: bytes | str, header: str) -> None:
    if len(header) != 64 or not set(header) <= HEX_DIGITS:
        raise WebhookVerificationError("malformed signature header (want 64 lowercase hex digits)")
    if not hmac.compare_digest(compute_signature(secret, body), header):
        raise WebhookVerificationError("signature does not match the body")


def _verify_timestamped(
    secret: str | Secret, body: bytes | str, header: str, *, tolerance: int, now: float | None
) -> None:
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

"""Signing and verifying callbacks; the manifest names the scheme (`callback.signature`).

`hmac-sha256`: the header value is the 64-character lowercase hex HMAC-SHA256(secret, raw
body) and nothing else. No timestamp is signed, so the scheme itself cannot reject a replayed
callback: a receiver that must, de-duplicates on the run id (a run ends once).

`hmac-sha256-timestamped`: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
Several `v1=` entries may appear (secret rotation); one matching is enough, and timestamps
outside the tolerance window are rejected (replays).

`standard-webhooks` (the Standard Webhooks scheme): three headers,
`webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated
list of `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")>`; the key is the
base64-decoded part of a `whsec_...` secret. One matching entry is enough (rotation), and
timestamps outside the tolerance window are rejected (replays); the id lets a receiver
de-duplicate retries.

All compare in constant time, over the raw bytes as received (never re-serialized JSON).
"""

from __future__ import annotations

import base64
import binascii
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
STANDARD = "standard-webhooks"
SCHEMES = frozenset({PLAIN, TIMESTAMPED, STANDARD})
STANDARD_HEADERS = {"id": "webhook-id", "timestamp": "webhook-timestamp"}
STANDARD_SIGNATURE = "webhook-signature"
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
    """The signature header value for `body` under `scheme` (timestamped: now by default).

    For `standard-webhooks`, which signs an id too, use `sign_headers`.
    """
    _known(scheme)
    if scheme == STANDARD:
        raise WebhookVerificationError("standard-webhooks signs several headers: use sign_headers")
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
    """Raise WebhookVerificationError unless `header` signs `body` under `scheme`.

    For `standard-webhooks`, which reads several headers, use `verify_headers`.
    """
    _known(scheme)
    if scheme == STANDARD:
        raise WebhookVerificationError(
            "standard-webhooks reads several headers: use verify_headers"
        )
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


def verify_headers(
    secret: str | Secret,
    body: bytes | str,
    headers: Mapping[str, str],
    *,
    callback: Mapping[str, Any],
    now: float | None = None,
) -> None:
    """Verify a callback from its headers under the manifest's `callback` block (any scheme)."""
    scheme = str(callback.get("signature", PLAIN))
    tolerance = int(callback.get("tolerance_seconds", DEFAULT_TOLERANCE))
    signature = header_value(headers, str(callback.get("signature_header", STANDARD_SIGNATURE)))
    if scheme != STANDARD:
        verify(secret, body, signature, scheme=scheme, tolerance=tolerance, now=now)
        return
    msg_id = header_value(headers, str(callback.get("id_header", STANDARD_HEADERS["id"])))
    stamp = header_value(
        headers, str(callback.get("timestamp_header", STANDARD_HEADERS["timestamp"]))
    )
    _verify_standard(secret, body, msg_id, stamp, signature, tolerance=tolerance, now=now)


def standard_key(secret: str | Secret) -> bytes:
    """The HMAC key of a Standard Webhooks secret: base64 after the `whsec_` prefix."""
    text = as_secret(secret).get()
    encoded = text.removeprefix("whsec_")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError("malformed signing secret (want whsec_<base64>)") from None


def standard_signature(secret: str | Secret, body: bytes | str, msg_id: str, timestamp: int) -> str:
    """`v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`."""
    message = f"{msg_id}.{timestamp}.".encode() + _raw(body)
    digest = hmac.new(standard_key(secret), message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def sign_headers(
    secret: str | Secret,
    body: bytes | str,
    *,
    msg_id: str,
    timestamp: int | None = None,
) -> dict[str, str]:
    """The three Standard Webhooks headers for `body` (timestamp: now by default)."""
    t = int(time.time()) if timestamp is None else timestamp
    return {
        STANDARD_HEADERS["id"]: msg_id,
        STANDARD_HEADERS["timestamp"]: str(t),
        STANDARD_SIGNATURE: standard_signature(secret, body, msg_id, t),
    }


def _verify_standard(
    secret: str | Secret,
    body: bytes | str,
    msg_id: str | None,
    stamp: str | None,
    signature: str | None,
    *,
    tolerance: int,
    now: float | None,
) -> None:
    if not msg_id or not stamp or not signature:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    if not stamp.isdigit():
        raise WebhookVerificationError("malformed webhook-timestamp (want Unix seconds)")
    current = time.time() if now is None else now
    if abs(current - int(stamp)) > tolerance:
        raise WebhookVerificationError(
            f"signature timestamp is {int(current - int(stamp))} s from now, outside {tolerance} s"
        )
    expected = standard_signature(secret, body, msg_id, int(stamp))
    offered = [entry for entry in signature.split() if entry.startswith("v1,")]
    if not offered:
        raise WebhookVerificationError("malformed webhook-signature (want v1,<base64> entries)")
    if not any(hmac.compare_digest(expected, entry) for entry in offered):
        raise WebhookVerificationError("signature does not match the body")

"""What a fake gateway accepts as credentials: the key itself, or (manifest `auth.token`,
kind jwt-hs256) a JSON Web Token it checks the way the provider would: three base64url
parts, header alg HS256, an HMAC-SHA256 signature under the secret, iss = the key, and
now within [nbf, exp]. Written apart from the runtime's signer, so the two check each other.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any


def accepted(
    presented: str,
    *,
    auth: Mapping[str, Any],
    key: str | None,
    secret: str | None,
    now: float | None = None,
) -> bool:
    """Whether `presented` (the header value without its scheme) is a valid credential."""
    if not presented:
        return False
    token = auth.get("token")
    if not token:
        return key is None or presented == key
    return _valid_jwt(presented, key=key, secret=secret, now=time.time() if now is None else now)


def _valid_jwt(token: str, *, key: str | None, secret: str | None, now: float) -> bool:
    parts = token.split(".")
    if len(parts) != 3:
        return False
    header, claims = _decode(parts[0]), _decode(parts[1])
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        return False
    if not isinstance(claims, dict) or not _in_window(claims, now):
        return False
    if key is not None and claims.get("iss") != key:
        return False
    return secret is None or _signed(parts, secret)


def _in_window(claims: dict[str, Any], now: float) -> bool:
    expires, not_before = claims.get("exp"), claims.get("nbf", 0)
    if not isinstance(expires, int) or not isinstance(not_before, int):
        return False
    return not_before <= now <= expires


def _signed(parts: list[str], secret: str) -> bool:
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    expected = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    offered = _raw(parts[2])
    return offered is not None and hmac.compare_digest(expected, offered)


def _raw(part: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        return None


def _decode(part: str) -> Any:
    raw = _raw(part)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None

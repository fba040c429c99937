"""The Authorization header a provider wants, from the manifest's `auth` block.

Two kinds, named by the manifest:

    static      the key itself, after `scheme` when there is one (`Bearer <key>`)
    jwt-hs256   (`auth.token.kind`) a JSON Web Token the client signs itself: header
                {"alg": "HS256", "typ": "JWT"}, claims {"iss": <key>, "exp": now + ttl,
                "nbf": now - skew}, signed with HMAC-SHA256 under a second secret; a fresh
                token is signed when the current one has less than a minute left

Neither the key nor the secret ever shows in a repr; the token itself is a secret too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from . import errors
from .secrets import Secret

JWT_HS256 = "jwt-hs256"
TOKEN_KINDS = frozenset({JWT_HS256})
DEFAULT_TTL = 1800
DEFAULT_SKEW = 5
RENEW_BEFORE = 60


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_hs256(claims: Mapping[str, Any], secret: Secret) -> str:
    """A compact JWS over `claims`, HS256-signed with `secret`."""
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    mac = hmac.new(secret.get().encode(), signing_input.encode("ascii"), hashlib.sha256)
    return f"{signing_input}.{b64url(mac.digest())}"


class Authorizer:
    """Gives the value of the auth header for each request (thread-safe)."""

    def __init__(
        self,
        *,
        key: Secret,
        scheme: str | None,
        token: Mapping[str, Any] | None = None,
        secret: Secret | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key = key
        self.scheme = scheme
        self.token = dict(token) if token else None
        self.secret = secret
        self._clock = clock
        self._lock = threading.Lock()
        self._current: tuple[str, float] | None = None
        if self.token is not None:
            _check_token(self.token, secret)

    def header_value(self) -> str:
        value = self.key.get() if self.token is None else self._signed()
        return f"{self.scheme} {value}" if self.scheme else value

    def secrets(self) -> tuple[Secret | None, ...]:
        """Everything to redact from messages: the key, the secret, the current token."""
        current = Secret(self._current[0]) if self._current else None
        return (self.key, self.secret, current)

    def _signed(self) -> str:
        with self._lock:
            now = self._clock()
            if self._current is None or self._current[1] - now < RENEW_BEFORE:
                self._current = self._sign(now)
            return self._current[0]

    def _sign(self, now: float) -> tuple[str, float]:
        assert self.token is not None and self.secret is not None
        ttl = int(self.token.get("ttl_seconds", DEFAULT_TTL))
        skew = int(self.token.get("not_before_seconds", DEFAULT_SKEW))
        expires = int(now) + ttl
        claims = {"iss": self.key.get(), "exp": expires, "nbf": int(now) - skew}
        return jwt_hs256(claims, self.secret), float(expires)

    def __repr__(self) -> str:
        kind = self.token["kind"] if self.token else "static"
        return f"Authorizer(kind={kind!r})"


def _check_token(token: Mapping[str, Any], secret: Secret | None) -> None:
    if token.get("kind") not in TOKEN_KINDS:
        raise errors.ConfigurationError(f"unknown auth token kind {token.get('kind')!r}")
    if secret is None:
        env = token.get("secret_env")
        where = f" or set {env}" if env else ""
        raise errors.ConfigurationError(
            f"{token['kind']} needs a signing secret: pass api_secret={where}"
        )


__all__ = ["JWT_HS256", "Authorizer", "b64url", "jwt_hs256"]

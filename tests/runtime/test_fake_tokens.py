"""The fake gateway's token check (codegen/fake/tokens.py) against the runtime's signer."""

from __future__ import annotations

import pytest

from codegen.fake import tokens
from kling_gateways._runtime.auth import b64url, jwt_hs256
from kling_gateways._runtime.secrets import Secret

AUTH = {"header": "Authorization", "scheme": "Bearer", "token": {"kind": "jwt-hs256"}}
CLAIMS = {"iss": "ak", "exp": 2000, "nbf": 995}


def _check(token: str, *, now: float = 1000.0, key: str | None = "ak") -> bool:
    return tokens.accepted(token, auth=AUTH, key=key, secret="sk", now=now)


def test_a_fresh_token_signed_with_the_secret_is_accepted() -> None:
    assert _check(jwt_hs256(CLAIMS, Secret("sk")))


@pytest.mark.parametrize(
    ("token", "now", "key"),
    [
        (jwt_hs256(CLAIMS, Secret("other")), 1000.0, "ak"),  # wrong secret
        (jwt_hs256(CLAIMS, Secret("sk")), 2001.0, "ak"),  # expired
        (jwt_hs256(CLAIMS, Secret("sk")), 990.0, "ak"),  # not yet valid
        (jwt_hs256(CLAIMS, Secret("sk")), 1000.0, "another-key"),  # issued for another key
        (jwt_hs256({"iss": "ak", "nbf": 995}, Secret("sk")), 1000.0, "ak"),  # no exp
        ("ak", 1000.0, "ak"),  # the raw key
        ("a.b", 1000.0, "ak"),  # two parts
        (b64url(b'{"alg":"none"}') + "." + b64url(b'{"iss":"ak","exp":2000}') + ".", 1000.0, "ak"),
    ],
)
def test_bad_tokens_are_refused(token: str, now: float, key: str) -> None:
    assert not _check(token, now=now, key=key)


def test_static_keys_are_compared_as_they_are() -> None:
    static = {"header": "X-Key", "scheme": None}
    assert tokens.accepted("k1", auth=static, key="k1", secret=None)
    assert not tokens.accepted("k2", auth=static, key="k1", secret=None)
    assert tokens.accepted("anything", auth=static, key=None, secret=None)
    assert not tokens.accepted("", auth=static, key=None, secret=None)

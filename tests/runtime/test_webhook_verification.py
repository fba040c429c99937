"""Callback signature verification (`_runtime/webhooks.py`): boundaries and header forms."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from kling_gateways._runtime import webhooks
from kling_gateways._runtime.errors import WebhookVerificationError
from kling_gateways._runtime.secrets import Secret

SECRET = "whsec-test"
BODY = b'{"run_id":"r1","status":"succeeded"}'
T = 1_700_000_000
STAMPED = webhooks.TIMESTAMPED


def _hex(message: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _stamped(now: float, header: str, **options: int) -> None:
    webhooks.verify(SECRET, BODY, header, scheme=STAMPED, now=now, **options)


GOOD = f"t={T},v1={_hex(f'{T}.'.encode() + BODY)}"


@pytest.mark.parametrize("offset", [0, 1, -1, 299, -299, 300, -300])
def test_timestamps_within_the_window_inclusive_are_accepted(offset: int) -> None:
    _stamped(T + offset, GOOD)


@pytest.mark.parametrize("offset", [301, -301, 300.5, -300.5, 86_400])
def test_timestamps_outside_the_window_are_replays(offset: float) -> None:
    with pytest.raises(
        WebhookVerificationError, match=rf"timestamp is {int(offset)} s from now, outside 300 s$"
    ):
        _stamped(T + offset, GOOD)


def test_a_custom_tolerance_is_honoured_at_its_boundary() -> None:
    _stamped(T, GOOD, tolerance=0)
    _stamped(T + 10, GOOD, tolerance=10)
    with pytest.raises(WebhookVerificationError, match=r"timestamp is 1 s from now, outside 0 s$"):
        _stamped(T + 1, GOOD, tolerance=0)
    assert webhooks.DEFAULT_TOLERANCE == 300


def test_the_window_uses_the_clock_by_default() -> None:
    now = int(time.time())
    header = webhooks.sign(SECRET, BODY, scheme=STAMPED)
    assert header.startswith("t=") and abs(int(header[2:].split(",")[0]) - now) <= 2
    webhooks.verify(SECRET, BODY, header, scheme=STAMPED)
    old = webhooks.sign(SECRET, BODY, scheme=STAMPED, timestamp=now - 1000)
    with pytest.raises(WebhookVerificationError, match="outside"):
        webhooks.verify(SECRET, BODY, old, scheme=STAMPED)


@pytest.mark.parametrize("key", ["v0", "x", "v2", "V1", "t1", ""])
def test_a_valid_signature_under_another_key_is_not_accepted(key: str) -> None:
    signature = _hex(f"{T}.".encode() + BODY)
    with pytest.raises(WebhookVerificationError):
        _stamped(T, f"t={T},{key}={signature}")


def test_rotated_secrets_any_v1_entry_may_match_and_other_keys_are_ignored() -> None:
    good = _hex(f"{T}.".encode() + BODY)
    wrong = _hex(f"{T}.".encode() + BODY, secret="old")
    for header in (
        f"t={T},v1={wrong},v1={good}",
        f"t={T},v1={good},v1={wrong}",
        f"v1={good},t={T}",
        f"t={T}, v0=junk, v1={good}",
        f" t={T} , v1={good} ",
    ):
        _stamped(T, header)
    with pytest.raises(WebhookVerificationError, match="does not match"):
        _stamped(T, f"t={T},v1={wrong},v1={wrong}")


@pytest.mark.parametrize(
    "header",
    [f"v1={'0' * 64}", f"t={T}", f"t={T},v1=", f"t=-{T},v1=ab", "t=soon,v1=ab", "t,v1", ",,,"],
)
def test_malformed_timestamped_headers(header: str) -> None:
    with pytest.raises(WebhookVerificationError, match="malformed"):
        _stamped(T, header)


def test_the_timestamp_is_signed_with_the_body() -> None:
    moved = f"t={T + 1},v1={_hex(f'{T}.'.encode() + BODY)}"
    with pytest.raises(WebhookVerificationError, match="does not match"):
        _stamped(T, moved)
    assert webhooks.compute_signature(SECRET, BODY, timestamp=T) == _hex(f"{T}.".encode() + BODY)
    assert webhooks.sign(SECRET, BODY, scheme=STAMPED, timestamp=T) == GOOD


def test_plain_signatures_are_exactly_64_lowercase_hex_digits() -> None:
    good = _hex(BODY)
    assert webhooks.sign(SECRET, BODY) == good == webhooks.compute_signature(SECRET, BODY)
    webhooks.verify(SECRET, BODY, good)
    webhooks.verify(SECRET, BODY.decode(), f"  {good}\n")
    webhooks.verify(Secret(SECRET), BODY, good)
    for malformed in (good.upper(), good[:-1], good + "0", "g" * 64, f"sha256={good}"):
        with pytest.raises(WebhookVerificationError, match="malformed"):
            webhooks.verify(SECRET, BODY, malformed)
    with pytest.raises(WebhookVerificationError, match="does not match"):
        webhooks.verify(SECRET, BODY + b" ", good)
    with pytest.raises(WebhookVerificationError, match="does not match"):
        webhooks.verify("other", BODY, good)


@pytest.mark.parametrize("scheme", [webhooks.PLAIN, STAMPED])
def test_a_missing_header_is_refused(scheme: str) -> None:
    for header in (None, ""):
        with pytest.raises(WebhookVerificationError, match="missing signature header"):
            webhooks.verify(SECRET, BODY, header, scheme=scheme)


def test_unknown_schemes_are_refused_when_signing_and_verifying() -> None:
    with pytest.raises(WebhookVerificationError, match="unknown signature scheme 'md5'"):
        webhooks.sign(SECRET, BODY, scheme="md5")
    with pytest.raises(WebhookVerificationError, match="unknown signature scheme"):
        webhooks.verify(SECRET, BODY, _hex(BODY), scheme="md5")
    assert {webhooks.PLAIN, STAMPED} <= webhooks.SCHEMES and "md5" not in webhooks.SCHEMES


def test_header_lookup_ignores_case() -> None:
    headers = {"Content-Type": "application/json", "X-Signature": "abc"}
    assert webhooks.header_value(headers, "x-signature") == "abc"
    assert webhooks.header_value(headers, "X-SIGNATURE") == "abc"
    assert webhooks.header_value(headers, "x-missing") is None


@pytest.mark.parametrize(
    ("body", "header", "scheme", "reason"),
    [
        (123, "0" * 64, webhooks.PLAIN, "TypeError"),
        (BODY, 123, webhooks.PLAIN, "AttributeError"),
        ("\ud800", "0" * 64, webhooks.PLAIN, "UnicodeEncodeError"),
        (BODY, f"t={'9' * 5000},v1=ab", STAMPED, "ValueError"),
        (BODY, f"t={'9' * 400},v1=ab", STAMPED, "OverflowError"),
    ],
)
def test_malformed_input_of_any_kind_is_a_verification_error(
    body: object, header: object, scheme: str, reason: str
) -> None:
    with pytest.raises(
        WebhookVerificationError, match=rf"^malformed signature header or body \({reason}\)$"
    ):
        webhooks.verify(SECRET, body, header, scheme=scheme)  # type: ignore[arg-type]

"""Auth and signing vocabulary: jwt-hs256 tokens, the standard-webhooks
signature scheme and prefer-wait submits, checked against independent computations."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from kling_gateways._runtime import errors, webhooks
from kling_gateways._runtime.auth import Authorizer
from kling_gateways._runtime.lifecycle import engine
from kling_gateways._runtime.secrets import Secret

TOKEN = {"kind": "jwt-hs256", "secret_env": "ACME_SECRET_KEY", "ttl_seconds": 1800}


def _decode(part: str) -> dict[str, object]:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_jwt_token_has_the_claims_and_a_valid_hs256_signature() -> None:
    auth = Authorizer(
        key=Secret("ak-123"),
        scheme="Bearer",
        token=TOKEN,
        secret=Secret("sk-456"),
        clock=lambda: 1000.0,
    )
    value = auth.header_value()
    assert value.startswith("Bearer ")
    head, claims, signature = value.removeprefix("Bearer ").split(".")
    assert _decode(head) == {"alg": "HS256", "typ": "JWT"}
    assert _decode(claims) == {"iss": "ak-123", "exp": 2800, "nbf": 995}
    mac = hmac.new(b"sk-456", f"{head}.{claims}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64encode(mac).rstrip(b"=").decode() == signature
    assert "sk-456" not in repr(auth) and "ak-123" not in repr(auth)


def test_jwt_token_is_reused_then_renewed_before_it_expires() -> None:
    now = [1000.0]
    auth = Authorizer(
        key=Secret("ak"), scheme="Bearer", token=TOKEN, secret=Secret("sk"), clock=lambda: now[0]
    )
    first = auth.header_value()
    now[0] += 60
    assert auth.header_value() == first
    now[0] += 1800 - 60 - 30  # less than a minute left
    assert auth.header_value() != first
    assert all(s is not None for s in auth.secrets())


def test_jwt_without_a_secret_names_the_variable() -> None:
    with pytest.raises(errors.ConfigurationError, match="ACME_SECRET_KEY"):
        Authorizer(key=Secret("ak"), scheme="Bearer", token=TOKEN, secret=None)
    with pytest.raises(errors.ConfigurationError, match="unknown auth token kind"):
        Authorizer(key=Secret("ak"), scheme=None, token={"kind": "rsa"}, secret=Secret("s"))


def test_static_key_is_sent_as_is() -> None:
    assert Authorizer(key=Secret("k"), scheme="Bearer").header_value() == "Bearer k"
    assert Authorizer(key=Secret("k"), scheme=None).header_value() == "k"


# The test vector published with the Standard Webhooks specification.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
STAMP = 1614265330
BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
CALLBACK = {"signature": "standard-webhooks", "signature_header": "webhook-signature"}


def test_standard_webhooks_matches_the_specification_vector() -> None:
    assert webhooks.standard_signature(SECRET, BODY, MSG_ID, STAMP) == SPEC_SIGNATURE
    headers = {
        "Webhook-Id": MSG_ID,
        "webhook-timestamp": str(STAMP),
        "webhook-signature": SPEC_SIGNATURE,
    }
    webhooks.verify_headers(SECRET, BODY, headers, callback=CALLBACK, now=STAMP + 10)


def test_standard_webhooks_accepts_one_of_several_signatures() -> None:
    headers = webhooks.sign_headers(SECRET, BODY, msg_id=MSG_ID, timestamp=STAMP)
    headers["webhook-signature"] = "v1,AAAA " + headers["webhook-signature"]
    webhooks.verify_headers(SECRET, BODY, headers, callback=CALLBACK, now=STAMP)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"body": b'{"test": 1}'}, "does not match"),
        ({"secret": "whsec_" + base64.b64encode(b"other").decode()}, "does not match"),
        ({"now": STAMP + 301}, "outside 300 s"),
        ({"drop": "webhook-id"}, "missing webhook-id"),
        ({"signature": "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}, "v1,<base64>"),
        ({"secret": "whsec_not base64!"}, "malformed signing secret"),
        ({"stamp": "yesterday"}, "Unix seconds"),
    ],
)
def test_standard_webhooks_refuses(change: dict[str, object], message: str) -> None:
    headers = {"webhook-id": MSG_ID, "webhook-timestamp": str(change.get("stamp", STAMP))}
    headers["webhook-signature"] = str(change.get("signature", SPEC_SIGNATURE))
    headers.pop(str(change.get("drop", "")), None)
    body = change.get("body", BODY)
    secret = str(change.get("secret", SECRET))
    now = float(change.get("now", STAMP))  # type: ignore[arg-type]
    with pytest.raises(errors.WebhookVerificationError, match=message):
        webhooks.verify_headers(secret, body, headers, callback=CALLBACK, now=now)  # type: ignore[arg-type]


def test_single_header_schemes_refuse_standard_webhooks() -> None:
    with pytest.raises(errors.WebhookVerificationError, match="verify_headers"):
        webhooks.verify("s", b"{}", "v1,x", scheme="standard-webhooks")
    with pytest.raises(errors.WebhookVerificationError, match="sign_headers"):
        webhooks.sign("s", b"{}", scheme="standard-webhooks")


def test_prefer_wait_asks_for_a_hold_and_extends_the_timeout() -> None:
    spec = {
        "kind": "runs",
        "submit": {"method": "POST", "path": "/v1/predictions"},
        "submit_wait": {"scheme": "prefer-wait", "seconds": 45},
    }
    call = engine(spec).submit_call({"input": {}})
    assert call.headers == {"Prefer": "wait=45"} and call.hold == 45
    plain = engine({**spec, "submit_wait": None}).submit_call({})
    assert plain.headers == {} and plain.hold == 0
    with pytest.raises(errors.ConfigurationError, match="submit_wait scheme"):
        engine({**spec, "submit_wait": {"scheme": "long-poll", "seconds": 1}}).submit_call({})

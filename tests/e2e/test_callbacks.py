"""Callbacks posted by the fake gateways, verified and parsed by the client helpers.

Which providers post callbacks, whether and how they sign them (`callback.signature`), the
header names, where the URL travels and where the body carries the run id, status and
video all come from the manifests; the published callback examples from the catalog."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from codegen.catalog.load import version_schemas
from codegen.fake.catalog import SCHEMAS_DIR
from kling_gateways._runtime import errors, webhooks
from kling_gateways._runtime.http import get_pointer

from .conftest import (
    CALLBACKS,
    ENDPOINT_VERSIONS,
    SIGNED_CALLBACKS,
    UNSIGNED_CALLBACKS,
    callback_pointers,
    lifecycle,
    make_client,
    request_for,
    resource,
    status_word,
    task_of,
)

SECRET = "whsec_dGVzdC1zaWduaW5nLWtleS0xMjM="  # whsec_<base64>, as Standard Webhooks wants
OTHER_SECRET = "whsec_b3RoZXItc2lnbmluZy1rZXktNDU2"  # same form, another key


def _spec(provider):
    return lifecycle(provider)["callback"]


def _scheme(spec):
    return spec.get("signature", webhooks.PLAIN)


def _delivered(fake, receiver, provider):
    """A run submitted with a callback URL; its callback as the receiver got it."""
    gateway = fake(provider, callback_secret=SECRET, complete_after=0.05)
    client = make_client(provider, gateway.url)
    run = client.image_to_video.submit(request_for(provider), callback_url=receiver.url)
    receiver.wait_for(1)
    return client, run, receiver.received[0]


def _parsed_as_declared(resource_, parsed, body):
    """The version's Callback model where the catalog has a callback schema, else the JSON."""
    model = resource_.spec.callback_model
    provider, spec = resource_._client.provider, resource_.spec
    folder = SCHEMAS_DIR / provider / spec.endpoint / spec.version
    assert (model is None) == ("callback" not in version_schemas(SCHEMAS_DIR, folder))
    if model is None:
        assert parsed == json.loads(body)
    else:
        assert isinstance(parsed, model)


@pytest.mark.parametrize("provider", SIGNED_CALLBACKS)
def test_signed_callback_verifies_and_parses(fake, receiver, provider):
    client, run, (body, headers) = _delivered(fake, receiver, provider)
    with client:
        callback = client.image_to_video.parse_callback(body, headers=headers, secret=SECRET)
        _parsed_as_declared(client.image_to_video, callback, body)
    data = json.loads(body)
    pointers = callback_pointers(provider)
    assert get_pointer(data, pointers["run_id"]) == run.id
    assert get_pointer(data, pointers["status_field"]) == status_word(provider, "succeeded")
    assert webhooks.header_value(headers, _spec(provider)["signature_header"])


@pytest.mark.parametrize("provider", SIGNED_CALLBACKS)
def test_signature_is_computed_as_the_manifest_scheme_says(fake, receiver, provider):
    """Recomputed here from the scheme's definition (not with the runtime's signer), and the
    replay window: none where nothing is timestamped, `tolerance_seconds` where it is."""
    spec = _spec(provider)
    scheme = _scheme(spec)
    client, _, (body, headers) = _delivered(fake, receiver, provider)
    signature = webhooks.header_value(headers, spec["signature_header"])
    assert signature
    if scheme == webhooks.PLAIN:  # <hex HMAC-SHA256(secret, body)>, nothing timestamped
        assert signature == hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        stamp = None
    elif scheme == webhooks.TIMESTAMPED:  # t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>
        fields = dict(part.split("=", 1) for part in signature.split(","))
        stamp = int(fields["t"])
        mac = hmac.new(SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
        assert fields["v1"] == mac.hexdigest()
    elif scheme == webhooks.STANDARD:  # v1,<base64 HMAC(key, "id.timestamp.body")>
        names = webhooks.STANDARD_HEADERS
        msg_id = webhooks.header_value(headers, spec.get("id_header", names["id"]))
        stamp_text = webhooks.header_value(
            headers, spec.get("timestamp_header", names["timestamp"])
        )
        assert msg_id and stamp_text and stamp_text.isdigit()
        stamp = int(stamp_text)
        key = base64.b64decode(SECRET.removeprefix("whsec_"))
        mac = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256)
        assert "v1," + base64.b64encode(mac.digest()).decode() in signature.split()
    else:
        pytest.fail(f"{provider}: no check written for the signature scheme {scheme!r}")
    with client:
        parse = client.image_to_video.parse_callback
        if stamp is None:
            much_later = time.time() + 30 * 86400  # no timestamp is signed: no window exists
            parse(body, headers=headers, secret=SECRET, now=much_later)
            return
        tolerance = int(spec.get("tolerance_seconds", webhooks.DEFAULT_TOLERANCE))
        parse(body, headers=headers, secret=SECRET, now=stamp + tolerance - 1)
        with pytest.raises(errors.WebhookVerificationError, match="outside"):
            parse(body, headers=headers, secret=SECRET, now=stamp + tolerance + 1)


@pytest.mark.parametrize("provider", SIGNED_CALLBACKS)
def test_tampered_body_is_rejected(fake, receiver, provider):
    client, run, (body, headers) = _delivered(fake, receiver, provider)
    tampered = body.replace(run.id.encode(), b"another-run")
    assert tampered != body
    with client, pytest.raises(errors.WebhookVerificationError, match="does not match"):
        client.image_to_video.parse_callback(tampered, headers=headers, secret=SECRET)


@pytest.mark.parametrize("provider", SIGNED_CALLBACKS)
def test_wrong_secret_is_rejected(fake, receiver, provider):
    client, _, (body, headers) = _delivered(fake, receiver, provider)
    with client, pytest.raises(errors.WebhookVerificationError, match="does not match"):
        client.image_to_video.parse_callback(body, headers=headers, secret=OTHER_SECRET)


@pytest.mark.parametrize("provider", SIGNED_CALLBACKS)
def test_missing_header_is_rejected(fake, receiver, provider):
    client, _, (body, headers) = _delivered(fake, receiver, provider)
    name = _spec(provider)["signature_header"].lower()
    bare = {k: v for k, v in headers.items() if k.lower() != name}
    assert len(bare) == len(headers) - 1
    with client, pytest.raises(errors.WebhookVerificationError, match="missing"):
        client.image_to_video.parse_callback(body, headers=bare, secret=SECRET)


@pytest.mark.parametrize("provider", UNSIGNED_CALLBACKS)
def test_unsigned_callback_parses_and_refuses_a_secret(fake, receiver, provider):
    client, run, (body, headers) = _delivered(fake, receiver, provider)
    with client:
        parsed = client.image_to_video.parse_callback(body, headers=headers, secret=None)
        _parsed_as_declared(client.image_to_video, parsed, body)
        with pytest.raises(errors.ConfigurationError):
            client.image_to_video.parse_callback(body, headers=headers, secret=SECRET)
    data = json.loads(body)
    pointers = callback_pointers(provider)
    assert get_pointer(data, pointers["run_id"]) == run.id
    assert str(get_pointer(data, pointers["video_url"])).endswith(".mp4")


@pytest.mark.parametrize("provider", CALLBACKS)
def test_callback_arrives_where_the_manifest_says(fake, receiver, provider):
    """The URL travels as the manifest says (body field or query parameter); the body
    carries the run id, and the video where the manifest's `video_url` points (the
    callback's own pointers where its body is not the status body)."""
    callback = _spec(provider)
    gateway = fake(provider, callback_secret=SECRET, complete_after=0.05)
    with make_client(provider, gateway.url) as client:
        run = client.image_to_video.submit(request_for(provider), callback_url=receiver.url)
        receiver.wait_for(1)
        body, headers = receiver.received[0]
        secret = SECRET if "signature_header" in callback else None
        client.image_to_video.parse_callback(body, headers=headers, secret=secret)
    data = json.loads(body)
    pointers = callback_pointers(provider)
    assert get_pointer(data, pointers["run_id"]) == run.id
    assert str(get_pointer(data, pointers["video_url"])).endswith(f"{run.id}.mp4")
    task = task_of(provider, gateway.store.jobs[run.id].body)
    assert (callback["field"] in task) == (callback.get("in", "body") == "body")


def test_sign_and_verify_round_trip():
    body = json.dumps({"run_id": "r1"}).encode()
    header = webhooks.sign(SECRET, body)
    assert header == hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    webhooks.verify(SECRET, body, header)
    for malformed in ("v1=abc", f"t=1,v1={header}", header.upper(), header[:-1]):
        with pytest.raises(errors.WebhookVerificationError, match="malformed"):
            webhooks.verify(SECRET, body, malformed)


def test_timestamped_scheme_still_round_trips():
    body = json.dumps({"run_id": "r1"}).encode()
    header = webhooks.sign(SECRET, body, scheme="hmac-sha256-timestamped", timestamp=1_700_000_000)
    webhooks.verify(SECRET, body, header, scheme="hmac-sha256-timestamped", now=1_700_000_100)
    with pytest.raises(errors.WebhookVerificationError, match="malformed"):
        webhooks.verify(SECRET, body, "v1=abc", scheme="hmac-sha256-timestamped")
    with pytest.raises(errors.WebhookVerificationError, match="unknown signature scheme"):
        webhooks.verify(SECRET, body, header, scheme="md5")


def _callback_examples():
    """Every callback example of the catalog: (provider, endpoint, version, file)."""
    found = []
    for provider, endpoint, version in ENDPOINT_VERSIONS:
        folder = SCHEMAS_DIR / provider / endpoint / version / "examples"
        for path in sorted(
            [*folder.glob("callback-*.json"), *folder.glob("invalid-callback-*.json")]
        ):
            name = f"{provider}/{endpoint}@{version}/{path.stem}"
            found.append(pytest.param(provider, endpoint, version, path, id=name))
    return found


def _signed_headers(spec, body):
    """Headers signing `body` as the manifest's callback block says (the runtime's signer)."""
    scheme = _scheme(spec)
    if scheme != webhooks.STANDARD:
        return {spec["signature_header"]: webhooks.sign(SECRET, body, scheme=scheme)}
    made = webhooks.sign_headers(SECRET, body, msg_id="msg_example")
    names = webhooks.STANDARD_HEADERS
    return {
        spec.get("id_header", names["id"]): made[names["id"]],
        spec.get("timestamp_header", names["timestamp"]): made[names["timestamp"]],
        spec["signature_header"]: made[webhooks.STANDARD_SIGNATURE],
    }


@pytest.mark.parametrize(("provider", "endpoint", "version", "path"), _callback_examples())
def test_published_callback_examples_parse_and_invalid_ones_are_refused(
    provider, endpoint, version, path: Path
):
    """Each `examples/callback-*.json` of a version parses into that version's callback
    (verified first where the provider signs); each `invalid-callback-*.json` is refused."""
    body = path.read_bytes()
    spec = lifecycle(provider, endpoint, version).get("callback", {})
    with make_client(provider, "http://127.0.0.1:9") as client:
        versioned = resource(client, endpoint, version)
        if path.name.startswith("invalid-"):
            with pytest.raises(errors.ValidationError):
                versioned.parse_callback(body, headers={}, secret=None)
            return
        if "signature_header" in spec:
            headers = _signed_headers(spec, body)
            parsed = versioned.parse_callback(body, headers=headers, secret=SECRET)
        else:
            parsed = versioned.parse_callback(body, headers={}, secret=None)
    _parsed_as_declared(versioned, parsed, body)
    if versioned.spec.callback_model is not None:
        assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == json.loads(body)

"""Callbacks posted by the fake gateways, verified and parsed by the client helpers."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from kling_gateways._runtime import errors, webhooks
from kling_gateways._runtime.http import get_pointer

from .conftest import CALLBACKS, lifecycle, make_client, request_for

SECRET = "whsec_dGVzdC1zaWduaW5nLWtleS0xMjM="  # whsec_<base64>, as Standard Webhooks wants


def _runflow_callback(fake, receiver):
    gateway = fake("runflow", callback_secret=SECRET, complete_after=0.05)
    client = make_client("runflow", gateway.url)
    run = client.image_to_video.submit(request_for("runflow"), callback_url=receiver.url)
    receiver.wait_for(1)
    return client, run, receiver.received[0]


def test_signed_callback_verifies_and_parses(fake, receiver):
    client, run, (body, headers) = _runflow_callback(fake, receiver)
    callback = client.image_to_video.parse_callback(body, headers=headers, secret=SECRET)
    assert type(callback).__name__ == "Callback"
    assert callback.run_id == run.id and callback.event == "run.completed"
    assert "runflow-signature" in headers


def test_tampered_body_is_rejected(fake, receiver):
    client, _, (body, headers) = _runflow_callback(fake, receiver)
    tampered = body.replace(b"run.completed", b"run.failed")
    with pytest.raises(errors.WebhookVerificationError, match="does not match"):
        client.image_to_video.parse_callback(tampered, headers=headers, secret=SECRET)


def test_signature_is_plain_hex_hmac_of_the_raw_body(fake, receiver):
    """Runflow's guide: `Runflow-Signature: <hex>` = HMAC-SHA256(secret, raw body), 64 hex
    characters, no timestamp (https://docs.runflow.io/guides/verify-callback-signatures)."""
    client, _, (body, headers) = _runflow_callback(fake, receiver)
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert webhooks.header_value(headers, "Runflow-Signature") == expected
    much_later = time.time() + 30 * 86400  # no timestamp is signed: no replay window exists
    client.image_to_video.parse_callback(body, headers=headers, secret=SECRET, now=much_later)


def test_wrong_secret_is_rejected(fake, receiver):
    client, _, (body, headers) = _runflow_callback(fake, receiver)
    with pytest.raises(errors.WebhookVerificationError):
        client.image_to_video.parse_callback(body, headers=headers, secret="whsec-other")


def test_missing_header_is_rejected(fake, receiver):
    client, _, (body, headers) = _runflow_callback(fake, receiver)
    bare = {k: v for k, v in headers.items() if k.lower() != "runflow-signature"}
    with pytest.raises(errors.WebhookVerificationError, match="missing"):
        client.image_to_video.parse_callback(body, headers=bare, secret=SECRET)


def test_unsigned_runware_webhook_parses_and_refuses_a_secret(fake, receiver):
    gateway = fake("runware", complete_after=0.05)
    client = make_client("runware", gateway.url)
    run = client.image_to_video.submit(request_for("runware"), callback_url=receiver.url)
    receiver.wait_for(1)
    body, headers = receiver.received[0]
    payload = client.image_to_video.parse_callback(body, headers=headers, secret=None)
    assert payload["taskUUID"] == run.id and payload["videoURL"].endswith(".mp4")
    with pytest.raises(errors.ConfigurationError):
        client.image_to_video.parse_callback(body, headers=headers, secret=SECRET)


@pytest.mark.parametrize("provider", CALLBACKS)
def test_callback_arrives_where_the_manifest_says(fake, receiver, provider):
    """The URL travels as the manifest says (body field or query parameter); the body
    carries the run id, and the video where the manifest's `video_url` points (the
    callback's own pointers where its body is not the status body)."""
    spec = lifecycle(provider)
    callback = spec["callback"]
    gateway = fake(provider, callback_secret=SECRET, complete_after=0.05)
    with make_client(provider, gateway.url) as client:
        run = client.image_to_video.submit(request_for(provider), callback_url=receiver.url)
        receiver.wait_for(1)
        body, headers = receiver.received[0]
        secret = SECRET if "signature_header" in callback else None
        client.image_to_video.parse_callback(body, headers=headers, secret=secret)
    data = json.loads(body)
    assert get_pointer(data, callback.get("run_id", spec["run_id"])) == run.id
    video_at = callback.get("video_url", spec["video_url"])
    assert str(get_pointer(data, video_at)).endswith(f"{run.id}.mp4")
    sent = gateway.store.jobs[run.id].body
    task = sent[0] if isinstance(sent, list) else sent
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


def test_published_callback_envelopes_parse(fake):
    """Runflow's callbacks page: run.partial_succeeded, and batch callbacks with batch_id."""
    client = make_client("runflow", fake("runflow").url)
    partial = {"event": "run.partial_succeeded", "run_id": "r1", "status": "partial_succeeded",
               "output": {"outputs": [{"url": "https://x.test/v.mp4"}]}}  # fmt: skip
    batch = {"event": "batch.succeeded", "batch_id": "b1", "status": "succeeded",
             "output": {"items": [], "succeeded": 0, "failed": 0, "cancelled": 0, "total": 0}}  # fmt: skip
    for payload in (partial, batch):
        body = json.dumps(payload).encode()
        headers = {"Runflow-Signature": webhooks.sign(SECRET, body)}
        callback = client.image_to_video.parse_callback(body, headers=headers, secret=SECRET)
        assert callback.event == payload["event"]
    both_ids = json.dumps({**batch, "run_id": "r1"}).encode()
    with pytest.raises(errors.ValidationError):
        client.image_to_video.parse_callback(both_ids, headers={}, secret=None)

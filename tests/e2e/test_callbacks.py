"""Callbacks posted by the fake gateways, verified and parsed by the client helpers."""

from __future__ import annotations

import json
import time

import pytest

from kling_gateways._runtime import errors, webhooks
from kling_gateways._runtime.http import get_pointer

from .conftest import CALLBACKS, lifecycle, make_client, request_for

SECRET = "whsec-test-123"


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


def test_replayed_callback_is_rejected(fake, receiver):
    client, _, (body, headers) = _runflow_callback(fake, receiver)
    later = time.time() + 301
    with pytest.raises(errors.WebhookVerificationError, match="outside 300 s"):
        client.image_to_video.parse_callback(body, headers=headers, secret=SECRET, now=later)


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
    carries the run id, and the video where the manifest's `video_url` points."""
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
    assert str(get_pointer(data, spec["video_url"])).endswith(f"{run.id}.mp4")
    sent = gateway.store.jobs[run.id].body
    task = sent[0] if isinstance(sent, list) else sent
    assert (callback["field"] in task) == (callback.get("in", "body") == "body")


def test_sign_and_verify_round_trip():
    body = json.dumps({"run_id": "r1"}).encode()
    header = webhooks.sign(SECRET, body, timestamp=1_700_000_000)
    webhooks.verify(SECRET, body, header, now=1_700_000_100)
    with pytest.raises(errors.WebhookVerificationError, match="malformed"):
        webhooks.verify(SECRET, body, "v1=abc", now=1_700_000_100)

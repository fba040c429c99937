"""Unit tests of the runtime pieces that need no server."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kling_gateways._runtime import errors, files, webhooks
from kling_gateways._runtime.lifecycle import engine, find_video_url
from kling_gateways._runtime.pointer import get_pointer, set_pointer
from kling_gateways._runtime.retry import RetryPolicy, parse_retry_after
from kling_gateways._runtime.secrets import Secret, redact


def test_backoff_grows_and_is_capped_and_jittered():
    policy = RetryPolicy(initial_delay=1.0, max_delay=4.0, rng=random.Random(1))
    delays = [policy.delay(n) for n in range(6)]
    assert all(0 <= d <= 4.0 for d in delays)
    assert RetryPolicy(jitter=False, initial_delay=1, max_delay=4).delay(5) == 4
    assert RetryPolicy(jitter=False, initial_delay=0.1).delay(0, retry_after=3) == 3


def test_retry_after_parsing():
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480) == 10.0


def test_secret_is_masked_everywhere():
    secret = Secret("sk-123")
    assert "sk-123" not in repr(secret) + str(secret) + f"{secret}"
    assert redact("key sk-123 here", secret) == "key ********** here"


def test_pointers():
    doc = {"errors": [{"message": "boom"}]}
    assert get_pointer(doc, "/errors/0/message") == "boom"
    assert get_pointer(doc, "/errors/5/message", "x") == "x"
    target: dict[str, object] = {}
    set_pointer(target, "/a/b", 1)
    assert target == {"a": {"b": 1}}


def test_status_vocabulary_maps_and_unknown_is_running():
    spec = {
        "kind": "queue",
        "submit": {"method": "POST", "path": "/"},
        "statuses": {"queued": ["in_queue"], "succeeded": ["completed"]},
    }
    life = engine(spec)
    assert life.common_status("in_queue", default="queued") == "queued"
    assert life.common_status("completed", default="queued") == "succeeded"
    assert life.common_status("weird", default="queued") == "running"
    with pytest.raises(errors.UnsupportedOperationError):
        life.cancel_call("r1")


def test_find_video_url_in_each_provider_shape():
    assert find_video_url({"video": {"url": "https://a/v.mp4"}}) == "https://a/v.mp4"
    assert find_video_url({"output": {"video": "https://b/v.mp4"}}) == "https://b/v.mp4"
    assert find_video_url({"videoURL": "https://c/v.mp4", "cost": 1}) == "https://c/v.mp4"
    assert (
        find_video_url({"output": {"outputs": [{"url": "https://d/v.mp4"}]}}) == "https://d/v.mp4"
    )


def test_local_files_inline_or_fail_clearly(tmp_path: Path):
    image = tmp_path / "cat.png"
    image.write_bytes(b"\x89PNG")
    inlined = files.resolve_files({"img": image}, mode="data-uri")
    assert inlined["img"].startswith("data:image/png;base64,")
    with pytest.raises(errors.FileInputError, match=r"/input/start_image_url.*needs a URL"):
        files.resolve_files({"input": {"start_image_url": image}}, mode="url", provider="runflow")


def test_webhook_tolerance_window():
    header = webhooks.sign("s", b"{}", timestamp=1000)
    webhooks.verify("s", b"{}", header, now=1000 + 299)
    with pytest.raises(errors.WebhookVerificationError):
        webhooks.verify("s", b"{}", header, now=1000 + 301)

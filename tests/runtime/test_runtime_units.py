"""Unit tests of the runtime pieces that need no server."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from kling_gateways._runtime import errors, files, webhooks
from kling_gateways._runtime.http import Reply
from kling_gateways._runtime.lifecycle import Run, engine, find_video_url, video_url_at
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


QUEUE = {
    "kind": "queue",
    "submit": {"method": "POST", "path": "/models/x"},
    "status": {"method": "GET", "path": "/requests/{run_id}/status"},
    "run_id": "/request_id",
    "statuses": {"queued": ["IN_QUEUE"], "succeeded": ["COMPLETED"]},
}


def test_callback_url_as_a_query_parameter_or_a_body_field():
    query = engine({**QUEUE, "callback": {"field": "hook", "in": "query"}})
    body = query.prepare({"prompt": "x"}, callback_url="https://me.test/h?a=1&b=2")
    call = query.submit_call(body, callback_url="https://me.test/h?a=1&b=2")
    assert body == {"prompt": "x"}
    assert call.path == "/models/x?hook=https%3A%2F%2Fme.test%2Fh%3Fa%3D1%26b%3D2"
    field = engine({**QUEUE, "callback": {"field": "hook"}})
    body = field.prepare({"prompt": "x"}, callback_url="https://me.test/h")
    assert body["hook"] == "https://me.test/h"
    assert field.submit_call(body, callback_url="https://me.test/h").path == "/models/x"
    with pytest.raises(errors.UnsupportedOperationError):
        engine(QUEUE).prepare({}, callback_url="https://me.test/h")


def _reply(data: object) -> Reply:
    import httpx

    return Reply(data, httpx.Response(200, json=data))


def test_a_succeeded_status_carrying_an_error_is_failed():
    life = engine({**QUEUE, "error_field": "/error"})
    failed = life.parse_status(_reply({"status": "COMPLETED", "error": "NSFW"}), "r1")
    assert failed.status == "failed" and failed.provider_status == "COMPLETED"
    for quiet in (None, "", {}):
        done = life.parse_status(_reply({"status": "COMPLETED", "error": quiet}), "r1")
        assert done.status == "succeeded"
    plain = engine(QUEUE).parse_status(_reply({"status": "COMPLETED", "error": "x"}), "r1")
    assert plain.status == "succeeded"  # no error_field declared: the word decides


def test_video_url_at_the_manifest_pointer():
    body = {"video": {"url": "https://a/v.mp4"}, "preview": {"video_url": "https://a/p.mp4"}}
    assert video_url_at(body, "/video/url") == "https://a/v.mp4"
    assert video_url_at({"outputs": [{"video": {"url": "u"}}]}, "/outputs/0/video/url") == "u"
    assert video_url_at(body, "/nothing") is None and video_url_at({"v": 3}, "/v") is None
    assert video_url_at({"videoURL": "https://c/v.mp4"}, None) == "https://c/v.mp4"
    fields = {"provider": "p", "endpoint": "e", "provider_status": "COMPLETED"}
    run = Run(id="r", status="succeeded", raw=body, video_pointer="/video/url", **fields)
    assert run.video_url == "https://a/v.mp4"
    assert (
        Run(id="r", status="failed", raw=body, video_pointer="/video/url", **fields).video_url
        is None
    )


def test_local_files_inline_or_fail_clearly(tmp_path: Path):
    image = tmp_path / "cat.png"
    image.write_bytes(b"\x89PNG")
    inlined = files.resolve_files({"img": image}, mode="data-uri")
    assert inlined["img"].startswith("data:image/png;base64,")
    with pytest.raises(errors.FileInputError, match=r"/input/start_image_url: acme needs a URL"):
        files.resolve_files({"input": {"start_image_url": image}}, mode="url", provider="acme")


def test_webhook_tolerance_window():
    scheme = "hmac-sha256-timestamped"
    header = webhooks.sign("s", b"{}", scheme=scheme, timestamp=1000)
    webhooks.verify("s", b"{}", header, scheme=scheme, now=1000 + 299)
    with pytest.raises(errors.WebhookVerificationError):
        webhooks.verify("s", b"{}", header, scheme=scheme, now=1000 + 301)


def test_payload_without_files_is_not_copied_and_tuples_still_become_lists(tmp_path: Path):
    payload = {"input": {"prompt": "a cat", "images": ["https://x.test/a.png"]}}
    assert files.resolve_files(payload, mode="url") is payload
    assert files.resolve_files({"images": ("a", "b")}, mode="url") == {"images": ["a", "b"]}
    image = tmp_path / "cat.png"
    image.write_bytes(b"\x89PNG")
    deep = {"input": {"frames": [{"image": image}]}}
    inlined = files.resolve_files(deep, mode="base64")
    assert inlined["input"]["frames"][0]["image"] == "iVBORw=="
    assert deep["input"]["frames"][0]["image"] == image  # the caller's payload is untouched


def test_validator_lists_each_error_once_sorted_and_is_valid_is_the_compiled_check():
    from kling_gateways._runtime.validation import Issue, SchemaValidator

    schema = {
        "type": "object",
        "required": ["b", "a"],
        "properties": {"n": {"type": "integer", "maximum": 3}, "m": {"minimum": 5}},
    }
    validator = SchemaValidator(json.dumps(schema))
    assert validator.is_valid({"a": 1, "b": 2}) is True  # compiles on first use
    assert validator.is_valid({"a": 1}) is False
    one = validator.validate({"a": 1, "b": 2, "n": 9})
    assert one == [Issue("/n", "9 is greater than the maximum of 3")]
    several = validator.validate({"n": 9, "m": 1})
    assert several == sorted(several) and len(several) == len(set(several)) == 4
    assert [i.pointer for i in several] == ["", "", "/m", "/n"]
    assert validator.validate({"a": 1, "b": 2}) == []


def test_constant_fields_are_found_once_per_model_and_filled_when_missing():
    from typing import Literal

    import pydantic

    from kling_gateways._runtime import client

    class Task(pydantic.BaseModel):
        taskType: Literal["videoInference"]
        model: Literal["kling:3"] = "kling:3"  # has a default: not filled
        prompt: str

    class Tasks(pydantic.RootModel[list[Task]]):
        pass

    assert client._constants(Task) == (False, (("taskType", "videoInference"),))
    assert client._constants(Tasks) is client._constants(Tasks)
    single: dict[str, object] = {"prompt": "p"}
    client._fill_constants(Task, single)
    assert single == {"prompt": "p", "taskType": "videoInference"}
    array: list[object] = [{"prompt": "p", "taskType": "other"}, "not a task"]
    client._fill_constants(Tasks, array)
    assert array == [{"prompt": "p", "taskType": "other"}, "not a task"]
    client._fill_constants(Task, [{"prompt": "p"}])  # a list for a non-array model: untouched


@pytest.mark.parametrize(
    ("items", "duplicate"),
    [
        ([{"id": 1}, {"id": 1.0}], True),  # JSON Schema compares numbers by value
        ([{"id": True}, {"id": 1}], False),  # true is not 1
        ([{"id": False}, {"id": 0}], False),
        ([{"id": None}, {"id": None}], True),
        ([{"id": {"a": 1, "b": [2]}}, {"id": {"b": [2], "a": 1}}], True),  # key order aside
        ([{"id": [1, 2]}, {"id": [2, 1]}], False),
        ([{"id": "1"}, {"id": 1}], False),
        ([{"id": "a"}, {"other": "a"}, {"id": "b"}], False),
    ],
)
def test_unique_keys_compare_values_as_json_schema_does(items: list[Any], duplicate: bool) -> None:
    from kling_gateways._runtime.validation import SchemaValidator

    validator = SchemaValidator(json.dumps({"type": "array", "x-unique-keys": ["id"]}))
    issues = validator.validate(items)
    assert bool(issues) is duplicate and validator.is_valid(items) is not duplicate
    if duplicate:
        assert "must be unique per item" in issues[0].message

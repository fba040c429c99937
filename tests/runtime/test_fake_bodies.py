"""The fake gateway's bodies: synthesized from a schema, or an example, with the run's
state written where the manifest points."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from codegen.fake import bodies, shapes
from codegen.fake.state import Job

STATUS = {
    "type": "object",
    "required": ["state", "id", "meta", "tags", "when"],
    "properties": {
        "state": {"type": "string", "enum": ["WAITING", "DONE"]},
        "id": {"type": "string", "format": "uuid"},
        "meta": {"$ref": "#/$defs/Meta"},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "when": {"type": ["null", "string"], "format": "date-time"},
        "optional": {"type": "integer"},
    },
    "$defs": {
        "Meta": {
            "type": "object",
            "required": ["count", "ok", "kind"],
            "properties": {
                "count": {"type": "integer", "minimum": 2},
                "ok": {"type": "boolean"},
                "kind": {"anyOf": [{"type": "null"}, {"const": "video"}]},
            },
        }
    },
}
LIFECYCLE = {
    "kind": "queue",
    "run_id": "/id",
    "status_field": "/state",
    "error_field": "/failure/reason",
    "video_url": "/outputs/0/video/url",
    "statuses": {"queued": ["WAITING"], "succeeded": ["DONE"]},
}


def test_a_synthesized_body_is_valid_against_its_schema() -> None:
    body = bodies.instance(STATUS, root=STATUS)
    jsonschema.Draft202012Validator(STATUS).validate(body)
    assert body["meta"] == {"count": 2, "ok": False, "kind": "video"}
    assert "optional" not in body and len(body["tags"]) == 1


def _job(folder: Path) -> Job:
    return Job(
        id="run-1",
        endpoint="image-to-video",
        version="2026-01-01",
        lifecycle=LIFECYCLE,
        body={},
        key="k",
        templates=bodies.templates(folder, "queue"),
        video_pointer=LIFECYCLE["video_url"],
    )


def test_state_goes_where_the_manifest_points(tmp_path: Path) -> None:
    (tmp_path / "status.json").write_text(json.dumps(STATUS))
    (tmp_path / "response.json").write_text(json.dumps({"type": "object"}))
    job = _job(tmp_path)
    assert shapes.status(job, "queued")["state"] == "WAITING"
    done = shapes.result(job, "succeeded")
    assert done["outputs"] == [{"video": {"url": "https://fake.invalid/videos/run-1.mp4"}}]
    failed = shapes.status(job, "failed")  # no failed word: DONE with the error inside
    assert failed["state"] == "DONE" and failed["failure"]["reason"] and failed["id"] == "run-1"


def test_an_example_is_the_template_when_there_is_one(tmp_path: Path) -> None:
    (tmp_path / "status.json").write_text(json.dumps(STATUS))
    (tmp_path / "examples").mkdir()
    example = {"state": "WAITING", "id": "x", "position": 4}
    (tmp_path / "examples" / "status-waiting.json").write_text(json.dumps(example))
    body = shapes.status(_job(tmp_path), "queued")
    assert body == {"state": "WAITING", "id": "run-1", "position": 4}


def test_pointers_that_cannot_fit_the_body_are_skipped() -> None:
    doc = {"items": [1], "name": "x"}
    shapes.set_pointer(doc, "/items/key", "v")  # a list takes only indexes
    shapes.set_pointer(doc, "/items/999999", "v")  # never grown that far
    shapes.set_pointer(doc, "/name/inner", "v")  # a string is replaced by an object
    shapes.set_pointer(doc, "/list/0/url", "u")
    assert doc == {"items": [1], "name": {"inner": "v"}, "list": [{"url": "u"}]}
    shapes.remove_pointer(doc, "/list/0/url")
    shapes.remove_pointer(doc, "/missing/deep")
    assert doc["list"] == [{}]

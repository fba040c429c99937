"""The scaffold looks through request envelopes: a body nested under one property (e.g.
{"input": {...}}) and a body that is a one-task array. The canonical fields are found inside,
and the mapping's envelope says how to wrap them. Documents are variants of our own fixture."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.runtime import runtime_module

from .conftest import FIXTURES, NEW, fill_todos, run_cli

KEY = f"{NEW}/image-to-video"
INPUT = {"$ref": "#/components/schemas/ImageToVideoInput"}


def _variant(tmp_path: Path, body: dict[str, Any]) -> Path:
    """The fixture document with the submit call's body schema replaced by `body`."""
    doc = json.loads((FIXTURES / "queue-3.0.json").read_text(encoding="utf-8"))
    doc["components"]["schemas"]["Body"] = body
    for operations in doc["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                content = operation["requestBody"]["content"]["application/json"]
                content["schema"] = {"$ref": "#/components/schemas/Body"}
    path = tmp_path / "variant.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _scaffold(catalog: Path, document: Path) -> dict[str, Any]:
    done = run_cli("import", KEY, str(document), "--version", "2026-11-01",
                   "--schemas", str(catalog), "--source-url", "https://queue.gateway.test/o.json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    mapping: dict[str, Any] = yaml.safe_load(
        (catalog / NEW / "image-to-video" / "mapping.yaml").read_text(encoding="utf-8")
    )
    return mapping


ENVELOPES = {
    "nested under input": (
        {"type": "object", "required": ["input"], "properties": {"input": INPUT}},
        [{"step": "nest", "key": "input"}],
    ),
    "one-task array": (
        {"type": "array", "minItems": 1, "maxItems": 1, "items": INPUT},
        [{"step": "array"}],
    ),
    "array of tasks nested under input": (
        {"type": "array", "items": {"type": "object", "properties": {"input": INPUT}}},
        [{"step": "nest", "key": "input"}, {"step": "array"}],
    ),
}


@pytest.mark.parametrize("case", sorted(ENVELOPES))
def test_fields_are_found_inside_the_envelope(catalog: Path, tmp_path: Path, case: str) -> None:
    body, steps = ENVELOPES[case]
    flat = _scaffold(catalog, FIXTURES / "queue-3.0.json")["request"]
    shutil.rmtree(catalog / NEW)  # start over: the variant as a new provider
    mapping = _scaffold(catalog, _variant(tmp_path, body))
    assert mapping["request"]["envelope"] == steps
    assert mapping["request"]["fields"] == flat["fields"]  # the same fields as unwrapped
    assert mapping["request"]["fields"]["prompt"] == {"to": "prompt"}
    assert "envelope" not in flat


def test_an_envelope_scaffold_generates_once_filled(catalog: Path, tmp_path: Path) -> None:
    body, _ = ENVELOPES["nested under input"]
    _scaffold(catalog, _variant(tmp_path, body))
    fill_todos(catalog / NEW / "manifest.yaml")
    fill_todos(catalog / NEW / "image-to-video" / "mapping.yaml")
    out = tmp_path / "out"
    done = run_cli("generate", "--schemas", str(catalog), "--out", str(out))
    assert done.returncode == 0, done.stderr
    mapping = yaml.safe_load((catalog / NEW / "image-to-video" / "mapping.yaml").read_text())
    runtime = runtime_module("mapping")
    request = {"prompt": "a cat turns", "start_image": "https://x.test/cat.png"}
    payload, _ = runtime.translate_request(request, mapping=mapping)
    assert payload == {
        "input": {"prompt": "a cat turns", "start_image_url": "https://x.test/cat.png"}
    }

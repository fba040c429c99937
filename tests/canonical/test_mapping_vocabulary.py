"""Mapping vocabulary on throwaway mappings:
json_text, an integer item index, `set` with `when`, inline_file as bare base64, lookup keys
for booleans."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


def _mapping(
    fields: dict[str, Any], envelope: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "provider": "acme",
        "endpoint": "image-to-video",
        "canonical": "image-to-video",
        "version": "2026-01-01",
        "request": {"fields": fields, "envelope": envelope or []},
        "result": {"fields": {"video_url": {"from": ["video"]}}},
    }


SHOTS = [{"prompt": "a", "duration": 3}, {"prompt": 'b <"x">', "duration": 5}]


def test_json_text_writes_the_shots_as_compact_json(runtime: ModuleType) -> None:
    fields = {"multi_prompt": {"to": "shots", "transforms": [{"name": "json_text"}]}}
    payload, _ = runtime.translate_request({"multi_prompt": SHOTS}, mapping=_mapping(fields))
    assert isinstance(payload["shots"], str)
    assert json.loads(payload["shots"]) == SHOTS
    assert " " not in payload["shots"].replace("b <", "")  # compact separators


def test_integer_index_numbers_items_from_one(runtime: ModuleType) -> None:
    item = {
        "name": "object",
        "index": {"to": "index", "type": "integer"},
        "fields": {"prompt": {"to": "prompt"}, "duration": {"to": "duration"}},
    }
    fields = {
        "multi_prompt": {"to": "shots", "transforms": [{"name": "each", "transforms": [item]}]}
    }
    payload, _ = runtime.translate_request({"multi_prompt": SHOTS}, mapping=_mapping(fields))
    assert [shot["index"] for shot in payload["shots"]] == [1, 2]
    string_index = {**item, "index": {"to": "id", "format": "shot_{n}"}}
    fields["multi_prompt"]["transforms"][0]["transforms"] = [string_index]
    payload, _ = runtime.translate_request({"multi_prompt": SHOTS}, mapping=_mapping(fields))
    assert [shot["id"] for shot in payload["shots"]] == ["shot_1", "shot_2"]


def test_set_when_adds_values_only_if_the_path_was_sent(runtime: ModuleType) -> None:
    fields = {"prompt": {"to": "prompt"}, "multi_prompt": {"to": "shots"}}
    envelope = [{"step": "set", "when": "shots", "values": {"multi_shot": True}}]
    mapping = _mapping(fields, envelope)
    with_shots, _ = runtime.translate_request({"multi_prompt": SHOTS}, mapping=mapping)
    without, _ = runtime.translate_request({"prompt": "one shot"}, mapping=mapping)
    assert with_shots["multi_shot"] is True
    assert "multi_shot" not in without


def test_inline_file_as_base64_strips_or_reads(runtime: ModuleType, tmp_path: Path) -> None:
    fields = {
        "start_image": {"to": "image", "transforms": [{"name": "inline_file", "as": "base64"}]}
    }
    mapping = _mapping(fields)
    image = tmp_path / "frame.png"
    image.write_bytes(b"\x89PNG-bytes")
    encoded = base64.b64encode(b"\x89PNG-bytes").decode()
    for value, sent in (
        (str(image), encoded),
        (f"data:image/png;base64,{encoded}", encoded),
        ("https://x.test/a.png", "https://x.test/a.png"),
    ):
        payload, _ = runtime.translate_request(
            {"start_image": value}, mapping=mapping, local_files=True, file_inputs="base64"
        )
        assert payload["image"] == sent
    with pytest.raises(runtime.TranslationError, match="base64 data URI"):
        runtime.translate_request({"start_image": "data:text/plain,hello"}, mapping=mapping)


def test_lookup_takes_booleans_by_their_json_spelling(runtime: ModuleType) -> None:
    table = {"true": "on", "false": "off"}
    fields = {"generate_audio": {"to": "sound", "transforms": [{"name": "lookup", "table": table}]}}
    for value, sent in ((True, "on"), (False, "off")):
        payload, _ = runtime.translate_request({"generate_audio": value}, mapping=_mapping(fields))
        assert payload["sound"] == sent

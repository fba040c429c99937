"""The mapping interpreter (`_runtime/mapping.py`), one rule at a time, on small mappings.

Every transform, policy, path form, envelope step and reader is stated here with the value
it must produce, and every type guard with the toolkit's own error (TranslationError for a
request or result the mapping cannot take, MappingError for a malformed mapping), never a
raw TypeError or AttributeError.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path
from typing import Any

import pytest

from kling_gateways._runtime.mapping import (
    MAX_FILE_BYTES,
    TRANSFORMS,
    MappingError,
    TranslationError,
    describe,
    describe_envelope,
    describe_result,
    locate,
    read_regular_file,
    resolve,
    translate_request,
    translate_result,
)


def _mapping(fields: dict[str, Any], **request: Any) -> dict[str, Any]:
    return {
        "provider": "acme",
        "endpoint": "image-to-video",
        "version": "2026-01-01",
        "request": {"fields": fields, **request},
        "result": {"fields": {"video_url": {"from": ["video.url", "url"]}}},
    }


def _send(fields: dict[str, Any], request: dict[str, Any], **options: Any) -> tuple[Any, list[str]]:
    """Translate for a provider that takes data URIs, with local files allowed."""
    return translate_request(
        request,
        mapping=_mapping(fields, **options),
        make_id=lambda: "id-1",
        local_files=True,
        file_inputs="data-uri",
    )


def _one(transform: str, value: Any, **options: Any) -> Any:
    fields = {"x": {"to": "y", "transforms": [{"name": transform, **options}]}}
    return _send(fields, {"x": value})[0]["y"]


# -- transforms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [(5, 5), (5.0, 5), ("5", 5), (" 7 ", 7), ("-3", -3), (0, 0)]
)
def test_to_integer_accepts_whole_numbers(value: Any, expected: int) -> None:
    result = _one("to_integer", value)
    assert result == expected and type(result) is int


@pytest.mark.parametrize("value", [True, False, 5.5, "5s", "", "1e3", None, [5], {"n": 5}])
def test_to_integer_refuses_everything_else(value: Any) -> None:
    request = {"x": value}
    if value is None:  # None means "not given": nothing to translate, nothing sent
        assert _send({"x": {"to": "y", "transforms": [{"name": "to_integer"}]}}, request)[0] == {}
        return
    with pytest.raises(TranslationError, match=r"^x: expected whole seconds") as info:
        _one("to_integer", value)
    assert info.value.field == "x"


@pytest.mark.parametrize(("value", "expected"), [(5, "5"), (10, "10"), ("5", "5"), (-1, "-1")])
def test_to_string_gives_the_decimal_text(value: Any, expected: str) -> None:
    assert _one("to_string", value) == expected


@pytest.mark.parametrize("value", [True, 5.0, None, [1], {"a": 1}])
def test_to_string_refuses_what_is_not_an_integer(value: Any) -> None:
    if value is None:
        return
    with pytest.raises(TranslationError, match=r"^x: expected an integer"):
        _one("to_string", value)


def test_lookup_replaces_by_the_value_as_text_and_names_what_is_known() -> None:
    table = {"5": "five", "10": {"n": 10}, "true": 1}
    assert _one("lookup", 5, table=table) == "five"
    assert _one("lookup", "10", table=table) == {"n": 10}
    with pytest.raises(
        TranslationError, match=r"^x: acme/image-to-video cannot express 7 \(10, 5, true\)"
    ):
        _one("lookup", 7, table=table)


def test_element_refs_rewrites_every_reference_and_only_text() -> None:
    fmt = "<<<element_{n}>>>"
    assert _one("element_refs", "@Element1 meets @Element12", format=fmt) == (
        "<<<element_1>>> meets <<<element_12>>>"
    )
    assert _one("element_refs", "no refs, @element1 lower case", format=fmt) == (
        "no refs, @element1 lower case"
    )
    with pytest.raises(TranslationError, match=r"^x: expected text"):
        _one("element_refs", 3, format=fmt)


def test_inline_file_keeps_urls_and_reads_local_files(tmp_path: Path) -> None:
    for url in ("https://x.test/a.png", "s3://bucket/a.png", "data:image/png;base64,AA=="):
        assert _one("inline_file", url) == url
    image = tmp_path / "cat.png"
    image.write_bytes(b"\x89PNG")
    assert _one("inline_file", str(image)) == "data:image/png;base64,iVBORw=="
    blob = tmp_path / "blob.unknownext"
    blob.write_bytes(b"\x00")
    assert _one("inline_file", str(blob)) == "data:application/octet-stream;base64,AA=="


def test_inline_file_refusals_name_the_field(tmp_path: Path) -> None:
    reason = re.escape(os.strerror(errno.ENOENT))
    with pytest.raises(
        TranslationError, match=rf"^x: cannot read local file .*missing\.png': {reason}$"
    ):
        _one("inline_file", str(tmp_path / "missing.png"))
    with pytest.raises(TranslationError, match=r"^x: expected a URL, data URI or path"):
        _one("inline_file", 42)


def test_wrap_and_list() -> None:
    assert _one("wrap", "u", key="image") == {"image": "u"}
    assert _one("wrap", "u", key="image", **{"with": {"frame": "first"}}) == {
        "image": "u",
        "frame": "first",
    }
    assert _one("list", "v") == ["v"]
    assert _one("list", ["v"]) == [["v"]]


def test_each_applies_its_steps_to_every_item_and_refuses_a_non_list() -> None:
    assert _one("each", [1, 2], transforms=[{"name": "to_string"}]) == ["1", "2"]
    assert _one("each", [], transforms=[{"name": "to_string"}]) == []
    with pytest.raises(TranslationError, match=r"^x: expected a list"):
        _one("each", "1", transforms=[{"name": "to_string"}])
    with pytest.raises(TranslationError, match=r"^x\[1\]: expected an integer"):
        _one("each", [1, True, 2], transforms=[{"name": "to_string"}])


def test_object_maps_fields_adds_constants_and_refuses_a_non_object() -> None:
    options = {"fields": {"a": {"to": "A"}}, "with": {"kind": "k"}}
    assert _one("object", {"a": 1}, **options) == {"A": 1, "kind": "k"}
    with pytest.raises(TranslationError, match=r"^x: expected an object"):
        _one("object", [1], **options)
    with pytest.raises(TranslationError, match=r"^x\.b: not a field acme/image-to-video maps"):
        _one("object", {"b": 1}, **options)


def test_object_index_numbers_items_inside_each_and_is_1_outside() -> None:
    element = {
        "name": "object",
        "index": {"to": "id", "format": "element_{n}"},
        "fields": {"image": {"to": "img"}},
    }
    inside = _one("each", [{"image": "a"}, {"image": "b"}, {}], transforms=[element])
    assert inside == [
        {"id": "element_1", "img": "a"},
        {"id": "element_2", "img": "b"},
        {"id": "element_3"},
    ]
    outside = _one("object", {"image": "a"}, **{k: v for k, v in element.items() if k != "name"})
    assert outside == {"id": "element_1", "img": "a"}


def test_nested_errors_name_the_item_and_field() -> None:
    element = {
        "name": "object",
        "fields": {"n": {"to": "n", "transforms": [{"name": "to_integer"}]}},
    }
    with pytest.raises(TranslationError) as info:
        _one("each", [{"n": 1}, {"n": "x"}], transforms=[element])
    assert info.value.field == "x[1].n"


def test_unknown_transform_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="unknown transform 'nope'"):
        _one("nope", 1)
    assert {"to_string", "to_integer", "lookup", "each", "object"} <= set(TRANSFORMS)


# -- fields, policies, paths -------------------------------------------------------------


def test_unknown_request_field_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(
        TranslationError, match=r"^seed: not a field acme/image-to-video maps \(known: prompt\)"
    ):
        _send({"prompt": {"to": "p"}}, {"prompt": "a", "seed": 1})
    assert _send({"prompt": {"to": "p"}}, {"prompt": "a", "seed": None}) == ({"p": "a"}, [])


def test_defaults_fill_what_the_request_leaves_out() -> None:
    fields = {"duration": {"to": "d"}, "prompt": {"to": "p"}}
    payload, _ = _send(fields, {"prompt": "a"}, defaults={"duration": 5})
    assert payload == {"d": 5, "p": "a"}
    payload, _ = _send(fields, {"prompt": "a", "duration": 10}, defaults={"duration": 5})
    assert payload == {"d": 10, "p": "a"}


def test_unsupported_policies() -> None:
    fields: dict[str, Any] = {
        "a": {"unsupported": "error", "reason": "no A"},
        "b": {"unsupported": "drop", "reason": "no B"},
        "c": {"unsupported": "pass"},
    }
    with pytest.raises(TranslationError, match=r"^a: acme/image-to-video cannot express it: no A$"):
        _send(fields, {"a": 1})
    assert _send(fields, {"b": 1}) == (
        {},
        ["b: dropped, acme/image-to-video cannot express it: no B"],
    )
    assert _send(fields, {"c": 1}) == (
        {"c": 1},
        ["c: passed through undocumented to acme/image-to-video: no such field"],
    )


def test_only_limits_what_may_be_dropped_and_compares_types() -> None:
    fields = {"shot": {"unsupported": "drop", "only": ["customize", 1], "reason": "moot"}}
    assert _send(fields, {"shot": "customize"})[0] == {}
    assert _send(fields, {"shot": 1})[0] == {}
    for value in ("intelligent", True, 1.5):
        with pytest.raises(TranslationError, match=r'only "customize", 1 can be left out'):
            _send(fields, {"shot": value})


def test_paths_nest_append_and_merge() -> None:
    fields = {
        "a": {"to": "deep.er.a"},
        "b": {"to": "deep.list[]"},
        "c": {"to": "deep.list[]"},
        "d": {"to": ".", "transforms": [{"name": "lookup", "table": {"x": {"m": 1, "n": 2}}}]},
    }
    payload, _ = _send(fields, {"a": 1, "b": 2, "c": 3, "d": "x"})
    assert payload == {"deep": {"er": {"a": 1}, "list": [2, 3]}, "m": 1, "n": 2}


def test_path_conflicts_and_bad_merges_are_mapping_errors() -> None:
    with pytest.raises(MappingError, match=r"b: a is already set"):
        _send({"a": {"to": "a"}, "b": {"to": "a"}}, {"a": 1, "b": 2})
    with pytest.raises(MappingError, match=r"a: '\.' needs an object value"):
        _send({"a": {"to": "."}}, {"a": 1})
    with pytest.raises(MappingError, match=r"b: a\.x cannot be set: a is not an object"):
        _send({"a": {"to": "a"}, "b": {"to": "a.x"}}, {"a": 1, "b": 2})
    with pytest.raises(MappingError, match=r"b: a\[\] cannot be appended to: a is not a list"):
        _send({"a": {"to": "a"}, "b": {"to": "a[]"}}, {"a": 1, "b": 2})


def test_a_request_that_is_not_an_object_is_a_translation_error() -> None:
    for request in (["prompt"], "prompt", 5):
        with pytest.raises(TranslationError, match=r"^\(request\): expected an object"):
            translate_request(request, mapping=_mapping({}))  # type: ignore[arg-type]


# -- versions and envelopes --------------------------------------------------------------


def test_resolve_picks_the_written_or_a_listed_version() -> None:
    mapping = _mapping({"a": {"to": "a"}}, defaults={"a": 1})
    mapping["versions"] = {"2025-01-01": {"request": {"fields": {"a": {"to": "old_a"}}}}}
    assert resolve(mapping) is mapping and resolve(mapping, version="2026-01-01") is mapping
    old = resolve(mapping, version="2025-01-01")
    assert old["version"] == "2025-01-01" and old["request"]["fields"]["a"] == {"to": "old_a"}
    assert translate_request({"a": 2}, mapping=mapping, version="2025-01-01")[0] == {"old_a": 2}
    with pytest.raises(
        TranslationError, match=r"no mapping for version 2024 \(known: 2026-01-01, 2025-01-01\)"
    ):
        resolve(mapping, version="2024")


def test_envelope_steps_in_order() -> None:
    envelope = [
        {"step": "set", "values": {"taskType": "video", "a": "envelope"}},
        {"step": "new_id", "to": "uuid"},
        {"step": "nest", "key": "input"},
        {"step": "array"},
    ]
    payload, _ = _send({"a": {"to": "a"}}, {"a": "body"}, envelope=envelope)
    assert payload == [{"input": {"uuid": "id-1", "taskType": "video", "a": "body"}}]
    assert list(payload[0]["input"]) == ["uuid", "taskType", "a"]
    assert describe_envelope(_mapping({}, envelope=envelope)) == [
        "set taskType=video, a=envelope",
        "new UUID in uuid",
        "nest under input",
        "wrap in a one-task array",
    ]
    with pytest.raises(MappingError, match="unknown envelope step 'explode'"):
        _send({}, {}, envelope=[{"step": "explode"}])


def test_default_ids_are_fresh_uuids() -> None:
    mapping = _mapping({}, envelope=[{"step": "new_id", "to": "id"}])
    first, second = (translate_request({}, mapping=mapping)[0]["id"] for _ in range(2))
    assert first != second and len(first) == 36 and first.count("-") == 4


# -- results -----------------------------------------------------------------------------


def _result_mapping(fields: dict[str, Any]) -> dict[str, Any]:
    mapping = _mapping({})
    mapping["result"] = {"fields": fields}
    return mapping


def test_result_reads_the_first_path_present_and_transforms_it() -> None:
    mapping = _result_mapping(
        {
            "video_url": {"from": ["data.0.url", "video.url"]},
            "duration": {"from": ["meta.seconds"], "transforms": [{"name": "to_integer"}]},
            "seed": {"from": ["seed", "meta.seed"]},
        }
    )
    payload = {"data": [{"url": "https://v/1.mp4"}], "video": {"url": "https://v/2.mp4"}}
    payload |= {"meta": {"seconds": "5", "seed": 9}}
    result = translate_result(payload, mapping=mapping)
    assert result == {
        "video_url": "https://v/1.mp4",
        "duration": 5,
        "seed": 9,
        "cost": None,
        "nsfw_detected": None,
        "raw": payload,
    }
    second = translate_result({"data": [], "video": {"url": "https://v/2.mp4"}}, mapping=mapping)
    assert second["video_url"] == "https://v/2.mp4" and second["duration"] is None


def test_result_null_at_the_first_path_is_kept_as_null() -> None:
    mapping = _result_mapping({"video_url": {"from": ["v"]}, "seed": {"from": ["a", "b"]}})
    assert translate_result({"v": "https://v", "a": None, "b": 3}, mapping=mapping)["seed"] is None


@pytest.mark.parametrize(
    "payload", [{}, {"v": ""}, {"v": 5}, {"v": None}, [], {"v": ["https://v"]}, "https://v"]
)
def test_result_without_a_video_url_is_refused(payload: Any) -> None:
    mapping = _result_mapping({"video_url": {"from": ["v", "w.0"]}})
    with pytest.raises(
        TranslationError,
        match=r"^video_url: acme/image-to-video result has no video URL at v, w\.0$",
    ):
        translate_result(payload, mapping=mapping)


def test_result_paths_index_lists_only_in_range() -> None:
    mapping = _result_mapping({"video_url": {"from": ["out.1", "out.x", "out.0"]}})
    assert translate_result({"out": ["https://a"]}, mapping=mapping)["video_url"] == "https://a"


# -- descriptions and locations ----------------------------------------------------------


NESTED: dict[str, Any] = {
    "prompt": {"to": "p", "transforms": [{"name": "element_refs", "format": "<{n}>"}]},
    "shape": {"to": ".", "transforms": [{"name": "lookup", "table": {"wide": {"w": 2, "h": 1}}}]},
    "elements": {
        "to": "inputs.elements",
        "transforms": [
            {
                "name": "each",
                "transforms": [
                    {
                        "name": "object",
                        "index": {"to": "id", "format": "e{n}"},
                        "fields": {
                            "image": {"to": "img"},
                            "voice": {"to": "voices", "transforms": [{"name": "list"}]},
                        },
                    }
                ],
            }
        ],
    },
    "cfg": {"unsupported": "drop", "only": [0.5], "reason": "none"},
    "audio": {"unsupported": "error"},
    "frame": {"to": "frames[]"},
}


def test_describe_lists_every_field_with_its_spelling() -> None:
    assert describe(_mapping(NESTED)) == [
        {
            "canonical": "prompt",
            "provider": "p",
            "transform": "element_refs(format=<{n}>)",
            "policy": "mapped",
        },
        {
            "canonical": "shape",
            "provider": "(merged)",
            "transform": "lookup(table={'wide': {'w': 2, 'h': 1}})",
            "policy": "mapped",
        },
        {
            "canonical": "elements",
            "provider": "inputs.elements",
            "transform": "each(object(2 fields id=e{n}))",
            "policy": "mapped",
        },
        {
            "canonical": "elements[].image",
            "provider": "inputs.elements[].img",
            "transform": "-",
            "policy": "mapped",
        },
        {
            "canonical": "elements[].voice",
            "provider": "inputs.elements[].voices",
            "transform": "list",
            "policy": "mapped",
        },
        {
            "canonical": "cfg",
            "provider": "-",
            "transform": "-",
            "policy": "drop (only 0.5; otherwise error): none",
        },
        {"canonical": "audio", "provider": "-", "transform": "-", "policy": "error"},
        {"canonical": "frame", "provider": "frames[]", "transform": "-", "policy": "mapped"},
    ]


def test_describe_result_names_paths_in_order_or_a_dash() -> None:
    mapping = _result_mapping({"video_url": {"from": ["a.b", "c"]}, "seed": {"from": ["s"]}})
    assert describe_result(mapping) == [
        {"canonical": "video_url", "provider": "a.b | c"},
        {"canonical": "duration", "provider": "-"},
        {"canonical": "seed", "provider": "s"},
        {"canonical": "cost", "provider": "-"},
        {"canonical": "nsfw_detected", "provider": "-"},
    ]


def test_locate_finds_the_canonical_field_through_the_envelope() -> None:
    envelope = [
        {"step": "set", "values": {"k": 1}},
        {"step": "nest", "key": "in/put"},
        {"step": "array"},
    ]
    mapping = _mapping(NESTED, envelope=envelope)
    assert locate(mapping, "/0/in~1put/p") == "prompt"
    assert locate(mapping, "/0/in~1put/inputs/elements/0/img") == "elements"
    assert locate(mapping, "/0/in~1put/w") == "shape"
    assert locate(mapping, "/0/in~1put/h/below") == "shape"
    assert locate(mapping, "/0/in~1put/frames/1") == "frame"
    assert locate(mapping, "/0/in~1put/inputs") is None  # shorter than any mapped path
    assert locate(mapping, "/0/in~1put/zzz") is None
    assert locate(mapping, "/0/in~1put") is None
    assert locate(mapping, "/1/in~1put/p") is None
    assert locate(mapping, "/0/input/p") is None
    assert locate(mapping, "") is None


def test_locate_without_an_envelope_and_with_tilde_escapes() -> None:
    mapping = _mapping({"a": {"to": "x~y"}, "b": {"to": "plain"}})
    assert locate(mapping, "/x~0y") == "a"
    assert locate(mapping, "/plain/deeper") == "b"


def test_local_files_are_read_only_when_allowed_and_the_provider_takes_them(
    tmp_path: Path,
) -> None:
    image = tmp_path / "cat.png"
    image.write_bytes(b"\x89PNG")
    mapping = _mapping({"x": {"to": "y", "transforms": [{"name": "inline_file"}]}})
    with pytest.raises(TranslationError, match=r"^x: acme/image-to-video takes URLs only"):
        translate_request({"x": str(image)}, mapping=mapping, local_files=True)
    with pytest.raises(TranslationError, match=r"^x: .* is not a URL; local files are read only"):
        translate_request({"x": str(image)}, mapping=mapping, file_inputs="data-uri")
    url = "https://x.test/cat.png"
    assert translate_request({"x": url}, mapping=mapping)[0] == {"y": url}


def test_local_files_are_regular_files_within_the_size_limit(tmp_path: Path) -> None:
    assert MAX_FILE_BYTES == 50 * 1024 * 1024  # documented in docs/clients.md
    exact = tmp_path / "exact.bin"
    exact.write_bytes(b"a" * 16)
    assert read_regular_file(exact, limit=16) == b"a" * 16
    exact.write_bytes(b"a" * 17)
    with pytest.raises(ValueError, match=r"^17 bytes, over the 16-byte limit$"):
        read_regular_file(exact, limit=16)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path in (tmp_path, fifo, Path(os.devnull)):
        with pytest.raises(ValueError, match=r"^not a regular file$"):
            read_regular_file(path)
    with pytest.raises(
        TranslationError, match=r"^x: cannot read local file .*: not a regular file$"
    ):
        _one("inline_file", str(tmp_path))


def test_result_fields_use_the_first_path_present_even_when_a_later_one_is_null() -> None:
    mapping = _result_mapping({"video_url": {"from": ["v"]}, "seed": {"from": ["a", "b"]}})
    assert translate_result({"v": "https://v", "a": 3, "b": None}, mapping=mapping)["seed"] == 3


def test_locate_skips_envelope_steps_that_add_keys_wherever_they_are() -> None:
    envelope = [{"step": "nest", "key": "input"}, {"step": "new_id", "to": "id"}]
    mapping = _mapping({"prompt": {"to": "p"}}, envelope=envelope)
    assert locate(mapping, "/input/p") == "prompt"

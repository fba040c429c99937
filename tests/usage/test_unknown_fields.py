"""Fields a provider's schema does not define (issue 13, item 4): warnings with the nearest
name, errors under strict; in validate, the clients and translate alike."""

from __future__ import annotations

import importlib
import json
import logging
from typing import Any

import pytest

from codegen.catalog import load_catalog
from codegen.normalize import normalize_schema
from kling_gateways._runtime import errors
from kling_gateways._runtime.unknown import nearest, unknown_fields

from .conftest import SCHEMAS, misspelled

NESTED = {
    "type": "array",
    "items": {"$ref": "#/$defs/task"},
    "$defs": {
        "task": {
            "type": "object",
            "properties": {"duration": {"type": "integer"}, "inputs": {"$ref": "#/$defs/inputs"}},
            "anyOf": [{"properties": {"prompt": {"type": "string"}}}],
        },
        "inputs": {
            "type": "object",
            "properties": {"frames": {"type": "array", "items": {"properties": {"image": {}}}}},
        },
    },
}


def test_unknown_fields_at_any_depth_with_the_nearest_name() -> None:
    payload = [{"durtion": 5, "prompt": "x", "inputs": {"frames": [{"imag": "u"}], "frame": 1}}]
    found = {(f.pointer, f.name, f.suggestion) for f in unknown_fields(NESTED, payload)}
    assert found == {
        ("/0/durtion", "durtion", "duration"),
        ("/0/inputs/frames/0/imag", "imag", "image"),
        ("/0/inputs/frame", "frame", "frames"),
    }
    message = unknown_fields(NESTED, [{"durtion": 1}])[0].message("p/e")
    assert message == "`durtion`: not a field of p/e; did you mean `duration`?"


def test_what_is_not_reported() -> None:
    free = {"type": "object", "properties": {"meta": {"type": "object"}}}
    assert unknown_fields(free, {"meta": {"anything": 1}}) == []  # free-form object
    closed = {"type": "object", "properties": {"a": {}}, "additionalProperties": False}
    assert unknown_fields(closed, {"b": 1}) == []  # the validator reports it as an error
    assert [f.name for f in unknown_fields(closed, {"b": 1}, closed=True)] == ["b"]
    mapping = {
        "type": "object",
        "properties": {"a": {}},
        "additionalProperties": {"type": "string"},
    }
    assert unknown_fields(mapping, {"b": "x"}) == []
    assert nearest("zzzz", ["duration"]) is None
    assert nearest("WEBHOOKurl", ["webhookURL"]) == "webhookURL"


def _valid_examples() -> list[tuple[str, dict[str, Any], Any]]:
    found = []
    for endpoint in load_catalog(SCHEMAS).endpoints():
        for version in endpoint.versions.values():
            for stem, example in version.examples.items():
                kind = stem.split("-")[0]
                if kind in version.schemas:
                    schema = normalize_schema(version.schemas[kind]).validator
                    found.append((f"{endpoint.key}@{version.version}/{stem}", schema, example.data))
    return found


def test_no_valid_example_in_the_catalog_has_an_unknown_field() -> None:
    examples = _valid_examples()
    assert len(examples) >= 10
    for name, schema, data in examples:
        assert unknown_fields(schema, data) == [], name


def _resource(strict: bool) -> tuple[Any, Any, str, str]:
    target, payload, typo, field = misspelled()
    provider, endpoint = target.split("/")
    module = importlib.import_module(f"kling_gateways.{provider.replace('-', '_')}")
    client = module.Client(
        api_key="test-key", api_secret="test-secret", base_url="http://127.0.0.1:9", strict=strict
    )
    return getattr(client, endpoint.replace("-", "_")), payload, typo, field


def test_client_warns_by_default(caplog: pytest.LogCaptureFixture) -> None:
    resource, payload, typo, field = _resource(strict=False)
    with caplog.at_level(logging.WARNING, logger="kling_gateways"):
        body = resource.prepare(payload)
    assert typo in json.dumps(body)
    assert f"did you mean `{field}`?" in caplog.text and "strict=True" in caplog.text


def test_client_strict_refuses_before_any_http() -> None:
    resource, payload, typo, field = _resource(strict=True)
    with pytest.raises(errors.ValidationError) as raised:
        resource.prepare(payload)
    assert any(f"`{typo}`" in i.message and field in i.message for i in raised.value.issues)


def test_translate_names_the_nearest_canonical_field() -> None:
    canonical = importlib.import_module("kling_gateways.canonical")
    target = canonical.targets()[0]
    request = {"prompt": "a cat", "start_image": "https://x.test/a.png", "durtion": 5}
    with pytest.raises(canonical.TranslationError, match="did you mean `duration`"):
        canonical.translate(request, to=target)


def test_translate_strict_checks_the_payload_against_the_provider_schema(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A mapping that sets a field the provider's schema does not define: warning, or
    TranslationError under strict (mappings are data; this one is made up for the test)."""
    canonical = importlib.import_module("kling_gateways.canonical")
    target = next(
        t for t in canonical.targets() if canonical.MAPPINGS[t]["canonical"] == "image-to-video"
    )
    mapping = json.loads(json.dumps(canonical.MAPPINGS[target]))
    mapping["request"].setdefault("envelope", []).insert(
        0, {"step": "set", "values": {"zzz_extra": 1}}
    )
    request = {"prompt": "a cat", "start_image": "https://x.test/a.png"}
    original = canonical.MAPPINGS[target]
    canonical.MAPPINGS[target] = mapping
    try:
        with caplog.at_level(logging.WARNING, logger="kling_gateways"):
            outcome = _try(canonical, request, target, strict=False)
        if isinstance(outcome, canonical.TranslationError):
            pytest.skip(f"{target}'s envelope cannot carry an extra field: {outcome}")
        assert any("zzz_extra" in w for w in outcome[1]) and "zzz_extra" in caplog.text
        with pytest.raises(canonical.TranslationError, match="`zzz_extra`: not a field of"):
            canonical.translate(request, to=target, strict=True)
    finally:
        canonical.MAPPINGS[target] = original


def _try(canonical: Any, request: Any, target: str, *, strict: bool) -> Any:
    try:
        return canonical.translate(request, to=target, strict=strict)
    except canonical.TranslationError as exc:
        return exc

"""A failed rule's words are the same whether the value it is about is read from the
payload at the error's path (the fast way) or from the validator's copy (`error.instance`).

Run over every invalid example of the catalog, each against its own (normalized) schema, and
over a schema whose rules sit in nested objects and array items."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.catalog import load_catalog
from codegen.normalize import normalize_schema
from codegen.runtime import runtime_module

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
validation = runtime_module("validation")

NESTED: dict[str, Any] = {
    "type": "object",
    "properties": {
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "oneOf": [{"required": ["url"]}, {"required": ["data"]}],
                "dependentRequired": {"mask": ["mask_mode"]},
            },
        },
        "pick": {"anyOf": [{"type": "integer"}, {"type": "string", "minLength": 3}]},
    },
}
NESTED_PAYLOADS = [
    {"items": [{"url": "u", "data": "d"}, {}, {"mask": 1}], "pick": "ab"},
    {"items": [{"url": "u", "mask": 2}], "pick": None},
    {"items": "not a list", "pick": [1]},
]


def _examples() -> list[tuple[str, dict[str, Any], Any]]:
    found = []
    catalog = load_catalog(SCHEMAS)
    for endpoint in sorted(catalog.endpoints(), key=lambda e: e.key):
        for version in endpoint.versions.values():
            for stem, example in sorted(version.examples.items()):
                kind = next((k for k in version.schemas if stem.startswith(f"invalid-{k}")), None)
                if kind is not None:
                    schema = normalize_schema(version.schemas[kind]).validator
                    found.append((example.path, schema, example.data))
    return found


def _both_ways(schema: dict[str, Any], payload: Any) -> None:
    """The issues with the payload walk, and with every value read from the error instead."""
    fast = validation.SchemaValidator(json.dumps(schema)).validate(payload)
    original = validation._at
    setattr(validation, "_at", lambda payload, steps: validation._MISSING)  # noqa: B010
    try:
        slow = validation.SchemaValidator(json.dumps(schema)).validate(payload)
    finally:
        setattr(validation, "_at", original)  # noqa: B010
    assert fast == slow


@pytest.mark.parametrize(("name", "schema", "payload"), _examples(), ids=lambda v: str(v)[:60])
def test_catalog_examples_read_the_same_either_way(
    name: str, schema: dict[str, Any], payload: Any
) -> None:
    _both_ways(schema, payload)


@pytest.mark.parametrize("payload", NESTED_PAYLOADS)
def test_rules_in_items_and_nested_objects_read_the_same_either_way(payload: Any) -> None:
    issues = validation.SchemaValidator(json.dumps(NESTED)).validate(payload)
    assert issues, "every payload here breaks a rule"
    _both_ways(NESTED, payload)


def test_the_words_name_what_the_payload_has() -> None:
    issues = validation.SchemaValidator(json.dumps(NESTED)).validate(NESTED_PAYLOADS[0])
    said: dict[str, str] = {}
    for issue in issues:
        said[issue.pointer] = said.get(issue.pointer, "") + issue.message + "\n"
    assert "url" in said["/items/0"] and "data" in said["/items/0"], said
    assert "mask_mode" in said["/items/2"], said


# Rules whose words name what the value has (its member names), at the root, in a property,
# in prefixItems and items, and under propertyNames.
NAMES_RULES: dict[str, Any] = {
    "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
    "anyOf": [{"required": ["k"]}, {"required": ["kk"]}],
    "dependentRequired": {"a": ["k"]},
}
EVERYWHERE: dict[str, Any] = {
    **NAMES_RULES,
    "properties": {
        "a": NAMES_RULES,
        "b": {"prefixItems": [NAMES_RULES], "items": NAMES_RULES},
        "c": {"propertyNames": {"anyOf": [{"maxLength": 1}, {"pattern": "^k"}]}},
        "k": {"not": {"const": 0}, "if": {"type": "object"}, "then": NAMES_RULES},
    },
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.text(alphabet="abk", max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "c", "k", "kk"]), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=int(os.environ.get("KLING_TEST_EXAMPLES", "300")), deadline=None)
@given(json_values)
def test_any_payload_reads_the_same_either_way(payload: Any) -> None:
    _both_ways(EVERYWHERE, payload)

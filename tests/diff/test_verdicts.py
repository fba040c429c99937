"""One case per rule family: the verdict on each side of the wire, for changes a CI gate
must not miss (request: narrowing breaks; response: widening breaks)."""

from __future__ import annotations

from typing import Any

import pytest

from codegen.diff.compare import diff_documents
from codegen.diff.load import make_document


def _breaking(old: Any, new: Any, direction: str) -> set[str]:
    found = diff_documents(
        make_document("old", old), make_document("new", new), direction=direction
    )
    return {c.rule.removeprefix(f"{direction}-") for c in found if c.severity == "breaking"}


def _obj(prop: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"p": prop},
        **({"required": ["p"]} if required else {}),
    }


INT_3_15 = {"type": "integer", "minimum": 3, "maximum": 15}
STR_ENUM = {"type": "string", "enum": ["5", "10"]}

# (name, old, new, breaking stems on the request side, breaking stems on the response side)
CASES: list[tuple[str, Any, Any, set[str], set[str]]] = [
    ("integer range -> string enum", _obj(INT_3_15), _obj(STR_ENUM),
     {"property-type-changed", "property-enum-added"},
     {"property-type-changed", "property-enum-value-added"}),
    ("string enum -> integer range", _obj(STR_ENUM), _obj(INT_3_15),
     {"property-type-changed", "property-enum-value-removed"},
     {"property-type-changed", "property-enum-removed"}),
    ("integer enum -> string enum, no declared type", _obj({"enum": [5, 10]}),
     _obj({"enum": ["5", "10"]}), {"property-enum-value-removed"}, {"property-enum-value-added"}),
    ("enum narrowed within one type", _obj({"type": "string", "enum": ["a", "b"]}),
     _obj({"type": "string", "enum": ["a"]}), {"property-enum-value-removed"}, set()),
    ("enum replaced by the range it covered", _obj({"type": "integer", "enum": [5, 10]}),
     _obj(INT_3_15), set(), {"property-enum-removed"}),
    ("integer -> number", _obj({"type": "integer"}), _obj({"type": "number"}),
     set(), {"property-type-widened"}),
    ("became nullable", _obj({"type": "string"}), _obj({"type": ["string", "null"]}),
     set(), {"property-became-nullable"}),
    ("maximum lowered", _obj(INT_3_15), _obj({**INT_3_15, "maximum": 10}),
     {"property-max-decreased"}, set()),
    ("maximum removed", _obj(INT_3_15), _obj({"type": "integer", "minimum": 3}),
     set(), {"property-max-removed"}),
    ("minimum made exclusive", _obj(INT_3_15), _obj({**INT_3_15, "exclusiveMinimum": 3}),
     {"property-min-increased"}, set()),
    ("redundant minimum relaxed (>= 1 and > 0.5 -> > 0.4)",
     _obj({"type": "number", "minimum": 1, "exclusiveMinimum": 0.5}),
     _obj({"type": "number", "exclusiveMinimum": 0.4}), set(), {"property-min-decreased"}),
    ("became required", _obj({"type": "string"}), _obj({"type": "string"}, required=True),
     {"property-became-required"}, set()),
    ("became optional", _obj({"type": "string"}, required=True), _obj({"type": "string"}),
     set(), {"property-became-optional"}),
    ("array items narrowed", _obj({"type": "array", "items": {"type": "number"}}),
     _obj({"type": "array", "items": {"type": "integer"}}), {"property-type-narrowed"}, set()),
    ("const changed", _obj({"const": "a"}), _obj({"const": "b"}),
     {"property-const-changed"}, {"property-const-changed"}),
    ("additionalProperties closed", {"type": "object"},
     {"type": "object", "additionalProperties": False},
     {"additional-properties-disallowed"}, set()),
    ("property added where additionalProperties was false",
     {"type": "object", "properties": {}, "additionalProperties": False},
     {"type": "object", "properties": {"q": {"type": "string"}}, "additionalProperties": False},
     set(), {"property-added-to-closed-object"}),
    ("property removed from a closed object",
     {"type": "object", "properties": {"q": {}}, "additionalProperties": False},
     {"type": "object", "properties": {}, "additionalProperties": False},
     {"property-no-longer-accepted"}, set()),
    ("oneOf member removed", _obj({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
     _obj({"type": "string"}), {"property-one-of-removed"}, set()),
    ("anyOf member added", _obj({"type": "string"}),
     _obj({"anyOf": [{"type": "string"}, {"type": "array"}]}), set(), {"property-any-of-added"}),
    ("anyOf boolean member removed where another member takes booleans",
     {"anyOf": [{"type": "boolean"}, {"properties": {"t": {"const": "bar"}}}]},
     {"anyOf": [{"properties": {"t": {"const": "bar"}}}]}, set(), set()),
    ("string keywords on an integer", {"type": "integer", "maxLength": 3},
     {"type": "integer", "maxLength": 1}, set(), set()),
    # readOnly / writeOnly, as oasdiff and openapi-diff read them (docs/diff.md)
    ("optional property became readOnly", _obj({"type": "string"}),
     _obj({"type": "string", "readOnly": True}), {"property-became-read-only"}, set()),
    ("required property no longer readOnly",
     _obj({"type": "string", "readOnly": True}, required=True),
     _obj({"type": "string"}, required=True), {"required-property-became-not-read-only"}, set()),
    ("optional property no longer readOnly", _obj({"type": "string", "readOnly": True}),
     _obj({"type": "string"}), set(), set()),
    ("readOnly property restricted", _obj({"type": "string", "readOnly": True}),
     _obj({"type": "string", "readOnly": True, "pattern": "^[a-z]+$"}), set(), set()),
    ("property became writeOnly", _obj({"type": "string"}, required=True),
     _obj({"type": "string", "writeOnly": True}, required=True),
     set(), {"property-became-write-only"}),
    ("required property no longer writeOnly",
     _obj({"type": "string", "writeOnly": True}, required=True),
     _obj({"type": "string"}, required=True), set(), {"required-property-became-not-write-only"}),
    ("optional property no longer writeOnly", _obj({"type": "string", "writeOnly": True}),
     _obj({"type": "string"}), set(), set()),
    ("writeOnly property widened", _obj({"type": "string", "writeOnly": True, "maxLength": 3}),
     _obj({"type": "string", "writeOnly": True}), set(), set()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "old", "new", "request_", "response"), CASES, ids=[c[0] for c in CASES]
)
def test_verdict(name: str, old: Any, new: Any, request_: set[str], response: set[str]) -> None:
    assert _breaking(old, new, "request") == request_
    assert _breaking(old, new, "response") == response


def test_type_change_hidden_by_an_enum_is_named() -> None:
    found = diff_documents(
        make_document("old", _obj(INT_3_15)), make_document("new", _obj(STR_ENUM))
    )
    (change,) = [c for c in found if c.rule == "request-property-type-changed"]
    assert change.location == "#/properties/p"
    assert change.message == "type integer -> string"


@pytest.mark.parametrize(("version", "breaking"), [("3.0.3", True), ("3.1.0", False)])
def test_required_read_only_follows_the_openapi_version(version: str, breaking: bool) -> None:
    """OpenAPI 3.0: `required` on a readOnly property applies to responses only, so dropping
    readOnly makes clients send it; 3.1 dropped that rule (oasdiff: ERR for 3.0, INFO for
    3.1), so clients already had to send it."""

    def doc(read_only: bool) -> dict[str, Any]:
        prop = {"type": "string", **({"readOnly": True} if read_only else {})}
        body = {"content": {"application/json": {"schema": _obj(prop, required=True)}}}
        return {
            "openapi": version,
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"post": {"requestBody": body, "responses": {"200": {"description": "ok"}}}}
            },
        }

    found = diff_documents(make_document("old", doc(True)), make_document("new", doc(False)))
    rules = {c.rule for c in found if c.severity == "breaking"}
    assert rules == ({"request-required-property-became-not-read-only"} if breaking else set())

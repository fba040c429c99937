"""The diff rules, keyword by keyword: a small schema pair per change, with every finding
(rule, severity, location) expected on the request and the response side, for the change
and for its reverse. Nothing else may be reported: an extra or a missing finding fails.

Notation for one side: "stem:sev" entries separated by spaces, sev one of b(reaking),
w(arning), i(nfo); `stem@/suffix:sev` when the finding is below the property `p`.
"""

from __future__ import annotations

from typing import Any

import pytest

from codegen.diff.compare import diff_documents
from codegen.diff.load import make_document
from codegen.diff.rules import RULES

SEVERITY = {"b": "breaking", "w": "warning", "i": "info"}


def _obj(prop: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"p": prop},
        **({"required": ["p"]} if required else {}),
    }


def _num(**keywords: Any) -> dict[str, Any]:
    return _obj({"type": "number", **keywords})


def _str(**keywords: Any) -> dict[str, Any]:
    return _obj({"type": "string", **keywords})


def _arr(**keywords: Any) -> dict[str, Any]:
    return _obj({"type": "array", **keywords})


def _closed(props: dict[str, Any], **keywords: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props, "additionalProperties": False, **keywords}


# (keyword, old, new, request, response, reverse request, reverse response)
TABLE: list[tuple[str, Any, Any, str, str, str, str]] = [
    # type
    ("type integer -> string", _obj({"type": "integer"}), _obj({"type": "string"}),
     "property-type-changed:b", "property-type-changed:b",
     "property-type-changed:b", "property-type-changed:b"),
    ("type integer -> number", _obj({"type": "integer"}), _num(),
     "property-type-widened:i", "property-type-widened:b",
     "property-type-narrowed:b", "property-type-narrowed:i"),
    ("type string -> string|integer", _str(), _obj({"type": ["string", "integer"]}),
     "property-type-widened:i", "property-type-widened:b",
     "property-type-narrowed:b", "property-type-narrowed:i"),
    ("type gains null", _str(), _obj({"type": ["string", "null"]}),
     "property-became-nullable:i", "property-became-nullable:b",
     "property-became-not-nullable:b", "property-became-not-nullable:i"),
    # enum, const
    ("enum value added", _str(enum=["a"]), _str(enum=["a", "b"]),
     "property-enum-value-added:i", "property-enum-value-added:b",
     "property-enum-value-removed:b", "property-enum-value-removed:i"),
    ("enum set", _str(), _str(enum=["a"]),
     "property-enum-added:b", "property-enum-added:i",
     "property-enum-removed:i", "property-enum-removed:b"),
    ("const changed", _obj({"const": "a"}), _obj({"const": "b"}),
     "property-const-changed:b", "property-const-changed:b",
     "property-const-changed:b", "property-const-changed:b"),
    ("const set", _str(), _str(const="a"),
     "property-const-added:b", "property-const-added:i",
     "property-const-removed:i", "property-const-removed:b"),
    # ranges
    ("minimum raised", _num(minimum=1), _num(minimum=2),
     "property-min-increased:b", "property-min-increased:i",
     "property-min-decreased:i", "property-min-decreased:b"),
    ("minimum set", _num(), _num(minimum=1),
     "property-min-set:b", "property-min-set:i",
     "property-min-removed:i", "property-min-removed:b"),
    ("maximum lowered", _num(maximum=10), _num(maximum=9),
     "property-max-decreased:b", "property-max-decreased:i",
     "property-max-increased:i", "property-max-increased:b"),
    ("maximum set", _num(), _num(maximum=9),
     "property-max-set:b", "property-max-set:i",
     "property-max-removed:i", "property-max-removed:b"),
    # exclusive bounds
    ("minimum -> exclusiveMinimum, same value", _num(minimum=1), _num(exclusiveMinimum=1),
     "property-min-increased:b", "property-min-increased:i",
     "property-min-decreased:i", "property-min-decreased:b"),
    ("maximum -> exclusiveMaximum, same value", _num(maximum=1), _num(exclusiveMaximum=1),
     "property-max-decreased:b", "property-max-decreased:i",
     "property-max-increased:i", "property-max-increased:b"),
    ("minimum 0 -> exclusiveMinimum 0", _num(minimum=0), _num(exclusiveMinimum=0),
     "property-min-increased:b", "property-min-increased:i",
     "property-min-decreased:i", "property-min-decreased:b"),
    ("exclusiveMinimum raised", _num(exclusiveMinimum=1), _num(exclusiveMinimum=2),
     "property-min-increased:b", "property-min-increased:i",
     "property-min-decreased:i", "property-min-decreased:b"),
    ("exclusiveMaximum set below maximum", _num(maximum=5), _num(maximum=5, exclusiveMaximum=4),
     "property-max-decreased:b", "property-max-decreased:i",
     "property-max-increased:i", "property-max-increased:b"),
    ("redundant exclusive bound", _num(minimum=2), _num(minimum=2, exclusiveMinimum=1),
     "", "", "", ""),
    # multipleOf
    ("multipleOf set", _num(), _num(multipleOf=2),
     "property-multiple-of-set:b", "property-multiple-of-set:i",
     "property-multiple-of-removed:i", "property-multiple-of-removed:b"),
    ("multipleOf 2 -> 4", _num(multipleOf=2), _num(multipleOf=4),
     "property-multiple-of-narrowed:b", "property-multiple-of-narrowed:i",
     "property-multiple-of-widened:i", "property-multiple-of-widened:b"),
    ("multipleOf 2 -> 3", _num(multipleOf=2), _num(multipleOf=3),
     "property-multiple-of-changed:b", "property-multiple-of-changed:b",
     "property-multiple-of-changed:b", "property-multiple-of-changed:b"),
    # lengths
    ("minLength raised", _str(minLength=1), _str(minLength=2),
     "property-min-length-increased:b", "property-min-length-increased:i",
     "property-min-length-decreased:i", "property-min-length-decreased:b"),
    ("minLength 0 is no bound", _str(minLength=0), _str(), "", "", "", ""),
    ("minLength set", _str(), _str(minLength=1),
     "property-min-length-set:b", "property-min-length-set:i",
     "property-min-length-removed:i", "property-min-length-removed:b"),
    ("maxLength lowered", _str(maxLength=5), _str(maxLength=4),
     "property-max-length-decreased:b", "property-max-length-decreased:i",
     "property-max-length-increased:i", "property-max-length-increased:b"),
    ("maxLength set", _str(), _str(maxLength=4),
     "property-max-length-set:b", "property-max-length-set:i",
     "property-max-length-removed:i", "property-max-length-removed:b"),
    ("minItems raised", _arr(minItems=1), _arr(minItems=2),
     "property-min-items-increased:b", "property-min-items-increased:i",
     "property-min-items-decreased:i", "property-min-items-decreased:b"),
    ("maxItems lowered", _arr(maxItems=3), _arr(maxItems=2),
     "property-max-items-decreased:b", "property-max-items-decreased:i",
     "property-max-items-increased:i", "property-max-items-increased:b"),
    ("minProperties raised", _obj({"type": "object", "minProperties": 1}),
     _obj({"type": "object", "minProperties": 2}),
     "property-min-properties-increased:b", "property-min-properties-increased:i",
     "property-min-properties-decreased:i", "property-min-properties-decreased:b"),
    ("maxProperties lowered", _obj({"type": "object", "maxProperties": 3}),
     _obj({"type": "object", "maxProperties": 2}),
     "property-max-properties-decreased:b", "property-max-properties-decreased:i",
     "property-max-properties-increased:i", "property-max-properties-increased:b"),
    ("uniqueItems set", _arr(), _arr(uniqueItems=True),
     "property-unique-items-set:b", "property-unique-items-set:i",
     "property-unique-items-removed:i", "property-unique-items-removed:b"),
    # pattern
    ("pattern set", _str(), _str(pattern="^a"),
     "property-pattern-added:b", "property-pattern-added:i",
     "property-pattern-removed:i", "property-pattern-removed:i"),
    ("pattern changed", _str(pattern="^a"), _str(pattern="^b"),
     "property-pattern-changed:b", "property-pattern-changed:w",
     "property-pattern-changed:b", "property-pattern-changed:w"),
    ("match-anything pattern is no pattern", _str(pattern=".*"), _str(), "", "", "", ""),
    # items, prefixItems
    ("items narrowed", _arr(items={"type": "number"}), _arr(items={"type": "integer"}),
     "property-type-narrowed@/items:b", "property-type-narrowed@/items:i",
     "property-type-widened@/items:i", "property-type-widened@/items:b"),
    ("items set", _arr(), _arr(items={"type": "string"}),
     "property-type-narrowed@/items:b", "property-type-narrowed@/items:i",
     "property-type-widened@/items:i", "property-type-widened@/items:b"),
    ("prefixItems item restricted", _arr(prefixItems=[{"type": "string"}]),
     _arr(prefixItems=[{"type": "string", "maxLength": 3}]),
     "property-max-length-set@/prefixItems/0:b", "property-max-length-set@/prefixItems/0:i",
     "property-max-length-removed@/prefixItems/0:i", "property-max-length-removed@/prefixItems/0:b"),
    ("prefixItems position added to a closed tuple",
     _arr(prefixItems=[{"type": "string"}], items=False),
     _arr(prefixItems=[{"type": "string"}, {"type": "integer"}], items=False),
     "property-type-widened@/prefixItems/1:i", "property-type-widened@/prefixItems/1:b",
     "property-type-narrowed@/prefixItems/1:b", "property-type-narrowed@/prefixItems/1:i"),
    ("prefixItems position retyped", _arr(prefixItems=[{"type": "string"}, {"type": "string"}]),
     _arr(prefixItems=[{"type": "string"}, {"type": "integer"}]),
     "property-type-changed@/prefixItems/1:b", "property-type-changed@/prefixItems/1:b",
     "property-type-changed@/prefixItems/1:b", "property-type-changed@/prefixItems/1:b"),
    # required
    ("became required", _str(), _obj({"type": "string"}, required=True),
     "property-became-required:b", "property-became-required:i",
     "property-became-optional:i", "property-became-optional:b"),
    # additionalProperties
    ("additionalProperties closed", {"type": "object"},
     {"type": "object", "additionalProperties": False},
     "additional-properties-disallowed@ROOT:b", "additional-properties-disallowed@ROOT:i",
     "additional-properties-allowed@ROOT:i", "additional-properties-allowed@ROOT:b"),
    ("additionalProperties false on both sides",
     _closed({"a": {"type": "string"}}), _closed({"a": {"type": "string", "maxLength": 2}}),
     "property-max-length-set@A:b", "property-max-length-set@A:i",
     "property-max-length-removed@A:i", "property-max-length-removed@A:b"),
    ("additionalProperties schema narrowed",
     {"type": "object", "additionalProperties": {"type": "number"}},
     {"type": "object", "additionalProperties": {"type": "integer"}},
     "property-type-narrowed@EXTRA:b", "property-type-narrowed@EXTRA:i",
     "property-type-widened@EXTRA:i", "property-type-widened@EXTRA:b"),
    ("property removed from a closed object", _closed({"a": {}, "q": {}}), _closed({"a": {}}),
     "property-no-longer-accepted@Q:b", "property-removed@Q:w",
     "property-added@Q:i", "property-added@Q:i property-added-to-closed-object@Q:b"),
    ("required property removed from an open object",
     {"type": "object", "properties": {"q": {}}, "required": ["q"]},
     {"type": "object", "properties": {}},
     "required-property-removed@Q:w", "required-property-removed@Q:b",
     "property-added@Q:i property-became-required@Q:b",
     "property-added@Q:i property-became-required@Q:i"),
    # readOnly / writeOnly
    ("became readOnly", _str(), _str(readOnly=True),
     "property-became-read-only:b", "", "property-became-not-read-only:i", ""),
    ("required, became readOnly", _obj({"type": "string"}, required=True),
     _obj({"type": "string", "readOnly": True}, required=True),
     "property-became-read-only:b", "",
     "required-property-became-not-read-only:b", ""),
    ("became writeOnly", _str(), _str(writeOnly=True),
     "", "property-became-write-only:b", "", "property-became-not-write-only:i"),
    ("required, became writeOnly", _obj({"type": "string"}, required=True),
     _obj({"type": "string", "writeOnly": True}, required=True),
     "", "property-became-write-only:b",
     "", "required-property-became-not-write-only:b"),
    ("readOnly property's constraints do not matter in requests",
     _str(readOnly=True), _str(readOnly=True, maxLength=2),
     "", "property-max-length-set:i", "", "property-max-length-removed:b"),
    # formats
    ("format set", _str(), _str(format="uri"),
     "property-format-added:b", "property-format-added:i",
     "property-format-removed:i", "property-format-removed:b"),
    ("format int32 -> int64", _obj({"type": "integer", "format": "int32"}),
     _obj({"type": "integer", "format": "int64"}),
     "property-format-widened:i", "property-format-widened:b",
     "property-format-narrowed:b", "property-format-narrowed:i"),
    ("format float -> double", _num(format="float"), _num(format="double"),
     "property-format-widened:i", "property-format-widened:b",
     "property-format-narrowed:b", "property-format-narrowed:i"),
    ("format date -> date-time", _str(format="date"), _str(format="date-time"),
     "property-format-changed:b", "property-format-changed:b",
     "property-format-changed:b", "property-format-changed:b"),
    ("format email -> uri", _str(format="email"), _str(format="uri"),
     "property-format-changed:b", "property-format-changed:b",
     "property-format-changed:b", "property-format-changed:b"),
]  # fmt: skip

_WHERE = {
    "ROOT": "#/additionalProperties",
    "EXTRA": "#/additionalProperties",
    "A": "#/properties/a",
    "Q": "#/properties/q",
}


def _expected(spec: str) -> set[tuple[str, str, str]]:
    found = set()
    for entry in spec.split():
        head, sev = entry.rsplit(":", 1)
        stem, _, where = head.partition("@")
        location = _WHERE.get(where) or f"#/properties/p{where}"
        found.add((stem, SEVERITY[sev], location))
    return found


def _found(old: Any, new: Any, direction: str) -> set[tuple[str, str, str]]:
    changes = diff_documents(
        make_document("old", old), make_document("new", new), direction=direction
    )
    return {(c.rule.removeprefix(f"{direction}-"), c.severity, c.location) for c in changes}


@pytest.mark.parametrize("row", TABLE, ids=[row[0] for row in TABLE])
def test_rule_and_severity_both_ways(row: tuple[str, Any, Any, str, str, str, str]) -> None:
    _, old, new, request, response, back_request, back_response = row
    assert _found(old, new, "request") == _expected(request)
    assert _found(old, new, "response") == _expected(response)
    assert _found(new, old, "request") == _expected(back_request)
    assert _found(new, old, "response") == _expected(back_response)


def test_severities_follow_the_catalog() -> None:
    """Each expectation above names a real rule whose catalog severity is the one expected."""
    for row in TABLE:
        for side, spec in zip(("request", "response") * 2, row[3:], strict=True):
            for stem, severity, _ in _expected(spec):
                assert RULES[f"{side}-{stem}"].severity == severity, (row[0], side, stem)


def test_identical_schemas_report_nothing() -> None:
    for row in TABLE:
        for schema in row[1:3]:
            assert _found(schema, schema, "request") == set() == _found(schema, schema, "response")

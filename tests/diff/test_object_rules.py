"""Object rules beyond one keyword: moves into an envelope, summaries of new properties,
additionalProperties as the old schema of a new property, and the words of each finding."""

from __future__ import annotations

from typing import Any

from codegen.diff.compare import diff_documents
from codegen.diff.load import make_document

S = {"type": "string"}
ANY = "array|boolean|integer|null|number|object|string"


def _found(old: Any, new: Any, direction: str = "request") -> set[tuple[str, ...]]:
    changes = diff_documents(make_document("o", old), make_document("n", new), direction=direction)
    return {
        (c.rule.removeprefix(f"{direction}-"), c.severity, c.location, c.message, c.subject)
        for c in changes
    }


def _props(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def test_two_properties_moved_into_an_envelope_are_said_once() -> None:
    found = _found(_props(a=S, b=S, c=S), _props(c=S, input=_props(a=S, b=S)))
    assert (
        "properties-moved",
        "info",
        "#/properties/input",
        "moved into 'input': a, b",
        "a, b",
    ) in found
    assert {f[0] for f in found} == {
        "properties-moved",
        "property-added",
        "property-removed",
        "property-type-narrowed",
    }


def test_one_property_moved_is_no_move() -> None:
    found = _found(_props(a=S, c=S), _props(c=S, input=_props(a=S)))
    assert "properties-moved" not in {f[0] for f in found}
    assert ("property-removed", "warning", "#/properties/a", "property 'a' removed", "") in found


def test_moves_into_one_of_branches_count() -> None:
    envelope = {"oneOf": [{"properties": {"a": S}}, {"properties": {"b": S}}, True]}
    found = _found(_props(a=S, b=S), _props(input=envelope))
    assert (
        "properties-moved",
        "info",
        "#/properties/input",
        "moved into 'input': a, b",
        "a, b",
    ) in found


def test_a_new_object_property_is_summarized_with_its_nested_count() -> None:
    assert _found(_props(), _props(q=_props(x=S))) == {
        ("property-added", "info", "#/properties/q", "property 'q' added", ""),
        (
            "property-type-narrowed",
            "breaking",
            "#/properties/q",
            f"type {ANY} -> object (and 2 nested constraints of the new property)",
            "array,boolean,null,number,string",
        ),
    }
    one = _found(_props(), _props(q={"type": "object", "additionalProperties": False}))
    assert any(f[3].endswith("(and 1 nested constraint of the new property)") for f in one)


def test_a_new_property_is_compared_with_the_old_additional_properties_schema() -> None:
    old = {**_props(), "additionalProperties": S}
    new = {**_props(q={"type": "string", "maxLength": 3}), "additionalProperties": S}
    assert _found(old, new) == {
        ("property-added", "info", "#/properties/q", "property 'q' added", ""),
        ("property-max-length-set", "breaking", "#/properties/q", "max-length none -> <= 3", ""),
    }


def test_bound_words() -> None:
    old = {"type": "number", "minimum": 1.5, "maxLength": True, "maximum": 2}
    new = {"type": "number", "exclusiveMinimum": 1.5, "exclusiveMaximum": 3.0}
    assert _found(old, new) == {
        ("property-min-increased", "breaking", "#", "min >= 1.5 -> > 1.5", ""),
        ("property-max-increased", "info", "#", "max <= 2 -> < 3", ""),
    }
    assert _found({"type": "array", "minItems": 2}, {"type": "array"}) == {
        ("property-min-items-removed", "info", "#", "min-items >= 2 -> none", ""),
    }


def test_type_words_and_what_was_lost_or_gained() -> None:
    assert _found(_props(p=S), _props(p={})) == {
        (
            "property-type-widened",
            "info",
            "#/properties/p",
            f"type string -> {ANY}",
            "array,boolean,null,number,object",
        ),
    }
    assert _found(_props(p={"type": "integer"}), _props(p={"minimum": 1})) == {
        (
            "property-type-widened",
            "info",
            "#/properties/p",
            f"type integer -> {ANY}",
            "array,boolean,null,number,object,string",
        ),
        ("property-min-set", "breaking", "#/properties/p", "min none -> >= 1", ""),
    }
    assert _found(_props(p={"type": "number"}), _props(p={"type": ["integer", "string"]})) == {
        (
            "property-type-changed",
            "breaking",
            "#/properties/p",
            "type number -> integer|string",
            "",
        ),
    }
    assert _found(_props(p={"type": "number"}), _props(p={"type": "integer"})) == {
        (
            "property-type-narrowed",
            "breaking",
            "#/properties/p",
            "type number -> integer",
            "number",
        ),
    }


def _openapi(schema: Any, version: str = "3.1.0") -> dict[str, Any]:
    body = {"content": {"application/json": {"schema": schema}}}
    operation = {"requestBody": body, "responses": {"200": {"description": "ok"}}}
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"post": operation}},
    }


def _api(old: Any, new: Any, version: str = "3.1.0") -> set[tuple[str, str, str]]:
    changes = diff_documents(
        make_document("o.json", _openapi(old, version)),
        make_document("n.json", _openapi(new, version)),
    )
    return {
        (c.rule, c.severity, c.location.removeprefix("POST /a request application/json"))
        for c in changes
    }


def test_openapi_required_names_without_a_property_are_outside_the_contract() -> None:
    assert _api(_props(b=S), {**_props(b=S), "required": ["a", "b"]}) == {
        ("request-property-became-required", "breaking", "#/properties/b"),
    }


def test_required_removals_are_each_reported_once() -> None:
    old = {**_props(a=S, b=S, c=S), "required": ["a", "b", "c"]}
    assert _api(old, _props(b=S, c=S)) == {
        ("request-required-property-removed", "warning", "#/properties/a"),
        ("request-property-became-optional", "info", "#/properties/b"),
        ("request-property-became-optional", "info", "#/properties/c"),
    }
    bare = _found({"type": "object", "required": ["a", "b"]}, {"type": "object"})
    assert {(f[0], f[2]) for f in bare} == {
        ("property-became-optional", "#/properties/a"),
        ("property-became-optional", "#/properties/b"),
    }
    bare = _found({"type": "object"}, {"type": "object", "required": ["a"]})
    assert {(f[0], f[2]) for f in bare} == {("property-became-required", "#/properties/a")}


def test_openapi_new_property_against_the_old_additional_properties() -> None:
    new_q = {"q": {"type": "string", "maxLength": 3}}
    explicit = _api(
        {**_props(), "additionalProperties": S}, {**_props(**new_q), "additionalProperties": S}
    )
    assert explicit == {
        ("request-property-added", "info", "#/properties/q"),
        ("request-property-max-length-set", "breaking", "#/properties/q"),
    }
    for extra in ({"additionalProperties": True}, {}):
        assert _api({**_props(), **extra}, {**_props(**new_q), **extra}) == {
            ("request-property-added", "info", "#/properties/q"),
        }


def test_openapi_additional_properties_are_compared_only_as_two_schemas() -> None:
    number, integer = {"type": "number"}, {"type": "integer"}
    assert _api(
        {"type": "object", "additionalProperties": number},
        {"type": "object", "additionalProperties": integer},
    ) == {
        ("request-property-type-narrowed", "breaking", "#/additionalProperties"),
    }
    assert _api({"type": "object", "additionalProperties": number}, {"type": "object"}) == set()


def test_a_new_property_with_a_dangling_ref_is_no_move() -> None:
    new = {"type": "object", "properties": {"input": {"$ref": "#/components/schemas/Nope"}}}
    assert _api(_props(a=S, b=S), new) == {
        ("request-property-removed", "warning", "#/properties/a"),
        ("request-property-removed", "warning", "#/properties/b"),
        ("request-property-added", "info", "#/properties/input"),
    }


def test_openapi_3_0_required_read_only_names_are_skipped_one_by_one() -> None:
    """OpenAPI 3.0: `required` on a readOnly property binds responses only."""
    props = _props(a={"type": "string", "readOnly": True}, b=S, c=S)
    assert _api(props, {**props, "required": ["a", "b", "c"]}, "3.0.3") == {
        ("request-property-became-required", "breaking", "#/properties/b"),
        ("request-property-became-required", "breaking", "#/properties/c"),
    }
    assert _api({**props, "required": ["a", "b", "c"]}, props, "3.0.3") == {
        ("request-property-became-optional", "info", "#/properties/b"),
        ("request-property-became-optional", "info", "#/properties/c"),
    }


def test_a_new_property_without_nested_constraints_keeps_its_words() -> None:
    assert _found(_props(), _props(q=S)) == {
        ("property-added", "info", "#/properties/q", "property 'q' added", ""),
        (
            "property-type-narrowed",
            "breaking",
            "#/properties/q",
            f"type {ANY} -> string",
            "array,boolean,null,number,object",
        ),
    }


def test_a_new_property_with_only_nested_constraints_lists_them() -> None:
    assert {f[:3] for f in _found(_props(), _props(q={"properties": {"x": S}}))} == {
        ("property-added", "info", "#/properties/q"),
        ("property-added", "info", "#/properties/q/properties/x"),
        ("property-type-narrowed", "breaking", "#/properties/q/properties/x"),
    }


def test_an_enum_over_two_types_narrowed_to_one_is_a_removed_value_only() -> None:
    old = _props(p={"type": ["integer", "string"], "enum": [5, "a"]})
    new = _props(p={"type": "integer", "enum": [5]})
    assert _found(old, new) == {
        (
            "property-enum-value-removed",
            "breaking",
            "#/properties/p",
            'value "a" no longer allowed',
            '"a"',
        ),
    }

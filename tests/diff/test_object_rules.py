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

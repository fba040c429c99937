"""Models and validators agree where pydantic and JSON Schema read numbers and refs differently."""

from __future__ import annotations

import json
import sys
import types
from typing import Any

import jsonschema_rs
import pytest
from pydantic import ValidationError

from codegen.catalog.model import SourceFile
from codegen.normalize import normalize_schema
from codegen.render.models import render_models

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "generated"))  # the models import kling_gateways._runtime

TWO_STEP_CYCLE = {
    "title": "Request",
    "$ref": "#/$defs/A",
    "$defs": {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}, "n": {"type": "integer"}}},
        "B": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}},
    },
}  # fmt: skip
ALIAS_LOOP = {
    "title": "Request",
    "type": "object",
    "properties": {"tree": {"$ref": "#/$defs/Node"}, "n": {"type": "integer"}},
    "$defs": {"Node": {"$ref": "#/$defs/Kids"}, "Kids": {"$ref": "#/$defs/Node", "title": "Kids"}},
}
NUMBERS = {
    "title": "Request",
    "type": "object",
    "properties": {
        "duration": {"type": "integer", "minimum": 3},
        "sizes": {"type": "array", "items": {"type": "integer"}},
        "scale": {"type": "number"},
        "width": {"enum": [1080, 1920]},
    },
}


def _model(schema: dict[str, Any]) -> Any:
    """The generated module, imported as a real module (pydantic resolves names through it)."""
    name = f"_kling_edge_{abs(hash(json.dumps(schema, sort_keys=True)))}"
    module = types.ModuleType(name)
    sys.modules[name] = module
    model_schema = normalize_schema(SourceFile(path="t.json", data=schema, sha256="")).model
    source = render_models(model_schema, class_name="Request", file="t.json")
    exec(compile(source, name, "exec"), module.__dict__)
    return module.Request


def _agree(schema: dict[str, Any], value: Any) -> bool:
    valid = jsonschema_rs.validator_for(schema).is_valid(value)
    try:
        _model(schema).model_validate(value)
        model_ok = True
    except ValidationError:
        model_ok = False
    assert model_ok is valid, (json.dumps(value), valid)
    return valid


@pytest.mark.parametrize("value", [{}, {"b": {}}, {"b": {"a": {"b": {"a": {"n": 1}}}}}, {"n": "x"}])
def test_two_step_ref_cycle(value: Any) -> None:
    _agree(TWO_STEP_CYCLE, value)


@pytest.mark.parametrize("value", [{}, {"tree": {"x": 1}}, {"tree": [1, "a"]}, {"n": "x"}])
def test_two_step_alias_loop_constrains_nothing(value: Any) -> None:
    """A -> B -> A with nothing else: the validator accepts anything there, so must the model."""
    _agree(ALIAS_LOOP, value)


@pytest.mark.parametrize(
    "value",
    [
        {"duration": 5.0},
        {"duration": 5.5},
        {"duration": 2.0},
        {"sizes": [1920.0, 1080]},
        {"scale": 1.0},
        {"width": 1920.0},
        {"width": 1921.0},
        {"duration": True},
    ],
)
def test_integral_floats_are_integers(value: Any) -> None:
    _agree(NUMBERS, value)


def test_an_integral_float_reads_as_the_int() -> None:
    assert _model(NUMBERS).model_validate({"duration": 5.0, "scale": 2.0}).duration == 5


COG_ENUM = {
    "title": "Request",
    "type": "object",
    "properties": {
        "mode": {"allOf": [{"$ref": "#/$defs/mode"}], "default": "pro", "x-order": 4},
        "ratio": {"$ref": "#/$defs/ratio", "default": "16:9"},
    },
    "$defs": {
        "mode": {"title": "mode", "type": "string", "enum": ["standard", "pro"]},
        "ratio": {"title": "ratio", "type": "string", "enum": ["16:9", "1:1"]},
    },
}


@pytest.mark.parametrize("value", [{}, {"mode": "standard"}, {"mode": "std"}, {"ratio": "4:3"}])
def test_defaulted_enum_refs_agree(value: Any) -> None:
    """Cog writes enum inputs as `allOf: [{$ref}]` with a default: the model field is the
    enum's literal type with that default (no wrapper class a plain default mistypes)."""
    _agree(COG_ENUM, value)


def test_defaulted_enum_refs_are_inlined_in_the_model_schema_only() -> None:
    normalized = normalize_schema(SourceFile(path="t.json", data=COG_ENUM, sha256=""))
    assert normalized.model["properties"]["mode"]["enum"] == ["standard", "pro"]
    assert "allOf" in normalized.validator["properties"]["mode"]
    assert _model(COG_ENUM)().mode == "pro"

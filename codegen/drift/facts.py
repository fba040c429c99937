"""The facts the drift report compares, read from one schema node.

Values (enum, range, default) are given in canonical terms: a provider value the mapping
produces with a value transform (`to_string`, `to_integer`) is converted back, so a string
enum "3".."15" that the mapping fills from integer seconds reads as 3..15. The JSON type
is the wire type, so the same field still shows `string` against `integer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codegen.drift.walk import MISSING, Node, json_type, types

RANGE_KEYS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf")
VALUE_TRANSFORMS = ("to_string", "to_integer")
_SHOWN = 60  # longest string shown in a detail
_FINITE_LIMIT = 1000  # integer ranges up to this size count as a finite set of values


def to_canonical(value: Any, conversions: Sequence[str]) -> Any:
    """Undo the mapping's value transforms (last applied first) on a provider value."""
    for name in reversed(conversions):
        value = _undo(name, value)
    return value


def _undo(name: str, value: Any) -> Any:
    if name == "to_string" and isinstance(value, str):
        for cast in (int, float):
            try:
                return cast(value)
            except ValueError:
                continue
    if name == "to_integer" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def node_facts(node: Node, conversions: Sequence[str] = ()) -> dict[str, Any]:
    """type, enum, range, length, items and default of a node, JSON-ready."""
    schema = node.schema
    facts: dict[str, Any] = {"type": "|".join(types(node)) or "any"}
    enum = _enum(schema, conversions)
    if enum is not None:
        facts["enum"] = enum
        if conversions and _enum(schema, ()) != enum:
            facts["wire_enum"] = _enum(schema, ())
    facts.update(_limits(schema, facts["type"]))
    if "default" in schema:
        facts["default"] = to_canonical(schema["default"], conversions)
        if facts["default"] != schema["default"]:
            facts["wire_default"] = schema["default"]
    return facts


def _enum(schema: dict[str, Any], conversions: Sequence[str]) -> list[Any] | None:
    if "const" in schema:
        return [to_canonical(schema["const"], conversions)]
    if isinstance(schema.get("enum"), list):
        return [to_canonical(v, conversions) for v in schema["enum"]]
    return None


def _limits(schema: dict[str, Any], type_name: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    rng = {k: schema[k] for k in RANGE_KEYS if k in schema}
    if rng.get("multipleOf") == 1 and type_name == "integer":
        del rng["multipleOf"]  # redundant for an integer
    if rng:
        found["range"] = rng
    for name, low, high in (
        ("length", "minLength", "maxLength"),
        ("items", "minItems", "maxItems"),
    ):
        limits = {k: schema[k] for k in (low, high) if k in schema}
        if limits.get(low) == 0:
            del limits[low]  # 0 is no limit
        if limits:
            found[name] = limits
    return found


def effective_range(facts: dict[str, Any]) -> dict[str, Any] | None:
    """The stated range, or the one a numeric enum implies (None: unbounded)."""
    if "range" in facts:
        return dict(facts["range"])
    enum = facts.get("enum")
    if enum and all(json_type(v) in ("integer", "number") for v in enum):
        return {"minimum": min(enum), "maximum": max(enum)}
    return None


def value_set(facts: dict[str, Any]) -> frozenset[Any] | None:
    """The finite set of allowed values, where there is one (None: open)."""
    if "enum" in facts:
        return frozenset(_hashable(v) for v in facts["enum"])
    rng = facts.get("range") or {}
    low = rng.get("minimum", _exclusive(rng.get("exclusiveMinimum"), 1))
    high = rng.get("maximum", _exclusive(rng.get("exclusiveMaximum"), -1))
    if facts.get("type") != "integer" or low is None or high is None:
        return None
    if high - low > _FINITE_LIMIT:
        return None
    return frozenset(range(int(low), int(high) + 1))


def _exclusive(value: Any, step: int) -> Any:
    return None if value is None else value + step


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | None) else repr(value)


def is_interval(values: frozenset[Any]) -> bool:
    """Whether a value set is a run of consecutive integers (so a range says it all)."""
    ints = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    return len(ints) == len(values) and bool(ints) and max(ints) - min(ints) + 1 == len(ints)


def show(value: Any) -> str:
    """A short, stable text for a value in details and tables."""
    if value is MISSING:
        return "none"
    if isinstance(value, str):
        return '"' + (value if len(value) <= _SHOWN else value[: _SHOWN - 3] + "...") + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)


def show_range(rng: dict[str, Any] | None) -> str:
    if not rng:
        return "any"
    low = _bound(rng, "minimum", "exclusiveMinimum", "(")
    high = _bound(rng, "maximum", "exclusiveMaximum", ")")
    text = f"{low}..{high}"
    return text + (f" step {rng['multipleOf']}" if "multipleOf" in rng else "")


def _bound(rng: dict[str, Any], inclusive: str, exclusive: str, mark: str) -> str:
    if inclusive in rng:
        return str(rng[inclusive])
    if exclusive in rng:
        return f"{mark}{rng[exclusive]}" if mark == "(" else f"{rng[exclusive]}{mark}"
    return ""


def show_limits(limits: dict[str, Any] | None, low: str, high: str) -> str:
    if not limits:
        return "any"
    return f"{limits.get(low, 0)}..{limits.get(high, '')}"

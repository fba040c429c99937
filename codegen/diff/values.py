"""Small semantic helpers: JSON types of a schema, finite value sets, and a tiny validator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Schema = dict[str, Any]
Resolve = Callable[[Any], Schema]

ALL_TYPES = frozenset({"null", "boolean", "object", "array", "number", "integer", "string"})
_TYPE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "string": ("minLength", "maxLength", "pattern", "format", "contentMediaType"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "array": ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"),
    "object": (
        "required",
        "additionalProperties",
        "patternProperties",
        "minProperties",
        "maxProperties",
        "propertyNames",
        "dependentRequired",
        "dependentSchemas",
    ),
}
_COMBINATORS = ("enum", "const", "not", "allOf", "anyOf", "oneOf", "$ref", "if")


def json_type(value: Any) -> str:
    """The JSON type name of a Python value ("integer" for whole numbers)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def covered(type_name: str, types: frozenset[str] | set[str]) -> bool:
    """Is every value of `type_name` accepted by a schema allowing `types`?"""
    return type_name in types or (type_name == "integer" and "number" in types)


def declared_types(schema: Schema) -> frozenset[str] | None:
    """The types a schema declares (None: no `type`), with OpenAPI 3.0 `nullable` folded in."""
    raw = schema.get("type")
    if raw is None:
        return None
    types = {raw} if isinstance(raw, str) else {t for t in raw if isinstance(t, str)}
    if schema.get("nullable") is True:
        types.add("null")
    return frozenset(types)


def finite_values(schema: Schema) -> list[Any] | None:
    """The values a schema is limited to by `const`/`enum`, or None."""
    if "const" in schema:
        return [schema["const"]]
    enum = schema.get("enum")
    if isinstance(enum, list):
        values = list(enum)
        if schema.get("nullable") is True and None not in values:
            values.append(None)
        return values
    return None


def json_equal(a: Any, b: Any) -> bool:
    """Equality in the JSON data model: True != 1, 1 == 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def accepts_all_of_type(schema: Schema, type_name: str) -> bool:
    """Does the schema accept every value of one JSON type, unconstrained?"""
    types = declared_types(schema)
    if types is not None and not covered(type_name, types):
        return False
    if any(k in schema for k in _COMBINATORS):
        return False
    family = "number" if type_name == "integer" else type_name
    for keyword in _TYPE_KEYWORDS.get(family, ()):
        trivial: tuple[Any, ...] = (True, {}, False) if keyword == "uniqueItems" else (True, {})
        if keyword in schema and schema[keyword] not in trivial:
            return False
    if family == "object":
        props = schema.get("properties") or {}
        return all(sub in (True, {}) for sub in props.values())
    return True


def accepts(schema: Any, value: Any, resolve: Resolve, depth: int = 0) -> bool:
    """A small JSON Schema validator: enough to test enum and const values across versions."""
    if depth > 40:
        return True
    node = resolve(schema)
    if not node:
        return node == {}
    checks = (
        _check_values,
        _check_type,
        _check_string,
        _check_number,
        _check_array,
        _check_object,
        _check_combinators,
    )
    return all(check(node, value, resolve, depth) for check in checks)


def _check_values(node: Schema, value: Any, resolve: Resolve, depth: int) -> bool:
    values = finite_values(node)
    return values is None or any(json_equal(v, value) for v in values)


def _check_type(node: Schema, value: Any, resolve: Resolve, depth: int) -> bool:
    types = declared_types(node)
    return types is None or covered(json_type(value), types)


def _check_string(node: Schema, value: Any, resolve: Resolve, depth: int) -> bool:
    if not isinstance(value, str):
        return True
    if len(value) < node.get("minLength", 0) or len(value) > node.get("maxLength", len(value)):
        return False
    pattern = node.get("pattern")
    return not isinstance(pattern, str) or matches(pattern, value)


_MATCHERS: dict[str, Any] = {}
_MAX_PATTERN = 4096  # characters; longer patterns are not evaluated


def matches(pattern: str, value: str) -> bool:
    """Does `value` match a schema `pattern`? Linear time, whatever the pattern.

    Schema patterns are data from providers: Python's backtracking `re` takes exponential
    time on `^(a+)+$`-style patterns, so they run on Rust's `regex` engine (through
    jsonschema-rs, `RegexOptions`), which guarantees linear-time matching. A pattern that
    engine cannot compile (back-references, look-around) or that is too long is not
    evaluated: the value counts as matching, and the pattern change itself is still
    reported by the pattern rules.
    """
    matcher = _MATCHERS.get(pattern)
    if matcher is None:
        matcher = _compile(pattern)
        if len(_MATCHERS) < 4096:
            _MATCHERS[pattern] = matcher
    return bool(matcher is False or matcher.is_valid(value))


def _compile(pattern: str) -> Any:
    import jsonschema_rs

    if len(pattern) > _MAX_PATTERN:
        return False
    try:
        return jsonschema_rs.validator_for(
            {"type": "string", "pattern": pattern},
            pattern_options=jsonschema_rs.RegexOptions(size_limit=1 << 20, dfa_size_limit=1 << 20),
        )
    except (jsonschema_rs.ValidationError, ValueError):
        return False


def _check_number(node: Schema, value: Any, resolve: Resolve, depth: int) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    low, high = lower_bound(node), upper_bound(node)
    if low is not None and (value < low[0] or (low[1] and value == low[0])):
        return False
    if high is not None and (value > high[0] or (high[1] and value == high[0])):
        return False
    step = node.get("multipleOf")
    return not isinstance(step, (int, float)) or step <= 0 or (value / step).is_integer()


def _check_array(node: Schema, value: Any, resolve: Resolve, depth: int) -> bool:
    if not isinstance(value, list):
        return True
    if len(value) < node.get("minItems", 0) or len(value) > node.get("maxItems", len(value)):
        return False
    prefix, rest = array_layout(node)
    for index, item in enumerate(value):
        sub = prefix[index] if index < len(prefix) else rest
        if sub is not None and not accepts(sub, item, resolve, depth + 1):
            return False
    return True


def _check_object(node: Schema, value: Any, resolve: Resolve, depth: int) -> bool:
    if not isinstance(value, dict):
        return True
    if any(name not in value for name in node.get("required", [])):
        return False
    props = node.get("properties") or {}
    extra = node.get("additionalProperties", True)
    for key, item in value.items():
        sub = props.get(key, extra)
        if sub is False or (sub is not True and not accepts(sub, item, resolve, depth + 1)):
            return False
    return True


def _check_combinators(node: Schema, value: Any, resolve: Resolve, depth: int) -> bool:
    def ok(sub: Any) -> bool:
        return accepts(sub, value, resolve, depth + 1)

    if not all(ok(s) for s in node.get("allOf", [])):
        return False
    if node.get("anyOf") and not any(ok(s) for s in node["anyOf"]):
        return False
    if node.get("oneOf") and sum(ok(s) for s in node["oneOf"]) != 1:
        return False
    return not ("not" in node and ok(node["not"]))


def lower_bound(node: Schema) -> tuple[float, bool] | None:
    """The effective lower bound (value, exclusive), OpenAPI 3.0 and 3.1 forms."""
    found: list[tuple[Any, bool]] = []
    exclusive = node.get("exclusiveMinimum")
    if _is_number(node.get("minimum")):
        found.append((node["minimum"], exclusive is True))
    if _is_number(exclusive):
        found.append((exclusive, True))
    return max(found) if found else None


def upper_bound(node: Schema) -> tuple[float, bool] | None:
    """The effective upper bound (value, exclusive)."""
    found: list[tuple[Any, bool]] = []
    exclusive = node.get("exclusiveMaximum")
    if _is_number(node.get("maximum")):
        found.append((node["maximum"], exclusive is True))
    if _is_number(exclusive):
        found.append((exclusive, True))
    return min(found, key=lambda b: (b[0], not b[1])) if found else None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def array_layout(node: Schema) -> tuple[list[Any], Any]:
    """(positional item schemas, schema for the rest or None), for 2020-12 and draft-7 forms."""
    items = node.get("items")
    if isinstance(items, list):
        return items, node.get("additionalItems")
    prefix = node.get("prefixItems")
    return (prefix if isinstance(prefix, list) else []), items

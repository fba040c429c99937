"""Visit every subschema of a JSON Schema, knowing which keywords hold schemas.

Only schema positions are visited: `default`, `enum`, `const` and `examples` are data and
are never touched, and a property named "type" is a name, not a keyword.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
SCHEMA_ONE = (
    "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "additionalItems",
)  # fmt: skip
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")

Path = tuple[str | int, ...]


def subschemas(schema: dict[str, Any], path: Path = ()) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Yield (path, subschema) for the schema itself and every nested schema, depth first."""
    yield path, schema
    for child_path, child in _children(schema, path):
        yield from subschemas(child, child_path)


def _children(schema: dict[str, Any], path: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for key in SCHEMA_MAPS:
        value = schema.get(key)
        if isinstance(value, dict):
            for name, child in value.items():
                if isinstance(child, dict):
                    yield (*path, key, name), child
    for key in SCHEMA_ONE:
        if isinstance(schema.get(key), dict):
            yield (*path, key), schema[key]
    items = schema.get("items")
    if isinstance(items, dict):
        yield (*path, "items"), items
    lists = [(k, schema.get(k)) for k in SCHEMA_LISTS] + [("items", items)]
    for key, value in lists:
        if isinstance(value, list):
            for index, child in enumerate(value):
                if isinstance(child, dict):
                    yield (*path, key, index), child


def transform(
    schema: dict[str, Any], edit: Callable[[Path, dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """Rebuild `schema` bottom-up, passing each subschema (children already rebuilt) to `edit`."""
    return _rebuild(schema, (), edit)


def _rebuild(
    node: dict[str, Any], path: Path, edit: Callable[[Path, dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    out = dict(node)
    for key in SCHEMA_MAPS:
        if isinstance(node.get(key), dict):
            out[key] = {
                k: _rebuild(v, (*path, key, k), edit) if isinstance(v, dict) else v
                for k, v in node[key].items()
            }
    for key in (*SCHEMA_ONE, "items"):
        if isinstance(node.get(key), dict):
            out[key] = _rebuild(node[key], (*path, key), edit)
    for key in (*SCHEMA_LISTS, "items"):
        if isinstance(node.get(key), list):
            out[key] = [
                _rebuild(v, (*path, key, i), edit) if isinstance(v, dict) else v
                for i, v in enumerate(node[key])
            ]
    return edit(path, out)

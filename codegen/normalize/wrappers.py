"""OpenAPI spellings and optional-or-null wrappers, read as the plain JSON Schema they mean.

Published OpenAPI documents say "may be null" in three ways and wrap references for their
descriptions; every consumer (models, validators, docs, drift, diff) should see the field's
own type and limits. Each rewrite here keeps the meaning exactly and is noted:

- `nullable: true` (OpenAPI 3.0) -> "null" added to `type` (and to `enum`);
- `exclusiveMinimum: true` next to `minimum` (OpenAPI 3.0) -> `exclusiveMinimum: <minimum>`;
- `anyOf: [X, {type: null}]` where X is a plain typed schema -> X with "null" added to `type`;
- `allOf: [{$ref: R}]` with only annotations beside it -> `$ref: R` with those annotations.
"""

from __future__ import annotations

from typing import Any

from codegen.errors import pointer
from codegen.normalize.walk import Path

ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "example", "deprecated", "readOnly",
     "writeOnly", "$comment"}
)  # fmt: skip
APPLICATORS = frozenset(
    {"$ref", "$dynamicRef", "anyOf", "oneOf", "allOf", "not", "if", "then", "else", "$defs"}
)
NULL = {"type": "null"}


def unwrap(path: Path, node: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """Apply every rewrite of this module to one schema node (children already done)."""
    node = _nullable(path, node, notes)
    node = _exclusive(path, node, notes)
    node = _null_union(path, node, notes)
    return _single_all_of(path, node, notes)


def _nullable(path: Path, node: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    if "nullable" not in node or not isinstance(node["nullable"], bool):
        return node
    rest = {k: v for k, v in node.items() if k != "nullable"}
    if node["nullable"] is False:
        return rest
    where = pointer([*path, "nullable"])
    if "type" not in rest:
        notes.append(f"#{where}: nullable without a type; read as anyOf [schema, null]")
        keep = {k: v for k, v in rest.items() if k in ANNOTATIONS}
        inner = {k: v for k, v in rest.items() if k not in ANNOTATIONS}
        return {**keep, "anyOf": [inner, NULL]}
    notes.append(f"#{where}: OpenAPI nullable; read as type including null")
    return _with_null(rest)


def _with_null(node: dict[str, Any]) -> dict[str, Any]:
    """`node` that also accepts null (its `type`, `enum`, `const` widened)."""
    out = dict(node)
    declared = node.get("type")
    names = list(declared) if isinstance(declared, list) else [declared]
    if declared is not None and "null" not in names:
        out["type"] = [*names, "null"]
    if isinstance(node.get("enum"), list) and None not in node["enum"]:
        out["enum"] = [*node["enum"], None]
    if "const" in node:
        out.pop("const")
        out["enum"] = [node["const"], None]
    return out


def _exclusive(path: Path, node: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    out = dict(node)
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if not isinstance(node.get(flag), bool):
            continue
        if node[flag] and bound in node:
            out[flag] = out.pop(bound)
            notes.append(f"#{pointer([*path, flag])}: OpenAPI 3.0 boolean; read as {flag}")
        else:
            out.pop(flag)
    return out


def _null_union(path: Path, node: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    branches = node.get("anyOf")
    if not (isinstance(branches, list) and len(branches) == 2 and NULL in branches):
        return node
    inner = branches[1 - branches.index(NULL)]
    siblings = {k: v for k, v in node.items() if k != "anyOf"}
    if not _plain(inner) or not set(siblings) <= ANNOTATIONS:
        return node
    notes.append(f"#{pointer([*path, 'anyOf'])}: [X, null]; read as X that may be null")
    return {**_with_null(inner), **siblings}


def _plain(schema: Any) -> bool:
    """A schema with one non-null type and no references or combinators."""
    return (
        isinstance(schema, dict)
        and isinstance(schema.get("type"), str)
        and schema["type"] != "null"
        and not set(schema) & APPLICATORS
    )


def _single_all_of(path: Path, node: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    branches = node.get("allOf")
    if not (isinstance(branches, list) and len(branches) == 1 and isinstance(branches[0], dict)):
        return node
    only = branches[0]
    siblings = {k: v for k, v in node.items() if k != "allOf"}
    if set(only) != {"$ref"} or not set(siblings) <= ANNOTATIONS:
        return node
    notes.append(f"#{pointer([*path, 'allOf'])}: a single $ref wrapper; read as the $ref")
    return {**siblings, "$ref": only["$ref"]}

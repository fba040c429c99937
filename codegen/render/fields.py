"""Flatten a JSON Schema into one row per field, for docs tables.

Paths read like `input.duration`, `inputs.frameImages[].image`, `[].positivePrompt` (an
array body). Local `$ref`s are followed once per path, so cycles end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

CONSTRAINTS = (
    ("minimum", ">= {}"), ("exclusiveMinimum", "> {}"), ("maximum", "<= {}"),
    ("exclusiveMaximum", "< {}"), ("minLength", "length >= {}"), ("maxLength", "length <= {}"),
    ("minItems", "items >= {}"), ("maxItems", "items <= {}"), ("pattern", "pattern {}"),
    ("multipleOf", "multiple of {}"), ("format", "format {}"),
)  # fmt: skip
MAX_DEPTH = 12


@dataclass(frozen=True)
class Row:
    path: str
    type: str
    required: bool
    default: str  # JSON text, "" when none
    constraints: str
    description: str


def rows(schema: dict[str, Any]) -> list[Row]:
    found: list[Row] = []
    _walk(schema, schema, "", found, required=True, seen=frozenset(), depth=0)
    return found


def _resolve(
    root: dict[str, Any], node: dict[str, Any], seen: frozenset[str]
) -> tuple[dict[str, Any], frozenset[str]]:
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
        return node, seen
    target: Any = root
    for token in ref[2:].split("/"):
        target = (
            target.get(token.replace("~1", "/").replace("~0", "~"), {})
            if isinstance(target, dict)
            else {}
        )
    merged = (
        {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        if isinstance(target, dict)
        else node
    )
    return merged, seen | {ref}


def _walk(
    root: dict[str, Any], node: dict[str, Any], path: str, found: list[Row], *,
    required: bool, seen: frozenset[str], depth: int, row: bool = True,
) -> None:  # fmt: skip
    node, seen = _resolve(root, node, seen)
    if depth > MAX_DEPTH:
        return
    if path and row:
        found.append(_row(node, path, required))
    props = node.get("properties")
    if isinstance(props, dict):
        required_list = node.get("required")
        needed: list[Any] = required_list if isinstance(required_list, list) else []
        for name, child in props.items():
            if isinstance(child, dict):
                child_path = f"{path}.{name}" if path else str(name)
                _walk(
                    root,
                    child,
                    child_path,
                    found,
                    required=name in needed,
                    seen=seen,
                    depth=depth + 1,
                )
    items = node.get("items")
    if isinstance(items, dict):
        _walk(root, items, f"{path}[]", found, required=True, seen=seen, depth=depth + 1, row=False)


def _row(node: dict[str, Any], path: str, required: bool) -> Row:
    default = json.dumps(node["default"], ensure_ascii=False) if "default" in node else ""
    return Row(
        path,
        type_text(node),
        required,
        default,
        constraint_text(node),
        str(node.get("description", "")),
    )


def type_text(node: dict[str, Any]) -> str:
    if "const" in node:
        return "const " + json.dumps(node["const"], ensure_ascii=False)
    if isinstance(node.get("enum"), list):
        return "enum " + ", ".join(json.dumps(v, ensure_ascii=False) for v in node["enum"])
    declared = node.get("type")
    names = declared if isinstance(declared, list) else [declared] if declared else []
    for key in ("oneOf", "anyOf"):
        if isinstance(node.get(key), list) and not names:
            names = [
                type_text(n)
                for n in node[key]
                if isinstance(n, dict) and ("type" in n or "$ref" in n)
            ]
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return f"array of {type_text(node['items']) or 'any'}"
    if isinstance(node.get("$ref"), str):
        return str(node["$ref"]).rsplit("/", 1)[-1]
    return " | ".join(str(n) for n in names) or "any"


def constraint_text(node: dict[str, Any]) -> str:
    parts = [
        fmt.format(json.dumps(node[key], ensure_ascii=False))
        for key, fmt in CONSTRAINTS
        if key in node
    ]
    return ", ".join(parts)

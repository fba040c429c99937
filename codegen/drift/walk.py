"""Walk a (normalized) JSON Schema the way a payload is built: keys, list items, `$ref`s.

A `Node` is a schema dict with the JSON pointer it was found at (after `$ref`s are
followed), so provenance readings (`request.json#/pointer`) can be matched to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.catalog.checks import resolve_local
from codegen.errors import escape_pointer_token

MISSING: Any = object()
_BRANCHES = ("anyOf", "oneOf", "allOf")
# where a `required` list makes a property required only sometimes (`if` and `not` do not)
_CONDITIONAL = ("anyOf", "oneOf", "allOf", "then", "else")


@dataclass(frozen=True)
class Node:
    schema: dict[str, Any]
    pointer: str  # "" is the root
    root: dict[str, Any]

    def child(self, schema: Any, *tokens: str) -> Node:
        ptr = self.pointer + "".join("/" + escape_pointer_token(t) for t in tokens)
        node = Node(schema if isinstance(schema, dict) else {}, ptr, self.root)
        return node.deref()

    def deref(self) -> Node:
        """Follow `$ref`s (local only); sibling keywords override the target's."""
        node, seen = self, set()
        while isinstance(node.schema.get("$ref"), str) and node.schema["$ref"] not in seen:
            ref: str = node.schema["$ref"]
            seen.add(ref)
            target = _resolve(node.root, ref)
            if target is None:
                return node
            extra = {k: v for k, v in node.schema.items() if k != "$ref"}
            node = Node({**target, **extra}, ref[1:], node.root)
        return node


def root_node(schema: dict[str, Any]) -> Node:
    return Node(schema, "", schema)


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any] | None:
    target = resolve_local(root, ref) if ref.startswith("#") else None
    return target if isinstance(target, dict) else None


def object_branch(node: Node) -> Node | None:
    """The node itself if it has `properties`, else the first anyOf/oneOf/allOf branch that has."""
    if isinstance(node.schema.get("properties"), dict):
        return node
    for keyword in _BRANCHES:
        for i, branch in enumerate(node.schema.get(keyword) or []):
            found = object_branch(node.child(branch, keyword, str(i)))
            if found is not None:
                return found
    return None


def array_branch(node: Node) -> Node | None:
    """The node itself if it describes an array, else the first branch that does."""
    if "items" in node.schema or _types_of(node.schema) == ["array"]:
        return node
    for keyword in _BRANCHES:
        for i, branch in enumerate(node.schema.get(keyword) or []):
            found = array_branch(node.child(branch, keyword, str(i)))
            if found is not None:
                return found
    return None


def prop(node: Node, key: str) -> tuple[Node, str] | None:
    """(child node, required status: yes / conditional / no) of `key`, or None if undefined."""
    obj = object_branch(node)
    if obj is None or key not in obj.schema["properties"]:
        return None
    child = obj.child(obj.schema["properties"][key], "properties", key)
    return child, required_status(obj.schema, key)


def items(node: Node) -> Node | None:
    arr = array_branch(node)
    if arr is None or not isinstance(arr.schema.get("items"), dict):
        return None
    return arr.child(arr.schema["items"], "items")


def required_status(obj: dict[str, Any], key: str) -> str:
    if key in (obj.get("required") or []):
        return "yes"
    if _mentioned(obj, key) or key in _dependent(obj):
        return "conditional"
    return "no"


def _dependent(obj: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for needed in (obj.get("dependentRequired") or {}).values():
        found.update(needed if isinstance(needed, list) else [])
    return found


def _mentioned(schema: dict[str, Any], key: str) -> bool:
    """Whether `key` is required in one of the conditional sub-schemas of an object."""
    for keyword in _CONDITIONAL:
        value = schema.get(keyword)
        subs = value if isinstance(value, list) else [value]
        for sub in subs:
            if isinstance(sub, dict) and (
                key in (sub.get("required") or []) or _mentioned(sub, key)
            ):
                return True
    return False


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _types_of(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return sorted({str(t) for t in declared})
    if "const" in schema:
        return [json_type(schema["const"])]
    if isinstance(schema.get("enum"), list):
        return sorted({json_type(v) for v in schema["enum"]})
    return []


def types(node: Node) -> list[str]:
    """The JSON types a node allows (union over anyOf/oneOf branches); [] means any."""
    own = _types_of(node.schema)
    if own:
        return own
    found: set[str] = set()
    for keyword in ("anyOf", "oneOf"):
        for i, branch in enumerate(node.schema.get(keyword) or []):
            found.update(types(node.child(branch, keyword, str(i))))
    return sorted(found)

"""Fields a payload sends that the provider's schema does not define.

No gateway in the catalog forbids extra fields, so a misspelled `durtion` validates and the
job runs at the default duration, paid. `unknown_fields(schema, payload)` walks the payload
beside its JSON Schema and returns each key no `properties` of the object's schema (or of
its `allOf`/`anyOf`/`oneOf`/`if`/`then`/`else` branches) defines, with the nearest known
name. Objects whose schema says nothing of their keys (free-form metadata), declares
`additionalProperties` as a schema or `patternProperties` are not reported; where a schema
sets `additionalProperties: false`, the validator already reports an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from .pointer import escape, get_pointer

_BRANCHES = ("allOf", "anyOf", "oneOf")
_CONDITIONAL = ("if", "then", "else")
_MAX_DEPTH = 64


class UnknownField(NamedTuple):
    """`name` at `pointer` (RFC 6901, into the payload) is not a field; `suggestion` or None."""

    pointer: str
    name: str
    suggestion: str | None

    def message(self, target: str) -> str:
        text = f"`{self.name}`: not a field of {target}"
        return f"{text}; did you mean `{self.suggestion}`?" if self.suggestion else text


def unknown_fields(
    schema: Mapping[str, Any], payload: Any, *, closed: bool = False
) -> list[UnknownField]:
    """Every key of `payload` (at any depth) that `schema` does not define, sorted.

    With `closed`, keys of objects whose schema forbids extra keys are listed too (to name
    the nearest field in an error the validator reports anyway)."""
    found: list[UnknownField] = []
    _walk(_Root(schema, closed), [schema], payload, "", found, 0)
    return sorted(set(found))


def nearest(name: str, known: list[str]) -> str | None:
    """The closest known name (case-insensitive), if any is close enough."""
    lowered = {k.lower(): k for k in known}
    import difflib  # here: only a payload with an unknown field pays for it

    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


class _Root:
    def __init__(self, schema: Mapping[str, Any], closed: bool) -> None:
        self.schema = schema
        self.closed = closed

    def resolve(self, node: Any, seen: frozenset[str] = frozenset()) -> Iterator[Mapping[str, Any]]:
        """`node` and every subschema that applies to the same instance (refs, branches)."""
        if not isinstance(node, Mapping):
            return
        yield node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#") and ref not in seen:
            target = get_pointer(self.schema, ref[1:])
            yield from self.resolve(target, seen | {ref})
        for key in _BRANCHES:
            for branch in node.get(key) or []:
                yield from self.resolve(branch, seen)
        for key in _CONDITIONAL:
            yield from self.resolve(node.get(key), seen)


def _walk(
    root: _Root, nodes: list[Any], value: Any, here: str, found: list[UnknownField], depth: int
) -> None:
    if depth > _MAX_DEPTH:
        return
    parts = [s for n in nodes for s in root.resolve(n)]
    if isinstance(value, Mapping):
        _object(root, parts, value, here, found, depth)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            items = [p["items"] for p in parts if isinstance(p.get("items"), Mapping)]
            items += [p["prefixItems"][i] for p in parts if _has_prefix(p, i)]
            _walk(root, items, item, f"{here}/{i}", found, depth + 1)


def _has_prefix(schema: Mapping[str, Any], index: int) -> bool:
    prefix = schema.get("prefixItems")
    return isinstance(prefix, list) and index < len(prefix)


def _object(
    root: _Root,
    parts: list[Mapping[str, Any]],
    value: Mapping[str, Any],
    here: str,
    found: list[UnknownField],
    depth: int,
) -> None:
    props: dict[str, list[Any]] = {}
    for part in parts:
        for name, sub in (part.get("properties") or {}).items():
            props.setdefault(name, []).append(sub)
    open_map = any(_open(p, root.closed) for p in parts)
    for key, item in value.items():
        where = f"{here}/{escape(key)}"
        if key in props:
            _walk(root, props[key], item, where, found, depth + 1)
        elif props and not open_map:
            found.append(UnknownField(where, str(key), nearest(str(key), sorted(props))))


def _open(schema: Mapping[str, Any], closed: bool) -> bool:
    """Whether the schema rules on extra keys itself (a map, patterns, or forbids them)."""
    extra = schema.get("additionalProperties", True)
    if extra is False:
        return not closed
    return extra is not True or bool(schema.get("patternProperties"))


__all__ = ["UnknownField", "nearest", "unknown_fields"]

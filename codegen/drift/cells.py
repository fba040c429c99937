"""One cell of the matrix: how one provider endpoint spells one canonical request field.

Everything comes from the mapping (`to` path, transforms, unsupported policies) and the
provider's normalized request schema, walked along that path. Nested canonical fields
(`elements.frontal_image`, `multi_prompt.duration`) get cells of their own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from codegen.drift.facts import VALUE_TRANSFORMS, node_facts, show
from codegen.drift.walk import Node, items, json_type, prop, required_status, types

# How the canonical request references elements in prompts (DESIGN.md, canonical names);
# the `element_refs` transform rewrites this syntax into the provider's.
CANONICAL_ELEMENT_REF = "@Element{n}"


@dataclass
class Target:
    """One provider endpoint's request side, ready to be walked."""

    key: str  # provider/endpoint
    body: Node | None  # the translated body, inside the envelope
    prefix: str  # the envelope as a path prefix ("input.", "[].")
    readings: Sequence[tuple[str, str]]  # (pointer into request.json, text)
    price: str
    defaults: Mapping[str, Any] = field(default_factory=dict)
    fields: Mapping[str, Any] = field(default_factory=dict)  # the mapping's request fields


@dataclass
class Walk:
    """Where a canonical value ends up while its transforms are followed."""

    node: Node | None
    name: str
    required: str
    conversions: list[str] = field(default_factory=list)
    semantics: list[str] = field(default_factory=list)
    qualifiers: list[str] = field(default_factory=list)
    items_node: Node | None = None  # the provider array a canonical list maps to
    sub_fields: Mapping[str, Any] | None = None  # `object` transform fields for list items
    lookup: Mapping[str, Any] | None = None
    located: Node | None = None  # the node at the mapping's `to` path
    json_text: bool = False  # the value travels as JSON text (`json_text`)


def unsupported_cell(spec: Mapping[str, Any] | None, *, price: str) -> dict[str, Any]:
    if spec is None:
        return {
            "supported": False,
            "policy": "unmapped",
            "reason": "not in the mapping",
            "price": price,
        }
    cell = {"supported": False, "policy": spec["unsupported"], "price": price}
    if "only" in spec:
        cell["only"] = list(spec["only"])
    if "reason" in spec:
        cell["reason"] = spec["reason"]
    return cell


def request_cells(canonical: Mapping[str, Node], target: Target) -> dict[str, dict[str, Any]]:
    """{canonical field (dotted for nested): cell} for every canonical field given."""
    cells: dict[str, dict[str, Any]] = {}
    for name, canon in canonical.items():
        spec = target.fields.get(name)
        if spec is None or "unsupported" in spec:
            cells[name] = unsupported_cell(spec, price=target.price)
            cells.update(_nested_unsupported(name, canon, spec, target))
            continue
        walk = _walk(target, spec, sibling_index=_sibling_index(target.fields, name))
        cells[name] = _cell(target, walk, canon, sent_default=target.defaults.get(name))
        cells.update(_nested(name, canon, walk, target))
    return cells


def _sibling_index(fields: Mapping[str, Any], name: str) -> int:
    """Position of a field among those appending to the same provider list (0 = first)."""
    to = fields[name].get("to", "")
    if not to.endswith("[]"):
        return 0
    same = [k for k, v in fields.items() if v.get("to") == to]
    return same.index(name)


def _walk(target: Target, spec: Mapping[str, Any], *, sibling_index: int) -> Walk:
    walk = _locate(target.body, spec["to"], sibling_index=sibling_index)
    for step in spec.get("transforms") or []:
        _apply(walk, step)
    return walk


def _locate(body: Node | None, to: str, *, sibling_index: int) -> Walk:
    if to == ".":
        return Walk(node=body, name=".", required="no")
    append = to.endswith("[]")
    keys = to.removesuffix("[]").split(".")
    node, statuses = body, []
    for key in keys:
        found = prop(node, key) if node is not None else None
        node = found[0] if found else None
        statuses.append(found[1] if found else "no")
    located = node
    if append and node is not None:
        statuses[-1] = _append_status(node, statuses[-1], sibling_index)
        node = items(node)
    return Walk(node=node, name=to, required=_combine(statuses), located=located)


def _append_status(array: Node, status: str, index: int) -> str:
    """A value appended to a required list is required if it fills one of its minItems."""
    return status if index < int(array.schema.get("minItems", 0)) else "no"


def _combine(statuses: Sequence[str]) -> str:
    if "no" in statuses:
        return "no"
    return "conditional" if "conditional" in statuses else "yes"


def _apply(walk: Walk, step: Mapping[str, Any]) -> None:
    name = step["name"]
    if name in VALUE_TRANSFORMS:
        walk.conversions.append(name)
    elif name == "element_refs":
        walk.semantics.append(f"prompt references elements as {step['format']}")
    elif name == "wrap":
        _wrap(walk, step)
    elif name == "list":
        walk.semantics.append("sent as a one-item list")
        walk.name += "[]"
        walk.node = items(walk.node) if walk.node else None
    elif name == "lookup":
        walk.lookup = step["table"]
    elif name == "each":
        _each(walk, step)
    elif name == "json_text":
        walk.json_text = True


def _wrap(walk: Walk, step: Mapping[str, Any]) -> None:
    found = prop(walk.node, step["key"]) if walk.node else None
    walk.node = found[0] if found else None
    walk.name += f".{step['key']}"
    walk.qualifiers.extend(f"{k}={show(v)}" for k, v in sorted((step.get("with") or {}).items()))


def _each(walk: Walk, step: Mapping[str, Any]) -> None:
    walk.items_node = walk.node
    walk.node = items(walk.node) if walk.node else None
    for inner in step.get("transforms") or []:
        if inner["name"] == "object":
            walk.sub_fields = inner.get("fields") or {}
            if "index" in inner:
                index = inner["index"]
                number = index.get("format", "{n} (an integer)")
                walk.semantics.append(f"each item gets {index['to']}={number}")
        elif inner["name"] in VALUE_TRANSFORMS:
            walk.conversions.append(inner["name"])


def _cell(target: Target, walk: Walk, canon: Node, *, sent_default: Any) -> dict[str, Any]:
    name = walk.name + "".join(f" ({q})" for q in walk.qualifiers)
    cell: dict[str, Any] = {"supported": True, "name": name, "wire": target.prefix + name}
    if walk.lookup is not None:
        return _lookup_cell(cell, target, walk, types(canon), sent_default)
    if walk.json_text and walk.located is not None:
        return _json_text_cell(cell, target, walk, sent_default)
    if walk.node is None:
        cell["problem"] = f"mapped to {walk.name}, which the request schema does not define"
        cell["price"] = target.price
        return cell
    # a canonical list (`each`) is described by the provider's array, not its items
    cell.update(node_facts(walk.items_node or walk.node, walk.conversions))
    cell["required"] = walk.required
    return _finish(cell, target, walk, sent_default)


def _finish(cell: dict[str, Any], target: Target, walk: Walk, sent_default: Any) -> dict[str, Any]:
    if walk.conversions:
        cell["transforms"] = list(walk.conversions)
    if sent_default is not None:
        cell["sent_default"] = sent_default
    cell["semantics"] = sorted(walk.semantics)
    node = walk.items_node or walk.node
    cell["readings"] = _readings(target, node.pointer if node else None)
    cell["price"] = target.price
    return cell


def _json_text_cell(
    cell: dict[str, Any], target: Target, walk: Walk, sent_default: Any
) -> dict[str, Any]:
    """A value sent as JSON text: described by the field that carries the text."""
    assert walk.located is not None
    cell.update(node_facts(walk.located))
    cell["required"] = walk.required
    walk.semantics.append("sent as JSON text")
    walk.node, walk.items_node = walk.located, None
    return _finish(cell, target, walk, sent_default)


def _lookup_cell(
    cell: dict[str, Any], target: Target, walk: Walk, canon: list[str], sent_default: Any
) -> dict[str, Any]:
    """A looked-up value, in canonical terms: its allowed values are the table's keys (as
    the canonical values they spell: `true`, not "true"), and its default the key the
    provider's own default is looked up from (the provider's spelling as wire_default)."""
    table = walk.lookup or {}
    keys = sorted({k for v in table.values() if isinstance(v, dict) for k in v})
    if walk.name == "." and keys and walk.node is not None:
        cell["name"] = cell["name"].removesuffix(".") + " + ".join(keys)
        cell["wire"] = target.prefix + " + ".join(keys)
        found = [prop(walk.node, k) for k in keys]
        cell["type"] = "|".join(sorted({node_facts(f[0])["type"] for f in found if f})) or "any"
        cell["required"] = _combine([f[1] if f else "no" for f in found])
    else:
        cell.update(node_facts(walk.node) if walk.node else {"type": "any"})
        cell["required"] = walk.required
        _lookup_default(cell, table, canon)
    cell["enum"] = sorted((_canonical_key(k, canon) for k in table), key=_order)
    pairs = "; ".join(f"{k} -> {show(v)}" for k, v in sorted(table.items()))
    walk.semantics.append(f"value looked up: {pairs}")
    return _finish(cell, target, walk, sent_default)


def _lookup_default(cell: dict[str, Any], table: Mapping[str, Any], canon: list[str]) -> None:
    """The provider's default as the canonical value it is looked up from, when exactly one
    is; otherwise only its own spelling (wire_default)."""
    if "default" not in cell:
        return
    wire = cell.pop("default")
    cell.pop("wire_default", None)
    keys = [k for k, v in table.items() if v == wire]
    if len(keys) == 1:
        cell["default"] = _canonical_key(keys[0], canon)
    cell["wire_default"] = wire


def _canonical_key(key: str, canon: list[str]) -> Any:
    """A lookup key as the canonical value it spells (JSON for non-string fields)."""
    if not canon or "string" in canon:
        return key
    try:
        value = json.loads(key)
    except ValueError:
        return key
    return (
        value
        if json_type(value) in canon or (json_type(value) == "integer" and "number" in canon)
        else key
    )


def _order(value: Any) -> tuple[bool, Any]:
    return isinstance(value, str), value


def _readings(target: Target, ptr: str | None) -> list[str]:
    if ptr is None:
        return []
    return [text for p, text in target.readings if p == ptr or p.startswith(ptr + "/")]


def _nested(name: str, canon: Node, walk: Walk, target: Target) -> dict[str, dict[str, Any]]:
    subs = _canonical_subfields(canon)
    if not subs:
        return {}
    fields = walk.sub_fields if walk.sub_fields is not None else {k: {"to": k} for k in subs}
    if walk.json_text:
        return {f"{name}.{k}": _in_text(walk, target, fields.get(k)) for k in subs}
    inner = Target(
        key=target.key,
        body=walk.node,
        prefix=f"{target.prefix}{walk.name}[].",
        readings=target.readings,
        price=target.price,
        fields=fields,
    )
    return {f"{name}.{k}": v for k, v in request_cells(subs, inner).items()}


def _in_text(walk: Walk, target: Target, spec: Mapping[str, Any] | None) -> dict[str, Any]:
    """A nested field inside a JSON text: where it goes, and that no schema describes it."""
    if spec is None or "unsupported" in spec:
        return unsupported_cell(spec, price=target.price)
    return {
        "supported": True,
        "name": spec["to"],
        "wire": f"{target.prefix}{walk.name}[].{spec['to']}",
        "type": "any",
        "required": "unknown",
        "semantics": [
            f"inside the JSON text of {walk.name}: the request schema does not describe it"
        ],
        "readings": [],
        "price": target.price,
    }


def _nested_unsupported(
    name: str, canon: Node, spec: Mapping[str, Any] | None, target: Target
) -> dict[str, dict[str, Any]]:
    cell = unsupported_cell(spec, price=target.price)
    cell.update(policy="parent", reason=f"{name} is not a field")
    return {f"{name}.{k}": dict(cell) for k in _canonical_subfields(canon)}


def _canonical_subfields(canon: Node) -> dict[str, Node]:
    """The properties of a canonical list's items (or object), in schema order."""
    item = items(canon) if canon.schema.get("type") == "array" else canon
    if item is None or not isinstance(item.schema.get("properties"), dict):
        return {}
    return {k: prop(item, k)[0] for k in item.schema["properties"] if prop(item, k)}  # type: ignore[index]


def canonical_facts(canon: Node, parent: Node, key: str) -> dict[str, Any]:
    facts = node_facts(canon)
    facts["required"] = required_status(parent.schema, key)
    return facts

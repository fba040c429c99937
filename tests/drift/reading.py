"""An independent reading of the catalog, as docs/drift.md describes the drift report.

For each provider endpoint whose mapping names a canonical endpoint (its current version),
each canonical request field is followed along the mapping (`to` path inside the envelope,
transforms) through the provider's normalized request schema, and each canonical result
field along the mapping's `from` paths through the response schema. What is read there
(wire type, allowed values and range in canonical terms, limits, default, required status,
notes) is what the report's cells must say. Nothing here uses the drift package: the test
compares two readings of the same files.

The transforms read are the ones docs/drift.md describes: value transforms (`to_string`,
`to_integer`: values converted back), `inline_file`, `element_refs`, `wrap`, `list`,
`lookup` (values and default in canonical terms), `each` with `object` (nested fields) and
`json_text` (described by the text field; nested fields inside it by no schema). A cell
whose mapping uses another transform is returned with `unread` naming it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from codegen.catalog import Catalog, Endpoint
from codegen.normalize import normalize_schema

from .places import envelope_prefix, resolved_mapping

MISSING: Any = object()
RANGE = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf")
VALUE_TRANSFORMS = ("to_string", "to_integer")
READ = {*VALUE_TRANSFORMS, "inline_file", "element_refs", "wrap", "list", "lookup", "each"}
READ |= {"json_text"}
RESULT = "result."
_BRANCHES = ("anyOf", "oneOf", "allOf")
_CONDITIONAL = ("anyOf", "oneOf", "allOf", "then", "else")


# --- schema nodes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    schema: dict[str, Any]
    root: dict[str, Any]


def deref(node: Node) -> Node:
    schema, seen = node.schema, set()
    while isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#"):
        ref = schema["$ref"]
        if ref in seen:
            break
        seen.add(ref)
        target: Any = node.root
        for token in ref[1:].split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            target = target.get(token) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            break
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return Node(schema, node.root)


def _first(node: Node, wanted: Any) -> Node | None:
    """The node, or its first allOf/anyOf/oneOf branch (depth first), that is `wanted`."""
    node = deref(node)
    if wanted(node.schema):
        return node
    for keyword in _BRANCHES:
        for branch in node.schema.get(keyword) or []:
            found = _first(Node(branch if isinstance(branch, dict) else {}, node.root), wanted)
            if found is not None:
                return found
    return None


def _declared(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return sorted({str(t) for t in kind})
    if "const" in schema:
        return [json_type(schema["const"])]
    if isinstance(schema.get("enum"), list):
        return sorted({json_type(v) for v in schema["enum"]})
    return []


def prop(node: Node | None, key: str) -> tuple[Node, str] | None:
    """The property `key` of an object node and whether the object requires it."""
    if node is None:
        return None
    obj = _first(node, lambda s: isinstance(s.get("properties"), dict))
    if obj is None or key not in obj.schema["properties"]:
        return None
    return deref(Node(obj.schema["properties"][key], node.root)), required(obj.schema, key)


def items(node: Node | None) -> Node | None:
    if node is None:
        return None
    arr = _first(node, lambda s: "items" in s or _declared(s) == ["array"])
    if arr is None or not isinstance(arr.schema.get("items"), dict):
        return None
    return deref(Node(arr.schema["items"], node.root))


def required(obj: dict[str, Any], key: str) -> str:
    if key in (obj.get("required") or []):
        return "yes"
    needed = {k for v in (obj.get("dependentRequired") or {}).values() for k in v}
    return "conditional" if key in needed or _required_inside(obj, key) else "no"


def _required_inside(schema: dict[str, Any], key: str) -> bool:
    for keyword in _CONDITIONAL:
        value = schema.get(keyword)
        for sub in value if isinstance(value, list) else [value]:
            if isinstance(sub, dict) and (
                key in (sub.get("required") or []) or _required_inside(sub, key)
            ):
                return True
    return False


def types(node: Node) -> list[str]:
    own = _declared(node.schema)
    if own:
        return own
    found: set[str] = set()
    for keyword in ("anyOf", "oneOf"):
        for branch in node.schema.get(keyword) or []:
            found.update(types(deref(Node(branch, node.root))))
    return sorted(found)


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


# --- values ----------------------------------------------------------------------------------


def canonical_value(value: Any, conversions: Sequence[str]) -> Any:
    """A provider value in canonical terms: the mapping's value transforms undone."""
    for name in reversed(conversions):
        if name == "to_string" and isinstance(value, str):
            for cast in (int, float):
                try:
                    value = cast(value)
                    break
                except ValueError:
                    continue
        elif name == "to_integer" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
    return value


def facts(node: Node, conversions: Sequence[str] = ()) -> dict[str, Any]:
    """type, allowed values, range, length and item limits, default of a node."""
    schema = node.schema
    found: dict[str, Any] = {"type": "|".join(types(node)) or "any"}
    if "const" in schema or isinstance(schema.get("enum"), list):
        wire = [schema["const"]] if "const" in schema else list(schema["enum"])
        found["enum"] = [canonical_value(v, conversions) for v in wire]
        if conversions and found["enum"] != wire:
            found["wire_enum"] = wire
    rng = {k: schema[k] for k in RANGE if k in schema}
    if rng.get("multipleOf") == 1 and found["type"] == "integer":
        del rng["multipleOf"]
    if rng:
        found["range"] = rng
    for name, low, high in (
        ("length", "minLength", "maxLength"),
        ("items", "minItems", "maxItems"),
    ):
        limits = {
            k: schema[k] for k in (low, high) if k in schema and not (k == low and schema[k] == 0)
        }
        if limits:
            found[name] = limits
    if "default" in schema:
        found["default"] = canonical_value(schema["default"], conversions)
        if found["default"] != schema["default"]:
            found["wire_default"] = schema["default"]
    return found


def show(value: Any) -> str:
    """A value as the report writes it in details: strings quoted and cut at 60."""
    if value is MISSING:
        return "none"
    if isinstance(value, str):
        return '"' + (value if len(value) <= 60 else value[:57] + "...") + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)


# --- price -----------------------------------------------------------------------------------


def price_text(pricing: Mapping[str, Any]) -> str:
    rates = pricing.get("rates") or []
    if not rates:
        return "not documented"

    def flag(value: Any) -> str:
        return ("true" if value else "false") if isinstance(value, bool) else str(value)

    return ", ".join(
        f"${r['per_second']}/s"
        + "".join(f" ({k}={flag(v)})" for k, v in sorted(r.items()) if k != "per_second")
        for r in rates
    )


def price_cell(pricing: Mapping[str, Any]) -> dict[str, Any]:
    cell = {"text": price_text(pricing), "rates": list(pricing.get("rates") or [])}
    cell.update(
        {k: pricing[k] for k in ("currency", "note", "source", "third_party") if k in pricing}
    )
    return cell


# --- one provider endpoint -------------------------------------------------------------------


@dataclass
class Walk:
    node: Node | None
    name: str
    required: str
    conversions: list[str] = field(default_factory=list)
    semantics: list[str] = field(default_factory=list)
    qualifiers: list[str] = field(default_factory=list)
    array: Node | None = None  # the provider list a canonical list (`each`) maps to
    sub_fields: Mapping[str, Any] | None = None
    lookup: Mapping[str, Any] | None = None
    unread: list[str] = field(default_factory=list)
    located: Node | None = None  # the node at the `to` path, before any transform
    json_text: bool = False


@dataclass(frozen=True)
class Side:
    key: str
    endpoint: str  # canonical
    price: str
    pricing: Mapping[str, Any]
    body: Node | None  # the request body inside the envelope
    prefix: str
    fields: Mapping[str, Any]
    defaults: Mapping[str, Any]
    response: Node | None
    result: Mapping[str, Any]


def sides(catalog: Catalog) -> list[Side]:
    """Every provider endpoint with a mapping, as of its current version."""
    found = []
    for endpoint in sorted(catalog.endpoints(), key=lambda e: e.key):
        if endpoint.mapping is not None:
            found.append(_side(catalog, endpoint))
    return found


def _schema(endpoint: Endpoint, kind: str) -> Node | None:
    source = endpoint.current_version().schemas.get(kind)
    if source is None:
        return None
    schema = normalize_schema(source).validator
    return deref(Node(schema, schema))


def _side(catalog: Catalog, endpoint: Endpoint) -> Side:
    mapping = resolved_mapping(endpoint.mapping.data, endpoint.current)  # type: ignore[union-attr]
    manifest = catalog.providers[endpoint.provider].manifest.data
    pricing = manifest["endpoints"][endpoint.id]["versions"][endpoint.current].get("pricing") or {}
    request = mapping.get("request") or {}
    steps = request.get("envelope") or []
    body = _schema(endpoint, "request")
    for step in reversed(steps):
        if step["step"] == "array":
            body = items(body)
        elif step["step"] == "nest":
            found = prop(body, step["key"])
            body = found[0] if found else None
    return Side(
        key=endpoint.key,
        endpoint=str(mapping["canonical"]),
        price=price_text(pricing),
        pricing=pricing,
        body=body,
        prefix=envelope_prefix(steps),
        fields=request.get("fields") or {},
        defaults=request.get("defaults") or {},
        response=_schema(endpoint, "response"),
        result=(mapping.get("result") or {}).get("fields") or {},
    )


def request_cells(
    canonical: Mapping[str, Node],
    side: Side,
    body: Node | None,
    prefix: str,
    fields: Mapping[str, Any],
    defaults: Mapping[str, Any],
) -> dict[str, dict[str, Any]]:
    """{canonical field, dotted when nested: the cell} for the canonical fields given."""
    cells: dict[str, dict[str, Any]] = {}
    for name, canon in canonical.items():
        spec = fields.get(name)
        if spec is None or "unsupported" in spec:
            cells[name] = _absent(spec, side.price)
            for sub in subfields(canon):
                cells[f"{name}.{sub}"] = {
                    **_absent(spec, side.price),
                    "policy": "parent",
                    "reason": f"{name} is not a field",
                }
            continue
        same_list = [k for k, v in fields.items() if v.get("to") == spec["to"]]
        walk = _walk(body, spec, same_list.index(name))
        cells[name] = _cell(side, prefix, walk, defaults.get(name), types(canon))
        subs = subfields(canon)
        if subs:
            inner = walk.sub_fields if walk.sub_fields is not None else {k: {"to": k} for k in subs}
            if walk.json_text:
                for sub in subs:
                    cells[f"{name}.{sub}"] = _in_text(side, prefix, walk, inner.get(sub))
                continue
            nested = request_cells(subs, side, walk.node, f"{prefix}{walk.name}[].", inner, {})
            for sub, cell in nested.items():
                if walk.unread:
                    cell.setdefault("unread", walk.unread)
                cells[f"{name}.{sub}"] = cell
    return cells


def subfields(canon: Node) -> dict[str, Node]:
    item = items(canon) if canon.schema.get("type") == "array" else canon
    props = item.schema.get("properties") if item else None
    if not isinstance(props, dict):
        return {}
    return {k: found[0] for k in props if (found := prop(item, k))}


def _absent(spec: Mapping[str, Any] | None, price: str) -> dict[str, Any]:
    if spec is None:
        return {
            "supported": False,
            "policy": "unmapped",
            "reason": "not in the mapping",
            "price": price,
        }
    cell = {"supported": False, "policy": spec["unsupported"], "price": price}
    cell.update({k: spec[k] for k in ("only", "reason") if k in spec})
    return cell


def _walk(body: Node | None, spec: Mapping[str, Any], index: int) -> Walk:
    to: str = spec["to"]
    if to == ".":
        walk = Walk(body, ".", "no", located=body)
    else:
        node, statuses = body, []
        for key in to.removesuffix("[]").split("."):
            found = prop(node, key)
            node = found[0] if found else None
            statuses.append(found[1] if found else "no")
        if to.endswith("[]") and node is not None:
            # a value appended to a list is required if it fills one of the list's minItems
            if index >= int(node.schema.get("minItems", 0)):
                statuses[-1] = "no"
            node = items(node)
        walk = Walk(node, to, _combine(statuses), located=found[0] if found else None)
    for step in spec.get("transforms") or []:
        _step(walk, step)
    return walk


def _combine(statuses: list[str]) -> str:
    if "no" in statuses:
        return "no"
    return "conditional" if "conditional" in statuses else "yes"


def _step(walk: Walk, step: Mapping[str, Any]) -> None:
    name = step["name"]
    if name not in READ:
        walk.unread.append(name)
    elif name in VALUE_TRANSFORMS:
        walk.conversions.append(name)
    elif name == "element_refs":
        walk.semantics.append(f"prompt references elements as {step['format']}")
    elif name == "wrap":
        found = prop(walk.node, step["key"])
        walk.node = found[0] if found else None
        walk.name += f".{step['key']}"
        walk.qualifiers += [f"{k}={show(v)}" for k, v in sorted((step.get("with") or {}).items())]
    elif name == "list":
        walk.semantics.append("sent as a one-item list")
        walk.name += "[]"
        walk.node = items(walk.node)
    elif name == "lookup":
        walk.lookup = step["table"]
    elif name == "json_text":
        walk.json_text = True
    elif name == "each":
        walk.array, walk.node = walk.node, items(walk.node)
        for inner in step.get("transforms") or []:
            if inner["name"] == "object":
                walk.sub_fields = inner.get("fields") or {}
                if "index" in inner:
                    number = inner["index"].get("format", "{n} (an integer)")
                    walk.semantics.append(f"each item gets {inner['index']['to']}={number}")
            elif inner["name"] in VALUE_TRANSFORMS:
                walk.conversions.append(inner["name"])
            elif inner["name"] not in READ:
                walk.unread.append(inner["name"])


def _cell(
    side: Side, prefix: str, walk: Walk, sent_default: Any, canon: list[str]
) -> dict[str, Any]:
    name = walk.name + "".join(f" ({q})" for q in walk.qualifiers)
    cell: dict[str, Any] = {"supported": True, "name": name, "wire": prefix + name}
    if walk.unread:
        cell["unread"] = walk.unread
    if walk.lookup is not None:
        return _lookup_cell(cell, side, prefix, walk, sent_default, canon)
    if walk.json_text and walk.located is not None:
        walk.node, walk.array = walk.located, None
        walk.semantics.append("sent as JSON text")
    if walk.node is None:
        cell["problem"] = f"mapped to {walk.name}, which the request schema does not define"
        cell["price"] = side.price
        return cell
    cell.update(facts(walk.array or walk.node, walk.conversions))
    cell["required"] = walk.required
    if walk.conversions:
        cell["transforms"] = list(walk.conversions)
    if sent_default is not None:
        cell["sent_default"] = sent_default
    cell["semantics"] = sorted(walk.semantics)
    cell["price"] = side.price
    return cell


def _in_text(side: Side, prefix: str, walk: Walk, spec: Mapping[str, Any] | None) -> dict[str, Any]:
    """A nested field that travels inside a JSON text: no schema says anything about it."""
    if spec is None or "unsupported" in spec:
        return _absent(spec, side.price)
    return {
        "supported": True,
        "name": spec["to"],
        "wire": f"{prefix}{walk.name}[].{spec['to']}",
        "type": "any",
        "required": "unknown",
        "semantics": [
            f"inside the JSON text of {walk.name}: the request schema does not describe it"
        ],
        "price": side.price,
    }


def _as_canonical(key: str, canon: list[str]) -> Any:
    """A lookup key (canonical values spelled as strings, JSON for non-strings) as the
    canonical value it stands for."""
    if "string" in canon or not canon:
        return key
    try:
        value = json.loads(key)
    except ValueError:
        return key
    kind = json_type(value)
    return value if kind in canon or (kind == "integer" and "number" in canon) else key


def _lookup_cell(
    cell: dict[str, Any], side: Side, prefix: str, walk: Walk, sent_default: Any, canon: list[str]
) -> dict[str, Any]:
    """A value looked up in the mapping's table: its allowed values are the table's keys
    and its default the key the provider's default is looked up from (canonical terms)."""
    table = walk.lookup or {}
    keys = sorted({k for v in table.values() if isinstance(v, dict) for k in v})
    if walk.name == "." and keys and walk.node is not None:
        cell["name"] = " + ".join(keys)
        cell["wire"] = prefix + " + ".join(keys)
        found = [prop(walk.node, k) for k in keys]
        cell["type"] = "|".join(sorted({facts(f[0])["type"] for f in found if f})) or "any"
        cell["required"] = _combine([f[1] if f else "no" for f in found])
    else:
        cell.update(facts(walk.node) if walk.node else {"type": "any"})
        cell["required"] = walk.required
    values = [_as_canonical(k, canon) for k in table]
    cell["enum"] = sorted(values, key=lambda v: (isinstance(v, str), v))
    if "default" in cell:
        wire = cell.pop("default")
        keys_of = [k for k, v in table.items() if v == wire]
        if len(keys_of) == 1:
            cell["default"] = _as_canonical(keys_of[0], canon)
        cell["wire_default"] = wire
    if walk.conversions:
        cell["transforms"] = list(walk.conversions)
    if sent_default is not None:
        cell["sent_default"] = sent_default
    pairs = "; ".join(f"{k} -> {show(v)}" for k, v in sorted(table.items()))
    cell["semantics"] = sorted([*walk.semantics, f"value looked up: {pairs}"])
    cell["price"] = side.price
    return cell


def result_cells(names: list[str], side: Side) -> dict[str, dict[str, Any]]:
    """The canonical result fields: the first `from` path the response schema defines."""
    cells = {}
    for name in names:
        spec = side.result.get(name)
        if spec is None:
            cells[RESULT + name] = {
                "supported": False,
                "policy": "unmapped",
                "reason": "not in the result mapping",
                "price": side.price,
            }
            continue
        cells[RESULT + name] = _result_cell(list(spec["from"]), side)
    return cells


def _result_cell(paths: list[str], side: Side) -> dict[str, Any]:
    for path in paths:
        node, statuses = side.response, []
        for token in path.split("."):
            if token.isdigit():
                node = items(node)
                continue
            found = prop(node, token)
            node, statuses = (found[0], [*statuses, found[1]]) if found else (None, statuses)
        if node is not None:
            status = "yes" if all(s == "yes" for s in statuses) else "no"
            return {
                "supported": True,
                "name": path,
                "wire": path,
                **facts(node),
                "required": status,
                "semantics": [],
                "price": side.price,
            }
    return {
        "supported": True,
        "name": paths[0],
        "wire": paths[0],
        "problem": "read from "
        + " or ".join(paths)
        + ", which the response schema does not define",
        "price": side.price,
    }


def read(catalog: Catalog) -> dict[str, dict[str, dict[str, Any]]]:
    """{canonical endpoint: {provider endpoint: {field: cell}}} for the whole catalog."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    mappable = _mappable_results(catalog)
    for side in sides(catalog):
        files = catalog.canonical[side.endpoint]
        request = deref(Node(files["request"].data, files["request"].data))
        top = {
            k: found_[0]
            for k in request.schema.get("properties") or {}
            if (found_ := prop(request, k))
        }
        cells = request_cells(top, side, side.body, side.prefix, side.fields, side.defaults)
        results = list((files["result"].data.get("properties") or {}) if "result" in files else [])
        cells.update(result_cells([n for n in results if n in mappable], side))
        found.setdefault(side.endpoint, {})[side.key] = cells
    return found


def _mappable_results(catalog: Catalog) -> set[str]:
    """The canonical result fields a mapping may fill (the mapping vocabulary lists them)."""
    meta = catalog.meta["mapping"].data
    return set(meta["$defs"]["result"]["properties"]["fields"]["propertyNames"]["enum"])

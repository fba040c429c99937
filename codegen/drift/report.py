"""Build the drift report from a loaded catalog: the matrix, the drift items, the prices.

Providers are compared per canonical endpoint (each mapping names its `canonical`), using
each endpoint's current schema version and the mapping resolved for that version. Nothing
here names a provider or a field: a new provider in the catalog just appears.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codegen.catalog import Catalog, Endpoint
from codegen.drift.cells import Target, request_cells
from codegen.drift.compare import KINDS, field_drift
from codegen.drift.facts import node_facts
from codegen.drift.pricing import PRICE_FIELD, price_cell, price_drift, price_text
from codegen.drift.results import RESULT_PREFIX, result_cells
from codegen.drift.walk import Node, items, prop, required_status, root_node
from codegen.normalize import normalize_schema


@dataclass(frozen=True)
class Side:
    """One provider endpoint, as compared: its current version and resolved mapping."""

    endpoint: Endpoint
    mapping: Mapping[str, Any]
    pricing: Mapping[str, Any]

    @property
    def key(self) -> str:
        return self.endpoint.key


def analyze(catalog: Catalog) -> dict[str, Any]:
    """The whole report as JSON-ready data (see docs/drift.md for its shape)."""
    fields: dict[str, dict[str, Any]] = {}
    pricing: dict[str, Any] = {}
    endpoints: dict[str, Any] = {}
    for canonical in sorted(catalog.canonical):
        sides = _sides(catalog, canonical)
        if not sides:
            continue
        endpoints[canonical] = {s.key: _side_summary(s) for s in sides}
        _add_fields(fields, catalog, canonical, sides)
        pricing[canonical] = _pricing(canonical, sides)
    ordered = _ordered(fields)
    return {
        "endpoints": endpoints,
        "fields": ordered,
        "pricing": pricing,
        "summary": summary(ordered, pricing),
    }


def _sides(catalog: Catalog, canonical: str) -> list[Side]:
    found = []
    for endpoint in sorted(catalog.endpoints(), key=lambda e: e.key):
        if endpoint.mapping is None:
            continue
        mapping = _resolve(endpoint.mapping.data, endpoint.current)
        if mapping.get("canonical") != canonical:
            continue
        manifest = catalog.providers[endpoint.provider].manifest.data
        spec = manifest["endpoints"][endpoint.id]["versions"][endpoint.current]
        found.append(Side(endpoint, mapping, spec.get("pricing") or {}))
    return found


def _resolve(mapping: Mapping[str, Any], version: str) -> Mapping[str, Any]:
    """The mapping for `version` (its `versions` entry replaces top-level sections)."""
    if version == mapping.get("version"):
        return mapping
    return {**mapping, **(mapping.get("versions") or {}).get(version, {})}


def _side_summary(side: Side) -> dict[str, Any]:
    request = side.mapping.get("request") or {}
    return {
        "version": side.endpoint.current,
        "envelope": envelope_body(request.get("envelope") or [])[1],
        "price": price_text(side.pricing),
    }


def envelope_body(
    steps: list[Mapping[str, Any]], node: Node | None = None
) -> tuple[Node | None, str]:
    """The body node inside the envelope, and the envelope as a path prefix."""
    prefix = ""
    for step in reversed(steps):
        if step["step"] == "array":
            node, prefix = (items(node) if node else None), prefix + "[]."
        elif step["step"] == "nest":
            found = prop(node, step["key"]) if node else None
            node, prefix = (found[0] if found else None), prefix + step["key"] + "."
    return node, prefix


def _schema(side: Side, kind: str) -> Node | None:
    source = side.endpoint.current_version().schemas.get(kind)
    return None if source is None else root_node(normalize_schema(source).validator)


def _readings(side: Side, kind: str) -> list[tuple[str, str]]:
    """Readings on the `kind` schema: on its file, or on its place in a published document."""
    version = side.endpoint.current_version()
    source, provenance = version.schemas.get(kind), version.provenance
    file = source.path.rsplit("/", 1)[-1] if source else f"{kind}.json"
    found = []
    for reading in (provenance.data.get("readings") or []) if provenance else []:
        where, _, ptr = str(reading.get("pointer", "")).partition("#")
        inside = source.inside(ptr) if source and where == file else None
        if inside is not None:
            found.append((inside, " ".join(str(reading.get("text", "")).split())))
    return found


def _target(side: Side) -> Target:
    request = side.mapping.get("request") or {}
    body, prefix = envelope_body(request.get("envelope") or [], _schema(side, "request"))
    return Target(
        key=side.key,
        body=body,
        prefix=prefix,
        readings=_readings(side, "request"),
        price=price_text(side.pricing),
        defaults=request.get("defaults") or {},
        fields=request.get("fields") or {},
    )


def _add_fields(
    fields: dict[str, dict[str, Any]], catalog: Catalog, canonical: str, sides: list[Side]
) -> None:
    files = catalog.canonical[canonical]
    request = root_node(files["request"].data)
    top = {k: n for k in request.schema.get("properties", {}) if (n := _child(request, k))}
    columns = canonical_columns(request)
    result_names = _result_names(catalog, files)
    per_side = {s.key: _side_cells(s, top, result_names) for s in sides}
    names = list(columns) + [RESULT_PREFIX + n for n in result_names]
    result = root_node(files["result"].data) if "result" in files else None
    for name in names:
        entry = fields.setdefault(name, {"canonical": {}, "providers": {}, "drift": []})
        entry["canonical"][canonical] = columns.get(name) or _result_column(result, name)
        cells = {key: found[name] for key, found in per_side.items()}
        entry["providers"].update(cells)
        entry["drift"].extend(field_drift(canonical, cells))


def _child(node: Node, key: str) -> Node | None:
    found = prop(node, key)
    return found[0] if found else None


def _side_cells(side: Side, top: Mapping[str, Node], result_names: list[str]) -> dict[str, Any]:
    cells = request_cells(top, _target(side))
    price = price_text(side.pricing)
    cells.update(
        result_cells(
            result_names, side.mapping.get("result"), _schema(side, "response"), price=price
        )
    )
    return cells


def _result_names(catalog: Catalog, files: Mapping[str, Any]) -> list[str]:
    """Canonical result fields a mapping can fill (the mapping vocabulary lists them)."""
    if "result" not in files:
        return []
    names = list(files["result"].data.get("properties") or {})
    meta = catalog.meta.get("mapping")
    allowed = _mappable_result_fields(meta.data if meta else {})
    return [n for n in names if allowed is None or n in allowed]


def _mappable_result_fields(meta: Mapping[str, Any]) -> set[str] | None:
    try:
        enum = meta["$defs"]["result"]["properties"]["fields"]["propertyNames"]["enum"]
    except (KeyError, TypeError):
        return None
    return set(enum)


def canonical_columns(request: Node) -> dict[str, dict[str, Any]]:
    """{field (dotted for nested): facts of the canonical schema} in schema order."""
    columns: dict[str, dict[str, Any]] = {}
    for key in request.schema.get("properties") or {}:
        node = _child(request, key)
        if node is None:
            continue
        columns[key] = {**node_facts(node), "required": required_status(request.schema, key)}
        item = items(node) if node.schema.get("type") == "array" else None
        for sub in (item.schema.get("properties") or {}) if item else {}:
            sub_node = _child(item, sub) if item else None
            if sub_node is not None and item is not None:
                status = required_status(item.schema, sub)
                columns[f"{key}.{sub}"] = {**node_facts(sub_node), "required": status}
    return columns


def _result_column(result: Node | None, name: str) -> dict[str, Any]:
    key = name.removeprefix(RESULT_PREFIX)
    node = _child(result, key) if result else None
    if node is None or result is None:
        return {}
    return {**node_facts(node), "required": required_status(result.schema, key)}


def _pricing(canonical: str, sides: list[Side]) -> dict[str, Any]:
    cells = {s.key: price_cell(s.pricing) for s in sides}
    return {"providers": cells, "drift": price_drift(canonical, cells)}


def _ordered(fields: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Request fields first (canonical order), then result fields; drift sorted stably."""
    keys = [k for k in fields if not k.startswith(RESULT_PREFIX)]
    keys += [k for k in fields if k.startswith(RESULT_PREFIX)]
    for entry in fields.values():
        entry["drift"].sort(key=lambda i: (i["endpoint"], KINDS.index(i["kind"]), i["providers"]))
    return {k: fields[k] for k in keys}


def drift_items(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every drift item, flat, each with its `field` (price items: `(price)`)."""
    found = [{"field": f, **i} for f, e in report["fields"].items() for i in e["drift"]]
    found += [{"field": PRICE_FIELD, **i} for p in report["pricing"].values() for i in p["drift"]]
    return found


def summary(fields: Mapping[str, Any], pricing: Mapping[str, Any]) -> dict[str, Any]:
    flat = drift_items({"fields": fields, "pricing": pricing})
    by_kind = {k: sum(1 for i in flat if i["kind"] == k) for k in KINDS}
    return {"drift": len(flat), "by_kind": by_kind, "fields": len(fields)}

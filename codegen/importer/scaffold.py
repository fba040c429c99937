"""First manifest.yaml and mapping.yaml for a provider or endpoint the catalog does not have.

Everything the document states is filled in (base URL from `servers`, auth from
`securitySchemes`, lifecycle paths and status values, renames where names match the
canonical model); everything else is a string starting with TODO, which the catalog loader
reports by name (`file#/pointer: TODO ...`) so `generate` refuses until it is filled in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from codegen.catalog import openapi
from codegen.drift.walk import Node, items, object_branch, prop, root_node, types
from codegen.errors import SchemaError
from codegen.importer.document import Document
from codegen.normalize import normalize_schema

_PARAM = re.compile(r"\{[^}/]+\}")
RUN_IDS = ("request_id", "run_id", "task_id", "job_id", "id")
STATUS_WORDS = {
    "queued": ("queue", "pending", "waiting", "submitted", "created"),
    "running": ("progress", "running", "processing", "started"),
    "succeeded": ("complete", "succeed", "success", "done", "finished"),
    "failed": ("fail", "error"),
    "cancelled": ("cancel",),
}
TODO_PRICE = (
    "TODO: the documented price as {currency: USD, rates: [{per_second: N}]}, "
    "or {currency: USD, rates: []} where none is stated"
)


def manifest_entry(doc: Document, *, model: str) -> dict[str, Any]:
    """The manifest's version entry for a new endpoint: model, lifecycle, pricing."""
    return {"model": model, "lifecycle": lifecycle(doc), "pricing": TODO_PRICE}


def new_manifest(provider: str, endpoint: str, version: str, doc: Document) -> dict[str, Any]:
    data = doc.source.data if doc.openapi else {}
    return {
        "id": provider,
        "name": "TODO: the provider's display name",
        "base_url": _base_url(data),
        "auth": _auth(data, provider),
        "file_inputs": "url",
        "endpoints": {
            endpoint: {
                "current": version,
                "versions": {version: manifest_entry(doc, model=model_id(doc))},
            }
        },
    }


def model_id(doc: Document) -> str:
    submit = doc.operations.get("request", "")
    path = submit.partition(" ")[2].strip("/")
    return path if "/" in path else "TODO: the provider's model id"


def _base_url(data: Mapping[str, Any]) -> str:
    servers = data.get("servers") or []
    url = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
    if isinstance(url, str) and re.fullmatch(r"https?://[^\s{}]+", url):
        return url.rstrip("/")
    return "TODO: the base URL (https://...); the document's servers do not give one"


def _auth(data: Mapping[str, Any], provider: str) -> dict[str, Any]:
    env = re.sub(r"[^A-Z0-9]", "_", provider.upper()) + "_API_KEY"
    schemes = (data.get("components") or {}).get("securitySchemes") or {}
    for scheme in schemes.values() if isinstance(schemes, dict) else []:
        if not isinstance(scheme, dict):
            continue
        if scheme.get("type") == "http" and str(scheme.get("scheme")).lower() == "bearer":
            return {"header": "Authorization", "scheme": "Bearer", "env": env}
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            prefix = "TODO: the prefix before the key (e.g. Bearer, Key), or null for the bare key"
            return {"header": str(scheme.get("name")), "scheme": prefix, "env": env}
    return {"header": "TODO: the auth header", "scheme": "TODO: its prefix or null", "env": env}


def lifecycle(doc: Document) -> dict[str, Any]:
    ops = doc.operations
    submit = ops.get("request", "POST TODO: the submit call's path below base_url").split(" ", 1)
    found: dict[str, Any] = {"kind": "sync", "submit": _call(submit)}
    status = ops.get("status") or (
        ops["response"] if ops.get("response", "").startswith("GET") else None
    )
    if status:
        found["kind"] = "queue" if "status" in ops and "response" in ops else "runs"
        found["status"] = _call(status.split(" ", 1))
    if found["kind"] == "queue":
        found["result"] = _call(ops["response"].split(" ", 1))
    cancel = _cancel(doc)
    if cancel is not None and found["kind"] != "sync":
        found["cancel"] = cancel
    if found["kind"] != "sync":
        found.update(_polling(doc, status or ""))
    if "callback" in ops:
        found["callback"] = {"field": _callback_field(doc)}
    return found


def _callback_field(doc: Document) -> str:
    props = doc.schemas["request"].data.get("properties") or {}
    names = [n for n in props if "webhook" in n.lower() or "callback" in n.lower()]
    return names[0] if len(names) == 1 else "TODO: the request field that carries the callback URL"


def _call(parts: list[str]) -> dict[str, Any]:
    return {"method": parts[0], "path": _PARAM.sub("{run_id}", parts[1] if len(parts) > 1 else "/")}


def _cancel(doc: Document) -> dict[str, Any] | None:
    for method, path, _op in openapi.operations(doc.source.data):
        if path.rstrip("/").endswith("/cancel") and method in ("POST", "PUT", "DELETE"):
            return _call([method, path])
    return None


def _polling(doc: Document, status: str) -> dict[str, Any]:
    submitted = _answer(doc, doc.operations["request"])
    run_id = next((f"/{n}" for n in RUN_IDS if submitted and prop(submitted, n)), None)
    polled = _answer(doc, status)
    field = prop(polled, "status") if polled else None
    values = field[0].schema.get("enum") if field else None
    return {
        "run_id": run_id or "TODO: JSON pointer to the run id in the submit response",
        "status_field": "/status" if field else "TODO: JSON pointer to the status value",
        "statuses": statuses(values)
        if isinstance(values, list)
        else "TODO: the provider's status values for queued, running, succeeded, failed, cancelled",
    }


def _answer(doc: Document, selector: str) -> Node | None:
    """The normalized 2xx JSON response schema of an operation, or None."""
    try:
        ptr = openapi.schema_pointer(doc.source, "response", selector)
        source = openapi.extract_at(doc.source, ptr)
        return root_node(normalize_schema(source).validator)
    except SchemaError:  # inference only: nothing found is a TODO, not an error
        return None


def statuses(values: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {name: [] for name in STATUS_WORDS}
    unknown = []
    for value in values:
        name = next(
            (n for n, words in STATUS_WORDS.items() if any(w in str(value).lower() for w in words)),
            None,
        )
        if name is None:
            unknown.append(str(value))
        else:
            found[name].append(value)
    if unknown:
        found["failed"] = f"TODO: place the status values {', '.join(unknown)}"
    return found


def new_mapping(
    provider: str, endpoint: str, version: str, doc: Document, canonical: Mapping[str, Any] | None
) -> dict[str, Any]:
    """mapping.yaml: same-named fields mapped, the rest TODO."""
    request = root_node(normalize_schema(doc.schemas["request"]).validator)
    body, envelope = _body(request, canonical)
    fields = _fields(body, canonical)
    result = doc.schemas.get("response")
    return {
        "provider": provider,
        "endpoint": endpoint,
        "canonical": endpoint if canonical is not None else "TODO: the canonical endpoint id",
        "version": version,
        "notes": [f"Scaffolded by kling-codegen import from {doc.published.filename}."],
        "request": {"fields": fields, **({"envelope": envelope} if envelope else {})},
        "result": {"fields": {"video_url": {"from": [_video_path(result)]}}},
    }


def _body(request: Node, canonical: Mapping[str, Any] | None) -> tuple[Node, list[dict[str, Any]]]:
    """Where the canonical fields go, and the envelope steps around it: a body that is a
    one-task array (`array`), and an object whose only home for the fields is one property
    (`nest` under it, e.g. {"input": {...}})."""
    steps: list[dict[str, Any]] = []
    kinds = types(request)
    item = items(request) if "array" in kinds and "object" not in kinds else None
    if item is not None:
        request, steps = item, [{"step": "array"}]
    names = list((canonical or {}).get("properties") or {})
    if _matches(request, names):
        return request, steps
    homes = [
        (key, hit[0])
        for key in _properties(request)
        if (hit := prop(request, key)) is not None and _matches(hit[0], names)
    ]
    if len(homes) == 1:
        key, inner = homes[0]
        return inner, [{"step": "nest", "key": key}, *steps]
    return request, steps


def _properties(node: Node) -> list[str]:
    branch = object_branch(node)
    return list(branch.schema["properties"]) if branch is not None else []


def _matches(node: Node, names: list[str]) -> bool:
    """Whether `node` has a property named like a canonical field (or `<name>_url`)."""
    return any(prop(node, n) or prop(node, f"{n}_url") for n in names)


def _fields(request: Node, canonical: Mapping[str, Any] | None) -> dict[str, Any]:
    if canonical is None:
        return {}
    found: dict[str, Any] = {}
    for name, schema in (canonical.get("properties") or {}).items():
        found[name] = _field(request, name, schema if isinstance(schema, dict) else {})
    return found


def _field(request: Node, name: str, schema: Mapping[str, Any]) -> dict[str, Any]:
    for target in (name, f"{name}_url"):
        hit = prop(request, target)
        if hit is None:
            continue
        theirs, ours = types(hit[0]), schema.get("type")
        if ours == "array" and "$ref" in str(schema.get("items")):
            return {"to": target, "transforms": [{"name": "TODO: map each item's fields"}]}
        if ours == "integer" and "string" in theirs and "integer" not in theirs:
            return {"to": target, "transforms": [{"name": "to_string"}]}
        return {"to": target}
    return {
        "unsupported": "TODO: no property of this name: map it ({to: ...}) or say error|drop|pass"
    }


def _video_path(result: Any) -> str:
    if result is None:
        return "TODO: where the result body holds the video URL (dotted path)"
    node = root_node(normalize_schema(result).validator)
    for path in (("video", "url"), ("video_url",), ("url",)):
        current: Node | None = node
        for key in path:
            hit = prop(current, key) if current else None
            current = hit[0] if hit else None
        if current is not None:
            return ".".join(path)
    return "TODO: where the result body holds the video URL (dotted path)"

"""What the published document holds: its catalog file name, operations and schemas."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from codegen.catalog import openapi
from codegen.catalog.model import SourceFile
from codegen.errors import SchemaError, pointer
from codegen.importer.fetch import Published

_PARAM = re.compile(r"\{[^}/]+\}")


@dataclass(frozen=True)
class Document:
    """A published document read as a catalog source for one endpoint version."""

    published: Published
    filename: str  # its name in the version folder: openapi.json|yaml|yml or request.json
    source: SourceFile
    operations: dict[str, str] = field(default_factory=dict)  # kind -> selector (OpenAPI)
    schemas: dict[str, SourceFile] = field(default_factory=dict)  # kind -> extracted schema

    @property
    def openapi(self) -> bool:
        return openapi.is_openapi(self.source.data)


def read_document(
    published: Published, *, keep: Mapping[str, str] | None, operation: str | None
) -> Document:
    """Classify and extract; `keep` are the previous version's operations, reused if present."""
    sha = hashlib.sha256(published.raw).hexdigest()
    if not openapi.is_openapi(published.data):
        return _json_schema(published, sha)
    filename = (
        "openapi.json"
        if published.is_json
        else ("openapi.yml" if published.filename.endswith(".yml") else "openapi.yaml")
    )
    source = SourceFile(published.name, published.data, sha)
    chosen = choose_operations(source, keep=keep, operation=operation)
    return Document(published, filename, source, chosen, openapi.extract(source, chosen))


def _json_schema(published: Published, sha: str) -> Document:
    if not isinstance(published.data, dict):
        raise SchemaError.at(published.name, [], "neither an OpenAPI document nor a JSON Schema")
    if not published.is_json:
        raise SchemaError.at(
            published.name, [], "a JSON Schema is filed as request.json: give JSON"
        )
    source = SourceFile(published.name, published.data, sha)
    return Document(published, "request.json", source, {}, {"request": source})


def choose_operations(
    source: SourceFile, *, keep: Mapping[str, str] | None, operation: str | None
) -> dict[str, str]:
    """kind -> selector: the given submit call, else the one POST with a JSON body; the
    previous version's selectors where the document still has them; else inferred."""
    submit = operation or openapi.submit_operation(source)
    openapi.schema_pointer(source, "request", submit)
    chosen = {"request": submit}
    for kind, selector in (keep or {}).items():
        if kind != "request" and _resolves(source, kind, selector):
            chosen[kind] = selector
    for kind, selector in infer_responses(source, submit).items():
        chosen.setdefault(kind, selector)
    return chosen


def _resolves(source: SourceFile, kind: str, selector: str) -> bool:
    try:
        openapi.schema_pointer(source, kind, selector)
    except SchemaError:
        return False
    return True


def infer_responses(source: SourceFile, submit: str) -> dict[str, str]:
    """status: the one GET .../status; response: the one other GET ending in a {parameter}
    (a queue's result), else the submit call's own response (a synchronous API); callback:
    the one OpenAPI 3.1 webhook or operation callback with a JSON body."""
    gets = [p for m, p, op in openapi.operations(source.data) if m == "GET" and _answers(op)]
    status = [p for p in gets if p.rstrip("/").endswith("/status")]
    results = [p for p in gets if p not in status and _PARAM.search(p.rsplit("/", 1)[-1])]
    found: dict[str, str] = {}
    if len(status) == 1:
        found["status"] = f"GET {status[0]}"
    if len(results) == 1:
        found["response"] = f"GET {results[0]}"
    elif not gets and _resolves(source, "response", submit):
        found["response"] = submit
    callback = _callback(source)
    if callback is not None:
        found["callback"] = callback
    return found


def _answers(op: dict[str, Any]) -> bool:
    return openapi.response_pointer(op) is not None


def _callback(source: SourceFile) -> str | None:
    bodies: list[str] = []
    webhooks = source.data.get("webhooks")
    for name, item in webhooks.items() if isinstance(webhooks, dict) else []:
        bodies += _bodies(item, ["webhooks", str(name)])
    for method, path, op in openapi.operations(source.data):
        for name, item in (op.get("callbacks") or {}).items():
            for expression, inner in (item or {}).items():
                where = ["paths", path, method.lower(), "callbacks", name, expression]
                bodies += _bodies(inner, where)
    return bodies[0] if len(bodies) == 1 else None


def _bodies(item: Any, where: list[str]) -> list[str]:
    found = []
    for method in openapi.METHODS:
        body = (item.get(method) or {}).get("requestBody") if isinstance(item, dict) else None
        media = openapi.json_media(body.get("content")) if isinstance(body, dict) else None
        if media is not None:
            found.append("#" + pointer([*where, method, "requestBody", "content", media, "schema"]))
    return found

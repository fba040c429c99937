"""Published OpenAPI 3.0/3.1 documents as catalog sources: pick the operations, extract schemas.

A version folder may hold the provider's document as published (`openapi.json`,
`openapi.yaml` or `openapi.yml`). Which schema in it is which kind is said by
`provenance.yaml` under `operations` (kind -> "METHOD /path" or "#/json/pointer"); without
it, `request` is the JSON request body of the one POST that has one. Each extracted schema is
a self-contained JSON Schema: the selected schema at the root and every
`#/components/schemas/X` it reaches copied into `$defs` (its `$ref`s rewritten to `#/$defs/X`).
Problems are reported at their place in the published file (`SourceFile.origin`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from codegen.catalog.checks import refs_in, resolve_local
from codegen.catalog.model import SourceFile
from codegen.errors import SchemaError, escape_pointer_token, pointer

DOCUMENT_NAMES = ("openapi.json", "openapi.yaml", "openapi.yml")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
COMPONENTS = "#/components/schemas/"
Problem = tuple[str, str, str]


def is_openapi(data: Any) -> bool:
    return isinstance(data, dict) and "openapi" in data


def operations(data: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path, operation) for every operation of the document, in document order."""
    paths = data.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else []:
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if isinstance(op, dict):
                yield method.upper(), str(path), op


def json_media(content: Any) -> str | None:
    """The JSON media type of a `content` map: application/json, else the first */*+json."""
    if not isinstance(content, dict):
        return None
    if "application/json" in content:
        return "application/json"
    return next((m for m in content if str(m).split(";")[0].endswith("+json")), None)


def submit_operation(source: SourceFile) -> str:
    """The default request selector: the one POST with a JSON request body."""
    found = [
        f"POST {path}"
        for method, path, op in operations(source.data)
        if method == "POST" and _body_pointer(source.data, path, method, op) is not None
    ]
    if len(found) == 1:
        return found[0]
    why = (
        "has no POST with a JSON request body"
        if not found
        else (f"has {len(found)} POSTs with a JSON request body ({', '.join(found)})")
    )
    raise SchemaError.at(
        source.path,
        ["paths"],
        f"{why}: name the submit call (provenance.yaml operations/request; import --operation)",
    )


def schema_pointer(source: SourceFile, kind: str, selector: str) -> str:
    """The JSON pointer of the schema a selector names ("METHOD /path" or "#/pointer")."""
    if selector.startswith("#"):
        if not isinstance(resolve_local(source.data, selector), dict):
            raise SchemaError([(source.path, selector[1:], f"{kind}: no schema here")])
        return selector[1:]
    method, _, path = selector.partition(" ")
    item = (source.data.get("paths") or {}).get(path)
    op = item.get(method.lower()) if isinstance(item, dict) else None
    where = pointer(["paths", path, method.lower()])
    if not isinstance(op, dict):
        raise SchemaError([(source.path, where, f"{kind}: no operation {selector!r}")])
    if kind == "request":
        found = _body_pointer(source.data, path, method, op)
    else:
        found = response_pointer(op)
        found = None if found is None else where + found
    if found is None:
        what = "JSON request body" if kind == "request" else "2xx JSON response"
        raise SchemaError([(source.path, where, f"{kind}: {selector} has no {what}")])
    return found


def _body_pointer(data: Any, path: str, method: str, op: dict[str, Any]) -> str | None:
    """Absolute pointer of the JSON request body schema (through a requestBodies `$ref`)."""
    body, where = op.get("requestBody"), pointer(["paths", path, method.lower(), "requestBody"])
    if isinstance(body, dict) and isinstance(body.get("$ref"), str):
        where, body = body["$ref"][1:], resolve_local(data, body["$ref"])
    media = json_media(body.get("content")) if isinstance(body, dict) else None
    return None if media is None else where + pointer(["content", media, "schema"])


def response_pointer(op: dict[str, Any]) -> str | None:
    responses = op.get("responses")
    if not isinstance(responses, dict):
        return None
    for code, response in sorted(responses.items(), key=lambda item: str(item[0])):
        media = json_media(response.get("content")) if isinstance(response, dict) else None
        if str(code).startswith("2") and media is not None:
            return pointer(["responses", str(code), "content", media, "schema"])
    return None


def extract(source: SourceFile, selection: Mapping[str, str] | None) -> dict[str, SourceFile]:
    """kind -> extracted schema for every selected kind (request by default)."""
    _check_version(source)
    chosen = dict(selection or {})
    if "request" not in chosen:
        chosen["request"] = submit_operation(source)
    problems: list[Problem] = []
    found: dict[str, SourceFile] = {}
    for kind, selector in sorted(chosen.items()):
        try:
            found[kind] = extract_at(source, schema_pointer(source, kind, selector))
        except SchemaError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SchemaError(problems)
    return found


def _check_version(source: SourceFile) -> None:
    version = str(source.data.get("openapi"))
    if not (version.startswith("3.0") or version.startswith("3.1")):
        raise SchemaError.at(source.path, ["openapi"], f"OpenAPI {version!r}: only 3.0 and 3.1")


def extract_at(source: SourceFile, ptr: str) -> SourceFile:
    """The schema at `ptr` as a self-contained JSON Schema (components copied into $defs)."""
    root, origin = _follow(source, ptr)
    names = _reachable(source, root, origin)
    defs = {name: _rewrite(source.data["components"]["schemas"][name]) for name in names}
    data = _rewrite(root)
    if defs:
        own = data.get("$defs") if isinstance(data.get("$defs"), dict) else {}
        data["$defs"] = {**own, **defs}
    pairs = [("", origin)] + [
        (pointer(["$defs", n]), pointer(["components", "schemas", n])) for n in names
    ]
    return SourceFile(source.path, data, source.sha256, origin=tuple(pairs))


def _follow(source: SourceFile, ptr: str) -> tuple[dict[str, Any], str]:
    """Follow a schema that is only a `$ref` to a component: the component is the root."""
    node = resolve_local(source.data, "#" + ptr)
    seen: set[str] = set()
    while isinstance(node, dict) and set(node) == {"$ref"} and node["$ref"] not in seen:
        ref = str(node["$ref"])
        seen.add(ref)
        if not ref.startswith(COMPONENTS):
            break
        ptr, node = ref[1:], resolve_local(source.data, ref)
    if not isinstance(node, dict):
        raise SchemaError([(source.path, ptr, "expected a schema object")])
    return node, ptr


def _reachable(source: SourceFile, root: dict[str, Any], origin: str) -> list[str]:
    """Names of the components `root` reaches through `$ref`s, transitively, sorted."""
    names: set[str] = set()
    todo: list[tuple[Any, str]] = [(root, origin)]
    problems: list[Problem] = []
    while todo:
        node, where = todo.pop()
        for parts, ref in refs_in(node, []):
            name = _component(ref)
            at = where + pointer(parts)
            if name is None:
                if not ref.startswith("#/$defs/"):
                    problems.append((source.path, at, f"$ref {ref!r}: only #/components/schemas"))
                continue
            target = resolve_local(source.data, COMPONENTS + escape_pointer_token(name))
            if target is None:
                problems.append((source.path, at, f"$ref {ref!r} does not resolve in this file"))
            elif name not in names:
                names.add(name)
                todo.append((target, pointer(["components", "schemas", name])))
    if problems:
        raise SchemaError(problems)
    return sorted(names)


def _component(ref: str) -> str | None:
    if not ref.startswith(COMPONENTS):
        return None
    token = ref[len(COMPONENTS) :].split("/")[0]
    return token.replace("~1", "/").replace("~0", "~")


def _rewrite(node: Any) -> Any:
    """A copy with every `#/components/schemas/...` `$ref` pointing into `#/$defs/...`."""
    if isinstance(node, dict):
        out = {k: _rewrite(v) for k, v in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENTS):
            out["$ref"] = "#/$defs/" + ref[len(COMPONENTS) :]
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node

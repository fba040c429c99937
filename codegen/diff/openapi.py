"""OpenAPI 3.0/3.1: paths, operations, parameters, request bodies, responses, security."""

from __future__ import annotations

import re
from typing import Any

from codegen.diff.load import Document
from codegen.diff.model import Change, located
from codegen.diff.rules import RULES
from codegen.diff.schema import Engine, diff, to_changes
from codegen.errors import escape_pointer_token

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SCHEME_KEYS = ("type", "scheme", "bearerFormat", "in", "name", "openIdConnectUrl")
_FLOW_KEYS = ("authorizationUrl", "tokenUrl", "refreshUrl")


class _Pair:
    """Both documents and one schema engine per side of the wire."""

    def __init__(self, old: Document, new: Document) -> None:
        self.old, self.new = old, new
        one_sided = not str(new.data.get("openapi", "")).startswith("3.1")
        self.request = Engine(old, new, "request", False, one_sided_required=one_sided)
        self.response = Engine(old, new, "response", False, one_sided_required=one_sided)
        self.out: list[Change] = []
        self.op_at = ("", "")  # pointers of the operation being compared (old, new)
        self.where: dict[int, str] = {}  # id of a dereferenced parameter/header -> pointer

    def emit(
        self,
        rule_id: str,
        location: str,
        message: str,
        subject: str = "",
        *,
        at: tuple[Document, str] | None = None,
    ) -> None:
        """One operation-level finding; `at` is the document and pointer it is written at
        (the new document unless the thing exists only in the old one)."""
        doc, where = at if at is not None else (self.new, self.op_at[1])
        self.out.append(
            located(RULES[rule_id], location, message, subject, file=doc.path, pointer=where)
        )

    def schema(
        self, engine: Engine, old: Any, new: Any, scope: str, bases: tuple[str, str] = ("", "")
    ) -> None:
        self.out += to_changes(engine, diff(engine, old, new), scope, bases)

    def header(self, node: Any, doc: Document, base: str, name: str) -> Any:
        found, at = self.deref_at(node, doc, f"{base}{_at(name)}")
        self.where[id(found)] = at
        return found

    def bases(self, old: Any, new: Any) -> tuple[str, str]:
        """Pointers of the `schema` of a parameter or header seen on both sides."""
        return (f"{self.where.get(id(old), '')}/schema", f"{self.where.get(id(new), '')}/schema")

    def deref(self, node: Any, doc: Document) -> Any:
        return self.deref_at(node, doc, "")[0]

    def deref_at(self, node: Any, doc: Document, at: str) -> tuple[Any, str]:
        """The node behind `$ref`s and the pointer where it is written."""
        for _ in range(16):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            at = node["$ref"][1:]
            node = doc.resolve(node["$ref"])
        return (node if isinstance(node, dict) else {}), at


def diff_openapi(old: Document, new: Document) -> list[Change]:
    pair = _Pair(old, new)
    old_paths, new_paths = _paths(old.data), _paths(new.data)
    for key in sorted(set(old_paths) | set(new_paths)):
        if key not in new_paths:
            name = old_paths[key][0]
            pair.emit(
                "api-path-removed", name, f"path {name} removed", at=(old, _at("paths", name))
            )
        elif key not in old_paths:
            name = new_paths[key][0]
            pair.emit("api-path-added", name, f"path {name} added", at=(new, _at("paths", name)))
        else:
            _diff_path(pair, new_paths[key][0], old_paths[key][1], new_paths[key][1])
    _diff_schemes(pair)
    return pair.out


def _paths(data: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Paths keyed by their template with parameter names erased (`/a/{}`)."""
    paths = data.get("paths") or {}
    return {
        re.sub(r"\{[^}]*\}", "{}", p): (p, item)
        for p, item in paths.items()
        if isinstance(item, dict)
    }


def _at(*tokens: str | int) -> str:
    return "".join("/" + escape_pointer_token(t) for t in tokens)


def _diff_path(pair: _Pair, path: str, old_item: Any, new_item: Any) -> None:
    old_item, old_at = pair.deref_at(old_item, pair.old, _at("paths", path))
    new_item, new_at = pair.deref_at(new_item, pair.new, _at("paths", path))
    for method in METHODS:
        where = f"{method.upper()} {path}"
        before, after = old_item.get(method), new_item.get(method)
        pair.op_at = (f"{old_at}/{method}", f"{new_at}/{method}")
        if isinstance(before, dict) and not isinstance(after, dict):
            pair.emit(
                "api-operation-removed",
                where,
                f"operation {where} removed",
                at=(pair.old, pair.op_at[0]),
            )
        elif isinstance(after, dict) and not isinstance(before, dict):
            pair.emit(
                "api-operation-added", where, f"operation {where} added", at=(pair.new, new_at)
            )
        elif isinstance(before, dict) and isinstance(after, dict):
            _diff_operation(pair, where, (old_item, before), (new_item, after))


def _diff_operation(pair: _Pair, where: str, old: tuple[Any, Any], new: tuple[Any, Any]) -> None:
    old_op, new_op = old[1], new[1]
    if old_op.get("operationId") != new_op.get("operationId"):
        pair.emit(
            "api-operation-id-changed",
            where,
            f"operationId {old_op.get('operationId')!r} -> {new_op.get('operationId')!r}",
        )
    if new_op.get("deprecated") is True and old_op.get("deprecated") is not True:
        pair.emit("api-operation-deprecated", where, f"operation {where} deprecated")
    old_params = _params(pair, old, pair.old, pair.op_at[0])
    new_params = _params(pair, new, pair.new, pair.op_at[1])
    _diff_parameters(pair, where, old_params, new_params)
    _diff_body(pair, where, old_op.get("requestBody"), new_op.get("requestBody"))
    _diff_responses(pair, where, old_op.get("responses") or {}, new_op.get("responses") or {})
    _diff_security(pair, where, _security(pair.old.data, old_op), _security(pair.new.data, new_op))


def _params(
    pair: _Pair, item_op: tuple[Any, Any], doc: Document, op_at: str
) -> dict[tuple[str, str], Any]:
    item_at = op_at.rsplit("/", 1)[0]
    listed = [(item_at, i, raw) for i, raw in enumerate(item_op[0].get("parameters") or [])]
    listed += [(op_at, i, raw) for i, raw in enumerate(item_op[1].get("parameters") or [])]
    found: dict[tuple[str, str], Any] = {}
    for base, index, raw in listed:
        param, at = pair.deref_at(raw, doc, f"{base}/parameters/{index}")
        pair.where[id(param)] = at
        name = str(param.get("name", ""))
        place = str(param.get("in", ""))
        found[(place, name.lower() if place == "header" else name)] = param
    return found


def _diff_parameters(
    pair: _Pair, where: str, old: dict[tuple[str, str], Any], new: dict[tuple[str, str], Any]
) -> None:
    for key in sorted(set(old) | set(new)):
        at = f"{where} parameter {key[0]}.{key[1]}"
        if key not in new:
            pair.emit("request-parameter-removed", at, f"parameter {key[1]} ({key[0]}) removed")
        elif key not in old:
            required = new[key].get("required") is True or key[0] == "path"
            rule = (
                "new-required-request-parameter" if required else ("new-optional-request-parameter")
            )
            pair.emit(rule, at, f"parameter {key[1]} ({key[0]}) added")
        else:
            _diff_parameter(pair, at, old[key], new[key])


def _diff_parameter(pair: _Pair, at: str, old: Any, new: Any) -> None:
    before, after = old.get("required") is True, new.get("required") is True
    if after and not before:
        pair.emit("request-parameter-became-required", at, "parameter became required")
    elif before and not after:
        pair.emit("request-parameter-became-optional", at, "parameter became optional")
    for key in ("style", "explode"):
        if (key in old or key in new) and _style(old, key) != _style(new, key):
            pair.emit(
                f"request-parameter-{key}-changed",
                at,
                f"{key} {_style(old, key)!r} -> {_style(new, key)!r}",
            )
    empty_before = old.get("allowEmptyValue") is True
    empty_after = new.get("allowEmptyValue") is True
    if empty_before != empty_after:
        verb = "added" if empty_after else "removed"
        pair.emit(f"request-parameter-allow-empty-value-{verb}", at, f"allowEmptyValue {verb}")
    pair.schema(pair.request, old.get("schema"), new.get("schema"), at, pair.bases(old, new))


def _style(param: Any, key: str) -> Any:
    """style/explode with their defaults filled in, so `style: form` on a query is no change."""
    place = param.get("in", "header")
    style = param.get("style") or {"query": "form", "cookie": "form"}.get(place, "simple")
    if key == "style":
        return style
    return param.get("explode", style == "form")


def _diff_body(pair: _Pair, where: str, old_raw: Any, new_raw: Any) -> None:
    at = f"{where} request"
    if old_raw is None and new_raw is None:
        return
    old, old_at = pair.deref_at(old_raw, pair.old, f"{pair.op_at[0]}/requestBody")
    new, new_at = pair.deref_at(new_raw, pair.new, f"{pair.op_at[1]}/requestBody")
    bases = (f"{old_at}/content", f"{new_at}/content")
    required = new.get("required") is True
    if old_raw is None:
        rule = "request-body-added-required" if required else "request-body-added"
        pair.emit(rule, at, "request body added")
        return
    if new_raw is None:
        pair.emit("request-body-removed", at, "request body removed")
        return
    if required and old.get("required") is not True:
        pair.emit("request-body-became-required", at, "request body became required")
    elif old.get("required") is True and not required:
        pair.emit("request-body-became-optional", at, "request body became optional")
    _diff_content(
        pair, at, old.get("content") or {}, new.get("content") or {}, "request-body", bases
    )


def _diff_content(
    pair: _Pair,
    at: str,
    old: dict[str, Any],
    new: dict[str, Any],
    prefix: str,
    bases: tuple[str, str],
) -> None:
    engine = pair.request if prefix == "request-body" else pair.response
    for media in sorted(set(old) | set(new)):
        scope = f"{at} {media}"
        old_at, new_at = (f"{base}{_at(media)}" for base in bases)
        if media not in new:
            pair.emit(
                f"{prefix}-media-type-removed",
                scope,
                f"media type {media} removed",
                at=(pair.old, old_at),
            )
        elif media not in old:
            pair.emit(
                f"{prefix}-media-type-added",
                scope,
                f"media type {media} added",
                at=(pair.new, new_at),
            )
        else:
            before, after = old[media] or {}, new[media] or {}
            schemas = (f"{old_at}/schema", f"{new_at}/schema")
            pair.schema(engine, before.get("schema"), after.get("schema"), scope, schemas)


def _diff_responses(pair: _Pair, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    for status in sorted(set(map(str, old)) | set(map(str, new))):
        at = f"{where} response {status}"
        before, after = _status(old, status), _status(new, status)
        if after is None:
            pair.emit("response-status-removed", at, f"response {status} removed")
        elif before is None:
            pair.emit("response-status-added", at, f"response {status} added")
        else:
            old_resp, old_at = pair.deref_at(
                before, pair.old, f"{pair.op_at[0]}{_at('responses', status)}"
            )
            new_resp, new_at = pair.deref_at(
                after, pair.new, f"{pair.op_at[1]}{_at('responses', status)}"
            )
            _diff_content(
                pair,
                at,
                old_resp.get("content") or {},
                new_resp.get("content") or {},
                "response",
                (f"{old_at}/content", f"{new_at}/content"),
            )
            _diff_headers(
                pair,
                at,
                old_resp.get("headers") or {},
                new_resp.get("headers") or {},
                (f"{old_at}/headers", f"{new_at}/headers"),
            )


def _status(responses: dict[Any, Any], status: str) -> Any:
    """A response by status; YAML may have read `200` as an integer key."""
    if status in responses:
        return responses[status]
    return responses.get(int(status)) if status.isdigit() else None


def _diff_headers(
    pair: _Pair, at: str, old: dict[str, Any], new: dict[str, Any], bases: tuple[str, str]
) -> None:
    at_old, at_new = bases
    old_h = {k.lower(): pair.header(v, pair.old, at_old, k) for k, v in old.items()}
    new_h = {k.lower(): pair.header(v, pair.new, at_new, k) for k, v in new.items()}
    for name in sorted(set(old_h) | set(new_h)):
        where = f"{at} header {name}"
        if name not in new_h:
            rule = (
                "response-required-header-removed"
                if old_h[name].get("required") is True
                else "response-header-removed"
            )
            pair.emit(rule, where, f"header {name} removed")
        elif name not in old_h:
            pair.emit("response-header-added", where, f"header {name} added")
        else:
            before, after = old_h[name], new_h[name]
            if before.get("required") is True and after.get("required") is not True:
                pair.emit("response-header-became-optional", where, "header no longer required")
            for key in ("style", "explode"):
                if before.get(key) != after.get(key):
                    pair.emit(f"response-header-{key}-changed", where, f"header {key} changed")
            schemas = pair.bases(before, after)
            pair.schema(pair.response, before.get("schema"), after.get("schema"), where, schemas)


def _security(data: dict[str, Any], op: dict[str, Any]) -> list[dict[str, set[str]]]:
    raw = op["security"] if "security" in op else data.get("security") or []
    return [
        {name: set(scopes or []) for name, scopes in req.items()}
        for req in raw
        if isinstance(req, dict)
    ]


def _diff_security(
    pair: _Pair, where: str, old: list[dict[str, set[str]]], new: list[dict[str, set[str]]]
) -> None:
    """A client meeting an old alternative must still meet some new alternative."""
    if not new or {} in new:
        return
    for alternative in old or [{}]:
        if any(_satisfied(n, alternative) for n in new):
            continue
        label = " + ".join(sorted(alternative)) or "no authentication"
        same = [n for n in new if set(n) == set(alternative)]
        rule = "api-security-scopes-added" if same else "api-security-scheme-required"
        pair.emit(rule, f"{where} security", f"clients using {label} are no longer accepted", label)
    for alternative in new:
        if not any(_satisfied(alternative, o) for o in old):
            label = " + ".join(sorted(alternative))
            pair.emit(
                "api-security-alternative-added",
                f"{where} security",
                f"security alternative {label} added",
                label,
            )


def _satisfied(requirement: dict[str, set[str]], held: dict[str, set[str]]) -> bool:
    return all(name in held and scopes <= held[name] for name, scopes in requirement.items())


def _diff_schemes(pair: _Pair) -> None:
    old = (pair.old.data.get("components") or {}).get("securitySchemes") or {}
    new = (pair.new.data.get("components") or {}).get("securitySchemes") or {}
    for name in sorted(set(old) | set(new)):
        at = f"components.securitySchemes.{name}"
        if name not in new:
            pair.emit("security-scheme-removed", at, f"security scheme {name} removed")
        elif name not in old:
            pair.emit("security-scheme-added", at, f"security scheme {name} added")
        else:
            changed = _scheme_changes(
                pair.deref(old[name], pair.old), pair.deref(new[name], pair.new)
            )
            for key in changed:
                pair.emit(
                    "security-scheme-changed", at, f"security scheme {name}: {key} changed", key
                )


def _scheme_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    changed = [k for k in _SCHEME_KEYS if old.get(k) != new.get(k)]
    old_flows, new_flows = old.get("flows") or {}, new.get("flows") or {}
    for flow in sorted(set(old_flows) | set(new_flows)):
        before, after = old_flows.get(flow) or {}, new_flows.get(flow) or {}
        if flow not in new_flows:
            changed.append(f"flows.{flow}")
            continue
        changed += [f"flows.{flow}.{k}" for k in _FLOW_KEYS if before.get(k) != after.get(k)]
    return changed

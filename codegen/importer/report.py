"""What an import means: the classified changelog, mapping decisions, new drift."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from codegen.catalog.model import SourceFile, Version
from codegen.diff.catalog import ROLES
from codegen.diff.model import Change
from codegen.drift.walk import Node, prop, root_node, types
from codegen.normalize import normalize_schema


@dataclass(frozen=True)
class Decision:
    field: str  # canonical field
    target: str  # provider path in the mapping
    problem: str  # "target removed", "type changed: ... -> ..."

    def text(self) -> str:
        return f"mapping field {self.field} -> {self.target}: {self.problem}"


def changelog(old: Mapping[str, SourceFile], new: Mapping[str, SourceFile]) -> list[Change]:
    """Every classified change from the old schemas to the new, breaking changes first.

    Both sides are compared as normalized JSON Schema, so a published OpenAPI document and a
    JSON Schema version read the same (nullable, null unions and wrappers read through).
    """
    from codegen.diff.compare import diff_documents
    from codegen.diff.load import make_document

    found: list[Change] = []
    for kind in [k for k in ROLES if k in old or k in new]:
        if kind not in old or kind not in new:
            found.append(_presence(kind, added=kind in new))
            continue
        before = make_document(f"old {kind}", normalize_schema(old[kind]).validator)
        after = make_document(f"new {kind}", normalize_schema(new[kind]).validator)
        changes = diff_documents(before, after, direction=ROLES[kind])
        found += [replace(c, location=_where(kind, c.location)) for c in changes]
    return sorted(found, key=Change.sort_key)


def _where(kind: str, location: str) -> str:
    return f"{kind}:{location}" if location else kind


def _presence(kind: str, *, added: bool) -> Change:
    rule = f"{kind}-schema-{'added' if added else 'removed'}"
    severity = "info" if added else "warning"
    message = f"the {kind} schema is {'new' if added else 'gone'} in this version"
    return Change(rule, severity, ROLES[kind], kind, message)


def decisions(mapping: Mapping[str, Any] | None, old: Version, new: Version) -> list[Decision]:
    """Mapping fields whose target is gone or has another type in the new request schema."""
    if mapping is None or "request" not in new.schemas:
        return []
    request = mapping.get("request") or {}
    envelope = request.get("envelope") or []
    before = _body(old, envelope)
    after = _body(new, envelope)
    found = []
    for name, spec in sorted((request.get("fields") or {}).items()):
        target = spec.get("to") if isinstance(spec, dict) else None
        if not isinstance(target, str) or target == ".":
            continue
        problem = _compare(_at(before, target), _at(after, target))
        if problem:
            found.append(Decision(name, target, problem))
    return found


def _body(version: Version, envelope: list[Any]) -> Node | None:
    from codegen.drift.report import envelope_body

    source = version.schemas.get("request")
    if source is None:
        return None
    return envelope_body(envelope, root_node(normalize_schema(source).validator))[0]


def _at(node: Node | None, target: str) -> Node | None:
    for key in target.removesuffix("[]").split("."):
        hit = prop(node, key) if node is not None else None
        node = hit[0] if hit else None
    return node


def _compare(before: Node | None, after: Node | None) -> str:
    if after is None:
        return "the target is gone from the new request schema" if before is not None else ""
    if before is None:
        return ""
    old_types, new_types = types(before), types(after)
    if old_types != new_types:
        return f"type changed: {' | '.join(old_types) or 'any'} -> {' | '.join(new_types) or 'any'}"
    return ""


def new_drift(catalog: Any) -> list[str]:
    """Drift the catalog now shows that its baseline does not list."""
    from codegen.drift import baseline
    from codegen.drift.report import analyze, drift_items

    items = drift_items(analyze(catalog))
    path = catalog.root / baseline.BASELINE_NAME
    listed = baseline.load(path) if path.is_file() else []
    return [baseline.describe(entry) for entry in baseline.compare(items, listed).new]

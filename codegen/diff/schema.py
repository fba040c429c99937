"""Compare two JSON Schemas on one side of the wire and classify each difference.

The comparison is structural with a semantic core: types are sets (integer within number),
enum/const are value sets checked with a small validator, bounds are effective intervals,
and anyOf/oneOf members are matched to their closest counterpart, not by position. `$ref`s
are resolved; a pair of nodes already on the stack (a cycle) is not compared again, and
results for a pair of nodes are memoised, so shared components are compared once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from codegen.diff.load import Document
from codegen.diff.locate import Walk, locate
from codegen.diff.model import Change, located
from codegen.diff.objects import diff_arrays, diff_objects
from codegen.diff.rules import OPAQUE_KEYWORDS, kebab, schema_rule
from codegen.diff.scalars import diff_scalars, diff_types, type_change_beside_values
from codegen.diff.unions import branches, diff_all_of, diff_unions, normalized
from codegen.diff.values import Schema, finite_values, json_equal
from codegen.errors import pointer

Path = tuple[str | int, ...]
Raw = tuple[str, Path, str, str]  # (rule stem, relative path, message, subject)

_MAX_REF_HOPS = 64
_MAX_DEPTH = 150  # nested schema levels compared before giving up on a branch
MAX_FINDINGS = 1000  # findings listed per schema node (see _bounded)


@dataclass
class Engine:
    """State shared by one comparison of two documents."""

    old: Document
    new: Document
    direction: str
    strict_objects: bool
    # OpenAPI 3.0: `required` on a readOnly (writeOnly) property applies to responses
    # (requests) only. OpenAPI 3.1 dropped that rule: such a property is required both ways.
    one_sided_required: bool = True
    memo: dict[tuple[int, int, str], list[Raw]] = field(default_factory=dict)
    stack: set[tuple[int, int, str]] = field(default_factory=set)
    keep: list[Any] = field(default_factory=list)
    cache: dict[tuple[int, str, str], Any] = field(default_factory=dict)
    walked: Walk = field(default_factory=dict)  # source locations by path (locate.py)

    def view(self, raw: Any, doc: Document) -> Schema:
        """The schema a node stands for: `$ref`s followed, booleans as objects.

        A `$ref` with sibling keywords is merged into a new dict once per node and side, so
        the same node always has the same view: memo and cycle checks key on its identity
        (a property `{"$ref": "#", "minimum": 1}` would otherwise be compared anew at every
        level, exponentially).
        """
        key = (id(raw), doc.path, "view")
        cached = self.cache.get(key)
        if cached is None:
            cached = self._follow(raw, doc)
            self.cache[key] = cached
            self.keep.append(raw)
        return cached

    def _follow(self, raw: Any, doc: Document) -> Schema:
        node = raw
        for _ in range(_MAX_REF_HOPS):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            target = doc.resolve(node["$ref"])
            siblings = {k: v for k, v in node.items() if k not in _NOT_SIBLINGS}
            node = {**target, **siblings} if siblings and isinstance(target, dict) else target
            if siblings:
                self.keep.append(node)
        if node is True or node is None:
            return {}
        if node is False:
            return _NOTHING
        return node if isinstance(node, dict) else {}

    def old_view(self, raw: Any) -> Schema:
        return self.view(raw, self.old)

    def new_view(self, raw: Any) -> Schema:
        return self.view(raw, self.new)

    def is_bad(self, stem: str) -> bool:
        """Does this change break clients on the engine's side of the wire?"""
        return schema_rule(self.direction, stem).severity == "breaking"


_NOTHING: Schema = {"type": []}
_BOUND_VERBS = ("increased", "decreased", "set", "removed")
_ARRAY_BOUNDS = ("min-items", "max-items", "min-contains", "max-contains")
_OBJECT_BOUNDS = ("min-properties", "max-properties")
_NOT_SIBLINGS = frozenset(
    {"$ref", "description", "title", "$defs", "definitions", "$schema", "$id", "$comment"}
)


def diff(engine: Engine, old_raw: Any, new_raw: Any) -> list[Raw]:
    """All changes between two schema nodes, with paths relative to them."""
    old, new = engine.old_view(old_raw), engine.new_view(new_raw)
    key = (id(old), id(new), engine.direction)
    if key in engine.memo:
        return engine.memo[key]
    if key in engine.stack or len(engine.stack) > _MAX_DEPTH:
        return []
    engine.stack.add(key)
    try:
        found = _bounded(_ref_change(old_raw, new_raw) + _diff_nodes(engine, old, new))
    finally:
        engine.stack.discard(key)
    engine.memo[key] = found
    return found


def _bounded(found: list[Raw]) -> list[Raw]:
    """At most MAX_FINDINGS per node, plus the first finding of every other rule stem.

    Shared definitions reached along many paths (a chain of objects whose two properties
    both `$ref` the next) repeat their findings once per path, 2**depth times; the bound
    keeps the comparison linear in the document while every rule that fired, and so the
    verdict, stays in the report.
    """
    if len(found) <= MAX_FINDINGS:
        return found
    kept = found[:MAX_FINDINGS]
    stems = {item[0] for item in kept}
    for item in found[MAX_FINDINGS:]:
        if item[0] not in stems:
            stems.add(item[0])
            kept.append(item)
    return kept


def _ref_change(old_raw: Any, new_raw: Any) -> list[Raw]:
    if not (isinstance(old_raw, dict) and isinstance(new_raw, dict)):
        return []
    old_ref, new_ref = old_raw.get("$ref"), new_raw.get("$ref")
    if isinstance(old_ref, str) and isinstance(new_ref, str) and old_ref != new_ref:
        return [("property-ref-target-changed", (), f"$ref {old_ref} -> {new_ref}", new_ref)]
    return []


def _diff_nodes(engine: Engine, old: Schema, new: Schema) -> list[Raw]:
    if old is new:
        return []
    old, new = normalized(engine, old, "old"), normalized(engine, new, "new")
    old_branches, new_branches = branches(engine, old, "old"), branches(engine, new, "new")
    if old_branches is not None or new_branches is not None:
        return diff_unions(engine, old, new, old_branches, new_branches)
    return diff_plain(engine, old, new)


def diff_plain(engine: Engine, old: Schema, new: Schema) -> list[Raw]:
    """Compare two schemas that are not unions (anyOf/oneOf handled by the caller)."""
    found = _diff_finite(engine, old, new)
    if finite_values(old) is not None or finite_values(new) is not None:
        found = type_change_beside_values(old, new) + found
    elif not found:
        kinds = _kinds_in_play(engine, old, new)
        found = diff_types(old, new)
        found += [f for f in diff_scalars(old, new) if _FAMILY.get(f[0], "") in kinds]
        found += diff_objects(engine, old, new) if "object" in kinds else []
        found += diff_arrays(engine, old, new) if "array" in kinds else []
    return found + diff_all_of(engine, old, new) + annotations_and_opaque(old, new)


# Keyword rule stems by the JSON type they constrain ("" applies to every type).
_FAMILY = {
    **{f"property-{b}-{v}": "number" for b in ("min", "max") for v in _BOUND_VERBS},
    **{f"property-{b}-{v}": "string" for b in ("min-length", "max-length") for v in _BOUND_VERBS},
    **{f"property-{b}-{v}": "array" for b in _ARRAY_BOUNDS for v in _BOUND_VERBS},
    **{f"property-{b}-{v}": "object" for b in _OBJECT_BOUNDS for v in _BOUND_VERBS},
    **{f"property-multiple-of-{v}": "number" for v in ("set", "changed", "removed")},
    **{f"property-pattern-{v}": "string" for v in ("added", "changed", "removed")},
    **{f"property-unique-items-{v}": "array" for v in ("set", "removed")},
}


def _kinds_in_play(engine: Engine, old: Schema, new: Schema) -> set[str]:
    """The JSON types whose keywords can matter: on the request side those the old schema
    accepts (only its values must still pass), on the response side those the new one may
    send. A `{"type": "boolean"}` member compared with an object schema's `properties` is
    no narrowing: no boolean has properties. "" stands for keywords of every type."""
    from codegen.diff.values import declared_types

    source = old if engine.direction == "request" else new
    types = declared_types(source)
    if types is None:
        return {"", "number", "string", "array", "object"}
    return {"", *("number" if t == "integer" else t for t in types)}


def annotations_and_opaque(old: Schema, new: Schema) -> list[Raw]:
    """default, discriminator, x-extensible-enum and the keywords compared as a whole."""
    return _diff_annotations(old, new) + _diff_opaque(old, new)


def _diff_finite(engine: Engine, old: Schema, new: Schema) -> list[Raw]:
    """enum and const, judged by values: which old values the new schema rejects, and back."""
    from codegen.diff.values import accepts

    old_values, new_values = finite_values(old), finite_values(new)
    if old_values is None and new_values is None:
        return []
    found: list[Raw] = []
    removed = [v for v in old_values or [] if not accepts(new, v, engine.new_view)]
    added = [v for v in new_values or [] if not accepts(old, v, engine.old_view)]
    if "const" in old and "const" in new and (removed or added):
        return [
            (
                "property-const-changed",
                (),
                f"const {_show(old['const'])} -> {_show(new['const'])}",
                "",
            )
        ]
    word = "const" if "const" in (new if old_values is None else old) else "enum"
    if old_values is None:
        found.append((f"property-{word}-added", (), f"{word} {_show(new_values)} set", ""))
    elif new_values is None:
        found.append((f"property-{word}-removed", (), f"{word} {_show(old_values)} dropped", ""))
    found += [
        ("property-enum-value-removed", (), f"value {_show(v)} no longer allowed", _show(v))
        for v in removed
    ]
    found += [
        ("property-enum-value-added", (), f"value {_show(v)} newly allowed", _show(v))
        for v in added
    ]
    return found


def _diff_annotations(old: Schema, new: Schema) -> list[Raw]:
    found: list[Raw] = []
    if "default" in old or "default" in new:
        if "default" not in new:
            found.append(
                ("property-default-removed", (), f"default {_show(old['default'])} removed", "")
            )
        elif "default" not in old:
            found.append(
                ("property-default-added", (), f"default {_show(new['default'])} added", "")
            )
        elif not json_equal(old["default"], new["default"]):
            found.append(
                (
                    "property-default-changed",
                    (),
                    f"default {_show(old['default'])} -> {_show(new['default'])}",
                    "",
                )
            )
    found += _diff_extensible_enum(old, new)
    found += _diff_discriminator(old, new)
    return found


def _diff_extensible_enum(old: Schema, new: Schema) -> list[Raw]:
    old_values, new_values = old.get("x-extensible-enum"), new.get("x-extensible-enum")
    if not isinstance(old_values, list) and not isinstance(new_values, list):
        return []
    old_values, new_values = old_values or [], new_values or []
    found: list[Raw] = [
        (
            "property-extensible-enum-value-removed",
            (),
            f"x-extensible-enum value {_show(v)} removed",
            _show(v),
        )
        for v in old_values
        if v not in new_values
    ]
    found += [
        (
            "property-extensible-enum-value-added",
            (),
            f"x-extensible-enum value {_show(v)} added",
            _show(v),
        )
        for v in new_values
        if v not in old_values
    ]
    return found


def _diff_discriminator(old: Schema, new: Schema) -> list[Raw]:
    before, after = old.get("discriminator"), new.get("discriminator")
    if not isinstance(before, dict) and not isinstance(after, dict):
        return []
    if not isinstance(before, dict):
        return [("property-discriminator-added", (), "discriminator added", "")]
    if not isinstance(after, dict):
        return [("property-discriminator-removed", (), "discriminator removed", "")]
    found: list[Raw] = []
    if before.get("propertyName") != after.get("propertyName"):
        found.append(
            (
                "property-discriminator-property-changed",
                (),
                f"discriminator propertyName {before.get('propertyName')!r} -> "
                f"{after.get('propertyName')!r}",
                "",
            )
        )
    if (before.get("mapping") or {}) != (after.get("mapping") or {}):
        found.append(
            ("property-discriminator-mapping-changed", (), "discriminator mapping changed", "")
        )
    return found


def _diff_opaque(old: Schema, new: Schema) -> list[Raw]:
    found: list[Raw] = []
    for keyword in OPAQUE_KEYWORDS:
        if keyword in old or keyword in new:
            before, after = old.get(keyword), new.get(keyword)
            if _canonical(before) != _canonical(after):
                verb = "added" if before is None else "removed" if after is None else "changed"
                found.append((f"property-{kebab(keyword)}-changed", (), f"{keyword} {verb}", ""))
    return found


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def to_changes(
    engine: Engine, found: list[Raw], scope: str, bases: tuple[str, str] = ("", "")
) -> list[Change]:
    """Turn relative findings into Changes located under `scope` ("" for a bare schema).

    `bases` are the JSON pointers of the two compared schemas in their files; each Change
    also gets the file, pointer and line where it is written (see locate.py).
    """
    changes = []
    for stem, path, message, subject in found:
        rule = schema_rule(engine.direction, stem)
        location = f"{scope}#{pointer(path)}"
        file, at = source_of(engine, bases, path, stem)
        changes.append(located(rule, location, message, subject, file=file, pointer=at))
    return changes


def source_of(engine: Engine, bases: tuple[str, str], path: Path, stem: str) -> tuple[str, str]:
    """(file, pointer): in the new file when the path exists there, else in the old one."""
    at, complete = locate(engine.new, bases[1], path, stem, engine.walked)
    if not complete:
        old_at, old_complete = locate(engine.old, bases[0], path, stem, engine.walked)
        if old_complete:
            return engine.old.path, old_at
    return engine.new.path, at


def prefixed(prefix: Path, found: list[Raw]) -> list[Raw]:
    """Re-root relative findings under `prefix`."""
    return [(stem, prefix + path, message, subject) for stem, path, message, subject in found]

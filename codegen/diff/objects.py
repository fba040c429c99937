"""Object and array keywords: properties, required, additionalProperties, items, prefixItems."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codegen.diff.values import Schema, array_layout
from codegen.errors import InputError

if TYPE_CHECKING:
    from codegen.diff.schema import Engine, Raw


def _hidden(engine: Engine, schema: Schema) -> bool:
    """readOnly properties are not sent in requests; writeOnly ones not returned."""
    flag = "readOnly" if engine.direction == "request" else "writeOnly"
    return schema.get(flag) is True


def _extra(schema: Schema) -> Any:
    """What additionalProperties allows: False, or a schema (absent/true -> {})."""
    extra = schema.get("additionalProperties", True)
    if extra is True or extra is None:
        return {}
    return extra


def diff_objects(engine: Engine, old: Schema, new: Schema) -> list[Raw]:
    old_props: dict[str, Any] = old.get("properties") or {}
    new_props: dict[str, Any] = new.get("properties") or {}
    if not (
        old_props
        or new_props
        or "required" in old
        or "required" in new
        or "additionalProperties" in old
        or "additionalProperties" in new
    ):
        return []
    found: list[Raw] = []
    for name in sorted(set(old_props) | set(new_props)):
        if name in old_props and name in new_props:
            required = (
                engine.one_sided_required
                and name in (old.get("required") or [])
                and (name in (new.get("required") or []))
            )
            found += _diff_kept(engine, name, old_props[name], new_props[name], required)
        elif name in old_props:
            found += _diff_removed(engine, name, old, new)
        else:
            found += _diff_added(engine, name, old, new_props[name])
    found += _moved(engine, old_props, new_props)
    found += _diff_required(engine, old, new)
    return found + _diff_additional(engine, old, new)


def _moved(engine: Engine, old_props: dict[str, Any], new_props: dict[str, Any]) -> list[Raw]:
    """Removed properties that reappear, by name, inside one new object property: a move into
    an envelope (an `input` object), said once so readers need not match the two lists."""
    removed = set(old_props) - set(new_props)
    found: list[Raw] = []
    for name in sorted(set(new_props) - set(old_props)):
        try:
            inner = _inner_names(engine, engine.new_view(new_props[name]))
        except InputError:  # a $ref that resolves nowhere: other rules report it; no annotation
            continue
        moved = sorted(removed & inner)
        if len(moved) >= 2:
            listed = ", ".join(moved)
            found.append(
                ("properties-moved", ("properties", name), f"moved into {name!r}: {listed}", listed)
            )
    return found


def _inner_names(engine: Engine, schema: Any) -> set[str]:
    """Property names of an object schema, including those of its oneOf/anyOf/allOf branches."""
    if not isinstance(schema, dict):
        return set()
    names = set(schema.get("properties") or {})
    for key in ("oneOf", "anyOf", "allOf"):
        for branch in schema.get(key) or []:
            names |= (
                set(engine.new_view(branch).get("properties") or {})
                if isinstance(branch, dict)
                else set()
            )
    return names


def _diff_kept(engine: Engine, name: str, old_raw: Any, new_raw: Any, required: bool) -> list[Raw]:
    """A property on both sides. readOnly (request) and writeOnly (response) properties are
    not on this side of the wire: their constraints do not matter, only the flag's change."""
    from codegen.diff.schema import diff, prefixed

    old, new = engine.old_view(old_raw), engine.new_view(new_raw)
    hidden_before, hidden_after = _hidden(engine, old), _hidden(engine, new)
    path = ("properties", name)
    flag = "read-only" if engine.direction == "request" else "write-only"
    if hidden_after and not hidden_before:
        return [(f"property-became-{flag}", path, f"property {name!r}: {flag} set", "")]
    if hidden_before and not hidden_after:
        stem = f"{'required-' if required else ''}property-became-not-{flag}"
        kind = "required property" if required else "property"
        return [(stem, path, f"{kind} {name!r}: {flag} dropped", "")]
    if hidden_before and hidden_after:
        return []
    return prefixed(path, diff(engine, old_raw, new_raw))


def _diff_removed(engine: Engine, name: str, old: Schema, new: Schema) -> list[Raw]:
    path = ("properties", name)
    if engine.direction == "request" and _extra(new) is False:
        return [
            (
                "property-no-longer-accepted",
                path,
                f"property {name!r} removed and no longer accepted (additionalProperties is false)",
                "",
            )
        ]
    if name in (old.get("required") or []):
        return [("required-property-removed", path, f"required property {name!r} removed", "")]
    return [("property-removed", path, f"property {name!r} removed", "")]


def _diff_added(engine: Engine, name: str, old: Schema, new_raw: Any) -> list[Raw]:
    from codegen.diff.schema import diff, prefixed

    path = ("properties", name)
    found: list[Raw] = [("property-added", path, f"property {name!r} added", "")]
    extra = _extra(old)
    if extra is False and engine.direction == "response":
        message = f"property {name!r} added where additionalProperties was false"
        found.append(("property-added-to-closed-object", path, message, ""))
    explicit = "additionalProperties" in old and old["additionalProperties"] is not True
    if extra is not False and (engine.strict_objects or explicit):
        # Old versions accepted any value here (or what additionalProperties allowed):
        # the new property's schema is a constraint on those values.
        constraints = diff(engine, extra, new_raw)
        found += prefixed(path, _summarized(constraints) if extra == {} else constraints)
    return found


NESTED = {"properties", "items", "prefixItems", "additionalProperties", "patternProperties"}


def _summarized(constraints: list[Raw]) -> list[Raw]:
    """Where anything was accepted before, list what constrains the new property itself and
    count its nested constraints (one row per nested field says the same thing again)."""
    top = [c for c in constraints if not NESTED & set(map(str, c[1]))]
    nested = len(constraints) - len(top)
    if not top or not nested:
        return constraints
    lead = next((c for c in top if "type" in c[0]), top[0])
    kind, where, message, detail = lead
    more = (
        f"{message} (and {nested} nested constraint{'s' if nested > 1 else ''} of the new property)"
    )
    return [(kind, where, more, detail) if c is lead else c for c in top]


def _diff_required(engine: Engine, old: Schema, new: Schema) -> list[Raw]:
    before, after = set(old.get("required") or []), set(new.get("required") or [])
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    found: list[Raw] = []
    for name in sorted(after - before):
        if (
            engine.one_sided_required
            and name in new_props
            and _hidden(engine, engine.new_view(new_props[name]))
        ):
            continue
        if name not in new_props and not engine.strict_objects:
            continue  # OpenAPI reading: undocumented properties are outside the contract
        found.append(
            (
                "property-became-required",
                ("properties", name),
                f"property {name!r} became required",
                "",
            )
        )
    for name in sorted(before - after):
        if name in old_props and name not in new_props:
            continue  # reported as removed
        if (
            engine.one_sided_required
            and name in old_props
            and _hidden(engine, engine.old_view(old_props[name]))
        ):
            continue
        found.append(
            (
                "property-became-optional",
                ("properties", name),
                f"property {name!r} is no longer required",
                "",
            )
        )
    return found


def _diff_additional(engine: Engine, old: Schema, new: Schema) -> list[Raw]:
    from codegen.diff.schema import diff, prefixed

    before, after = _extra(old), _extra(new)
    if before is False and after is False:
        return []
    if after is False:
        return [
            (
                "additional-properties-disallowed",
                ("additionalProperties",),
                "additional properties are no longer allowed",
                "",
            )
        ]
    if before is False:
        return [
            (
                "additional-properties-allowed",
                ("additionalProperties",),
                "additional properties are now allowed",
                "",
            )
        ]
    if not engine.strict_objects and not (
        isinstance(old.get("additionalProperties"), dict)
        and isinstance(new.get("additionalProperties"), dict)
    ):
        return []
    return prefixed(("additionalProperties",), diff(engine, before, after))


def diff_arrays(engine: Engine, old: Schema, new: Schema) -> list[Raw]:
    from codegen.diff.schema import diff, prefixed

    old_prefix, old_rest = array_layout(old)
    new_prefix, new_rest = array_layout(new)
    found: list[Raw] = []
    for index in range(max(len(old_prefix), len(new_prefix))):
        before = old_prefix[index] if index < len(old_prefix) else old_rest
        after = new_prefix[index] if index < len(new_prefix) else new_rest
        found += prefixed(("prefixItems", index), diff(engine, before, after))
    if old_rest is not None or new_rest is not None:
        found += prefixed(("items",), diff(engine, old_rest, new_rest))
    return found

"""Keyword-level comparisons that need no recursion: types, bounds, pattern, format."""

from __future__ import annotations

from typing import Any

from codegen.diff.values import (
    ALL_TYPES,
    Schema,
    covered,
    declared_types,
    lower_bound,
    upper_bound,
)

Raw = tuple[str, tuple[str | int, ...], str, str]

_CORE = ALL_TYPES - {"null"}
_LENGTHS = {
    "minLength": "min-length",
    "maxLength": "max-length",
    "minItems": "min-items",
    "maxItems": "max-items",
    "minProperties": "min-properties",
    "maxProperties": "max-properties",
    "minContains": "min-contains",
    "maxContains": "max-contains",
}
_UNIVERSAL_PATTERNS = {"", ".*", "^.*$", "^.*", ".*$", "(.*)", "^(.*)$", "[\\s\\S]*", "^[\\s\\S]*$"}
# (narrower, wider): every value of the first format is a value of the second. Not
# ("date", "date-time"): "2026-01-01" is no RFC 3339 date-time, so that is a change.
_WIDER_FORMAT = {
    ("int32", "int64"),
    ("float", "double"),
    ("int32", "double"),
}


def _types(schema: Schema) -> frozenset[str]:
    declared = declared_types(schema)
    return ALL_TYPES if declared is None else declared


def _shown(types: set[str] | frozenset[str]) -> str:
    return "|".join(sorted(types)) if types else "nothing"


def diff_types(old: Schema, new: Schema) -> list[Raw]:
    """Type sets, with `null` reported as nullability where both sides declare a type."""
    before, after = _types(old), _types(new)
    both_typed = "type" in old and "type" in new
    found: list[Raw] = []
    if both_typed:
        if "null" in before and "null" not in after:
            found.append(("property-became-not-nullable", (), "null no longer allowed", ""))
        elif "null" in after and "null" not in before:
            found.append(("property-became-nullable", (), "null now allowed", ""))
        before, after = before - {"null"}, after - {"null"}
    lost = {t for t in before if not covered(t, after)}
    gained = {t for t in after if not covered(t, before)}
    if "type" not in old:
        lost -= {"integer"}
    if "type" not in new:
        gained -= {"integer"}
    message = f"type {_shown(before & _CORE | before)} -> {_shown(after)}"
    if lost and gained:
        found.append(("property-type-changed", (), message, ""))
    elif lost:
        found.append(("property-type-narrowed", (), message, ",".join(sorted(lost))))
    elif gained:
        found.append(("property-type-widened", (), message, ",".join(sorted(gained))))
    return found


def type_change_beside_values(old: Schema, new: Schema) -> list[Raw]:
    """The type change where an enum or const is on either side: `integer` 3..15 -> string
    enum ["5", "10"] breaks every client sending `5`, whatever the values say.

    A side's types are those it declares, narrowed to the types of its values; only a
    change that both loses and gains types is reported here, since narrowing and widening
    alone are what the value findings (enum set, value removed, value added) already say.
    """
    if "type" not in old and "type" not in new:
        return []
    before, after = _value_types(old), _value_types(new)
    lost = {t for t in before if not covered(t, after)}
    gained = {t for t in after if not covered(t, before)}
    if not (lost and gained):
        return []
    return [("property-type-changed", (), f"type {_shown(before)} -> {_shown(after)}", "")]


def _value_types(schema: Schema) -> frozenset[str]:
    from codegen.diff.values import finite_values, json_type

    types = _types(schema)
    values = finite_values(schema)
    if values is None:
        return types
    return frozenset(json_type(v) for v in values if covered(json_type(v), types))


def diff_scalars(old: Schema, new: Schema) -> list[Raw]:
    found = _diff_bound("min", lower_bound(old), lower_bound(new), lower=True)
    found += _diff_bound("max", upper_bound(old), upper_bound(new), lower=False)
    for keyword, stem in _LENGTHS.items():
        before, after = _number(old.get(keyword)), _number(new.get(keyword))
        lower = stem.startswith("min")
        if lower and before == 0:
            before = None
        if lower and after == 0:
            after = None
        found += _diff_bound(stem, _plain(before), _plain(after), lower=lower)
    return found + _diff_pattern(old, new) + _diff_format(old, new) + _diff_misc(old, new)


def _number(value: Any) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return value if ok else None


def _plain(value: float | None) -> tuple[float, bool] | None:
    return None if value is None else (value, False)


def _tighter(a: tuple[float, bool], b: tuple[float, bool], *, lower: bool) -> bool:
    """Is bound `b` stricter than bound `a`?"""
    if a[0] != b[0]:
        return b[0] > a[0] if lower else b[0] < a[0]
    return b[1] and not a[1]


def _text(bound: tuple[float, bool] | None, *, lower: bool) -> str:
    if bound is None:
        return "none"
    value = int(bound[0]) if float(bound[0]).is_integer() else bound[0]
    op = (">" if bound[1] else ">=") if lower else ("<" if bound[1] else "<=")
    return f"{op} {value}"


def _diff_bound(
    stem: str, before: tuple[float, bool] | None, after: tuple[float, bool] | None, *, lower: bool
) -> list[Raw]:
    if before == after:
        return []
    message = f"{stem} {_text(before, lower=lower)} -> {_text(after, lower=lower)}"
    if before is None:
        return [(f"property-{stem}-set", (), message, "")]
    if after is None:
        return [(f"property-{stem}-removed", (), message, "")]
    stricter = _tighter(before, after, lower=lower)
    if not stricter and not _tighter(after, before, lower=lower):
        return []
    verb = (
        ("increased" if lower else "decreased")
        if stricter
        else ("decreased" if lower else "increased")
    )
    return [(f"property-{stem}-{verb}", (), message, "")]


def _diff_pattern(old: Schema, new: Schema) -> list[Raw]:
    before, after = _pattern(old), _pattern(new)
    if before == after:
        return []
    message = f"pattern {before!r} -> {after!r}"
    if before is None:
        return [("property-pattern-added", (), message, "")]
    if after is None:
        return [("property-pattern-removed", (), message, "")]
    return [("property-pattern-changed", (), message, "")]


def _pattern(schema: Schema) -> str | None:
    pattern = schema.get("pattern")
    return pattern if isinstance(pattern, str) and pattern not in _UNIVERSAL_PATTERNS else None


def _diff_format(old: Schema, new: Schema) -> list[Raw]:
    before, after = old.get("format"), new.get("format")
    if before == after:
        return []
    message = f"format {before!r} -> {after!r}"
    if before is None:
        return [("property-format-added", (), message, "")]
    if after is None:
        return [("property-format-removed", (), message, "")]
    if (before, after) in _WIDER_FORMAT:
        return [("property-format-widened", (), message, "")]
    if (after, before) in _WIDER_FORMAT:
        return [("property-format-narrowed", (), message, "")]
    return [("property-format-changed", (), message, "")]


def _diff_misc(old: Schema, new: Schema) -> list[Raw]:
    found: list[Raw] = []
    before, after = _number(old.get("multipleOf")), _number(new.get("multipleOf"))
    if before != after:
        message = f"multipleOf {before} -> {after}"
        if before is None:
            found.append(("property-multiple-of-set", (), message, ""))
        elif after is None:
            found.append(("property-multiple-of-removed", (), message, ""))
        elif before % after == 0:  # 4 -> 2: every multiple of 4 still passes
            found.append(("property-multiple-of-widened", (), message, ""))
        elif after % before == 0:  # 2 -> 4: 2 and 6 no longer pass
            found.append(("property-multiple-of-narrowed", (), message, ""))
        else:
            found.append(("property-multiple-of-changed", (), message, ""))
    unique_before, unique_after = old.get("uniqueItems") is True, new.get("uniqueItems") is True
    if unique_after and not unique_before:
        found.append(("property-unique-items-set", (), "uniqueItems set", ""))
    elif unique_before and not unique_after:
        found.append(("property-unique-items-removed", (), "uniqueItems removed", ""))
    return found

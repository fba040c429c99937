"""The compared values of one cell, normalized, and where a provider departs from canonical.

The baseline records these: one entry per (field, kind, provider endpoint) whose value
differs from the canonical model's, with both values. Each entry involves one provider
only, so adding a provider adds only its own entries and removing one removes only its
own; a changed range, default, enum or limit changes the recorded value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from codegen.drift.compare import KINDS, Cell, present
from codegen.drift.facts import effective_range, is_interval, value_set
from codegen.drift.pricing import PRICE_FIELD, conditions
from codegen.drift.walk import MISSING

PRESENT = "present"  # the canonical side of a `missing` entry


def _enum(cell: Cell) -> Any:
    return list(cell["enum"]) if "enum" in cell else None


def _limits(name: str) -> Callable[[Cell], Any]:
    return lambda cell: dict(cell[name]) if cell.get(name) else None


def _default(cell: Cell) -> Any:
    value = cell.get("default", MISSING)
    return None if value is MISSING else value


_VALUES: dict[str, Callable[[Cell], Any]] = {
    "name": lambda cell: cell.get("name"),
    "type": lambda cell: cell.get("type", "any"),
    "enum": _enum,
    "range": lambda cell: effective_range(dict(cell)),
    "length": _limits("length"),
    "items": _limits("items"),
    "default": _default,
    "required": lambda cell: cell.get("required", "no"),
    "semantics": lambda cell: list(cell.get("semantics") or []),
}


def compared(cell: Cell) -> dict[str, Any]:
    """{kind: normalized JSON value} for a present cell (or a canonical column)."""
    return {kind: extract(cell) for kind, extract in _VALUES.items()}


def _enum_agrees(cell: Cell, reference: Cell) -> bool:
    """Same allowed values; integer runs agree with the range that states them (3..15)."""
    if "enum" not in cell and "enum" not in reference:
        return True
    mine, theirs = value_set(dict(cell)), value_set(dict(reference))
    if mine == theirs:
        return True
    return mine is not None and theirs is not None and is_interval(mine) and is_interval(theirs)


def absent_value(cell: Cell) -> dict[str, Any]:
    """What a provider that lacks the field says about it (policy, `only` values)."""
    if "problem" in cell:
        return {"policy": "not in schema", "path": cell.get("wire")}
    value: dict[str, Any] = {"policy": cell.get("policy")}
    if "only" in cell:
        value["only"] = list(cell["only"])
    return value


def departures(field: str, key: str, cell: Cell, reference: Cell) -> list[dict[str, Any]]:
    """Baseline entries for one provider cell against the canonical column."""
    if cell.get("policy") == "parent":
        return []  # the parent field's own `missing` entry says it
    if not present(cell):
        return [entry(field, "missing", key, absent_value(cell), PRESENT)]
    canon = {**reference, "name": field.rsplit(".", 1)[-1]}
    mine, theirs = compared(cell), compared(canon)
    found = []
    for kind in KINDS[1:]:
        same = _enum_agrees(cell, canon) if kind == "enum" else mine[kind] == theirs[kind]
        if not same:
            found.append(entry(field, kind, key, mine[kind], theirs[kind]))
    return found


def price_departures(key: str, cell: Cell) -> list[dict[str, Any]]:
    """The canonical model has no price: every provider's documented price is recorded."""
    rates = list(cell.get("rates") or [])
    if not rates:
        return [entry(PRICE_FIELD, "missing", key, {"policy": "not documented"}, None)]
    figures = sorted({r["per_second"] for r in rates})
    found = [entry(PRICE_FIELD, "range", key, figures, None)]
    terms = sorted(conditions(cell))
    if terms:
        found.append(entry(PRICE_FIELD, "semantics", key, terms, None))
    return found


def entry(field: str, kind: str, key: str, value: Any, canonical: Any) -> dict[str, Any]:
    return {
        "field": field,
        "kind": kind,
        "providers": [key],
        "value": value,
        "canonical": canonical,
    }


def recorded(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every departure from the canonical model in a drift report, as baseline entries."""
    found: list[dict[str, Any]] = []
    for endpoint, sides in report["endpoints"].items():
        for name, field in report["fields"].items():
            reference = field["canonical"].get(endpoint) or {}
            for key in sides:
                if key in field["providers"]:
                    found += departures(name, key, field["providers"][key], reference)
        for key, cell in (report["pricing"].get(endpoint) or {}).get("providers", {}).items():
            found += price_departures(key, cell)
    return found

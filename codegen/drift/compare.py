"""Drift items for one canonical field across the provider endpoints of one canonical endpoint.

Kinds: missing, name, type, enum, range, length, items, default, required, semantics.
An item names every provider endpoint that takes part in the disagreement (for `missing`:
those that lack the field) and a detail with each one's value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from codegen.drift.facts import (
    effective_range,
    is_interval,
    show,
    show_limits,
    show_range,
    value_set,
)
from codegen.drift.walk import MISSING

KINDS = (
    "missing",
    "name",
    "type",
    "enum",
    "range",
    "length",
    "items",
    "default",
    "required",
    "semantics",
)

Cell = Mapping[str, Any]


def present(cell: Cell) -> bool:
    return bool(cell.get("supported")) and "problem" not in cell


def field_drift(endpoint: str, cells: Mapping[str, Cell]) -> list[dict[str, Any]]:
    """Drift items for one field; `cells` maps provider/endpoint -> cell."""
    found = _missing(endpoint, cells)
    here = {k: c for k, c in sorted(cells.items()) if present(c)}
    if len(here) < 2:
        return found
    for kind, extract in _EXTRACTORS.items():
        values = {k: extract(c) for k, c in here.items()}
        if len({v[0] for v in values.values()}) > 1:
            found.append(_item(endpoint, kind, sorted(values), _detail(values) + _note(kind, here)))
    enum = _enum_drift(here)
    if enum is not None:
        found.append(_item(endpoint, "enum", sorted(here), enum))
    return sorted(found, key=lambda i: (KINDS.index(i["kind"]), i["providers"]))


def _item(endpoint: str, kind: str, providers: list[str], detail: str) -> dict[str, Any]:
    return {"kind": kind, "endpoint": endpoint, "providers": providers, "detail": detail}


def _detail(values: Mapping[str, tuple[Any, str]]) -> str:
    return "; ".join(f"{k}: {text}" for k, (_v, text) in values.items())


def _note(kind: str, cells: Mapping[str, Cell]) -> str:
    """For type drift: say so when the values agree once the mapping converts them."""
    ranges = {_range(c)[0] for c in cells.values()}
    if kind != "type" or len(ranges) != 1:
        return ""
    key = ranges.pop()
    return (
        ""
        if key is None
        else f" (values agree after the mapping's transforms: {show_range(dict(key))})"
    )


def _missing(endpoint: str, cells: Mapping[str, Cell]) -> list[dict[str, Any]]:
    absent = {
        k: c for k, c in sorted(cells.items()) if not present(c) and c.get("policy") != "parent"
    }
    if not absent:
        return []
    parts = [f"{k}: {_why(c)}" for k, c in absent.items()]
    others = [k for k in sorted(cells) if present(cells[k])]  # not those whose parent is absent
    if others:
        parts.append("present in " + ", ".join(others))
    return [_item(endpoint, "missing", sorted(absent), "; ".join(parts))]


def _why(cell: Cell) -> str:
    if "problem" in cell:
        return str(cell["problem"])
    if cell.get("policy") == "unmapped":
        return "not mapped" + (f": {cell['reason']}" if cell.get("reason") else "")
    text = f"not a field ({cell.get('policy')}"
    if "only" in cell:
        text += " only " + ", ".join(show(v) for v in cell["only"])
    text += ")"
    return text + (f": {cell['reason']}" if cell.get("reason") else "")


def _name(cell: Cell) -> tuple[Any, str]:
    return cell["name"], str(cell["name"])


def _type(cell: Cell) -> tuple[Any, str]:
    return cell["type"], str(cell["type"])


def _range(cell: Cell) -> tuple[Any, str]:
    rng = effective_range(dict(cell))
    text = show_range(rng)
    if rng and "range" not in cell:
        text += " (from its enum)"
    return (None if rng is None else tuple(sorted(rng.items()))), text


def _limits(name: str, low: str, high: str) -> Callable[[Cell], tuple[Any, str]]:
    def extract(cell: Cell) -> tuple[Any, str]:
        limits = cell.get(name)
        return (None if not limits else tuple(sorted(limits.items()))), show_limits(
            limits, low, high
        )

    return extract


def _default(cell: Cell) -> tuple[Any, str]:
    value = cell.get("default", MISSING)
    key = "<none>" if value is MISSING else repr(value)
    text = show(value)
    if "sent_default" in cell:
        text += f" (translators send {show(cell['sent_default'])})"
    return key, text


def _required(cell: Cell) -> tuple[Any, str]:
    return cell.get("required", "no"), str(cell.get("required", "no"))


def _semantics(cell: Cell) -> tuple[Any, str]:
    notes = tuple(cell.get("semantics") or ())
    return notes, ("; ".join(notes) if notes else "as canonical")


_EXTRACTORS: dict[str, Callable[[Cell], tuple[Any, str]]] = {
    "name": _name,
    "type": _type,
    "range": _range,
    "length": _limits("length", "minLength", "maxLength"),
    "items": _limits("items", "minItems", "maxItems"),
    "default": _default,
    "required": _required,
    "semantics": _semantics,
}


def _enum_drift(cells: Mapping[str, Cell]) -> str | None:
    """Differing allowed-value sets, where some provider lists its values.

    Integer intervals on every side are left to `range`: 3..15 and "3".."15" agree.
    """
    if not any("enum" in c for c in cells.values()):
        return None
    sets = {k: value_set(dict(c)) for k, c in cells.items()}
    if len(set(sets.values())) < 2:
        return None
    if all(s is not None and is_interval(s) for s in sets.values()):
        return None
    return "; ".join(f"{k}: {_show_enum(c)}" for k, c in cells.items())


def _show_enum(cell: Cell) -> str:
    if "enum" in cell:
        return show(list(cell["enum"]))
    return f"any {cell.get('type')}" + (
        f" in {show_range(cell['range'])}" if cell.get("range") else ""
    )

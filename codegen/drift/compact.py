"""Compact, readable values for one heat-map cell, and the cell's state against canonical.

A cell shows what the provider actually accepts, in its own terms: its name for the
field, the wire type with its range or allowed values (`string "3" | "4" | ... | "15"`),
the default, item and length limits. The state says how the cell compares with the
canonical column (the reference every provider is compared with), so it stays meaningful
with any number of providers, two included. Strings here are raw; renderers escape them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codegen.drift.compare import Cell, present
from codegen.drift.facts import effective_range, show, show_range
from codegen.drift.values import departures

_ENUM_SHOWN = 4  # enums up to this size are shown whole


@dataclass(frozen=True)
class State:
    """How one provider cell compares with the canonical column."""

    name: str  # same | differs | only | missing | na
    kinds: tuple[str, ...] = ()  # the kinds in which it departs from canonical
    notes: tuple[str, ...] = ()  # one line per departure: kind, its value, canonical's

    @property
    def css(self) -> str:
        if self.name == "differs":
            return ("d1", "d2", "d3")[min(len(self.kinds), 3) - 1]
        return self.name

    @property
    def marker(self) -> str:
        """The state in words, so it reads without colour (print, screen readers)."""
        differs = "differs: " + ", ".join(self.kinds) if self.kinds else ""
        return {
            "same": "= canonical",
            "differs": differs,
            "only": "only this provider has it" + (f"; {differs}" if differs else ""),
            "missing": "not a field here",
            "na": "",
        }[self.name]


def state(field: str, key: str, cells: Mapping[str, Cell], reference: Cell) -> State:
    cell = cells.get(key)
    if cell is None or cell.get("policy") == "parent":
        return State("na")
    if not present(cell):
        return State("missing")
    found = departures(field, key, cell, reference)
    kinds = tuple(e["kind"] for e in found)
    notes = tuple(
        f"{e['kind']}: {_plain(e['value'])} (canonical: {_plain(e['canonical'])})" for e in found
    )
    alone = len(cells) > 1 and not any(present(c) for k, c in cells.items() if k != key)
    if alone:
        return State("only", kinds, notes)
    return State("differs" if kinds else "same", kinds, notes)


def _plain(value: Any) -> str:
    if value is None:
        return "none"
    return value if isinstance(value, str) else show(value)


def lines(cell: Cell | None, *, name: str = "") -> list[str]:
    """The cell's values, one short line each: name, type and values, the limits."""
    if cell is None or cell.get("policy") == "parent":
        return ["-"]
    if not cell.get("supported"):
        return [_absent(cell)]
    if "problem" in cell:
        return [f"{cell['wire']}", "not in the schema"]
    found = [str(cell.get("name") or name), type_values(cell)]
    limits = [text for text in (_default(cell), _items(cell), _length(cell)) if text]
    if cell.get("required") in ("yes", "conditional"):
        limits.append("required" if cell["required"] == "yes" else "required if ...")
    return found + ([", ".join(limits)] if limits else [])


def _absent(cell: Cell) -> str:
    policy = cell.get("policy")
    if policy == "unmapped":
        return "absent (not mapped)"
    only = ", ".join(show(v) for v in cell.get("only") or [])
    return f"absent ({policy}{': ' + only + ' only' if only else ''})"


def type_values(cell: Cell) -> str:
    """`integer 3–15`, `string "5" | "10"`, `string "3" | "4" | … | "15" (13, = 3–15)`."""
    kind = str(cell.get("type", "any"))
    enum = cell.get("wire_enum", cell.get("enum"))
    rng = effective_range(dict(cell))
    if isinstance(enum, list):
        shown = [show(v) for v in enum]
        if len(shown) > _ENUM_SHOWN:
            shown = [*shown[:2], "…", shown[-1]]
        text = f"{kind} " + " | ".join(shown)
        extra = [str(len(enum))] if len(enum) > _ENUM_SHOWN else []
        if "wire_enum" in cell and rng:
            extra.append("= " + dash_range(rng))
        return text + (f" ({', '.join(extra)})" if extra else "")
    return f"{kind} {dash_range(rng)}" if rng else kind


def dash_range(rng: Mapping[str, Any]) -> str:
    if set(rng) == {"minimum", "maximum"}:
        return f"{rng['minimum']}–{rng['maximum']}"
    if set(rng) == {"minimum"}:
        return f"≥ {rng['minimum']}"
    if set(rng) == {"maximum"}:
        return f"≤ {rng['maximum']}"
    return show_range(dict(rng))


def _default(cell: Cell) -> str:
    if "default" not in cell:
        return ""
    value = cell.get("wire_default", cell["default"])
    text = f"default {show(value)}"
    if "sent_default" in cell:
        text += f" (sends {show(cell['sent_default'])})"
    return text


def _limits(limits: Mapping[str, Any] | None, low: str, high: str, noun: str) -> str:
    if not limits:
        return ""
    if low in limits and high in limits:
        return f"{limits[low]}–{limits[high]} {noun}"
    return f"≥ {limits[low]} {noun}" if low in limits else f"≤ {limits[high]} {noun}"


def _items(cell: Cell) -> str:
    return _limits(cell.get("items"), "minItems", "maxItems", "items")


def _length(cell: Cell) -> str:
    return _limits(cell.get("length"), "minLength", "maxLength", "chars")

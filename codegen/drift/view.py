"""Plain-text views of report cells and items, shared by the text, Markdown and HTML pages.

Strings here are raw (schema text included); each renderer escapes them for its format.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codegen.drift.facts import show, show_limits, show_range
from codegen.drift.walk import MISSING

COLUMNS = ("wire name", "type", "values", "length", "items", "default", "required", "price")
_ENUM_SHOWN = 6


def cell_columns(cell: Mapping[str, Any]) -> list[str]:
    """One table row for a provider cell, in COLUMNS order."""
    if not cell.get("supported"):
        return [_absent(cell), "", "", "", "", "", "", str(cell.get("price", ""))]
    if "problem" in cell:
        return [
            f"{cell['wire']} (not in schema)",
            "",
            "",
            "",
            "",
            "",
            "",
            str(cell.get("price", "")),
        ]
    return [
        str(cell["wire"]),
        str(cell.get("type", "any")) + _converted(cell),
        values_text(cell),
        show_limits(cell.get("length"), "minLength", "maxLength"),
        show_limits(cell.get("items"), "minItems", "maxItems"),
        default_text(cell),
        str(cell.get("required", "no")),
        str(cell.get("price", "")),
    ]


def canonical_columns(facts: Mapping[str, Any]) -> list[str]:
    if not facts:
        return ["(canonical)", "", "", "", "", "", "", ""]
    row = cell_columns({**facts, "supported": True, "wire": "(canonical)", "price": ""})
    return row


def _absent(cell: Mapping[str, Any]) -> str:
    policy = cell.get("policy")
    if policy == "parent":
        return "-"
    if policy == "unmapped":
        return "- (not mapped)"
    only = ", ".join(show(v) for v in cell.get("only") or [])
    return f"- ({policy}{': ' + only + ' only' if only else ''})"


def _converted(cell: Mapping[str, Any]) -> str:
    names = cell.get("transforms") or []
    return f" (via {', '.join(names)})" if names else ""


def values_text(cell: Mapping[str, Any]) -> str:
    enum = cell.get("enum")
    if isinstance(enum, list):
        shown = [show(v) for v in enum]
        if len(shown) > _ENUM_SHOWN:
            shown = [*shown[:2], "...", shown[-1]]
            return "one of " + ", ".join(shown) + f" ({len(enum)} values)"
        return "one of " + ", ".join(shown)
    return show_range(cell.get("range"))


def default_text(cell: Mapping[str, Any]) -> str:
    text = show(cell.get("default", MISSING))
    if "sent_default" in cell:
        text += f" (sends {show(cell['sent_default'])})"
    return text


def provider_list(item: Mapping[str, Any]) -> str:
    return ", ".join(item["providers"])


def endpoint_fields(
    report: Mapping[str, Any], endpoint: str
) -> list[tuple[str, Mapping[str, Any]]]:
    """(field, entry) for the fields some provider of `endpoint` has a cell for."""
    keys = set(report["endpoints"].get(endpoint) or {})
    return [(name, e) for name, e in report["fields"].items() if keys & set(e["providers"])]


def endpoint_drift(entry: Mapping[str, Any], endpoint: str) -> list[Mapping[str, Any]]:
    return [i for i in entry["drift"] if i["endpoint"] == endpoint]

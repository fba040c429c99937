"""The drift report as plain text: the matrix per endpoint and field, then the summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codegen.drift.baseline import Comparison, counts, explain, flagged
from codegen.drift.compare import KINDS
from codegen.drift.pricing import PRICE_FIELD
from codegen.drift.view import (
    COLUMNS,
    canonical_columns,
    cell_columns,
    endpoint_drift,
    endpoint_fields,
    provider_list,
)


def render_text(
    report: Mapping[str, Any], *, result: Comparison | None = None, baseline: str = ""
) -> str:
    new = flagged(result)
    lines = ["Drift between providers (current schema versions; values in canonical terms)", ""]
    for endpoint, sides in report["endpoints"].items():
        versions = ", ".join(f"{k} {s['version']}" for k, s in sides.items())
        lines += [f"== {endpoint}: {versions}", ""]
        for name, entry in endpoint_fields(report, endpoint):
            lines += _field(name, entry, endpoint, sides, new)
        lines += _prices(report["pricing"].get(endpoint) or {}, endpoint, new)
    lines += _summary(report, result, baseline)
    return "\n".join(lines) + "\n"


def _field(
    name: str, entry: Mapping[str, Any], endpoint: str, sides: Mapping[str, Any], new: set[Any]
) -> list[str]:
    rows = [
        ["", *COLUMNS[:-1]],
        [endpoint, *canonical_columns(entry["canonical"].get(endpoint, {}))[:-1]],
    ]
    rows += [
        [k, *cell_columns(entry["providers"][k])[:-1]] for k in sides if k in entry["providers"]
    ]
    lines = [name, *_table(rows)]
    for item in endpoint_drift(entry, endpoint):
        lines.append(_item_line(name, item, new))
    return [*lines, ""]


def _item_line(field: str, item: Mapping[str, Any], new: set[Any]) -> str:
    mark = "NEW " if any((field, item["kind"], p) in new for p in item["providers"]) else ""
    return f"  ! {mark}{item['kind']}: {provider_list(item)} -- {item['detail']}"


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]


def _prices(pricing: Mapping[str, Any], endpoint: str, new: set[Any]) -> list[str]:
    rows = [[k, c["text"]] for k, c in (pricing.get("providers") or {}).items()]
    lines = ["price per second", *_table([["", "price"], *rows])] if rows else []
    lines += [_item_line(PRICE_FIELD, i, new) for i in pricing.get("drift") or []]
    return [*lines, ""]


def _summary(report: Mapping[str, Any], result: Comparison | None, baseline: str) -> list[str]:
    by_kind = report["summary"]["by_kind"]
    kinds = ", ".join(f"{k} {by_kind[k]}" for k in KINDS if by_kind.get(k))
    total, fields = report["summary"]["drift"], report["summary"]["fields"]
    lines = [f"Summary: {total} drift items over {fields} fields ({kinds})"]
    if result is None:
        return [*lines, "no baseline: every item counts as new"]
    counts_text = counts(result)
    lines.append(f"baseline {baseline}: {counts_text}")
    return lines + explain(result, baseline=baseline)

"""The drift report as Markdown: per endpoint, a side-by-side table of fields x providers,
the drift found, and prices. Every schema string goes through `md` (the endpoint pages'
escaping: HTML, links, emphasis, pipes, newlines), so nothing a provider publishes can break
the table, inject HTML or make a link.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codegen.drift.baseline import HINT, Comparison, counts, explain
from codegen.drift.compare import KINDS
from codegen.drift.pricing import PRICE_FIELD
from codegen.drift.view import (
    COLUMNS,
    canonical_columns,
    cell_columns,
    endpoint_drift,
    endpoint_fields,
)
from codegen.render.env import md as _md

HEATMAP = "drift.html"


def md(text: Any) -> str:
    """Escape text for a Markdown table cell, as the endpoint pages do: no raw HTML, no
    links or emphasis (`[`, `]`, `*`, `_`, `#` escaped), no pipes, no line breaks."""
    return _md(str(text))


def render_markdown(
    report: Mapping[str, Any], *, result: Comparison | None = None, baseline: str = ""
) -> str:
    lines = _intro(report)
    for endpoint, sides in report["endpoints"].items():
        lines += _endpoint(report, endpoint, sides)
    if result is not None:
        lines += _baseline(result, baseline)
    return "\n".join(lines).rstrip("\n") + "\n"


def _intro(report: Mapping[str, Any]) -> list[str]:
    counts = report["summary"]["by_kind"]
    return [
        "# Drift between providers",
        "",
        "How each gateway spells every canonical field of the current schema versions, compared",
        "on canonical terms (values converted back through the mapping's transforms). "
        f"Heat map: [{HEATMAP}]({HEATMAP}). Guide: `docs/drift.md` in the repository.",
        "",
        "| kind | items |",
        "|---|---|",
        *[f"| {k} | {counts.get(k, 0)} |" for k in KINDS],
        f"| **total** | {report['summary']['drift']} |",
        "",
    ]


def _endpoint(report: Mapping[str, Any], endpoint: str, sides: Mapping[str, Any]) -> list[str]:
    keys = list(sides)
    lines = [
        f"## {md(endpoint)}",
        "",
        "| provider | version | envelope | price |",
        "|---|---|---|---|",
    ]
    for k, side in sides.items():
        envelope = side["envelope"].removesuffix(".") or "(flat body)"
        lines.append(
            f"| [{md(k)}]({md(k)}.md) | {md(side['version'])} | {md(envelope)} | {md(side['price'])} |"
        )
    lines += [
        "",
        "### Fields side by side",
        "",
        "| field | canonical | " + " | ".join(md(k) for k in keys) + " |",
    ]
    lines.append("|---" * (len(keys) + 2) + "|")
    fields = endpoint_fields(report, endpoint)
    for name, entry in fields:
        canon = _cell_text(canonical_columns(entry["canonical"].get(endpoint, {}))[1:])
        cells = [
            _cell_text(cell_columns(entry["providers"][k])) if k in entry["providers"] else ""
            for k in keys
        ]
        lines.append(f"| {md(name)} | {canon} | " + " | ".join(cells) + " |")
    return [*lines, "", *_drift_table(fields, endpoint), *_prices(report, endpoint)]


def _cell_text(columns: list[str]) -> str:
    """wire name, then `label: value` for the facts that say something."""
    labels = COLUMNS[len(COLUMNS) - len(columns) :]
    parts = []
    for label, value in zip(labels, columns, strict=True):
        if value in ("", "any") or label == "price":
            continue
        parts.append(md(value) if label == "wire name" else f"{md(label)}: {md(value)}")
    return "<br>".join(parts)


def _drift_table(fields: list[tuple[str, Mapping[str, Any]]], endpoint: str) -> list[str]:
    lines = ["### Drift", "", "| field | kind | providers | detail |", "|---|---|---|---|"]
    for name, entry in fields:
        for item in endpoint_drift(entry, endpoint):
            lines.append(_drift_row(name, item))
    return [*lines, ""]


def _drift_row(name: str, item: Mapping[str, Any]) -> str:
    providers = ", ".join(md(p) for p in item["providers"])
    return f"| {md(name)} | {md(item['kind'])} | {providers} | {md(item['detail'])} |"


def _prices(report: Mapping[str, Any], endpoint: str) -> list[str]:
    pricing = report["pricing"].get(endpoint) or {}
    lines = ["### Price per second", "", "| provider | price | source |", "|---|---|---|"]
    for k, cell in (pricing.get("providers") or {}).items():
        lines.append(f"| {md(k)} | {md(cell['text'])} | {md(cell.get('source', ''))} |")
    lines.append("")
    drift = pricing.get("drift") or []
    if drift:
        lines += ["| field | kind | providers | detail |", "|---|---|---|---|"]
        lines += [_drift_row(PRICE_FIELD, item) for item in drift]
        lines.append("")
    return lines


def _baseline(result: Comparison, baseline: str) -> list[str]:
    lines = ["## Baseline", "", f"{md(baseline)}: {counts(result)}.", ""]
    lines += [f"- {md(line)}" for line in explain(result, baseline=baseline) if line != HINT]
    if not result.clean:
        lines += ["", md(HINT)]
    return lines

"""The drift heat map: one self-contained HTML table per endpoint, fields x (canonical, providers).

Each cell shows what the provider accepts (its name for the field, type, range or values,
default, limits); the colour and a marker in words say how it compares with the canonical
column: the same, differs in N kinds, only this provider has it, or not a field there. The
tooltip and drift.md keep the detail. No scripts, no external assets, no timestamps; every
schema string is HTML-escaped. Narrow screens get one card per field; print keeps colours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from codegen.drift.compact import lines, state
from codegen.drift.pricing import PRICE_FIELD
from codegen.drift.view import endpoint_drift, endpoint_fields

REPORT = "drift.md"
CANONICAL = "canonical"
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #1d1d1d; line-height: 1.35; }
table { border-collapse: collapse; margin-bottom: 2em; width: 100%; }
th, td { border: 1px solid #fff; padding: 0.35em 0.5em; text-align: left; vertical-align: top; }
td, th { overflow-wrap: anywhere; }
thead th { background: #e4e4e4; }
tbody th { background: #f4f4f4; font-weight: normal; font-family: ui-monospace, monospace; }
.v { display: block; font-family: ui-monospace, monospace; font-size: 0.9em; }
.m { display: block; font-size: 0.8em; color: #333; font-style: italic; }
.canonical { background: #ffffff; border: 1px solid #9a9a9a; }
.same { background: #cdeccd; } .d1 { background: #fff1a8; } .d2 { background: #ffcf8a; }
.d3 { background: #f29f9f; } .only { background: #b9d7f5; } .missing { background: #c8c8c8; }
.na { background: #efefef; color: #777; } .price { background: #f7f7f7; }
.legend span { display: inline-block; padding: 0.2em 0.6em; margin: 0 0.3em 0.3em 0; }
@media (max-width: 700px) {
  body { margin: 0.6em; }
  table, thead, tbody, tr, th, td { display: block; width: auto; }
  thead { display: none; }
  tbody tr { margin-bottom: 1em; border: 1px solid #bbb; }
  tbody th { font-weight: bold; }
  td::before { content: attr(data-col); display: block; font-size: 0.75em; color: #444; }
}
@media print {
  body { margin: 0; font-size: 9pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr { break-inside: avoid; }
  a { color: inherit; }
}
"""
_LEGEND = (
    ("canonical", "canonical model (the reference)"),
    ("same", "= canonical"),
    ("d1", "differs in 1 kind"),
    ("d2", "2 kinds"),
    ("d3", "3 or more"),
    ("only", "only this provider has it"),
    ("missing", "not a field here"),
    ("na", "n/a (its parent is not a field)"),
)


def render_html(report: Mapping[str, Any]) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Drift heat map</title>",
        f"<style>{_STYLE}</style></head>",
        "<body>",
        "<h1>Drift heat map</h1>",
        "<p>Each cell shows what a provider accepts for a canonical field (current schema "
        "versions): its name for the field, the wire type with its range or values, the "
        "default and the limits. The colour and the note under it compare the cell with the "
        "canonical column. Hover a cell for the details; the full matrix is in "
        f'<a href="{REPORT}">{REPORT}</a>.</p>',
        _legend(),
    ]
    for endpoint, sides in report["endpoints"].items():
        parts += _table(report, endpoint, list(sides))
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _legend() -> str:
    spans = "".join(f'<span class="{cls}">{escape(text)}</span>' for cls, text in _LEGEND)
    return f'<p class="legend">{spans}</p>'


def _table(report: Mapping[str, Any], endpoint: str, keys: list[str]) -> list[str]:
    head = "".join(f"<th>{escape(k)}</th>" for k in [CANONICAL, *keys])
    rows = [
        f"<h2>{escape(endpoint)}</h2>",
        "<table>",
        f"<thead><tr><th>field</th>{head}</tr></thead>",
        "<tbody>",
    ]
    for name, entry in endpoint_fields(report, endpoint):
        rows.append(_row(name, entry, endpoint, keys))
    rows.append(_price_row(report, endpoint, keys))
    return [*rows, "</tbody>", "</table>"]


def _row(name: str, entry: Mapping[str, Any], endpoint: str, keys: list[str]) -> str:
    reference = entry["canonical"].get(endpoint) or {}
    cells = {k: entry["providers"][k] for k in keys if k in entry["providers"]}
    # the row header names the field: the canonical cell shows its values only
    values = lines({**reference, "supported": True, "name": name})[1:] if reference else ["-"]
    canon = _td("canonical", CANONICAL, values, [], "the reference every provider is compared with")
    drift = endpoint_drift(entry, endpoint)
    tds = [canon] + [_provider_td(name, k, cells, reference, drift) for k in keys]
    return f"<tr><th>{escape(name)}</th>{''.join(tds)}</tr>"


def _provider_td(
    name: str,
    key: str,
    cells: Mapping[str, Any],
    reference: Mapping[str, Any],
    drift: Sequence[Mapping[str, Any]],
) -> str:
    found = state(name, key, cells, reference)
    notes = list(found.notes) or ([found.marker] if found.marker else [])
    notes += [f"{i['kind']}: {i['detail']}" for i in drift if key in i["providers"]]
    return _td(found.css, key, lines(cells.get(key), name=name), [found.marker], _title(notes))


def _title(notes: list[str]) -> str:
    return "\n".join(notes) or "as the canonical model"


def _td(cls: str, column: str, values: list[str], markers: list[str], title: str) -> str:
    body = "".join(f'<span class="v">{escape(v)}</span>' for v in values)
    body += "".join(f'<span class="m">{escape(m)}</span>' for m in markers if m)
    return (
        f'<td class="{cls}" data-col="{escape(column, quote=True)}" '
        f'title="{escape(title, quote=True)}">{body}</td>'
    )


def _price_row(report: Mapping[str, Any], endpoint: str, keys: list[str]) -> str:
    pricing = report["pricing"].get(endpoint) or {}
    cells = pricing.get("providers") or {}
    drift = pricing.get("drift") or []
    tds = [_td("canonical", CANONICAL, ["-"], [], "the canonical model has no price")]
    for k in keys:
        cell = cells.get(k) or {}
        notes = [f"{i['kind']}: {i['detail']}" for i in drift if k in i["providers"]]
        notes += [f"source: {cell['source']}"] if cell.get("source") else []
        cls = "price" if cell.get("rates") else "missing"
        tds.append(_td(cls, k, [str(cell.get("text", ""))], [], _title(notes)))
    return f"<tr><th>{escape(PRICE_FIELD)} per second</th>{''.join(tds)}</tr>"

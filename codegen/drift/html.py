"""The drift heat map: one self-contained HTML table per endpoint, fields x providers.

A cell's colour says how many kinds of drift set that provider apart from the others for
that field (green: none). Every schema string is HTML-escaped; no scripts, no timestamps.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from codegen.drift.compare import disagreements
from codegen.drift.pricing import PRICE_FIELD
from codegen.drift.view import cell_columns, endpoint_drift, endpoint_fields

REPORT = "drift.md"
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #fff; padding: 0.4em 0.6em; text-align: left; vertical-align: top; }
thead th { background: #eee; }
tbody th { background: #f6f6f6; font-weight: normal; font-family: monospace; }
td small { display: block; color: #444; }
.agree { background: #cdeccd; } .d1 { background: #fff1a8; } .d2 { background: #ffcf8a; }
.d3 { background: #f29f9f; } .missing { background: #bdbdbd; } .na { background: #ececec; }
.legend span { display: inline-block; padding: 0.2em 0.8em; margin-right: 0.3em; }
"""
_LEGEND = (
    ("agree", "agrees"),
    ("d1", "1 kind of drift"),
    ("d2", "2 kinds"),
    ("d3", "3 or more"),
    ("missing", "not a field"),
    ("na", "n/a"),
)


def render_html(report: Mapping[str, Any]) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><title>Drift heat map</title>',
        f"<style>{_STYLE}</style></head>",
        "<body>",
        "<h1>Drift heat map</h1>",
        "<p>Each cell shows how a provider spells a canonical field (current schema versions) "
        "and the kinds of drift that set it apart from the other providers of the endpoint. "
        f'Hover a cell for the details; the full matrix is in <a href="{REPORT}">{REPORT}</a>.</p>',
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
    head = "".join(f"<th>{escape(k)}</th>" for k in keys)
    rows = [
        f"<h2>{escape(endpoint)}</h2>",
        "<table>",
        f"<thead><tr><th>field</th>{head}</tr></thead>",
        "<tbody>",
    ]
    for name, entry in endpoint_fields(report, endpoint):
        cells = {k: entry["providers"][k] for k in keys if k in entry["providers"]}
        odd = disagreements(cells)
        drift = endpoint_drift(entry, endpoint)
        tds = "".join(_td(cells.get(k), odd.get(k, []), drift, k) for k in keys)
        rows.append(f"<tr><th>{escape(name)}</th>{tds}</tr>")
    rows.append(_price_row(report, endpoint, keys))
    return [*rows, "</tbody>", "</table>"]


def _td(
    cell: Mapping[str, Any] | None, kinds: list[str], drift: list[Mapping[str, Any]], key: str
) -> str:
    if cell is None or cell.get("policy") == "parent":
        return '<td class="na">-</td>'
    cls = "missing" if "missing" in kinds else ("agree", "d1", "d2", "d3")[min(len(kinds), 3)]
    label = cell_columns(cell)[0]
    notes = [f"{i['kind']}: {i['detail']}" for i in drift if key in i["providers"]]
    title = escape("\n".join(notes) or "agrees with the other providers", quote=True)
    small = f"<small>{escape(', '.join(kinds))}</small>" if kinds else ""
    return f'<td class="{cls}" title="{title}">{escape(label)}{small}</td>'


def _price_row(report: Mapping[str, Any], endpoint: str, keys: list[str]) -> str:
    pricing = report["pricing"].get(endpoint) or {}
    cells = pricing.get("providers") or {}
    drift = pricing.get("drift") or []
    tds = []
    for k in keys:
        kinds = sorted({i["kind"] for i in drift if k in i["providers"]})
        cls = "missing" if "missing" in kinds else ("agree", "d1", "d2", "d3")[min(len(kinds), 3)]
        notes = [f"{i['kind']}: {i['detail']}" for i in drift if k in i["providers"]]
        title = escape("\n".join(notes) or "agrees with the other providers", quote=True)
        text = escape(str((cells.get(k) or {}).get("text", "")))
        tds.append(f'<td class="{cls}" title="{title}">{text}</td>')
    return f"<tr><th>{escape(PRICE_FIELD)} per second</th>{''.join(tds)}</tr>"

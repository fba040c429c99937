"""The docs pages: deterministic, one side-by-side table per endpoint, a heat map coloured
as the committed baseline says, and every schema string escaped; a new provider appears
without any Python change."""

from __future__ import annotations

import re
from html import escape, unescape
from pathlib import Path
from typing import Any

import pytest

from codegen.catalog import load_catalog
from codegen.drift import analyze, docs_pages, drift_items
from codegen.drift import baseline as bl
from codegen.drift.markdown import md
from codegen.drift.pricing import PRICE_FIELD

from .conftest import SCHEMAS, endpoints, targets
from .places import Place, places

HOSTILE = "<script>alert(1)</script> | `x` \n next"
ROW = re.compile(r"<tr><th>(.*?)</th>(.*?)</tr>", re.DOTALL)
TD = re.compile(r'<td class="([\w-]+)" data-col="([^"]*)"')


def test_pages_are_deterministic() -> None:
    first = docs_pages(load_catalog(SCHEMAS))
    assert sorted(first) == ["drift.html", "drift.md"]
    assert docs_pages(load_catalog(SCHEMAS)) == first


def test_markdown_has_a_side_by_side_table_per_endpoint() -> None:
    page = docs_pages(load_catalog(SCHEMAS))["drift.md"]
    assert endpoints() and page.count("### Fields side by side") == len(endpoints())
    for endpoint in endpoints():
        assert "| field | canonical | " + " | ".join(targets(endpoint)) + " |" in page
    assert "[drift.html](drift.html)" in page


def _heat_map_cells(page: str) -> dict[tuple[str, str, str], str]:
    """{(endpoint, row, column): css class} of every provider cell of the heat map."""
    found = {}
    for section in page.split("<h2>")[1:]:
        endpoint = unescape(section.split("</h2>", 1)[0])
        for row, tds in ROW.findall(section):
            for css, column in TD.findall(tds):
                if column != "canonical":
                    found[(endpoint, unescape(row), unescape(column))] = css
    return found


def _expected_class(
    report: dict[str, Any], entries: list[dict[str, Any]], endpoint: str, field: str, key: str
) -> str:
    """The colour the baseline implies: how many kinds the provider departs from canonical
    in (one entry each), unless the field is absent or the provider alone has it."""
    cells = {
        k: c
        for k, c in report["fields"][field]["providers"].items()
        if k in report["endpoints"][endpoint]
    }
    cell = cells[key]
    if cell.get("policy") == "parent":
        return "na"
    present = {k for k, c in cells.items() if c.get("supported") and "problem" not in c}
    if key not in present:
        return "missing"
    if present == {key} and len(cells) > 1:
        return "only"
    kinds = [e for e in entries if e["field"] == field and e["providers"] == [key]]
    return ("same", "d1", "d2", "d3")[min(len(kinds), 3)]


def test_heat_map_colours_cells_as_the_baseline_says(report: dict[str, Any]) -> None:
    page = docs_pages(load_catalog(SCHEMAS))["drift.html"]
    assert page.startswith("<!DOCTYPE html>") and page.count("<table>") == len(endpoints())
    assert 'href="drift.md"' in page and "<th>canonical</th>" in page
    cells = _heat_map_cells(page)
    price_row = f"{PRICE_FIELD} per second"
    entries = bl.load(SCHEMAS / bl.BASELINE_NAME)
    expected = {}
    for endpoint, sides in report["endpoints"].items():
        for field, entry in report["fields"].items():
            for key in sides:
                if key in entry["providers"]:
                    expected[(endpoint, field, key)] = _expected_class(
                        report, entries, endpoint, field, key
                    )
        for key, cell in report["pricing"][endpoint]["providers"].items():
            expected[(endpoint, price_row, key)] = "price" if cell["rates"] else "missing"
    assert expected and cells == expected
    assert {"same", "missing"} <= set(expected.values())  # both kinds of cell occur today


def test_schema_notes_are_escaped_in_the_heat_map(report: dict[str, Any]) -> None:
    """Notes from the mappings (an element reference syntax, a lookup table) reach the page
    escaped, wherever they hold HTML's special characters."""
    notes = {
        note
        for entry in report["fields"].values()
        for cell in entry["providers"].values()
        for note in cell.get("semantics") or []
        if set(note) & set("<>&")
    }
    if not notes:
        pytest.skip("no mapping note in the catalog holds <, > or &")
    page = docs_pages(load_catalog(SCHEMAS))["drift.html"]
    for note in notes:
        assert escape(note, quote=True) in page and note not in page, note


def test_md_escapes_table_breakers() -> None:
    assert md(HOSTILE) == "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\`x\\` next"


def _hostile_places() -> tuple[Place, Place | None]:
    """A string field (its default made hostile), and a string enum (a hostile value added)."""
    report = analyze(load_catalog(SCHEMAS))
    plain = [p for p in places(SCHEMAS) if not {"lookup", "json_text"} & set(p.transforms)]
    strings = [
        p for p in plain if report["fields"][p.field]["providers"][p.key].get("type") == "string"
    ]
    enums = [p for p in strings if isinstance(p.node(SCHEMAS).get("enum"), list)]
    assert strings, "the catalog has no string field in a request.json"
    return strings[0], (enums[0] if enums else None)


def test_schema_strings_are_escaped_in_every_page(schemas_copy: Path) -> None:
    default, enum = _hostile_places()
    default.edit(schemas_copy, lambda node: node.update(default=HOSTILE))
    if enum is not None:
        enum.edit(schemas_copy, lambda node: node.update(enum=[*node["enum"], HOSTILE]))
    pages = docs_pages(load_catalog(schemas_copy))
    for page in pages.values():
        assert "<script>" not in page
    assert "&lt;script&gt;" in pages["drift.html"]
    rows = 0
    header = ""
    for line in pages["drift.md"].splitlines():
        if line.startswith("| field |"):
            header = line
        elif "alert(1)" in line:
            assert line.startswith("| ") and header, line
            assert line.count(" | ") == header.count(" | ") and "next" in line  # still one line
            rows += 1
    assert rows


MANIFEST = """\
id: acme
name: Acme Video
base_url: https://api.acme.test
auth: {header: X-Api-Key, scheme: null, env: ACME_API_KEY}
endpoints:
  text-to-video:
    current: "2026-01-01"
    versions:
      "2026-01-01":
        model: acme/kling-3-pro
        lifecycle:
          kind: sync
          submit: {method: POST, path: /v2/generate}
        pricing:
          currency: USD
          rates: [{per_second: 0.2}]
"""

MAPPING = """\
provider: acme
endpoint: text-to-video
canonical: text-to-video
version: "2026-01-01"
request:
  fields:
    prompt: {to: text}
    duration: {to: seconds}
result:
  fields:
    video_url: {from: [url]}
"""

REQUEST = {
    "title": "Request",
    "type": "object",
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "maxLength": 500},
        "seconds": {"type": "integer", "minimum": 5, "maximum": 10},
    },
}
RESPONSE = {"title": "Response", "type": "object", "properties": {"url": {"type": "string"}}}


def _add_acme(root: Path) -> None:
    import json

    version = root / "acme" / "text-to-video" / "2026-01-01"
    version.mkdir(parents=True)
    (root / "acme" / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "acme" / "text-to-video" / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    (version / "request.json").write_text(json.dumps(REQUEST), encoding="utf-8")
    (version / "response.json").write_text(json.dumps(RESPONSE), encoding="utf-8")


def test_a_new_provider_just_appears(schemas_copy: Path) -> None:
    _add_acme(schemas_copy)
    report = analyze(load_catalog(schemas_copy))
    assert "acme/text-to-video" in report["endpoints"]["text-to-video"]
    items = drift_items(report)
    t2v = [i for i in items if i["endpoint"] == "text-to-video"]
    ranges = [i for i in t2v if i["field"] == "duration" and i["kind"] == "range"]
    assert ranges and "acme/text-to-video: 5..10" in ranges[0]["detail"]
    prices = [i for i in t2v if i["field"] == "(price)" and i["kind"] == "range"]
    assert prices and "acme/text-to-video: $0.2/s" in prices[0]["detail"]
    unmapped = [
        i
        for i in items
        if i["field"] == "cfg_scale" and i["kind"] == "missing" and i["endpoint"] == "text-to-video"
    ]
    assert "acme/text-to-video: not mapped" in unmapped[0]["detail"]

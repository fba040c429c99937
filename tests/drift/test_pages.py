"""The docs pages: deterministic, one side-by-side table per endpoint, a heat map, and
every schema string escaped; a new provider appears without any Python change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codegen.catalog import load_catalog
from codegen.drift import analyze, docs_pages, drift_items
from codegen.drift.markdown import md

from .conftest import SCHEMAS, edit_json, endpoints, targets

HOSTILE = "<script>alert(1)</script> | `x` \n next"


def test_pages_are_deterministic() -> None:
    first = docs_pages(load_catalog(SCHEMAS))
    assert sorted(first) == ["drift.html", "drift.md"]
    assert docs_pages(load_catalog(SCHEMAS)) == first


def test_markdown_has_a_side_by_side_table_per_endpoint() -> None:
    page = docs_pages(load_catalog(SCHEMAS))["drift.md"]
    assert page.count("### Fields side by side") == len(endpoints())
    for endpoint in endpoints():
        assert "| field | canonical | " + " | ".join(targets(endpoint)) + " |" in page
    assert "[drift.html](drift.html)" in page


def test_heat_map_colours_cells_by_agreement() -> None:
    page = docs_pages(load_catalog(SCHEMAS))["drift.html"]
    assert page.startswith("<!DOCTYPE html>") and page.count("<table>") == len(endpoints())
    assert 'class="missing"' in page and 'class="same"' in page and 'href="drift.md"' in page
    assert 'class="only"' in page and "<th>canonical</th>" in page
    assert "&lt;&lt;&lt;element_{n}&gt;&gt;&gt;" in page  # runware's reference syntax, escaped


def test_md_escapes_table_breakers() -> None:
    assert md(HOSTILE) == "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\`x\\`   next"


def _hostile_default(data: Any) -> None:
    data["properties"]["prompt"]["default"] = HOSTILE
    data["properties"]["shot_type"]["enum"] = ["customize", HOSTILE]


def test_schema_strings_are_escaped_in_every_page(schemas_copy: Path) -> None:
    edit_json(schemas_copy, "runcomfy/image-to-video/2026-04-05/request.json", _hostile_default)
    pages = docs_pages(load_catalog(schemas_copy))
    for page in pages.values():
        assert "<script>" not in page
    assert "&lt;script&gt;" in pages["drift.html"]
    row = next(line for line in pages["drift.md"].splitlines() if line.startswith("| prompt |"))
    columns = 2 + len(targets("image-to-video"))
    assert row.count(" | ") == columns - 1 and "next" in row  # still one line


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

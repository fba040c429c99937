"""The cross-provider drift report: one matrix per canonical field, and the drift found.

`analyze(catalog)` builds the report (JSON-ready data), `drift_items(report)` lists its
drift flat, and `docs_pages(catalog)` renders the pages the generator puts under
generated/docs/ (`drift.md`, the side-by-side tables, and `drift.html`, the heat map).
"""

from __future__ import annotations

from codegen.catalog import Catalog
from codegen.drift.report import analyze, drift_items


def docs_pages(catalog: Catalog) -> dict[str, str]:
    """{path relative to generated/docs/: contents}; deterministic, schema text escaped."""
    from codegen.drift.html import render_html
    from codegen.drift.markdown import render_markdown

    report = analyze(catalog)
    return {"drift.html": render_html(report), "drift.md": render_markdown(report)}


__all__ = ["analyze", "docs_pages", "drift_items"]

"""docs/canonical.md: for each canonical field, how every provider spells it.

The rows come from the mapping interpreter's own `describe*` functions (the runtime module
that ships in the generated package), so the page says exactly what the translators do.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from codegen.catalog import Catalog, Endpoint
from codegen.render.env import render


def mapping_runtime() -> ModuleType:
    """templates/runtime/mapping.py, as the generator's own copy of the runtime loads it."""
    from codegen.runtime import runtime_module

    return runtime_module("mapping")


def page(catalog: Catalog) -> str:
    kinds = sorted({e.id for e in catalog.endpoints() if e.mapping is not None})
    sections = [_section(catalog, kind) for kind in kinds]
    return render("docs/canonical.md.j2", sections=sections)


def _section(catalog: Catalog, kind: str) -> dict[str, Any]:
    endpoints = sorted(
        (e for e in catalog.endpoints() if e.id == kind and e.mapping), key=lambda e: e.key
    )
    runtime = mapping_runtime()
    described = {e.key: _describe(runtime, e) for e in endpoints}
    fields = list(
        dict.fromkeys(row["canonical"] for d in described.values() for row in d["request"])
    )
    results = list(
        dict.fromkeys(row["canonical"] for d in described.values() for row in d["result"])
    )
    return {
        "kind": kind,
        "providers": [e.key for e in endpoints],
        "request": [
            (f, [_cell(described[e.key]["request"], f) for e in endpoints]) for f in fields
        ],
        "result": [
            (f, [_result_cell(described[e.key]["result"], f) for e in endpoints]) for f in results
        ],
        "envelopes": [(e.key, described[e.key]["envelope"]) for e in endpoints],
        "notes": [(e.key, note) for e in endpoints for note in described[e.key]["notes"]],
    }


def _describe(runtime: ModuleType, endpoint: Endpoint) -> dict[str, Any]:
    assert endpoint.mapping is not None
    mapping = endpoint.mapping.data
    notes = mapping.get("notes") or []
    return {
        "request": runtime.describe(mapping),
        "result": runtime.describe_result(mapping),
        "envelope": runtime.describe_envelope(mapping),
        "notes": notes if isinstance(notes, list) else [notes],
    }


def _cell(rows: list[dict[str, str]], field: str) -> str:
    row = next((r for r in rows if r["canonical"] == field), None)
    if row is None:
        return "not mapped"
    if row["provider"] == "-":
        return f"unsupported: {row['policy']}"
    transform = "" if row["transform"] in ("", "-", "copy") else f" ({row['transform']})"
    return f"{row['provider']}{transform}"


def _result_cell(rows: list[dict[str, str]], field: str) -> str:
    row = next((r for r in rows if r["canonical"] == field), None)
    return row["provider"] if row else "-"

"""Outputs under docs/: one page per provider endpoint, an index, and the report pages.

Every schema string reaches Markdown through the `md`/`mdcode` filters, and examples go in
fenced blocks whose fence is longer than any backtick run inside them.
"""

from __future__ import annotations

import json
from typing import Any

from codegen.catalog import Endpoint, Provider, SourceFile
from codegen.render import canonical_doc
from codegen.render.env import render
from codegen.render.fields import rows
from codegen.render.output import Context, Output

DOCS = "docs"


def outputs(ctx: Context) -> list[Output]:
    found = [_index(ctx)]
    for provider in ctx.catalog.providers.values():
        for endpoint in provider.endpoints.values():
            found.append(_endpoint_page(ctx, provider, endpoint))
    found.extend(_report_pages(ctx))
    return found


def _all_sources(ctx: Context) -> tuple[SourceFile, ...]:
    """Everything the report pages read: manifests, schemas, provenance, mappings, canonical."""
    files = [p.manifest for p in ctx.catalog.providers.values()]
    files.extend(s for kinds in ctx.catalog.canonical.values() for s in kinds.values())
    for endpoint in ctx.catalog.endpoints():
        files.extend([endpoint.mapping] if endpoint.mapping else [])
        for version in endpoint.versions.values():
            files.extend(version.schemas.values())
            files.extend([version.provenance] if version.provenance else [])
    return tuple(files)


def _index(ctx: Context) -> Output:
    def build() -> str:
        entries = [
            _index_entry(p, e) for p in ctx.catalog.providers.values() for e in p.endpoints.values()
        ]
        return render("docs/index.md.j2", entries=entries, reports=_report_names(ctx))

    return Output(
        f"{DOCS}/index.md", tuple(p.manifest for p in ctx.catalog.providers.values()), build
    )


def _index_entry(provider: Provider, endpoint: Endpoint) -> dict[str, Any]:
    spec = provider.manifest.data["endpoints"][endpoint.id]["versions"][endpoint.current]
    return {
        "provider": provider.manifest.data["name"],
        "key": endpoint.key,
        "page": f"{provider.id}/{endpoint.id}.md",
        "current": endpoint.current,
        "versions": len(endpoint.versions),
        "lifecycle": spec["lifecycle"]["kind"],
        "price": price_text(spec["pricing"]),
    }


def price_text(pricing: dict[str, Any]) -> str:
    rates = pricing.get("rates") or []
    if not rates:
        return "unknown"
    parts = [f"${rate['per_second']}/s{_conditions(rate)}" for rate in rates]
    third = " (third-party source)" if pricing.get("third_party") else ""
    return ", ".join(parts) + third


def _conditions(rate: dict[str, Any]) -> str:
    audio, voice = rate.get("generate_audio"), rate.get("voice_control")
    when = "" if audio is None else (" with audio" if audio else " without audio")
    return when + (
        "" if voice is None else (" with voice control" if voice else " without voice control")
    )


def _endpoint_page(ctx: Context, provider: Provider, endpoint: Endpoint) -> Output:
    current = endpoint.current_version()
    sources = (
        provider.manifest,
        *current.schemas.values(),
        *((current.provenance,) if current.provenance else ()),
    )

    def build() -> str:
        return render("docs/endpoint.md.j2", **_endpoint_context(ctx, provider, endpoint))

    return Output(f"{DOCS}/{provider.id}/{endpoint.id}.md", sources, build)


def _endpoint_context(ctx: Context, provider: Provider, endpoint: Endpoint) -> dict[str, Any]:
    current = endpoint.current_version()
    manifest = provider.manifest.data
    spec = manifest["endpoints"][endpoint.id]["versions"][endpoint.current]
    kinds = sorted(current.schemas)
    normalized = {k: ctx.normalized(current.schemas[k]) for k in kinds}
    return {
        "name": manifest["name"],
        "key": endpoint.key,
        "module": f"kling_gateways.{provider.module}.{endpoint.module}",
        "base_url": manifest["base_url"],
        "auth": manifest["auth"],
        "spec": spec,
        "price": price_text(spec["pricing"]),
        "current": endpoint.current,
        "versions": list(endpoint.versions),
        "kinds": kinds,
        "tables": {k: rows(normalized[k].validator) for k in kinds},
        "notes": [note for k in kinds for note in normalized[k].notes],
        "provenance": current.provenance.data if current.provenance else None,
        "readings": manifest.get("readings", []),
        "examples": [(name, fenced(src.data)) for name, src in sorted(current.examples.items())],
    }


def fenced(data: Any) -> str:
    """A ```json block holding `data`, fenced so no content can close it early."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    # the same JSON data, with no markup a renderer that ignores the fence could act on
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    longest = max((len(run) for run in text.split("\n") if run and set(run) == {"`"}), default=0)
    run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}json\n{text}\n{fence}"


def _report_names(ctx: Context) -> list[tuple[str, str]]:
    return [(title, path) for title, path, _build in _reports(ctx)]


def _report_pages(ctx: Context) -> list[Output]:
    sources = _all_sources(ctx)
    return [
        Output(f"{DOCS}/{path}", sources, build, header=path.endswith(".md"))
        for _t, path, build in _reports(ctx)
    ]


def _reports(ctx: Context) -> list[tuple[str, str, Any]]:
    """(title, path under docs/, build) for pages that other packages render; computed once."""
    if "reports" not in ctx.memo:
        ctx.memo["reports"] = _find_reports(ctx)
    reports: list[tuple[str, str, Any]] = ctx.memo["reports"]
    return reports


def _find_reports(ctx: Context) -> list[tuple[str, str, Any]]:
    found: list[tuple[str, str, Any]] = []
    if any(e.mapping for e in ctx.catalog.endpoints()):
        found.append(
            (
                "How each provider spells each canonical field",
                "canonical.md",
                lambda: canonical_doc.page(ctx.catalog),
            )
        )
    from codegen.diff.catalog import changelog_markdown
    from codegen.diff.rules import rules_markdown

    found.append(("Schema changelog", "changelog.md", lambda: changelog_markdown(ctx.catalog)))
    found.append(("Diff rules", "diff-rules.md", rules_markdown))
    found.extend(_drift_pages(ctx))
    return found


def _drift_pages(ctx: Context) -> list[tuple[str, str, Any]]:
    from codegen.drift import docs_pages

    pages = docs_pages(ctx.catalog)
    titles = {".md": "Drift between providers", ".html": "Drift heat map", ".svg": "Drift heat map"}
    return [
        (titles.get(path[path.rfind(".") :], path), path, _const(text))
        for path, text in sorted(pages.items())
    ]


def _const(text: str) -> Any:
    return lambda: text

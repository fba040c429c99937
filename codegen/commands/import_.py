"""`kling-codegen import PROVIDER/ENDPOINT DOCUMENT --version YYYY-MM-DD` (and `--check`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from codegen.commands.options import schemas_option

FORMATS = ("text", "json")
EPILOG = """\b
Examples:
  kling-codegen import acme/image-to-video https://acme.test/openapi.json --version 2026-12-01
  kling-codegen import acme/image-to-video schema.json --version 2026-12-01 --no-current
  kling-codegen import --check acme/image-to-video https://acme.test/openapi.json

\b
Exit codes: 0 imported (or, with --check, unchanged in meaning); 1 with --check: the
published document differs from the committed current version (changelog printed);
2 bad input: file#/pointer: message, nothing written.
"""


@click.command("import", epilog=EPILOG)
@click.argument("key", metavar="PROVIDER/ENDPOINT")
@click.argument("document", metavar="DOCUMENT")
@click.option("--version", "version", default=None, metavar="YYYY-MM-DD",
              help="The new version: the document's date.")  # fmt: skip
@click.option("--source-url", default=None, help="Where the document is published (provenance).")
@click.option("--no-current", is_flag=True, help="Keep the previous version current.")
@click.option("--operation", default=None, metavar='"METHOD /path"',
              help="The submit call, where the document has more than one POST with a JSON body.")  # fmt: skip
@click.option("--check", is_flag=True,
              help="Write nothing: exit 1 if DOCUMENT differs in meaning from the current version.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@schemas_option
def import_document(
    *, key: str, document: str, version: str | None, source_url: str | None, no_current: bool,
    operation: str | None, check: bool, fmt: str, schemas: Path,
) -> int:  # fmt: skip
    """File a provider's published document (OpenAPI 3.x or JSON Schema; a file or an http(s)
    URL) byte for byte as a new schema version, and print what changed.

    The changelog against the previous version follows the rules of `diff` (breaking changes
    first), followed by the decisions the new version asks for: mapping fields whose target is
    gone or changed type, and drift the baseline does not list. For a provider or endpoint
    that does not exist yet, manifest.yaml and mapping.yaml are scaffolded with TODO markers
    that `generate` refuses until they are filled in.
    """
    from codegen.errors import UsageError

    if check:
        return _check(key, document, schemas, operation, fmt)
    if version is None:
        raise UsageError("--version YYYY-MM-DD is required (or --check)")
    from codegen.importer.plan import Request

    request = Request(key, document, version, schemas, source_url, not no_current, operation)
    return _import(request, fmt)


def _import(request: Any, fmt: str) -> int:
    from codegen.catalog import load_catalog
    from codegen.importer import report
    from codegen.importer.plan import apply, make_plan

    plan = make_plan(request)
    written = apply(plan)
    previous = plan.previous.current_version() if plan.previous else None
    changes = report.changelog(previous.schemas if previous else {}, plan.schemas)
    decisions: list[report.Decision] = []
    drift: list[str] = []
    if not plan.scaffold:
        catalog = load_catalog(request.schemas)
        endpoint = catalog.endpoint(request.key)
        new = endpoint.versions[request.version]
        mapping = endpoint.mapping.data if endpoint.mapping else None
        decisions = report.decisions(mapping, previous, new) if previous else []
        drift = report.new_drift(catalog)
    result = {
        "endpoint": request.key,
        "version": request.version,
        "previous": plan.previous.current if plan.previous else None,
        "current": request.current or plan.previous is None,
        "document": plan.doc.filename,
        "operations": plan.doc.operations,
        "written": [f"{request.schemas.as_posix()}/{p}" for p in written],
        "scaffold": plan.scaffold,
        "changes": [c.as_json() for c in changes],
        "summary": _summary(changes),
        "decisions": [d.text() for d in decisions],
        "new_drift": drift,
    }
    click.echo(json.dumps(result, indent=2, ensure_ascii=False) if fmt == "json" else _text(result))
    return 0


def _check(key: str, document: str, schemas: Path, operation: str | None, fmt: str) -> int:
    from codegen.catalog import load_catalog
    from codegen.errors import UsageError
    from codegen.importer import report
    from codegen.importer.document import read_document
    from codegen.importer.fetch import fetch
    from codegen.importer.plan import carried_kinds

    try:
        endpoint = load_catalog(schemas).endpoint(key)
    except KeyError:
        raise UsageError(f"{key!r} is not in the catalog ({schemas.as_posix()})") from None
    current = endpoint.current_version()
    keep = current.provenance.data.get("operations") if current.provenance else None
    doc = read_document(fetch(document), keep=keep, operation=operation)
    carried = carried_kinds(endpoint, doc)  # a JSON Schema document is the request only
    changes = report.changelog(current.schemas, {**carried, **doc.schemas})
    result = {
        "endpoint": key,
        "current": endpoint.current,
        "document": document,
        "changed": bool(changes),
        "changes": [c.as_json() for c in changes],
        "summary": _summary(changes),
    }
    click.echo(json.dumps(result, indent=2, ensure_ascii=False) if fmt == "json" else _text(result))
    return 1 if changes else 0


def _summary(changes: list[Any]) -> dict[str, int]:
    from codegen.diff.model import summarize

    return summarize(changes)


def _text(result: dict[str, Any]) -> str:
    lines = []
    if "written" in result:
        lines += [f"imported {result['endpoint']} {result['version']} ({result['document']})"]
        lines += [f"  wrote {path}" for path in result["written"]]
        if not result["current"]:
            lines.append(f"  current stays {result['previous']} (--no-current)")
        base = result["previous"] or "nothing"
    else:
        verdict = "changed" if result["changed"] else "unchanged in meaning"
        lines += [
            f"{result['document']}: {verdict} against {result['endpoint']} {result['current']}"
        ]
        base = result["current"]
    counts = result["summary"]
    lines.append(
        f"changelog against {base}: {counts['breaking']} breaking, "
        f"{counts['warning']} warning, {counts['info']} info"
    )
    lines += [
        f"  {c['severity']:8} {c['location']}: {c['message']} [{c['rule']}]"
        for c in result["changes"]
    ]
    lines += _decisions(result)
    return "\n".join(lines)


def _decisions(result: dict[str, Any]) -> list[str]:
    if result.get("scaffold"):
        return [
            "needs a decision: fill in every TODO in manifest.yaml and mapping.yaml, then generate"
        ]
    lines = [f"needs a decision: {text}" for text in result.get("decisions", [])]
    lines += [f"new drift: {text}" for text in result.get("new_drift", [])]
    return lines

"""`kling-codegen validate PROVIDER/ENDPOINT FILE.json [--format text|json]`.

Exit 0 when the payload is valid for the provider's current schema, 1 with every error
(JSON pointer + message) when not, 2 on bad usage or unreadable input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from codegen.commands.options import schemas_option
from codegen.errors import UsageError


@click.command()
@click.argument("target")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--kind",
    type=click.Choice(["request", "response", "status", "callback"]),
    default="request",
    show_default=True,
    help="Which body the payload is.",
)
@click.option(
    "--version", "version", default=None, help="Schema version (default: the current one)."
)
@schemas_option
def validate(
    *, target: str, file: Path, fmt: str, kind: str, version: str | None, schemas: Path
) -> int:
    """Validate FILE (JSON; - for stdin) as a body for TARGET, e.g. runware/image-to-video."""
    from codegen.catalog.target import load_target

    chosen = load_target(schemas, target, version=version)
    if kind not in chosen.schemas:
        raise UsageError(
            f"{target} version {chosen.version} has no {kind} schema (has: {', '.join(sorted(chosen.schemas))})"
        )
    payload = _read_payload(file)
    issues = _issues(chosen.schemas[kind], payload)
    _report(
        target=target, version=chosen.version, kind=kind, issues=issues, fmt=fmt, file=str(file)
    )
    return 1 if issues else 0


def _read_payload(file: Path) -> Any:
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{file}: cannot read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{file}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


def _issues(source: Any, payload: Any) -> list[tuple[str, str]]:
    from codegen.errors import pointer
    from codegen.normalize import normalize_schema
    from codegen.render.canonical_doc import runtime_module
    from kling_gateways._runtime.validation import compile_schema

    rules = runtime_module("rules")  # the words the generated validators use, too
    schema = normalize_schema(source).validator
    validator = compile_schema(schema)  # formats asserted, the catalog's own x- keywords
    errors = list(validator.iter_errors(payload))
    found = [(pointer(e.instance_path), _message(rules, schema, e)) for e in errors]
    found += rules.check(schema, payload)
    return found if len(found) <= 1 else sorted(set(found))


def _message(rules: Any, schema: Any, error: Any) -> str:
    words = rules.explain(schema, list(error.schema_path), error.instance)
    return str(words or error.message)


def _report(
    *, target: str, version: str, kind: str, issues: list[tuple[str, str]], fmt: str, file: str
) -> None:
    if fmt == "json":
        errors = [{"pointer": p, "message": m} for p, m in issues]
        doc = {
            "target": target,
            "version": version,
            "kind": kind,
            "valid": not issues,
            "errors": errors,
        }
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    if not issues:
        click.echo(f"{file}: valid {kind} for {target} ({version})")
        return
    for ptr, message in issues:
        click.echo(f"{file}#{ptr}: {message}")
    click.echo(f"{len(issues)} error(s): not a valid {kind} for {target} ({version})", err=True)

"""`kling-codegen validate PROVIDER/ENDPOINT[@VERSION] FILE.json [--strict] [--format text|json]`.

Exit 0 when the payload is valid for the provider's schema (current version unless told),
1 with every error (JSON pointer + message) when not, 2 on bad usage or unreadable input.
Fields the schema does not define are warnings with the nearest known name; `--strict`
makes them errors. The schema comes from the catalog folder (`--schemas`,
$KLING_CODEGEN_SCHEMAS, or the nearest `schemas/` up from here), else from the catalog
carried by the installed `kling_gateways` package.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from codegen.commands.options import schemas_option, split_target, version_option
from codegen.commands.schemas import schema_for

EXAMPLES = """
\b
Examples:
  kling-codegen validate runware/image-to-video payload.json
  kling-codegen validate runflow/image-to-video@2026-04-05 payload.json --strict
  cat reply.json | kling-codegen validate runware/image-to-video - --kind response
"""


@click.command(epilog=EXAMPLES)
@click.argument("target", metavar="PROVIDER/ENDPOINT[@VERSION]")
@click.argument("file", metavar="FILE.json", type=click.Path(path_type=Path, allow_dash=True))
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
@click.option("--strict", is_flag=True, help="Fields the schema does not define are errors.")
@version_option
@schemas_option
def validate(
    *,
    target: str,
    file: Path,
    fmt: str,
    kind: str,
    strict: bool,
    version: str | None,
    schemas: Path | None,
) -> int:
    """Validate FILE.json (- for stdin) as a body for a provider's endpoint."""
    from codegen.read import read_data

    key, version = split_target(target, version, option="TARGET")
    found = schema_for(key, version=version, kind=kind, schemas=schemas)
    payload = read_data(file, fmt="json")
    issues = _issues(found.schema, payload)
    unknown = _unknown(found.schema, payload, key)
    report = Report(key, found.version, kind, str(file), issues, unknown, strict)
    click.echo(report.json() if fmt == "json" else report.text(), nl=False)
    if fmt == "text" and report.errors():
        click.echo(f"{report.errors()} error(s): not a valid {report.what()}", err=True)
    return 1 if report.errors() else 0


def _issues(schema: dict[str, Any], payload: Any) -> list[tuple[str, str]]:
    """Every error, exactly as the generated validators report them (the same runtime code:
    formats asserted, the catalog's own keywords and `x-rules` checked, rules in words)."""
    from codegen.runtime import runtime_module

    validator = runtime_module("validation").SchemaValidator(json.dumps(schema))
    return [(issue.pointer, issue.message) for issue in validator.validate(payload)]


def _unknown(schema: dict[str, Any], payload: Any, key: str) -> list[tuple[str, str]]:
    from codegen.runtime import runtime_module

    fields = runtime_module("unknown").unknown_fields(schema, payload)
    return [(f.pointer, f.message(key)) for f in fields]


class Report:
    """What validate found, as text lines or one JSON document."""

    def __init__(
        self,
        target: str,
        version: str,
        kind: str,
        file: str,
        issues: list[tuple[str, str]],
        unknown: list[tuple[str, str]],
        strict: bool,
    ) -> None:
        self.target, self.version, self.kind, self.file = target, version, kind, file
        self.issues, self.unknown, self.strict = issues, unknown, strict

    def json(self) -> str:
        errors = [{"pointer": p, "message": m} for p, m in self.issues]
        unknown = [{"pointer": p, "message": m} for p, m in self.unknown]
        doc = {
            "target": self.target,
            "version": self.version,
            "kind": self.kind,
            "valid": not self.errors(),
            "errors": errors + (unknown if self.strict else []),
            "warnings": [] if self.strict else unknown,
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def errors(self) -> int:
        """How many problems make the payload invalid (unknown fields count under --strict)."""
        return len(self.issues) + (len(self.unknown) if self.strict else 0)

    def what(self) -> str:
        return f"{self.kind} for {self.target} ({self.version})"

    def text(self) -> str:
        label = "error" if self.strict else "warning"
        lines = [f"{self.file}#{p}: {m}" for p, m in self.issues]
        lines += [f"{self.file}#{p}: {label}: {m}" for p, m in self.unknown]
        if not self.errors():
            lines.append(f"{self.file}: valid {self.what()}")
        return "".join(line + "\n" for line in lines)

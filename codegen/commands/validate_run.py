"""What `kling-codegen validate` does, without click: parse the common argument shapes, run,
and return what to print. The click command (`validate.py`) and the fast path in `cli.main`
share this, so both give the same bytes and the same exit code.

The fast path exists because `validate` is called once per payload, often in a loop: the
work is a few milliseconds and importing click costs more than that. Any argument shape it
does not recognise (help, unknown or repeated options, a bad choice, missing values) goes to
click, which gives the full usage messages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

from codegen.errors import printable

FORMATS = ("text", "json")
KINDS = ("request", "response", "status", "callback")


class ValidateArgs(NamedTuple):
    target: str
    file: Path
    fmt: str = "text"
    kind: str = "request"
    strict: bool = False
    version: str | None = None
    schemas: Path | None = None


class Outcome(NamedTuple):
    stdout: str
    stderr: str
    exit_code: int


def run(args: ValidateArgs) -> Outcome:
    """Validate the payload; the report (stdout), a summary line (stderr) and the exit code."""
    from codegen.commands.schemas import schema_for
    from codegen.commands.targets import split_target
    from codegen.read import read_data

    key, version = split_target(args.target, args.version, option="TARGET")
    found = schema_for(key, version=version, kind=args.kind, schemas=args.schemas)
    payload = read_data(args.file, fmt="json")
    issues = _issues(found.schema, payload)
    unknown = _unknown(found.schema, payload, key)
    report = Report(key, found.version, args.kind, str(args.file), issues, unknown, args.strict)
    if args.fmt == "json":
        return Outcome(report.json(), "", 1 if report.errors() else 0)
    errors = report.errors()
    summary = printable(f"{errors} error(s): not a valid {report.what()}") + "\n" if errors else ""
    return Outcome(report.text(), summary, 1 if report.errors() else 0)


def emit(outcome: Outcome) -> int:
    """Print an outcome (stdout, then stderr) and return its exit code."""
    sys.stdout.write(outcome.stdout)
    sys.stdout.flush()
    if outcome.stderr:
        sys.stderr.write(outcome.stderr)
        sys.stderr.flush()
    return outcome.exit_code


# Options that take a value, with the values they accept (None: any text).
_VALUED: dict[str, tuple[str, ...] | None] = {
    "--format": FORMATS,
    "--kind": KINDS,
    "--version": None,
    "--schemas": None,
}


def parse_fast(argv: list[str]) -> ValidateArgs | None:
    """`validate`'s arguments (after the word `validate`) when they are in a plain shape:
    two positionals and known options each given once, with valid values. None otherwise,
    so that click parses them and reports what is wrong."""
    positional: list[str] = []
    options: dict[str, str] = {}
    tokens = iter(argv)
    for token in tokens:
        if token == "-" or not token.startswith("-"):
            positional.append(token)
            continue
        name, eq, value = token.partition("=")
        if name == "--strict" and not eq and name not in options:
            options[name] = ""
            continue
        if name not in _VALUED or name in options:
            return None
        value = value if eq else next(tokens, "")
        allowed = _VALUED[name]
        if not value or value.startswith("-") or (allowed is not None and value not in allowed):
            return None
        options[name] = value
    if len(positional) != 2 or not positional[0] or not positional[1]:
        return None
    schemas = options.get("--schemas")
    return ValidateArgs(
        target=positional[0],
        file=Path(positional[1]),
        fmt=options.get("--format", "text"),
        kind=options.get("--kind", "request"),
        strict="--strict" in options,
        version=options.get("--version"),
        schemas=Path(schemas) if schemas is not None else None,
    )


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
        """One line per problem. Pointers and messages quote the payload's keys and values:
        control characters in them are escaped, so a payload cannot break a line or send
        escape sequences to the terminal."""
        label = "error" if self.strict else "warning"
        lines = [f"{self.file}#{p}: {m}" for p, m in self.issues]
        lines += [f"{self.file}#{p}: {label}: {m}" for p, m in self.unknown]
        if not self.errors():
            lines.append(f"{self.file}: valid {self.what()}")
        return "".join(printable(line) + "\n" for line in lines)

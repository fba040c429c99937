"""`kling-codegen validate PROVIDER/ENDPOINT[@VERSION] FILE.json [--strict] [--format text|json]`.

Exit 0 when the payload is valid for the provider's schema (current version unless told),
1 with every error (JSON pointer + message) when not, 2 on bad usage or unreadable input.
Fields the schema does not define are warnings with the nearest known name; `--strict`
makes them errors. The schema comes from the catalog folder (`--schemas`,
$KLING_CODEGEN_SCHEMAS, or the nearest `schemas/` up from here), else from the catalog
carried by the installed `kling_gateways` package.
"""

from __future__ import annotations

from pathlib import Path

import click

from codegen.commands.options import schemas_option, version_option
from codegen.commands.validate_run import FORMATS, KINDS, ValidateArgs, emit, run

EXAMPLES = """
\b
Examples:
  kling-codegen validate acme/image-to-video payload.json
  kling-codegen validate acme/image-to-video@2026-04-05 payload.json --strict
  cat reply.json | kling-codegen validate acme/image-to-video - --kind response
"""


@click.command(epilog=EXAMPLES)
@click.argument("target", metavar="PROVIDER/ENDPOINT[@VERSION]")
@click.argument("file", metavar="FILE.json", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
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
    args = ValidateArgs(target, file, fmt, kind, strict, version, schemas)
    return emit(run(args))

"""The `kling-codegen` command line.

Commands are registered by import path and loaded only when invoked, so that
`kling-codegen --help` stays fast: heavy modules (datamodel-code-generator, httpx,
jsonschema) are imported by the command that needs them, never here.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from codegen import __version__

# name -> (import path "module:attribute", one-line help shown by --help)
COMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("codegen.commands.generate:generate", "Regenerate generated/ from schemas/."),
    "validate": ("codegen.commands.validate:validate", "Validate a payload for PROVIDER/ENDPOINT."),
    "translate": ("codegen.commands.translate:translate", "Translate a canonical request."),
    "quote": (
        "codegen.commands.translate:quote",
        "Which gateways accept a request, at what price.",
    ),
    "diff": ("codegen.diff.cli:diff", "Classify changes between two schema versions."),
    "drift": ("codegen.drift.cli:drift", "Cross-provider drift report per canonical field."),
    "import": (
        "codegen.commands.import_:import_document",
        "File a provider's published document as a new schema version.",
    ),
    "fake-gateway": ("codegen.fake.cli:fake_gateway", "Run a local fake gateway for a provider."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attr = COMMANDS[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


EPILOG = """
\b
Examples:
  kling-codegen generate --check
  kling-codegen validate runware/image-to-video payload.json --strict
  kling-codegen translate --to runflow/image-to-video@2026-04-06 canonical.json
  kling-codegen diff old.json new.json --fail-on breaking

\b
Targets are PROVIDER/ENDPOINT[@YYYY-MM-DD] in every command (--version V = @V).
The catalog is --schemas DIR, else $KLING_CODEGEN_SCHEMAS, else the nearest schemas/
folder in this folder or a parent; validate falls back to the catalog inside the
installed kling_gateways package, which translate and quote always use.

\b
Exit codes (every command):
  0  ok
  1  a finding: invalid payload, breaking change, new drift, stale output,
     a request no gateway accepts
  2  bad input or usage, reported as `file#/json/pointer: message` or naming the
     option; nothing was written
  3  internal error: a bug in kling-codegen (KLING_CODEGEN_DEBUG=1 shows the traceback)
"""


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="kling-codegen")
def cli() -> None:
    """Kling 3.0 Pro across API gateways: schemas in, models, clients and reports out."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turn our errors into messages and exit codes."""
    from codegen.errors import KlingCodegenError, SchemaError

    try:
        result: Any = cli.main(args=argv, prog_name="kling-codegen", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code == 2 else exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except SchemaError as exc:
        for line in exc.lines():
            click.echo(line, err=True)
        count = len(exc.problems)
        click.echo(
            f"error: {count} problem{'s' if count != 1 else ''} in the input; nothing was written",
            err=True,
        )
        sys.exit(exc.exit_code)
    except KlingCodegenError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug in kling-codegen, not in the user's input
        if os.environ.get("KLING_CODEGEN_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("(set KLING_CODEGEN_DEBUG=1 for the traceback)", err=True)
        sys.exit(3)
    sys.exit(result if isinstance(result, int) else 0)

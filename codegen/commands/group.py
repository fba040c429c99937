"""The click group behind `kling-codegen`: subcommands imported on first use, usage errors
turned into exit codes. `codegen.cli.main` comes here for everything but the fast path.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from codegen import __version__
from codegen.cli import COMMANDS, EPILOG


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


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="kling-codegen")
def cli() -> None:
    """Kling 3.0 Pro across API gateways: schemas in, models, clients and reports out."""


def run_click(argv: list[str]) -> int:
    """Run the group on `argv`; click's own errors become messages and exit codes here, ours
    propagate to the caller."""
    try:
        result: Any = cli.main(args=argv, prog_name="kling-codegen", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2 if exc.exit_code == 2 else exc.exit_code
    except click.exceptions.Abort:
        sys.stderr.write("aborted\n")
        return 1
    return result if isinstance(result, int) else 0

"""Options and argument conventions that several commands share, declared once.

Targets are named one way everywhere: `PROVIDER/ENDPOINT[@VERSION]`, e.g.
`acme/image-to-video` or `acme/image-to-video@2026-04-05`; `--version V` says the same
as `@V` where a command takes both.
"""

from __future__ import annotations

from pathlib import Path

import click

from codegen.commands.locate import ENV_VAR
from codegen.commands.targets import split_target

__all__ = ["schemas_option", "split_target", "version_option"]

schemas_option = click.option(
    "--schemas",
    "schemas",
    type=click.Path(path_type=Path),
    default=None,
    help=f"The schema catalog [default: ${ENV_VAR}, else the nearest schemas/ folder "
    "in this folder or a parent].",
)

version_option = click.option(
    "--version",
    "version",
    default=None,
    metavar="YYYY-MM-DD",
    help="Schema version, same as TARGET@YYYY-MM-DD [default: the current one].",
)

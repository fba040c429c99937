"""Options that several commands share, declared once."""

from __future__ import annotations

from pathlib import Path

import click

schemas_option = click.option(
    "--schemas",
    "schemas",
    type=click.Path(path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="The schema catalog.",
)

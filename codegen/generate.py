"""generate(): the whole pipeline minus the disk. Returns {relative path: contents}."""

from __future__ import annotations

from pathlib import Path

from codegen.catalog import load_catalog
from codegen.plan import plan
from codegen.render.format import format_python
from codegen.render.output import with_header

OWNED_LIST = ".kling-codegen-files"


def generate(schemas: Path) -> dict[str, str]:
    """Load, normalize, plan and render the catalog at `schemas`; nothing is written."""
    catalog = load_catalog(schemas)
    files = {output.path: with_header(output) for output in plan(catalog)}
    files = format_python(files)
    files[OWNED_LIST] = owned_list(files)
    return dict(sorted(files.items()))


def owned_list(files: dict[str, str]) -> str:
    """The bookkeeping file: which files in the output folder belong to the generator."""
    lines = ["# Files written by kling-codegen; it removes them when no longer produced."]
    return "\n".join([*lines, *sorted(p for p in files if p != OWNED_LIST)]) + "\n"

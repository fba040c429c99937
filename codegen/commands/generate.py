"""`kling-codegen generate [--schemas DIR] [--out DIR] [--check | --watch]`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from codegen.commands.options import schemas_option

if TYPE_CHECKING:
    from codegen.cache import Cache

EXAMPLES = """
\b
Examples:
  kling-codegen generate
  kling-codegen generate --check
  kling-codegen generate --watch
  kling-codegen generate --schemas my-catalog/schemas --out my-catalog/generated
"""


@click.command(epilog=EXAMPLES)
@schemas_option
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="The output folder [default: generated/ next to the schemas folder].",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; list stale, missing and extra files; exit 1 if any.",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    envvar="KLING_CODEGEN_CACHE",
    default=None,
    help="Content-hash cache folder [default: $XDG_CACHE_HOME/kling-codegen, else ~/.cache/kling-codegen].",
)
@click.option("--no-cache", is_flag=True, help="Render everything from scratch.")
@click.option(
    "--watch",
    is_flag=True,
    help="Stay up and regenerate whenever a file in the catalog changes (Ctrl-C or SIGTERM stops).",
)
def generate(
    *,
    schemas: Path | None,
    out: Path | None,
    check: bool,
    cache_dir: Path | None,
    no_cache: bool,
    watch: bool,
) -> int:
    """Regenerate the output folder from the schema catalog."""
    from codegen.cache import Cache, user_cache_dir
    from codegen.commands.locate import require_schemas
    from codegen.errors import UsageError

    if check and watch:
        raise UsageError("--check and --watch: give one")
    schemas = require_schemas(schemas)
    out = out if out is not None else schemas.parent / "generated"
    if not check:
        refuse_output(out, schemas)
    cache = Cache(None if no_cache else (cache_dir or user_cache_dir()))
    if watch:
        from codegen.watch import watch as keep_watching

        skip = (out,) if cache.root is None else (out, cache.root)
        return keep_watching(schemas, lambda: write_all(schemas, out, cache), skip=skip)
    if check:
        return check_all(schemas, out, cache)
    click.echo(write_all(schemas, out, cache))
    return 0


def write_all(schemas: Path, out: Path, cache: Cache) -> str:
    """Regenerate and write; the summary line."""
    from codegen.generate import generate as run
    from codegen.write import write

    files = run(schemas, cache=cache)
    changes = write(out, files)
    counts = (
        f"{len(changes.missing)} new, {len(changes.stale)} changed, {len(changes.extra)} removed"
    )
    return f"{len(files)} files in {out.as_posix()} ({counts})"


def check_all(schemas: Path, out: Path, cache: Cache) -> int:
    """Regenerate in memory and compare with `out`; 1 when anything differs."""
    from codegen.generate import generate as run
    from codegen.write import compare

    files = run(schemas, cache=cache)
    changes = compare(out, files)
    for label, paths in (
        ("stale", changes.stale),
        ("missing", changes.missing),
        ("extra", changes.extra),
    ):
        for path in paths:
            click.echo(f"{label}: {(out / path).as_posix()}")
    if changes:
        click.echo("generated files are out of date: run `kling-codegen generate`", err=True)
        return 1
    click.echo(f"{len(files)} files up to date in {out.as_posix()}")
    return 0


def refuse_output(out: Path, schemas: Path) -> None:
    """Refuse an output folder that would replace something else: nothing, the current
    folder or one above it, an existing file, the catalog or a folder holding it."""
    from codegen.errors import UsageError

    if not str(out).strip():
        raise UsageError("--out is empty: name the output folder")
    target, catalog, here = out.resolve(), schemas.resolve(), Path.cwd().resolve()
    if target == here or target in here.parents:
        raise UsageError(f"--out {out}: is the current folder or holds it; name a subfolder")
    if target.exists() and not target.is_dir():
        raise UsageError(f"--out {out}: is an existing file, not a folder")
    if target == catalog or catalog in target.parents:
        raise UsageError(f"--out {out}: is inside the schemas folder {schemas}")
    if target in catalog.parents:
        raise UsageError(f"--out {out}: holds the schemas folder {schemas}")

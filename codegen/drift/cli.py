"""`kling-codegen drift [--format text|json|markdown|html] [--baseline FILE] [--update-baseline]
[--unverified]`.

`--format html` prints the self-contained heat map (the page `generate` writes as
generated/docs/drift.html); the exit code follows the baseline as in every format.
`--unverified` lists the catalog's readings not yet checked against a public source.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from codegen.commands.options import schemas_option
from codegen.errors import InputError

FORMATS = ("text", "json", "markdown", "html")


EXAMPLES = """
\b
Examples:
  kling-codegen drift
  kling-codegen drift --format markdown > drift.md
  kling-codegen drift --update-baseline
"""


@click.command("drift", epilog=EXAMPLES)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Known drift (default: <schemas>/drift-baseline.json when it exists).",
)
@click.option("--update-baseline", is_flag=True, help="Rewrite the baseline with the drift found.")
@click.option(
    "--unverified",
    is_flag=True,
    help="Instead: list the readings not yet verified against public material (exit 0).",
)
@schemas_option
def drift(
    *,
    fmt: str,
    baseline_file: Path | None,
    update_baseline: bool,
    unverified: bool,
    schemas: Path | None,
) -> int:
    """Cross-provider matrix per canonical field; exit 1 on drift the baseline does not list."""
    from codegen.catalog import load_catalog
    from codegen.commands.locate import require_schemas
    from codegen.drift import baseline
    from codegen.drift.report import analyze
    from codegen.drift.values import recorded

    schemas = require_schemas(schemas)
    catalog = load_catalog(schemas)
    if unverified:
        return _unverified(catalog, fmt=fmt)
    report = analyze(catalog)
    found = recorded(report)
    path = baseline_file or schemas / baseline.BASELINE_NAME
    if update_baseline:
        return _update(path, found)
    listed = _listed(path, explicit=baseline_file is not None)
    result = baseline.compare(found, listed if listed is not None else [])
    click.echo(
        _render(fmt, report, result, path.as_posix() if listed is not None else "(none)"), nl=False
    )
    return 0 if result.clean else 1


def _unverified(catalog: Any, *, fmt: str) -> int:
    from codegen.drift.unverified import count_readings, render_unverified, unverified_readings

    items = unverified_readings(catalog)
    total = count_readings(catalog)
    if fmt == "json":
        doc = {"unverified": [i.as_dict() for i in items], "readings": total}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        click.echo(render_unverified(items, total=total), nl=False)
    return 0


def _listed(path: Path, *, explicit: bool) -> list[dict[str, Any]] | None:
    from codegen.drift import baseline

    if path.is_file():
        return baseline.load(path)
    if explicit:
        raise InputError(f"{path}: baseline file not found (create it with --update-baseline)")
    return None


def _update(path: Path, found: list[dict[str, Any]]) -> int:
    """Rewrite the baseline; say which entries were added, removed or changed."""
    from codegen.drift import baseline

    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise InputError(
            f"{path}: not a regular file (a symbolic link or special file); the baseline is"
            " never written through one"
        )
    before = _previous(path)
    result = baseline.compare(found, before)
    text = baseline.dumps(found)
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(staging, path)  # replaces the name itself: never follows a link there
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write the drift baseline: {exc.strerror}") from None
    for line in baseline.changes(result):
        click.echo(line)
    counts = f"{len(result.new)} added, {len(result.stale)} removed, {len(result.changed)} changed"
    click.echo(
        f"wrote {len(baseline.entries(found))} drift entries to {path.as_posix()} ({counts})"
    )
    return 0


def _previous(path: Path) -> list[dict[str, Any]]:
    """The entries of the baseline being replaced ([] when there is none, or it is in an older
    format: it is rewritten whole, and every entry then counts as added)."""
    from codegen.drift import baseline

    if not path.is_file():
        return []
    try:
        return list(baseline.load(path))
    except InputError as exc:
        click.echo(f"replacing a baseline that cannot be read as entries: {exc}", err=True)
        return []


def _render(fmt: str, report: dict[str, Any], result: Any, name: str) -> str:
    if fmt == "json":
        data = {**report, "baseline": _baseline_json(result, name)}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        from codegen.drift.html import render_html

        return render_html(report)
    if fmt == "markdown":
        from codegen.drift.markdown import render_markdown

        return render_markdown(report, result=result, baseline=name)
    from codegen.drift.text import render_text

    return render_text(report, result=result, baseline=name)


def _baseline_json(result: Any, name: str) -> dict[str, Any]:
    return {
        "file": name,
        "known": result.known,
        "new": result.new,
        "stale": result.stale,
        "changed": result.changed,
    }

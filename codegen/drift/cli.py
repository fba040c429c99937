"""`kling-codegen drift [--format text|json|markdown] [--baseline FILE] [--update-baseline]`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from codegen.commands.options import schemas_option
from codegen.errors import InputError

FORMATS = ("text", "json", "markdown")


@click.command("drift")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Known drift (default: <schemas>/drift-baseline.json when it exists).",
)
@click.option("--update-baseline", is_flag=True, help="Rewrite the baseline with the drift found.")
@schemas_option
def drift(*, fmt: str, baseline_file: Path | None, update_baseline: bool, schemas: Path) -> int:
    """Cross-provider matrix per canonical field; exit 1 on drift the baseline does not list."""
    from codegen.catalog import load_catalog
    from codegen.drift import baseline
    from codegen.drift.report import analyze, drift_items

    report = analyze(load_catalog(schemas))
    items = drift_items(report)
    path = baseline_file or schemas / baseline.BASELINE_NAME
    if update_baseline:
        return _update(path, items)
    listed = _listed(path, explicit=baseline_file is not None)
    result = baseline.compare(items, listed if listed is not None else [])
    click.echo(
        _render(fmt, report, result, path.as_posix() if listed is not None else "(none)"), nl=False
    )
    return 0 if result.clean else 1


def _listed(path: Path, *, explicit: bool) -> list[dict[str, Any]] | None:
    from codegen.drift import baseline

    if path.is_file():
        return baseline.load(path)
    if explicit:
        raise InputError(f"{path}: baseline file not found (create it with --update-baseline)")
    return None


def _update(path: Path, items: list[dict[str, Any]]) -> int:
    from codegen.drift import baseline

    text = baseline.dumps(items)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise InputError(
            f"{path}: not a regular file (a symbolic link or special file); the baseline is"
            " never written through one"
        )
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(staging, path)  # replaces the name itself: never follows a link there
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write the drift baseline: {exc.strerror}") from None
    click.echo(f"wrote {len(baseline.entries(items))} drift entries to {path.as_posix()}")
    return 0


def _render(fmt: str, report: dict[str, Any], result: Any, name: str) -> str:
    if fmt == "json":
        data = {**report, "baseline": _baseline_json(result, name)}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        from codegen.drift.markdown import render_markdown

        return render_markdown(report, result=result, baseline=name)
    from codegen.drift.text import render_text

    return render_text(report, result=result, baseline=name)


def _baseline_json(result: Any, name: str) -> dict[str, Any]:
    return {"file": name, "known": result.known, "new": result.new, "stale": result.stale}

"""`kling-codegen diff`: classify the changes between two schema versions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from codegen.diff.catalog import Step
from codegen.diff.config import Policy
from codegen.diff.model import SEVERITIES, Change, severity_rank
from codegen.diff.report import FORMATS, render
from codegen.errors import UsageError

FAIL_ON = ("breaking", "warning", "never")


@click.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option(
    "--direction",
    type=click.Choice(["request", "response"]),
    default=None,
    help="Side of the wire a bare JSON Schema describes [default: from the file name: "
    "response.json, status.json, callback.json are responses; otherwise request, and the "
    "report says it was assumed].",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="breaking",
    show_default=True,
    help="Exit 1 when a finding reaches this level.",
)
@click.option(
    "--ignore",
    "ignore_file",
    default=None,
    help="YAML/JSON file: `ignore` entries (fingerprint, or rule+location, with a "
    "reason) and `severity` overrides.",
)
@click.option(
    "--severity",
    "overrides",
    multiple=True,
    metavar="RULE=LEVEL",
    help="Override a rule's severity (repeatable).",
)
@click.option("--catalog", is_flag=True, help="Diff consecutive versions under --schemas.")
@click.option("--schemas", "schemas_dir", default="schemas", show_default=True)
@click.option(
    "--base",
    "base_ref",
    default=None,
    metavar="REF",
    help="With --catalog: report only what the working tree changes against the catalog "
    "at git REF (e.g. origin/main): new version pairs and versions edited in place.",
)
def diff(
    old: str | None,
    new: str | None,
    *,
    direction: str | None,
    fmt: str,
    fail_on: str,
    ignore_file: str | None,
    overrides: tuple[str, ...],
    catalog: bool,
    schemas_dir: str,
    base_ref: str | None,
) -> int:
    """Classify the changes from OLD to NEW (JSON Schemas or OpenAPI 3.x, JSON or YAML)."""
    from codegen.diff.config import load_policy

    policy = load_policy(ignore_file, overrides)
    if catalog:
        return _catalog(Path(schemas_dir), fmt=fmt, fail_on=fail_on, policy=policy, ref=base_ref)
    if base_ref is not None:
        raise UsageError("--base REF works with --catalog")
    if old is None or new is None:
        raise UsageError("diff needs OLD and NEW (or --catalog)")
    from codegen.diff.catalog import role_direction
    from codegen.diff.compare import diff_documents
    from codegen.diff.load import read_document

    before, after = read_document(old), read_document(new)
    side = (direction, "--direction") if direction else role_direction(new)
    changes, ignored = policy.apply(diff_documents(before, after, direction=side[0]))
    changes = _for_ci(changes, new)
    shown = side if after.kind == "schema" else None
    text = render(changes, fmt=fmt, old=old, new=new, ignored=ignored, direction=shown)
    click.echo(text, nl=False)
    return _exit_code([c.severity for c in changes], fail_on)


def _for_ci(changes: list[Change], new: str) -> list[Change]:
    """Paths relative to the repository root (where GitHub looks for annotated files); a
    finding in a file outside it (a base version extracted to /tmp) points at NEW instead."""
    from dataclasses import replace

    from codegen.diff.catalog_report import relative, repository_root

    root = repository_root(Path.cwd())
    new_rel = relative(new, root)
    fixed = []
    for change in changes:
        rel = relative(change.file, root)
        if rel and not rel.startswith("../"):
            change = replace(change, file=rel)
        elif rel and not new_rel.startswith("../"):
            change = replace(change, file=new_rel, line=None)
        fixed.append(change)
    return fixed


def _exit_code(severities: list[str], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = SEVERITIES.index(fail_on)
    return 1 if any(severity_rank(s) >= threshold for s in severities) else 0


def _catalog(schemas_dir: Path, *, fmt: str, fail_on: str, policy: Policy, ref: str | None) -> int:
    from codegen.diff.catalog import catalog_steps, changelog_markdown
    from codegen.diff.catalog_report import render_catalog, repository_root

    if not schemas_dir.is_dir():
        raise UsageError(f"{schemas_dir}: no such schemas folder")
    if ref is not None:
        from codegen.diff.base import introduced_steps

        steps = introduced_steps(schemas_dir, ref)
    else:
        steps = catalog_steps(schemas_dir)
    kept = [_applied(policy, step) for step in steps]
    if fmt == "markdown":
        click.echo(changelog_markdown(schemas_dir, kept), nl=False)
    else:
        click.echo(render_catalog(kept, fmt=fmt, root=repository_root(schemas_dir)), nl=False)
    if fmt == "text" and not kept:
        since = f" against {ref}" if ref is not None else ""
        click.echo(f"{schemas_dir}: no schema version pair to compare{since}")
    return _exit_code([c.severity for step in kept for c in step.changes], fail_on)


def _applied(policy: Policy, step: Step) -> Step:
    kept, ignored = policy.apply(list(step.changes))
    return replace(step, changes=tuple(kept), ignored=tuple(ignored))

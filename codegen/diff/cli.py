"""`kling-codegen diff`: classify the changes between two schema versions."""

from __future__ import annotations

from pathlib import Path

import click

from codegen.diff.model import SEVERITIES, severity_rank
from codegen.diff.report import FORMATS, render
from codegen.errors import UsageError

FAIL_ON = ("breaking", "warning", "never")


@click.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option(
    "--direction",
    type=click.Choice(["request", "response"]),
    default="request",
    show_default=True,
    help="Side of the wire a bare JSON Schema describes.",
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
def diff(
    old: str | None,
    new: str | None,
    *,
    direction: str,
    fmt: str,
    fail_on: str,
    ignore_file: str | None,
    overrides: tuple[str, ...],
    catalog: bool,
    schemas_dir: str,
) -> int:
    """Classify the changes from OLD to NEW (JSON Schemas or OpenAPI 3.x, JSON or YAML)."""
    from codegen.diff.config import load_policy

    policy = load_policy(ignore_file, overrides)
    if catalog:
        return _catalog(Path(schemas_dir), fmt=fmt, fail_on=fail_on, policy=policy)
    if old is None or new is None:
        raise UsageError("diff needs OLD and NEW (or --catalog)")
    from codegen.diff.compare import diff_files

    changes, ignored = policy.apply(diff_files(old, new, direction=direction))
    click.echo(render(changes, fmt=fmt, old=old, new=new, ignored=ignored), nl=False)
    return _exit_code([c.severity for c in changes], fail_on)


def _exit_code(severities: list[str], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = SEVERITIES.index(fail_on)
    return 1 if any(severity_rank(s) >= threshold for s in severities) else 0


def _catalog(schemas_dir: Path, *, fmt: str, fail_on: str, policy: object) -> int:
    from codegen.catalog import load_catalog
    from codegen.diff.catalog import catalog_steps, changelog_markdown
    from codegen.diff.config import Policy

    if not schemas_dir.is_dir():
        raise UsageError(f"{schemas_dir}: no such schemas folder")
    assert isinstance(policy, Policy)
    loaded = load_catalog(schemas_dir)
    severities: list[str] = []
    if fmt == "markdown":
        click.echo(changelog_markdown(loaded), nl=False)
    for step in catalog_steps(loaded):
        kept, ignored = policy.apply(list(step.changes))
        severities += [c.severity for c in kept]
        if fmt == "text" and step.note:
            click.echo(f"{step.endpoint} {step.old_version} -> {step.new_version}: {step.note}")
        elif fmt != "markdown":
            old = f"{step.endpoint}/{step.old_version}/{step.kind}.json"
            new = f"{step.endpoint}/{step.new_version}/{step.kind}.json"
            click.echo(render(kept, fmt=fmt, old=old, new=new, ignored=ignored), nl=False)
    return _exit_code(severities, fail_on)

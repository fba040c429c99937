"""Diff each provider's consecutive schema versions in `schemas/` and write a changelog.

Layout: schemas/<provider>/<endpoint>/<YYYY-MM-DD>/{request,response,status,callback}.json;
request.json is compared on the request side of the wire, the others on the response side
(their role, `role_direction`); any other `*.json` as a request, and the report says so.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from codegen.catalog.model import SCHEMA_KINDS
from codegen.catalog.openapi import DOCUMENT_NAMES
from codegen.diff.compare import diff_documents
from codegen.diff.load import Document, make_document, read_document
from codegen.diff.model import Change, summarize

# The catalog's schema kinds by side of the wire: only request.json is what a client sends.
ROLES = {kind: "request" if kind == "request" else "response" for kind in SCHEMA_KINDS}
_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def role_direction(path: str | Path) -> tuple[str, str]:
    """(direction, why) for a schema file: `response.json`, `status.json` and `callback.json`
    describe what a server sends; `request.json` what a client sends; anything else is
    assumed to be a request, and `why` says so."""
    stem = Path(path).stem
    if stem in ROLES:
        return ROLES[stem], f"{Path(path).name} is a {ROLES[stem]} schema"
    return "request", f"{Path(path).name}: request assumed (not a known file role)"


@dataclass(frozen=True)
class Step:
    """One schema file compared across two consecutive versions of an endpoint."""

    endpoint: str  # provider/endpoint
    old_version: str
    new_version: str
    kind: str
    changes: tuple[Change, ...]
    note: str = ""
    direction: str = "request"
    old_file: str = ""  # "" when the file is new in this version
    new_file: str = ""  # "" when the file is gone in this version
    ignored: tuple[Change, ...] = ()  # accepted by an ignore file, with their reason

    @property
    def status(self) -> str:
        return "added" if not self.old_file else "removed" if not self.new_file else "changed"


def version_folders(schemas_dir: Path) -> list[tuple[str, list[Path]]]:
    found = []
    for endpoint in sorted(p for p in schemas_dir.glob("*/*") if p.is_dir()):
        versions = sorted(v for v in endpoint.iterdir() if v.is_dir() and _VERSION.match(v.name))
        if len(versions) > 1:
            found.append((f"{endpoint.parent.name}/{endpoint.name}", versions))
    return found


def catalog_steps(schemas_dir: Path) -> list[Step]:
    """Every (endpoint, consecutive version pair, schema file) comparison, in a stable order:
    the four known roles first, then any other `*.json` (compared as a request, and said)."""
    steps: list[Step] = []
    for endpoint, versions in version_folders(schemas_dir):
        for old, new in itertools.pairwise(versions):
            for kind in file_kinds(old, new):
                steps += _step(endpoint, old, new, kind)
    return steps


def file_kinds(old: Path, new: Path) -> list[str]:
    """The four roles, then any other `*.json` (a published OpenAPI document is not a kind:
    its schemas are the roles it holds, extracted as the catalog loader reads them)."""
    files = (p for folder in (old, new) for p in folder.glob("*.json") if p.is_file())
    others = {p.stem for p in files if p.name not in DOCUMENT_NAMES}
    return [*ROLES, *sorted(others - set(ROLES))]


def _step(endpoint: str, old: Path, new: Path, kind: str) -> list[Step]:
    before, after = _schema(old, kind), _schema(new, kind)
    if before is None and after is None:
        return []
    direction, why = role_direction(f"{kind}.json")
    note = "" if kind in ROLES else why
    changes: tuple[Change, ...] = ()
    if before is None or after is None:
        note = f"{kind}.json {'added' if after is not None else 'removed'}"
    else:
        changes = tuple(diff_documents(before, after, direction=direction))
    files = (before.path if before else "", after.path if after else "")
    return [Step(endpoint, old.name, new.name, kind, changes, note, direction, *files)]


def _schema(folder: Path, kind: str) -> Document | None:
    """One kind's schema in a version folder: its file, or extracted from a published
    OpenAPI document (openapi.json|yaml) as the catalog loader reads it."""
    path = folder / f"{kind}.json"
    if path.is_file():
        return read_document(path)
    if not any((folder / name).is_file() for name in DOCUMENT_NAMES):
        return None
    from codegen.catalog.load import version_schemas

    root = folder.parents[2]
    source = version_schemas(root, folder).get(kind)
    return None if source is None else make_document(str(root / source.path), source.data)


def schema_file(folder: Path, kind: str) -> str:
    """The file that holds one kind's schema in a version folder ("" if none): `<kind>.json`,
    or the published OpenAPI document it is extracted from."""
    document = _schema(folder, kind)
    return document.path if document is not None else ""


def changelog_markdown(schemas_dir: Path, steps: list[Step] | None = None) -> str:
    """The catalog changelog (generated/docs/changelog.md), newest version pair first;
    `steps` (default: every consecutive pair under `schemas_dir`) to show a subset."""
    steps = catalog_steps(Path(schemas_dir)) if steps is None else steps
    lines = [
        "# Schema changelog",
        "",
        "Generated by `kling-codegen diff --catalog`; do not edit. Severities follow",
        "the rule catalog in diff-rules.md (request side: narrowing breaks; response",
        "side: widening breaks).",
        "",
    ]
    if not steps:
        lines.append("No endpoint has more than one schema version yet.")
    groups: dict[tuple[str, str, str], list[Step]] = {}
    for step in steps:
        groups.setdefault((step.endpoint, step.old_version, step.new_version), []).append(step)
    for (endpoint, old, new), group in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][2]), reverse=False
    ):
        lines += _section(endpoint, old, new, group)
    return "\n".join(lines).rstrip() + "\n"


def _section(endpoint: str, old: str, new: str, group: list[Step]) -> list[str]:
    every = [c for step in group for c in step.changes]
    counts = summarize(every)
    lines = [
        f"## {endpoint}: {old} -> {new}",
        "",
        f"{counts['breaking']} breaking, {counts['warning']} warning, {counts['info']} info",
        "",
    ]
    for step in group:
        if step.note:
            lines += [f"- `{step.kind}.json`: {step.note}"]
        if not step.changes:
            continue
        lines += [
            "",
            f"### {step.kind}.json",
            "",
            "| severity | rule | location | where | change |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {c.severity} | `{c.rule}` | `{c.location}` | `{_where(c)}` | {_cell(c.message)} |"
            for c in step.changes
        ]
    return [*lines, ""]


def _where(change: Change) -> str:
    """`<version>/<file>:<line>`: where the change is written, inside the endpoint folder."""
    if not change.file:
        return f"#{change.pointer}"  # only in a version as it was at --base REF
    path = Path(change.file)
    where = f"{path.parent.name}/{path.name}"
    return f"{where}:{change.line}" if change.line else f"{where}#{change.pointer}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")

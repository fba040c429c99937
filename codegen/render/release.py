"""The generated distribution: `pyproject.toml` (kling-gateways) and `CHANGELOG.md`.

The package version is derived from the catalog with the `diff` engine, the way semantic
versioning reads a schema history: each date on which some endpoint's chain of versions (up
to its current one) moves is a release; a breaking change in any provider's current schema
bumps the major version, new fields or endpoints the minor, anything else the patch. The
first date is 1.0.0. CHANGELOG.md lists the same classification, newest release first.
Changes of the generator itself are not part of the catalog and do not move the version.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from codegen.catalog import Catalog, Endpoint, SourceFile
from codegen.render.env import render
from codegen.render.output import Context, Output

BUMPS = ("patch", "minor", "major")
# Runtime needs of the generated package, and nothing of the generator.
DEPENDENCIES = ("pydantic>=2.11,<3", "httpx>=0.27,<1", "jsonschema-rs>=0.30,<1")
# Rule ids are prefixed with their side of the wire ("request-property-added").
MINOR_RULES = frozenset({"property-added", "properties-moved"})


@dataclass(frozen=True)
class Event:
    """One endpoint's move on one date, classified."""

    date: str
    endpoint: str
    bump: str  # patch | minor | major
    summary: str


@dataclass(frozen=True)
class Release:
    version: str
    date: str
    events: tuple[Event, ...]


def outputs(ctx: Context) -> list[Output]:
    sources = release_sources(ctx.catalog)

    def pyproject() -> str:
        version = package_version(ctx)
        return render("pyproject.toml.j2", version=version, dependencies=DEPENDENCIES)

    def changelog() -> str:
        return render("docs/package-changelog.md.j2", releases=list(reversed(history(ctx))))

    return [
        Output("pyproject.toml", sources, pyproject),
        Output("CHANGELOG.md", sources, changelog),
    ]


def history(ctx: Context) -> list[Release]:
    """The catalog's releases, computed once per run."""
    if "releases" not in ctx.memo:
        ctx.memo["releases"] = releases(ctx.catalog)
    found: list[Release] = ctx.memo["releases"]
    return found


def package_version(ctx: Context) -> str:
    """The kling-gateways version this catalog gives."""
    found = history(ctx)
    return found[-1].version if found else "0.0.0"


def release_sources(catalog: Catalog) -> tuple[SourceFile, ...]:
    files: list[SourceFile] = [p.manifest for p in catalog.providers.values()]
    for endpoint in catalog.endpoints():
        for version in _chain(endpoint):
            files.extend(endpoint.versions[version].schemas.values())
    return tuple(files)


def releases(catalog: Catalog) -> list[Release]:
    """One release per date on which the catalog's current schemas moved, oldest first."""
    by_date: dict[str, list[Event]] = {}
    for event in sorted(_events(catalog), key=lambda e: (e.date, e.endpoint)):
        by_date.setdefault(event.date, []).append(event)
    found: list[Release] = []
    major, minor, patch = 0, 0, 0
    for date, events in sorted(by_date.items()):
        bump = max((e.bump for e in events), key=BUMPS.index)
        if not found or bump == "major":
            major, minor, patch = major + 1, 0, 0
        elif bump == "minor":
            minor, patch = minor + 1, 0
        else:
            patch += 1
        found.append(Release(f"{major}.{minor}.{patch}", date, tuple(events)))
    return found


def _chain(endpoint: Endpoint) -> list[str]:
    """The endpoint's versions up to its current one (later ones are not adopted yet)."""
    return [v for v in sorted(endpoint.versions) if v <= endpoint.current]


def _events(catalog: Catalog) -> list[Event]:
    events: list[Event] = []
    for endpoint in catalog.endpoints():
        chain = _chain(endpoint)
        if chain:
            events.append(Event(chain[0], endpoint.key, "minor", f"new endpoint {endpoint.key}"))
        for old, new in itertools.pairwise(chain):
            events.append(_step(endpoint, old, new))
    return events


def _step(endpoint: Endpoint, old: str, new: str) -> Event:
    from codegen.diff.catalog import ROLES
    from codegen.diff.compare import diff_documents
    from codegen.diff.load import make_document

    before, after = endpoint.versions[old].schemas, endpoint.versions[new].schemas
    counts = {"breaking": 0, "added": 0, "other": 0}
    for kind, direction in ROLES.items():
        if kind not in before or kind not in after:
            counts["added" if kind in after else "breaking"] += kind in after or kind in before
            continue
        changes = diff_documents(
            make_document(before[kind].path, before[kind].data),
            make_document(after[kind].path, after[kind].data),
            direction=direction,
        )
        for change in changes:
            label = "breaking" if change.severity == "breaking" else "other"
            added = change.rule.split("-", 1)[-1] in MINOR_RULES and label != "breaking"
            counts["added" if added else label] += 1
    bump = "major" if counts["breaking"] else "minor" if counts["added"] else "patch"
    summary = (
        f"{endpoint.key} {old} to {new}: {counts['breaking']} breaking, "
        f"{_count(counts['added'], 'new field')}, {_count(counts['other'], 'other change')}"
    )
    return Event(new, endpoint.key, bump, summary)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"

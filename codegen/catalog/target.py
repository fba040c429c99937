"""Load ONE endpoint version of the catalog: what `validate` needs, nothing more.

`load_catalog` reads and checks every file (145 in the shipped catalog) to find problems
anywhere; a command that checks one payload against one schema only needs the provider's
manifest and that version's schema files. Those are read and checked exactly as the full
load would (same reader, same meta-schema and schema checks); nothing else is opened.
"""

from __future__ import annotations

from pathlib import Path

from codegen.catalog import checks
from codegen.catalog.files import read_source
from codegen.catalog.load import META_DIR, RESERVED, version_schemas
from codegen.catalog.model import SourceFile, Version
from codegen.errors import SchemaError, UsageError


def load_target(root: Path, target: str, *, version: str | None = None) -> Version:
    """The `version` (default: the manifest's current one) of `target` ("provider/endpoint").

    UsageError for an unknown target or version; SchemaError (`file#/pointer: message`)
    when a file it reads is broken.
    """
    root = Path(root)
    if not root.is_dir():
        raise SchemaError([(str(root), "", "schemas folder not found")])
    provider, _, endpoint = target.partition("/")
    manifest_path = root / provider / "manifest.yaml"
    if provider in RESERVED or not _plain_name(provider) or not manifest_path.is_file():
        raise _unknown(root, target)
    manifest = _checked_manifest(root, manifest_path)
    spec = manifest.data["endpoints"].get(endpoint)
    if spec is None or not _plain_name(endpoint):
        raise _unknown(root, target)
    chosen = version or spec["current"]
    folder = root / provider / endpoint / chosen
    if chosen not in spec["versions"] or not _plain_name(chosen) or not folder.is_dir():
        versions = ", ".join(sorted(spec["versions"]))
        raise UsageError(
            f"--version {chosen!r}: {target} has no such version (versions: {versions})"
        )
    schemas = _checked_schemas(root, folder)
    return Version(provider=provider, endpoint=endpoint, version=chosen, schemas=schemas)


def _unknown(root: Path, target: str) -> UsageError:
    known = ", ".join(known_targets(root))
    return UsageError(f"TARGET {target!r}: no such provider/endpoint (known: {known})")


def known_targets(root: Path) -> list[str]:
    """Every "provider/endpoint" whose folder exists below a provider with a manifest."""
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in RESERVED):
        if (folder / "manifest.yaml").is_file():
            found += [f"{folder.name}/{e.name}" for e in sorted(folder.iterdir()) if e.is_dir()]
    return found


def _plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name


def _checked_manifest(root: Path, path: Path) -> SourceFile:
    manifest = _read(root, path)
    meta = _read(META_DIR, META_DIR / "manifest.schema.json")  # the tool's own, not the catalog's
    _raise(root, checks.against_meta(manifest, meta))
    if manifest.data["id"] != path.parent.name:
        message = f"id {manifest.data['id']!r} must equal the folder name"
        _raise(root, [(manifest.path, "/id", message)])
    return manifest


def _checked_schemas(root: Path, folder: Path) -> dict[str, SourceFile]:
    """The version's schemas in either form (files, or extracted from a published OpenAPI
    document), read as the full load reads them."""
    schemas = version_schemas(root, folder)
    _raise(root, [p for s in schemas.values() for p in checks.schema_problems(s)])
    return schemas


def _read(root: Path, path: Path) -> SourceFile:
    try:
        return read_source(root, path)
    except SchemaError as exc:
        raise SchemaError([_shown(root, p) for p in exc.problems]) from None


def _raise(root: Path, problems: list[checks.Problem]) -> None:
    if problems:
        raise SchemaError([_shown(root, p) for p in problems])


def _shown(root: Path, problem: checks.Problem) -> checks.Problem:
    """A problem's file as the user would open it: below the schemas folder they named."""
    file, ptr, msg = problem
    return ((root / file).as_posix(), ptr, msg)

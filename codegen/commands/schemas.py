"""One provider schema for `validate`: from a catalog folder, else the installed package.

Kept apart from the command so that how a catalog is read (all of it, or only the target's
manifest and version) can change without touching where it is found.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any, NamedTuple

from codegen.cache import Cache, code_stamp, digest, user_cache_dir
from codegen.commands.locate import find_schemas, not_found
from codegen.errors import UsageError


class FoundSchema(NamedTuple):
    version: str
    schema: dict[str, Any]  # the normalized JSON Schema (what the generated validators check)


def schema_for(key: str, *, version: str | None, kind: str, schemas: Path | None) -> FoundSchema:
    """The `kind` schema of `key` at `version` (current when None)."""
    found = find_schemas(schemas)
    if found is not None:
        return _from_catalog(found.path, key, version, kind)
    if importlib.util.find_spec("kling_gateways") is None:
        raise not_found(fallback=True)
    return _from_package(key, version, kind)


def _from_catalog(root: Path, key: str, version: str | None, kind: str) -> FoundSchema:
    """Only the target's manifest and version are read (and checked as the full load would);
    the result is cached on those files' bytes, so a second run reads no YAML at all."""
    cache = Cache(Path(os.environ.get("KLING_CODEGEN_CACHE") or user_cache_dir()))
    entry = _target_key(root, key, version, kind)
    stored = cache.get_json("validate", entry) if entry else None
    if stored and isinstance(stored.get("version"), str) and isinstance(stored.get("schema"), dict):
        return FoundSchema(stored["version"], stored["schema"])
    found = _load(root, key, version, kind)
    if entry:
        cache.put("validate", entry, json.dumps({"version": found.version, "schema": found.schema}))
    return found


def _load(root: Path, key: str, version: str | None, kind: str) -> FoundSchema:
    from codegen.catalog.target import load_target
    from codegen.normalize import normalize_schema

    chosen = load_target(root, key, version=version)
    if kind not in chosen.schemas:
        raise _no_kind(key, chosen.version, kind, sorted(chosen.schemas))
    return FoundSchema(chosen.version, normalize_schema(chosen.schemas[kind]).validator)


def _target_key(root: Path, key: str, version: str | None, kind: str) -> str | None:
    """A digest of every file `load_target` may read for `key` (the manifest, and the files
    of each version folder), plus the generator; None when the target is not plain folders."""
    provider, _, endpoint = key.partition("/")
    manifest, endpoint_dir = root / provider / "manifest.yaml", root / provider / endpoint
    if not (provider and endpoint) or "/" in endpoint or not endpoint_dir.is_dir():
        return None
    try:
        parts: list[str | bytes] = [code_stamp(), key, version or "", kind, manifest.read_bytes()]
        for folder in sorted(endpoint_dir.iterdir()):
            for file in sorted(folder.iterdir()) if folder.is_dir() else []:
                if file.is_file():
                    parts += [f"{folder.name}/{file.name}", file.read_bytes()]
    except OSError:
        return None
    return digest(*parts)


def _from_package(key: str, version: str | None, kind: str) -> FoundSchema:
    package = importlib.import_module("kling_gateways")
    if key not in package.ENDPOINTS:
        raise unknown_target(key, list(package.ENDPOINTS))
    provider, _, endpoint = key.partition("/")
    base = f"kling_gateways.{provider.replace('-', '_')}.{endpoint.replace('-', '_')}"
    module = importlib.import_module(base)
    chosen = _pick(key, version, module.CURRENT, list(module.VERSIONS))
    texts = importlib.import_module(f"{base}.v{chosen.replace('-', '_')}._schemas")
    kinds = sorted(k.lower() for k in vars(texts) if k.isupper())
    if kind not in kinds:
        raise _no_kind(key, chosen, kind, kinds)
    return FoundSchema(chosen, json.loads(getattr(texts, kind.upper())))


def unknown_target(key: str, known: list[str]) -> UsageError:
    return UsageError(f"TARGET {key!r}: no such provider/endpoint (known: {', '.join(known)})")


def _pick(key: str, version: str | None, current: str, versions: list[str]) -> str:
    chosen = version or current
    if chosen not in versions:
        raise UsageError(
            f"--version {chosen!r}: {key} has no such version (versions: {', '.join(versions)})"
        )
    return chosen


def _no_kind(key: str, version: str, kind: str, kinds: list[str]) -> UsageError:
    return UsageError(
        f"--kind {kind!r}: {key} version {version} has no {kind} schema (has: {', '.join(kinds)})"
    )

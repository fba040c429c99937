"""The catalog as loaded: plain frozen data, paths relative to the schemas folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_KINDS = ("request", "response", "status", "callback")


@dataclass(frozen=True)
class SourceFile:
    """One parsed catalog file. `path` is relative to the schemas folder, POSIX style."""

    path: str
    data: Any
    sha256: str
    # For a schema extracted from a published OpenAPI document: (prefix in `data`, prefix in
    # the document) pairs, so a problem found in `data` is reported where it is in the file.
    origin: tuple[tuple[str, str], ...] = ()

    def locate(self, ptr: str) -> str:
        """The JSON pointer in the file on disk for a pointer into `data`."""
        best = max(
            (pair for pair in self.origin if ptr == pair[0] or ptr.startswith(pair[0] + "/")),
            key=lambda pair: len(pair[0]),
            default=None,
        )
        return ptr if best is None else best[1] + ptr[len(best[0]) :]

    def inside(self, file_ptr: str) -> str | None:
        """The pointer into `data` for a pointer into the file on disk (None: not in it)."""
        if not self.origin:
            return file_ptr
        best = max(
            (p for p in self.origin if file_ptr == p[1] or file_ptr.startswith(p[1] + "/")),
            key=lambda pair: len(pair[1]),
            default=None,
        )
        return None if best is None else best[0] + file_ptr[len(best[1]) :]


@dataclass(frozen=True)
class Version:
    provider: str
    endpoint: str
    version: str
    schemas: dict[str, SourceFile]  # kind -> file, kinds from SCHEMA_KINDS
    provenance: SourceFile | None = None
    examples: dict[str, SourceFile] = field(default_factory=dict)  # file stem -> file

    @property
    def module(self) -> str:
        return "v" + self.version.replace("-", "_")


@dataclass(frozen=True)
class Endpoint:
    provider: str
    id: str
    current: str
    versions: dict[str, Version]  # sorted by version
    mapping: SourceFile | None = None

    @property
    def module(self) -> str:
        return self.id.replace("-", "_")

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.id}"

    def current_version(self) -> Version:
        return self.versions[self.current]


@dataclass(frozen=True)
class Provider:
    id: str
    manifest: SourceFile
    endpoints: dict[str, Endpoint]

    @property
    def module(self) -> str:
        return self.id.replace("-", "_")


@dataclass(frozen=True)
class Catalog:
    root: Path
    providers: dict[str, Provider]
    canonical: dict[str, dict[str, SourceFile]]  # endpoint -> kind -> file
    meta: dict[str, SourceFile]  # name ("manifest", "mapping", "provenance") -> meta-schema

    def endpoint(self, key: str) -> Endpoint:
        """Look up "provider/endpoint"; KeyError if unknown."""
        provider, _, endpoint = key.partition("/")
        return self.providers[provider].endpoints[endpoint]

    def endpoints(self) -> list[Endpoint]:
        return [e for p in self.providers.values() for e in p.endpoints.values()]

"""Readings not yet verified against public material: `kling-codegen drift --unverified`.

A reading (manifest or provenance) is what the catalog chose where a source is silent or
ambiguous. One with `verified: true` names the public source it was checked against
(`against`); every other one is listed here, with its `reason` when it gives one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from codegen.catalog.model import Catalog, SourceFile


@dataclass(frozen=True)
class Unverified:
    file: str  # catalog path of the manifest or provenance file
    pointer: str  # the reading's own pointer (into the manifest, or a schema file of the version)
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "pointer": self.pointer, "reason": self.reason}


def unverified_readings(catalog: Catalog) -> list[Unverified]:
    """Every reading without `verified: true`, in catalog order."""
    return [
        Unverified(file=source.path, pointer=str(r["pointer"]), reason=r.get("reason"))
        for source in _reading_files(catalog)
        for r in (source.data or {}).get("readings") or []
        if r.get("verified") is not True
    ]


def _reading_files(catalog: Catalog) -> Iterator[SourceFile]:
    for provider in catalog.providers.values():
        yield provider.manifest
        for endpoint in provider.endpoints.values():
            for version in endpoint.versions.values():
                if version.provenance is not None:
                    yield version.provenance


def render_unverified(items: list[Unverified], *, total: int) -> str:
    """Text: one line per reading (`file#pointer: reason`), then a count."""
    lines = [
        f"{item.file} {item.pointer}: {item.reason or 'not yet checked against public material'}"
        for item in items
    ]
    lines.append(f"{len(items)} of {total} readings not verified")
    return "\n".join(lines) + "\n"


def count_readings(catalog: Catalog) -> int:
    return sum(len((s.data or {}).get("readings") or []) for s in _reading_files(catalog))

"""What a fake gateway reads from schemas/: the manifest and each version's request schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]

from codegen.catalog.load import version_schemas
from codegen.fake.bodies import Templates, templates
from codegen.read import read_data

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"


@dataclass(frozen=True, kw_only=True)
class EndpointVersion:
    endpoint: str
    version: str
    model: str
    lifecycle: dict[str, Any]
    validator: Any
    templates: Templates
    video_pointer: str

    def issues(self, payload: Any) -> list[tuple[str, str]]:
        """(JSON pointer, message) for each problem; [] if valid or no schema is known."""
        if self.validator is None:
            return []
        found = [
            ("".join(f"/{p}" for p in e.absolute_path), e.message)
            for e in self.validator.iter_errors(payload)
        ]
        return sorted(found)


def load_manifest(provider: str, *, schemas_dir: Path = SCHEMAS_DIR) -> dict[str, Any]:
    path = schemas_dir / provider / "manifest.yaml"
    if not path.is_file():
        known = sorted(p.name for p in schemas_dir.iterdir() if (p / "manifest.yaml").is_file())
        raise LookupError(f"no such provider in {schemas_dir} (known: {', '.join(known)})")
    manifest: dict[str, Any] = read_data(path, fmt="yaml")
    return manifest


def endpoint_versions(
    manifest: dict[str, Any], *, schemas_dir: Path = SCHEMAS_DIR
) -> list[EndpointVersion]:
    out = []
    for endpoint, entry in manifest["endpoints"].items():
        mapping = _mapping(schemas_dir / manifest["id"] / endpoint / "mapping.yaml")
        for version, spec in entry["versions"].items():
            folder = schemas_dir / manifest["id"] / endpoint / version
            out.append(
                EndpointVersion(
                    endpoint=endpoint,
                    version=version,
                    model=spec["model"],
                    lifecycle=spec["lifecycle"],
                    validator=_validator(schemas_dir, folder),
                    templates=templates(folder, spec["lifecycle"]["kind"]),
                    video_pointer=video_pointer(spec["lifecycle"], mapping, version=version),
                )
            )
    return out


def video_pointer(lifecycle: dict[str, Any], mapping: dict[str, Any], *, version: str) -> str:
    """Where the result body carries the video: the manifest's `video_url` pointer, else the
    first place the mapping reads `video_url` from (for this version), else /video_url."""
    if "video_url" in lifecycle:
        return str(lifecycle["video_url"])
    result = mapping.get("versions", {}).get(version, {}).get("result") or mapping.get("result")
    paths = (result or {}).get("fields", {}).get("video_url", {}).get("from", [])
    return "/" + str(paths[0]).replace(".", "/") if paths else "/video_url"


def _mapping(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    mapping: dict[str, Any] = read_data(path, fmt="yaml")
    return mapping


def _validator(schemas_dir: Path, folder: Path) -> Any:
    """The request validator of a version folder, either form (request.json or a published
    OpenAPI document, through the catalog's own extraction); None without a request schema."""
    request = version_schemas(schemas_dir, folder).get("request")
    if request is None:
        return None
    schema = _normalize(request.data)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _normalize(node: Any) -> Any:
    """Stand-in for codegen.normalize: the non-standard type "float" means "number"."""
    if isinstance(node, dict):
        fixed = {k: _normalize(v) for k, v in node.items()}
        if fixed.get("type") == "float":
            fixed["type"] = "number"
        return fixed
    if isinstance(node, list):
        return [_normalize(v) for v in node]
    return node

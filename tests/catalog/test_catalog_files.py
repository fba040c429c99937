"""The schema catalog's files against their contracts (schemas/README.md).

Checks, per file kind: manifests against meta/manifest.schema.json, provenance.yaml against
meta/provenance.schema.json (and its sha256 against the seed file), manifest versions against
version folders, every schema file is a valid draft 2020-12 schema in canonical JSON layout, and
every example validates (or, for invalid-request-*, fails) against its schema.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

REPO = Path(__file__).parents[2]
SCHEMAS = REPO / "schemas"
SEEDS = REPO.parent / "shared" / "seeds"
# The seeds are the source documents the first versions were transcribed from; they live
# outside this repository (its developers' shared folder), so a clone cannot hash them.
NO_SEEDS = (
    f"seed documents not available at {SEEDS}: they are kept outside the repository, so "
    "the sha256 check runs only where the developers' shared folder is mounted; users check "
    "the public_sources each provenance.yaml cites instead"
)
META = SCHEMAS / "meta"
KINDS = ("request", "response", "status", "callback")

MANIFESTS = sorted(SCHEMAS.glob("*/manifest.yaml"))
# Every version folder, either source form (schema files, or a published OpenAPI document).
VERSION_DIRS = sorted(p.parent for p in SCHEMAS.glob("*/*/*/provenance.yaml"))
SCHEMA_FILES = sorted(p for d in VERSION_DIRS for k in KINDS if (p := d / f"{k}.json").exists())
EXAMPLES = sorted(p for d in VERSION_DIRS for p in (d / "examples").glob("*.json"))


def _rel(path: Path) -> str:
    return path.relative_to(SCHEMAS).as_posix()


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _as_standard(node: Any) -> Any:
    """Test-only stand-in for the normalize stage: a schema published with the non-standard
    "type": "float" (kept as published) reads as "number"."""
    if isinstance(node, dict):
        out = {k: _as_standard(v) for k, v in node.items()}
        if out.get("type") == "float":
            out["type"] = "number"
        return out
    if isinstance(node, list):
        return [_as_standard(v) for v in node]
    return node


def _validator(schema_path: Path) -> Any:
    """The schema compiled as the generated validators compile it: formats asserted."""
    return _compiled(_load_json(schema_path))


def _compiled(schema: Any) -> Any:
    from kling_gateways._runtime.validation import compile_schema

    schema = _as_standard(schema)
    Draft202012Validator.check_schema(schema)
    return compile_schema(schema)


def _schema_for(example: Path) -> tuple[str, Any]:
    """The example's kind and its schema (a schema file, or extracted from the folder's
    published OpenAPI document as the catalog extracts it); None where there is none."""
    from codegen.catalog.load import version_schemas

    kind = example.name.removeprefix("invalid-").split("-", 1)[0]
    found = version_schemas(SCHEMAS, example.parent.parent).get(kind)
    return kind, (found.data if found is not None else None)


def test_catalog_is_not_empty() -> None:
    assert MANIFESTS and VERSION_DIRS and EXAMPLES


@pytest.mark.parametrize("path", MANIFESTS, ids=_rel)
def test_manifest_matches_meta_schema(path: Path) -> None:
    validator = Draft202012Validator(_load_json(META / "manifest.schema.json"))
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(_load_yaml(path))]
    assert not errors, f"{_rel(path)}: {errors}"


@pytest.mark.parametrize("path", MANIFESTS, ids=_rel)
def test_manifest_versions_match_folders(path: Path) -> None:
    manifest = _load_yaml(path)
    provider = path.parent
    declared = {
        f"{endpoint}/{version}"
        for endpoint, spec in manifest["endpoints"].items()
        for version in spec["versions"]
    }
    on_disk = {f"{d.parent.name}/{d.name}" for d in provider.glob("*/*") if d.is_dir()}
    assert declared == on_disk, (
        f"{_rel(path)}: manifest {sorted(declared)} != folders {sorted(on_disk)}"
    )
    for endpoint, spec in manifest["endpoints"].items():
        assert spec["current"] in spec["versions"], f"{_rel(path)}: {endpoint} current"


@pytest.mark.parametrize("version_dir", VERSION_DIRS, ids=_rel)
def test_provenance_matches_meta_schema(version_dir: Path) -> None:
    path = version_dir / "provenance.yaml"
    assert path.exists(), f"{_rel(version_dir)}: provenance.yaml missing"
    validator = Draft202012Validator(_load_json(META / "provenance.schema.json"))
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(_load_yaml(path))]
    assert not errors, f"{_rel(path)}: {errors}"


@pytest.mark.parametrize("version_dir", VERSION_DIRS, ids=_rel)
def test_provenance_pointers_name_existing_files(version_dir: Path) -> None:
    for reading in _load_yaml(version_dir / "provenance.yaml")["readings"]:
        target = reading["pointer"].split("#", 1)[0]
        assert (version_dir / target).exists(), f"{_rel(version_dir)}: {reading['pointer']}"


@pytest.mark.parametrize("version_dir", VERSION_DIRS, ids=_rel)
def test_provenance_sha256_matches_seed(version_dir: Path) -> None:
    provenance = _load_yaml(version_dir / "provenance.yaml")
    if "source" not in provenance:
        pytest.skip("transcribed from public material only (public_sources); no seed file to hash")
    published = sorted(version_dir.glob("openapi.*"))
    if published:  # filed by `import`: the document itself is in the folder, byte for byte
        assert hashlib.sha256(published[0].read_bytes()).hexdigest() == provenance["sha256"]
        return
    if not SEEDS.is_dir():
        pytest.skip(NO_SEEDS)
    seed = SEEDS / provenance["source"]
    assert seed.is_file(), f"{_rel(version_dir)}: source {provenance['source']} not in {SEEDS}"
    assert hashlib.sha256(seed.read_bytes()).hexdigest() == provenance["sha256"]


@pytest.mark.parametrize("version_dir", VERSION_DIRS, ids=_rel)
def test_provenance_cites_public_sources(version_dir: Path) -> None:
    """What a user can open: the seed files are the developers' copies, not theirs."""
    provenance = _load_yaml(version_dir / "provenance.yaml")
    assert provenance["public_sources"], f"{_rel(version_dir)}: no public source"
    for reading in provenance["readings"]:
        if reading.get("verified"):
            assert reading.get("against"), f"{_rel(version_dir)}: {reading['pointer']}"


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=_rel)
def test_schema_file_is_valid_and_titled(path: Path) -> None:
    schema = _load_json(path)
    _validator(path)
    assert "title" in schema, f"{_rel(path)}: root has no title"
    for name in schema.get("$defs", {}):
        assert name[:1].isupper() and "_" not in name, f"{_rel(path)}: $defs/{name} not PascalCase"


@pytest.mark.parametrize("path", SCHEMA_FILES + EXAMPLES, ids=_rel)
def test_json_layout_is_canonical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n", _rel(path)


@pytest.mark.parametrize("version_dir", VERSION_DIRS, ids=_rel)
def test_every_version_has_a_valid_and_an_invalid_request(version_dir: Path) -> None:
    names = [p.name for p in (version_dir / "examples").glob("*.json")]
    assert any(n.startswith("request-") for n in names), _rel(version_dir)
    assert any(n.startswith("invalid-request-") for n in names), _rel(version_dir)


@pytest.mark.parametrize("example", EXAMPLES, ids=_rel)
def test_example(example: Path) -> None:
    kind, schema = _schema_for(example)
    assert schema is not None, f"{_rel(example)}: no {kind} schema in its version folder"
    errors = list(_compiled(schema).iter_errors(_load_json(example)))
    if example.name.startswith("invalid-"):
        assert errors, f"{_rel(example)} should fail its {kind} schema but validates"
    else:
        assert not errors, f"{_rel(example)}: {[f'{e.json_path}: {e.message}' for e in errors]}"


def _verbatim() -> list[Any]:
    """Schema files a provider publishes as JSON Schema, kept byte for byte as published
    (schemas/README.md): those whose provenance has a reading on the whole file (its pointer
    names the file, no fragment) saying it is copied "byte for byte"."""
    found = []
    for version_dir in VERSION_DIRS:
        provenance = _load_yaml(version_dir / "provenance.yaml")
        for reading in provenance["readings"]:
            pointer = reading["pointer"]
            if (
                pointer in {f"{k}.json" for k in KINDS}
                and "byte for byte" in " ".join(reading["text"].split())
                and "source" in provenance
            ):
                found.append(pytest.param(version_dir / pointer, id=_rel(version_dir / pointer)))
    reason = "no schema file of the catalog is stated as copied byte for byte from its source"
    return found or [pytest.param(None, marks=pytest.mark.skip(reason=reason))]


@pytest.mark.parametrize("path", _verbatim())
def test_published_schema_is_verbatim(path: Path) -> None:
    if not SEEDS.is_dir():
        pytest.skip(NO_SEEDS)
    source = _load_yaml(path.parent / "provenance.yaml")["source"]
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    assert text[:-1] in (SEEDS / source).read_text(encoding="utf-8"), (
        f"{_rel(path)} differs from {source}"
    )


MAPPINGS = sorted(SCHEMAS.glob("*/*/mapping.yaml"))


@pytest.mark.parametrize("path", MAPPINGS, ids=_rel)
def test_manifest_video_pointer_is_where_the_mapping_reads(path: Path) -> None:
    """The clients (manifest `video_url`) and the canonical layer (mapping `result`) read the
    video from the same place, for every version the manifest lists."""
    mapping = _load_yaml(path)
    manifest = _load_yaml(path.parent.parent / "manifest.yaml")
    versions = manifest["endpoints"][path.parent.name]["versions"]
    for version, spec in versions.items():
        pointer = spec["lifecycle"].get("video_url")
        result = mapping.get("versions", {}).get(version, {}).get("result") or mapping["result"]
        paths = result["fields"].get("video_url", {}).get("from", [])
        if pointer is not None and (
            version == mapping["version"] or version in mapping.get("versions", {})
        ):
            assert pointer.lstrip("/").replace("/", ".") in paths, (version, pointer, paths)

"""The generated distribution's version and CHANGELOG.md follow the catalog's history
(issue 13, item 1): breaking change in a current schema -> major, new fields -> minor,
anything else -> patch; versions after `current` do not count yet."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import yaml

from codegen.catalog import load_catalog
from codegen.generate import generate
from codegen.render.release import releases

from .conftest import ROOT

ENDPOINT = "acme/image-to-video"


def _catalog(tmp_path: Path) -> Path:
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "tests/golden/minimal/schemas", schemas)
    return schemas


def _add_version(schemas: Path, version: str, change: dict[str, object]) -> None:
    """A new current version: the current one's files with `change` applied to request.json."""
    manifest_path = schemas / "acme/manifest.yaml"
    manifest = yaml.safe_load(manifest_path.read_text())
    spec = manifest["endpoints"]["image-to-video"]
    old = spec["current"]
    shutil.copytree(
        schemas / "acme/image-to-video" / old, schemas / "acme/image-to-video" / version
    )
    request_path = schemas / "acme/image-to-video" / version / "request.json"
    request = json.loads(request_path.read_text())
    for key, value in change.items():
        if value is None:
            request["properties"].pop(key)
        else:
            request["properties"][key] = value
    request_path.write_text(json.dumps(request))
    spec["versions"][version] = spec["versions"][old]
    spec["current"] = version
    manifest_path.write_text(yaml.safe_dump(manifest))


def _versions(schemas: Path) -> list[str]:
    return [release.version for release in releases(load_catalog(schemas))]


def test_history_gives_semantic_versions(tmp_path: Path) -> None:
    schemas = _catalog(tmp_path)
    assert _versions(schemas) == ["1.0.0", "2.0.0"]  # 2026-02-01 broke 2026-01-01
    _add_version(schemas, "2026-03-01", {"motion": {"type": "string"}})
    assert _versions(schemas)[-1] == "2.1.0"
    _add_version(schemas, "2026-04-01", {"motion": {"type": "string", "description": "How."}})
    assert _versions(schemas)[-1] == "2.1.1"
    _add_version(schemas, "2026-05-01", {"motion": None})
    assert _versions(schemas)[-1] == "3.0.0"  # closed object: a removed property breaks callers


def test_a_breaking_change_bumps_the_major_version(tmp_path: Path) -> None:
    schemas = _catalog(tmp_path)
    current = json.loads((schemas / "acme/image-to-video/2026-02-01/request.json").read_text())
    prompt = current["properties"]["prompt"]
    _add_version(schemas, "2026-03-01", {"prompt": {**prompt, "maxLength": 10}})
    assert _versions(schemas)[-1] == "3.0.0"


def test_versions_after_current_do_not_count(tmp_path: Path) -> None:
    schemas = _catalog(tmp_path)
    manifest_path = schemas / "acme/manifest.yaml"
    manifest = yaml.safe_load(manifest_path.read_text())
    manifest["endpoints"]["image-to-video"]["current"] = "2026-01-01"
    manifest_path.write_text(yaml.safe_dump(manifest))
    assert _versions(schemas) == ["1.0.0"]


def test_pyproject_changelog_and_package_agree(tmp_path: Path) -> None:
    files = generate(_catalog(tmp_path))
    project = tomllib.loads(files["pyproject.toml"])["project"]
    assert project["name"] == "kling-gateways"
    deps = sorted(d.split(">")[0].split("<")[0] for d in project["dependencies"])
    assert deps == ["httpx", "jsonschema-rs", "pydantic"]  # the runtime, not the generator
    assert f'__version__ = "{project["version"]}"' in files["kling_gateways/__init__.py"]
    changelog = files["CHANGELOG.md"]
    assert changelog.index(f"## {project['version']} (") < changelog.index("## 1.0.0 (")
    assert f"major: {ENDPOINT} 2026-01-01 to 2026-02-01" in changelog


def test_the_committed_package_version_is_the_catalogs() -> None:
    on_disk = tomllib.loads((ROOT / "generated/pyproject.toml").read_text())["project"]
    assert on_disk["version"] == releases(load_catalog(ROOT / "schemas"))[-1].version

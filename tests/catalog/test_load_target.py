"""load_target reads one endpoint version exactly as load_catalog would, and nothing else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from codegen.catalog import load_catalog
from codegen.catalog.target import known_targets, load_target
from codegen.errors import SchemaError, UsageError

SCHEMAS = Path(__file__).parents[2] / "schemas"
CATALOG = load_catalog(SCHEMAS)


@pytest.mark.parametrize("key", [e.key for e in CATALOG.endpoints()])
def test_every_version_reads_as_the_full_load_does(key: str) -> None:
    endpoint = CATALOG.endpoint(key)
    assert load_target(SCHEMAS, key).version == endpoint.current
    for version, full in endpoint.versions.items():
        one = load_target(SCHEMAS, key, version=version)
        assert one.schemas == full.schemas
        assert (one.provider, one.endpoint, one.version) == (full.provider, full.endpoint, version)


def test_known_targets_are_the_catalogs_endpoints() -> None:
    assert known_targets(SCHEMAS) == sorted(e.key for e in CATALOG.endpoints())


def test_unknown_targets_and_versions_are_usage_errors() -> None:
    key = CATALOG.endpoints()[0].key
    provider = key.split("/")[0]
    for target in ("nobody/x", f"{provider}/nothing", "canonical/image-to-video", "../x", "/x"):
        with pytest.raises(UsageError, match="no such provider/endpoint"):
            load_target(SCHEMAS, target)
    with pytest.raises(UsageError, match=r"--version .1999-01-01.: .* has no such version"):
        load_target(SCHEMAS, key, version="1999-01-01")
    with pytest.raises(UsageError, match="has no such version"):
        load_target(SCHEMAS, key, version="../..")


def test_only_the_targets_files_are_read_and_theirs_are_checked(tmp_path: Path) -> None:
    copy = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, copy)
    first, *others = CATALOG.endpoints()
    other = next(e for e in others if e.provider != first.provider)
    (copy / other.provider / "manifest.yaml").write_text("id: [broken\n")
    assert load_target(copy, first.key).schemas == first.current_version().schemas
    with pytest.raises(SchemaError, match=rf"{other.provider}/manifest.yaml#: invalid YAML"):
        load_target(copy, other.key)
    request = copy / first.provider / first.id / first.current / "request.json"
    request.write_text('{"type": "object", "type": "string"}')
    with pytest.raises(
        SchemaError, match=r"request.json#: invalid JSON: key \"type\" appears twice"
    ):
        load_target(copy, first.key)


def test_a_load_never_sees_what_an_earlier_one_did_to_its_data(tmp_path: Path) -> None:
    """Files are remembered by their bytes between loads (generate --watch): each load gets
    its own copy, and an edited file is read again."""
    from codegen.catalog.model import Catalog

    schemas = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, schemas)

    def first_request(catalog: Catalog) -> dict[str, object]:
        endpoint = sorted(catalog.endpoints(), key=lambda e: e.key)[0]
        data: dict[str, object] = endpoint.versions[endpoint.current].schemas["request"].data
        return data

    load_catalog(schemas)  # every file is remembered
    first = first_request(load_catalog(schemas))  # copies of what was remembered
    kept = json.loads(json.dumps(first))
    first["title"] = "changed by a consumer"
    first.clear()
    again = first_request(load_catalog(schemas))
    assert again == kept and again is not first

    loaded = load_catalog(schemas)
    endpoint = sorted(loaded.endpoints(), key=lambda e: e.key)[0]
    path = schemas / endpoint.versions[endpoint.current].schemas["request"].path
    path.write_text(json.dumps({**kept, "description": "edited"}, indent=2) + "\n")
    assert first_request(load_catalog(schemas))["description"] == "edited"

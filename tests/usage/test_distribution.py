"""`pip install ./generated` gives a typed, importable package that carries its catalog data
and needs only its runtime (issue 13, item 1). Built offline from a copy of generated/ with
this venv's setuptools; installed into a folder of its own, used from an empty folder."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from codegen.catalog import load_catalog

from .conftest import ROOT, SCHEMAS, misspelled, run


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dist")
    source = root / "src"
    shutil.copytree(
        ROOT / "generated", source, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    done = run(
        "python", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
        "--quiet", str(source), "-w", str(root / "wheels"), cwd=root,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (found,) = (root / "wheels").glob("kling_gateways-*.whl")
    return found


def test_the_wheel_needs_only_the_runtime(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith("METADATA"))
        lines = archive.read(metadata).decode().splitlines()
    requires = sorted(
        line.split()[1].split("<")[0].split(">")[0]
        for line in lines
        if line.startswith("Requires-Dist:")
    )
    assert requires == ["httpx", "jsonschema-rs", "pydantic"]
    assert "Name: kling-gateways" in lines


def test_the_wheel_is_typed_and_carries_every_schema(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "kling_gateways/py.typed" in names
    assert "kling_gateways/canonical/_mappings.py" in names
    for endpoint in load_catalog(SCHEMAS).endpoints():
        for version in endpoint.versions.values():
            module = f"kling_gateways/{endpoint.provider.replace('-', '_')}/{endpoint.module}"
            assert f"{module}/{version.module}/_schemas.py" in names, (
                endpoint.key,
                version.version,
            )
    assert not any(n.startswith(("codegen/", "docs/")) for n in names)


def test_installed_from_the_wheel_it_works_from_an_empty_folder(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    done = run(
        "python",
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-index",
        "--quiet",
        "--target",
        str(site),
        str(wheel),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"PYTHONPATH": str(site)}
    where = run(
        "python", "-c", "import kling_gateways; print(kling_gateways.__file__)", cwd=empty, env=env
    )
    assert where.stdout.startswith(str(site)), where.stdout + where.stderr
    target, payload, _typo, field = misspelled()
    (empty / "payload.json").write_text(json.dumps(payload))
    validate = run("kling-codegen", "validate", target, "payload.json", cwd=empty, env=env)
    assert validate.returncode == 0, validate.stderr
    assert f"did you mean `{field}`?" in validate.stdout

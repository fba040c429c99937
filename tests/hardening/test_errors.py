"""Broken and hostile catalogs (errors/<case>/): exit 2, `file#/pointer: message`, nothing written.

Each case folder holds the files that replace the minimal catalog's (`request.json`,
`manifest.yaml`) and `expected-stderr.txt`, the exact error output. After a change to an error
message, refresh the snapshots with `KLING_UPDATE_SNAPSHOTS=1 pytest tests/hardening`.
Cases that a Git checkout cannot hold (names with newlines, symbolic links, huge files) are
built in code below.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.hardening import catalog

ERRORS = Path(__file__).parent / "errors"
CASES = sorted(p.name for p in ERRORS.iterdir() if p.is_dir())
UPDATE = os.environ.get("KLING_UPDATE_SNAPSHOTS") == "1"
SIMPLE = {"title": "Request", "type": "object", "properties": {"p": {"type": "string"}}}
SEED = {"keep.txt": "not the generator's\n", "kling_gateways/__init__.py": "# old\n"}


def base_catalog(root: Path) -> Path:
    """A valid catalog and an output folder holding files from before."""
    schemas = catalog.write_catalog(root, {"request": SIMPLE})
    for rel, text in SEED.items():
        (root / "out" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "out" / rel).write_text(text, encoding="utf-8")
    return schemas


def assert_refused(root: Path, schemas: Path, *, one_line: bool = True) -> str:
    """Generate; expect exit 2 with compiler-style lines, and nothing written anywhere."""
    before, out_before = catalog.all_paths(root), catalog.snapshot(root / "out")
    result = catalog.generate(schemas.relative_to(root), Path("out"), cwd=root)
    assert result.code == 2, str(result)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.stdout == ""
    *lines, summary = result.stderr.splitlines()
    assert summary.startswith("error: ") and "nothing was written" in summary, summary
    assert lines, "no problem listed"
    for line in lines if one_line else ():
        assert line.lstrip().startswith("schemas/") and "#" in line, line
    assert catalog.all_paths(root) == before
    assert catalog.snapshot(root / "out") == out_before
    assert not list(root.rglob("PWNED"))
    return result.stderr


@pytest.mark.parametrize("case", CASES)
def test_snapshot(tmp_path: Path, case: str) -> None:
    schemas = base_catalog(tmp_path)
    version = schemas / catalog.PROVIDER / catalog.ENDPOINT / catalog.VERSION
    folder = ERRORS / case
    if (folder / "request.json").exists():
        shutil.copyfile(folder / "request.json", version / "request.json")
    if (folder / "manifest.yaml").exists():
        shutil.copyfile(folder / "manifest.yaml", schemas / catalog.PROVIDER / "manifest.yaml")
    stderr = assert_refused(tmp_path, schemas)
    expected = folder / "expected-stderr.txt"
    if UPDATE:
        expected.write_text(stderr, encoding="utf-8")
    assert stderr == expected.read_text("utf-8")


@pytest.mark.parametrize(
    ("what", "name"),
    [
        ("provider", "hostile\n"),
        ("endpoint", "image-to-video\n"),
        ("version", "2026-01-01\n"),
        ("provider", "hostile\t"),
        ("endpoint", ".."),
        ("endpoint", "image-to-video.."),
        ("provider", "Hostile"),
        ("provider", "_hostile"),
    ],
)
def test_folder_names_that_are_not_ids(tmp_path: Path, what: str, name: str) -> None:
    """Folder names become module names and output paths: only the documented ids pass."""
    options = {what: name}
    schemas = catalog.write_catalog(tmp_path, {"request": SIMPLE}, **options)
    stderr = assert_refused(tmp_path, schemas, one_line=name.isprintable())
    assert "is not valid" in stderr or "does not match" in stderr, stderr


def test_symlinked_folder_outside_the_catalog(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    catalog.write_catalog(outside, {"request": SIMPLE})
    schemas = base_catalog(tmp_path)
    version = schemas / catalog.PROVIDER / catalog.ENDPOINT / catalog.VERSION
    shutil.rmtree(version)
    target = outside / "schemas" / catalog.PROVIDER / catalog.ENDPOINT / catalog.VERSION
    version.symlink_to(target, target_is_directory=True)
    stderr = assert_refused(tmp_path, schemas)
    assert "resolves outside the schemas folder" in stderr


def test_json_nested_beyond_the_parser(tmp_path: Path) -> None:
    schemas = base_catalog(tmp_path)
    version = schemas / catalog.PROVIDER / catalog.ENDPOINT / catalog.VERSION
    (version / "request.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    stderr = assert_refused(tmp_path, schemas)
    assert "nested deeper than" in stderr

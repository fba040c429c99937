"""Bad input: `file#/pointer: message`, exit 2, no traceback, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import read_tree, run_cli

REQUEST = "acme/image-to-video/2026-02-01/request.json"


def _break(catalog: Path, rel: str, edit: object) -> None:
    path = catalog / rel
    if callable(edit):
        doc = json.loads(path.read_text())
        edit(doc)
        path.write_text(json.dumps(doc))
    else:
        path.write_text(str(edit))


CASES = [
    (REQUEST, lambda d: d["properties"]["seconds"].update(type="floaty"),
     f'{REQUEST}#/properties/seconds/type: "floaty" is not a JSON Schema type'),
    (REQUEST, lambda d: d["properties"]["seconds"].update(minimum="three"),
     f"{REQUEST}#/properties/seconds/minimum: 'three' is not of type 'number'"),
    (REQUEST, '{"title": "Request", "type": "object",,}', f"{REQUEST}#: invalid JSON at line 1 column 39"),
    (REQUEST, lambda d: d["properties"].update(x={"$ref": "https://evil.test/s.json"}),
     f"{REQUEST}#/properties/x/$ref: remote $ref 'https://evil.test/s.json' is refused"),
    (REQUEST, lambda d: d["properties"].update(x={"$ref": "#/$defs/Nope"}),
     f"{REQUEST}#/properties/x/$ref: $ref '#/$defs/Nope' does not resolve inside this file"),
    (REQUEST, lambda d: d.update({"x-unique-keys": "id"}),
     f"{REQUEST}#/x-unique-keys: must be a non-empty list of property names"),
    ("acme/manifest.yaml", "id: acme\nname: Acme\nbase_url: ftp://x\n",
     "acme/manifest.yaml#: 'auth' is a required property"),
    ("acme/manifest.yaml", "id: acme\nname: [unclosed\n", "acme/manifest.yaml#: invalid YAML at line 3 column 1"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rel", "edit", "expected"), CASES, ids=[c[2].split("#")[1][:40] for c in CASES]
)
def test_bad_input_is_reported_with_file_and_pointer(
    minimal_catalog: Path, tmp_path: Path, rel: str, edit: object, expected: str
) -> None:
    out = tmp_path / "out"
    assert run_cli("generate", "--schemas", str(minimal_catalog), "--out", str(out)).returncode == 0
    before = read_tree(out)
    _break(minimal_catalog, rel, edit)

    done = run_cli("generate", "--schemas", str(minimal_catalog), "--out", str(out))

    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{minimal_catalog.as_posix()}/{expected}" in done.stderr
    assert "Traceback" not in done.stderr
    assert read_tree(out) == before, "a failed generation must leave the output untouched"


def test_failed_first_generation_creates_no_output(minimal_catalog: Path, tmp_path: Path) -> None:
    _break(minimal_catalog, REQUEST, lambda d: d.update(type="floaty"))
    out = tmp_path / "never"
    done = run_cli("generate", "--schemas", str(minimal_catalog), "--out", str(out))
    assert done.returncode == 2
    assert not out.exists()


def test_every_problem_is_listed_not_just_the_first(minimal_catalog: Path, tmp_path: Path) -> None:
    _break(minimal_catalog, REQUEST, lambda d: d["properties"]["seconds"].update(type="floaty"))
    _break(
        minimal_catalog,
        "acme/image-to-video/2026-02-01/status.json",
        lambda d: d["properties"]["state"].update(type=7),
    )
    done = run_cli("generate", "--schemas", str(minimal_catalog), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "request.json#/properties/seconds/type" in done.stderr
    assert "status.json#/properties/state/type: 7 is not a JSON Schema type" in done.stderr


def test_manifest_and_folders_must_agree(minimal_catalog: Path, tmp_path: Path) -> None:
    (minimal_catalog / "acme/image-to-video/2027-01-01").mkdir()
    (minimal_catalog / "acme/../acme/Bad Name").mkdir()
    done = run_cli("generate", "--schemas", str(minimal_catalog), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "acme/image-to-video/2027-01-01#: version folder is not in manifest.yaml" in done.stderr
    assert "acme/Bad Name#: endpoint folder is not in manifest.yaml" in done.stderr


def test_missing_schemas_folder(tmp_path: Path) -> None:
    done = run_cli("generate", "--schemas", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "schemas folder not found" in done.stderr

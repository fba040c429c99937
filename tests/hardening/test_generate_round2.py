"""Round two on `generate`: reads and writes outside their place, special files, broken
results that used to exit 0, `--out` footguns, concurrent runs and killed runs' leftovers.

Every run is `kling-codegen generate` in a subprocess; each refusal must be exit 2, with no
traceback, and leave the output folder as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.hardening import catalog

SIMPLE = {"title": "Request", "type": "object", "properties": {"p": {"type": "string"}}}
CANARY = "OUTSIDE_CANARY_5e1d"
VERSION_DIR = Path(catalog.PROVIDER) / catalog.ENDPOINT / catalog.VERSION


def _valid(root: Path, schema: Any = SIMPLE) -> Path:
    return catalog.write_catalog(root, {"request": schema})


def _refused(root: Path, schemas: Path, out: Path, *, needle: str = "") -> catalog.Result:
    before = catalog.snapshot(out)
    result = catalog.generate(schemas, out, cwd=root)
    assert result.code == 2, str(result)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result
    assert needle in result.stderr, str(result)
    assert catalog.snapshot(out) == before
    return result


# --- item 1: dot folders never reach the changelog -------------------------------------


def test_a_dot_folder_with_a_symlink_never_reaches_the_changelog(tmp_path: Path) -> None:
    schemas = _valid(tmp_path)
    outside = tmp_path / "outside.json"
    catalog.write_json(outside, {"type": "object", "properties": {CANARY: {"type": "string"}}})
    hidden = schemas / ".hidden" / catalog.ENDPOINT
    catalog.write_json(hidden / "2026-01-01" / "request.json", SIMPLE)
    (hidden / "2026-01-02").mkdir(parents=True)
    (hidden / "2026-01-02" / "request.json").symlink_to(outside)
    result = catalog.generate(schemas, tmp_path / "out", cwd=tmp_path)
    assert result.code in (0, 2), str(result)
    changelog = tmp_path / "out" / "docs" / "changelog.md"
    assert not changelog.exists() or CANARY not in changelog.read_text("utf-8")


# --- item 2: never write through a symlinked folder of --out ---------------------------


def test_a_symlinked_subfolder_of_out_is_not_written_through(tmp_path: Path) -> None:
    schemas = _valid(tmp_path)
    out = tmp_path / "out"
    assert catalog.generate(schemas, out, cwd=tmp_path).code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(out / "docs")
    (out / "docs").symlink_to(elsewhere, target_is_directory=True)
    _refused(tmp_path, schemas, out, needle="symbolic link")
    assert list(elsewhere.iterdir()) == []


# --- item 7: special files are refused by name, never waited on -------------------------


@pytest.mark.parametrize("where", ["examples", "canonical"])
def test_a_fifo_in_the_catalog_is_refused(tmp_path: Path, where: str) -> None:
    schemas = _valid(tmp_path)
    folder = schemas / VERSION_DIR / "examples" if where == "examples" else schemas / "canonical"
    if where == "canonical":
        folder = folder / catalog.ENDPOINT
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "request-x.json")
    _refused(tmp_path, schemas, tmp_path / "out", needle="not a regular file")


@pytest.mark.parametrize("kind", ["fifo", "loop"])
def test_special_entries_in_out_are_refused_by_name(tmp_path: Path, kind: str) -> None:
    schemas = _valid(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    if kind == "fifo":
        os.mkfifo(out / "pipe")
    else:
        (out / "loop").symlink_to(out / "loop")
    result = _refused(tmp_path, schemas, out)
    assert ("pipe" if kind == "fifo" else "loop") in result.stderr


def test_a_symlink_loop_among_examples_is_refused(tmp_path: Path) -> None:
    schemas = _valid(tmp_path)
    examples = schemas / VERSION_DIR / "examples"
    examples.mkdir()
    (examples / "a.json").symlink_to(examples / "b.json")
    (examples / "b.json").symlink_to(examples / "a.json")
    _refused(tmp_path, schemas, tmp_path / "out", needle="examples/a.json")


# --- items 8 and 18: what is generated must import -------------------------------------

UNIMPORTABLE = {
    "invalid-regex": {"type": "string", "pattern": "["},
    "variable-lookbehind": {"type": "string", "pattern": "(?<=a+)b"},
    "huge-min-length": {"type": "string", "minLength": 10**30},
    "huge-max-items": {"type": "array", "maxItems": 10**30},
}


@pytest.mark.parametrize("name", sorted(UNIMPORTABLE))
def test_a_package_that_would_not_import_is_refused(tmp_path: Path, name: str) -> None:
    schema = {"title": "Request", "type": "object", "properties": {"p": UNIMPORTABLE[name]}}
    result = _refused(tmp_path, _valid(tmp_path, schema), tmp_path / "out", needle="request.json#")
    assert "does not import" in result.stderr


NON_FINITE = {
    "exclusive-minimum-1e400": '{"type": "object", "properties": {"p": '
    '{"type": "number", "exclusiveMinimum": 1e400}}}',
    "maximum--1e400": '{"type": "object", "properties": {"p": {"type": "number", "maximum": -1e400}}}',
}


@pytest.mark.parametrize("name", sorted(NON_FINITE))
def test_non_finite_numbers_in_a_schema_are_refused(tmp_path: Path, name: str) -> None:
    schemas = _valid(tmp_path)
    (schemas / VERSION_DIR / "request.json").write_text(NON_FINITE[name], "utf-8")
    _refused(tmp_path, schemas, tmp_path / "out", needle="out of range for a 64-bit float")


@pytest.mark.parametrize("value", [".inf", "inf", ".nan", "-.inf"])
def test_a_non_finite_price_is_refused(tmp_path: Path, value: str) -> None:
    schemas = _valid(tmp_path)
    manifest = schemas / catalog.PROVIDER / "manifest.yaml"
    data = json.loads(manifest.read_text("utf-8"))
    data["endpoints"][catalog.ENDPOINT]["versions"][catalog.VERSION]["pricing"]["rates"] = [
        {"per_second": "PRICE"}
    ]
    manifest.write_text(json.dumps(data).replace('"PRICE"', value), "utf-8")
    result = _refused(tmp_path, schemas, tmp_path / "out")
    assert "per_second" in result.stderr


def test_an_impossible_date_in_provenance_is_refused(tmp_path: Path) -> None:
    schemas = _valid(tmp_path)
    (schemas / VERSION_DIR / "provenance.yaml").write_text("retrieved: 2026-13-45\n", "utf-8")
    _refused(tmp_path, schemas, tmp_path / "out", needle="provenance.yaml")


# --- item 9: the tool's own meta-schemas ship with it ----------------------------------

HOSTILE_NAME = "Evil<img src=x onerror=alert(1)>"


@pytest.mark.parametrize("change", ["deleted", "not-an-object", "permissive"])
def test_the_catalog_cannot_switch_off_its_meta_schemas(tmp_path: Path, change: str) -> None:
    schemas = catalog.write_catalog(tmp_path, {"request": SIMPLE}, name=HOSTILE_NAME)
    meta = schemas / "meta"
    if change == "deleted":
        shutil.rmtree(meta)
    else:
        text = "[1, 2]" if change == "not-an-object" else "{}"
        for path in meta.iterdir():
            path.write_text(text, "utf-8")
    _refused(tmp_path, schemas, tmp_path / "out", needle="manifest.yaml#/name")


# --- item 10: Markdown reports keep schema text as text --------------------------------

HOSTILE_TEXT = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
]


def test_changelog_and_drift_markdown_escape_schema_text(tmp_path: Path) -> None:
    versions = ["2026-01-01", "2026-02-01"]
    schemas = tmp_path / "schemas"
    shutil.copytree(catalog.META, schemas / "meta")
    data = catalog.manifest(versions={catalog.ENDPOINT: versions})
    catalog.write_json(schemas / catalog.PROVIDER / "manifest.yaml", data)
    for index, version in enumerate(versions):
        props = {text: {"type": "string", "enum": [text]} for text in HOSTILE_TEXT[index::2]}
        schema = {"title": "Request", "type": "object", "properties": props}
        catalog.write_json(
            schemas / catalog.PROVIDER / catalog.ENDPOINT / version / "request.json", schema
        )
    result = catalog.generate(schemas, tmp_path / "out", cwd=tmp_path)
    assert result.code == 0, str(result)
    for page in ("changelog.md", "drift.md"):
        text = (tmp_path / "out" / "docs" / page).read_text("utf-8")
        body = text.split("-->", 1)[-1]  # the header comment is ours
        assert "<img" not in body and "<script" not in body, page
        outside_code = re.sub(r"(?<!\\)(`+).*?(?<!`)\1(?!`)", "", body)
        assert re.search(r"(?<!\\)\]\(javascript:", outside_code) is None, page
    assert "javascript" in (tmp_path / "out" / "docs" / "changelog.md").read_text("utf-8")


# --- item 11: --out footguns -----------------------------------------------------------


def test_out_that_is_an_existing_file_is_refused(tmp_path: Path) -> None:
    schemas = _valid(tmp_path)
    (tmp_path / "out").write_text("mine\n", "utf-8")
    result = catalog.generate(schemas, tmp_path / "out", cwd=tmp_path)
    assert result.code == 2 and "Traceback" not in result.stderr, str(result)
    assert (tmp_path / "out").read_text("utf-8") == "mine\n"
    assert not (tmp_path / "out.previous").exists()


@pytest.mark.parametrize("out", ["schemas", "schemas/generated", "", ".", "work"])
def test_out_that_would_replace_the_catalog_or_the_current_folder_is_refused(
    tmp_path: Path, out: str
) -> None:
    cwd = tmp_path / "work"
    cwd.mkdir()
    schemas = _valid(cwd)
    before = catalog.all_paths(tmp_path)
    target = out if out != "work" else str(cwd)
    result = catalog.run_cli("generate", "--schemas", schemas, "--out", target, cwd=cwd)
    assert result.code == 2 and "Traceback" not in result.stderr, str(result)
    assert catalog.all_paths(tmp_path) == before


def test_an_empty_schemas_folder_is_refused_and_deletes_nothing(tmp_path: Path) -> None:
    schemas = _valid(tmp_path)
    out = tmp_path / "out"
    assert catalog.generate(schemas, out, cwd=tmp_path).code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    _refused(tmp_path, empty, out, needle="no provider")


# --- item 12: concurrent runs, killed runs' leftovers ----------------------------------


def test_concurrent_runs_on_one_output_never_crash(tmp_path: Path) -> None:
    schemas = _valid(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(catalog.REPO)}
    env.pop("KLING_CODEGEN_DEBUG", None)
    command = [*catalog.CLI, "generate", "--schemas", str(schemas), "--out", "out", "--no-cache"]
    runs = [
        subprocess.Popen(
            command,
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    results = [(run.wait(timeout=600), run.stderr.read() if run.stderr else "") for run in runs]
    for code, stderr in results:
        assert code in (0, 2), stderr
        assert code == 0 or "busy" in stderr, stderr
    assert catalog.generate(schemas, tmp_path / "out", cwd=tmp_path, check=True).code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "schemas"]


def test_scratch_folders_of_a_killed_zombie_run_are_cleaned(tmp_path: Path) -> None:
    """A run killed and never reaped (a zombie) left its staging and formatter folders."""
    schemas = _valid(tmp_path)
    zombie = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    leftovers = [
        tmp_path / f".out.staging-{zombie.pid}",
        Path("/dev/shm" if os.access("/dev/shm", os.W_OK) else "/tmp")
        / f"kling-codegen-fmt-{zombie.pid}-test",
    ]
    try:
        for folder in leftovers:
            folder.mkdir()
            (folder / "x.py").write_text("x = 1\n", "utf-8")
        os.kill(zombie.pid, signal.SIGKILL)
        time.sleep(0.5)  # killed, not reaped: a zombie until wait()
        assert catalog.generate(schemas, tmp_path / "out", cwd=tmp_path).code == 0
        assert [p for p in leftovers if p.exists()] == []
    finally:
        for folder in leftovers:
            shutil.rmtree(folder, ignore_errors=True)
        zombie.wait()


@pytest.mark.parametrize("text", ["5\n", "true\n", "[1]\n", "just text\n"])
def test_a_provenance_that_is_not_a_mapping_is_refused(tmp_path: Path, text: str) -> None:
    """Found by the hostile-catalog fuzz run after the merges (exit 3: `"operations" in 5`)."""
    schemas = _valid(tmp_path)
    (schemas / VERSION_DIR / "provenance.yaml").write_text(text, "utf-8")
    _refused(tmp_path, schemas, tmp_path / "out", needle="provenance.yaml#")

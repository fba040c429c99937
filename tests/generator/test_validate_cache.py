"""`validate` keeps the normalized schema of a target in the cache, keyed on the bytes of
every file it reads: an edit anywhere in them is seen at once, and a broken file is never
hidden behind an earlier good run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hardening import catalog

TARGET = f"{catalog.PROVIDER}/{catalog.ENDPOINT}"


def _validate(root: Path, schemas: Path, payload: Path) -> catalog.Result:
    env = {"KLING_CODEGEN_CACHE": str(root / "cache")}
    return catalog.run_cli("validate", TARGET, payload, "--schemas", schemas, cwd=root, env=env)


def test_an_edited_schema_is_seen_by_the_next_run(tmp_path: Path) -> None:
    schema = {"title": "Request", "type": "object", "properties": {"p": {"type": "string"}}}
    schemas = catalog.write_catalog(tmp_path, {"request": schema})
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"p": "text"}), encoding="utf-8")
    assert _validate(tmp_path, schemas, payload).code == 0
    assert list((tmp_path / "cache" / "validate").rglob("*")), "the first run fills the cache"
    assert _validate(tmp_path, schemas, payload).code == 0
    request = schemas / catalog.PROVIDER / catalog.ENDPOINT / catalog.VERSION / "request.json"
    schema["properties"]["p"] = {"type": "integer"}
    request.write_text(json.dumps(schema), encoding="utf-8")
    edited = _validate(tmp_path, schemas, payload)
    assert edited.code == 1 and "/p" in edited.stdout, str(edited)


def test_a_file_broken_after_a_cached_run_is_reported(tmp_path: Path) -> None:
    schema = {"title": "Request", "type": "object", "properties": {"p": {"type": "string"}}}
    schemas = catalog.write_catalog(tmp_path, {"request": schema})
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"p": "text"}), encoding="utf-8")
    assert _validate(tmp_path, schemas, payload).code == 0
    manifest = schemas / catalog.PROVIDER / "manifest.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + "\nunexpected: [\n", encoding="utf-8"
    )
    broken = _validate(tmp_path, schemas, payload)
    assert broken.code == 2 and "manifest.yaml" in broken.stderr, str(broken)
    assert "Traceback" not in broken.stderr

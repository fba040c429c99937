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


def test_a_damaged_cache_entry_is_a_miss_for_validate_and_generate(tmp_path: Path) -> None:
    schema = {"title": "Request", "type": "object", "properties": {"p": {"type": "string"}}}
    schemas = catalog.write_catalog(tmp_path, {"request": schema})
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"p": 1}), encoding="utf-8")
    out, cache = tmp_path / "out", tmp_path / "cache"
    env = {"KLING_CODEGEN_CACHE": str(cache)}
    generate = ("generate", "--schemas", schemas, "--out", out)
    assert catalog.run_cli(*generate, cwd=tmp_path, env=env).code == 0
    assert _validate(tmp_path, schemas, payload).code == 1
    entries = [p for kind in ("tree", "validate") for p in (cache / kind).rglob("*") if p.is_file()]
    assert len(entries) == 2
    for damage in ("{not json", '["a list"]', '{"version": 1}'):
        for entry in entries:
            entry.write_text(damage, encoding="utf-8")
        again = _validate(tmp_path, schemas, payload)
        assert again.code == 1 and "/p" in again.stdout, str(again)
        regenerated = catalog.run_cli(*generate, "--check", cwd=tmp_path, env=env)
        assert regenerated.code == 0, str(regenerated)

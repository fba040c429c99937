"""A published document is data: names, paths and prose from it never become code, YAML
structure or raw HTML, in the scaffold or in what generate makes from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from .conftest import NEW, fill_todos, run_cli

CANARY = "kling-import-canary"
NAME = 'Evil"""\nimport os  # </script>'
PROP = f"__import__('os').system('touch {CANARY}')"
TEXT = "</script><img src=x onerror=alert(1)> {{ 7*7 }} ${HOME} `rm -rf`\n---\nkey: value"
HEADER = 'X-Key"\nname: hacked'
PATH = "/v1/run: #x"


def _document() -> dict[str, object]:
    ref = {"$ref": "#/components/schemas/" + NAME.replace("~", "~0").replace("/", "~1")}
    schema = {"type": "object", "description": TEXT, "required": [PROP], "properties": {
        PROP: {"anyOf": [{"type": "string", "maxLength": 9, "description": TEXT}, {"type": "null"}],
               "examples": [TEXT[:9]]},
        "prompt": {"type": "string", "title": TEXT}}}  # fmt: skip
    return {
        "openapi": "3.0.3",
        "info": {"title": TEXT, "version": "1"},
        "servers": [{"url": "https://x.test\n  evil: 1"}],
        "components": {"schemas": {NAME: schema},
                       "securitySchemes": {"k": {"type": "apiKey", "in": "header", "name": HEADER}}},
        "paths": {PATH: {"post": {"requestBody": {"content": {"application/json": {"schema": ref}}},
                                  "responses": {"200": {"description": TEXT}}}}},
    }  # fmt: skip


def test_hostile_document_stays_data(catalog: Path, tmp_path: Path) -> None:
    document = tmp_path / "evil.json"
    document.write_text(json.dumps(_document()))
    key = f"{NEW}/image-to-video"
    result = run_cli("import", key, str(document), "--version", "2026-01-01", "--schemas",
                     str(catalog), "--source-url", "https://evil.test/d.json", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    manifest_path = catalog / NEW / "manifest.yaml"
    manifest = yaml.safe_load(manifest_path.read_text())
    assert set(manifest) == {"id", "name", "base_url", "auth", "file_inputs", "endpoints"}
    assert manifest["auth"]["header"] == HEADER  # a value, not YAML structure
    assert manifest["base_url"].startswith("TODO")  # not a usable URL: left to the maintainer
    version = manifest["endpoints"]["image-to-video"]["versions"]["2026-01-01"]
    assert version["lifecycle"]["submit"]["path"] == PATH
    manifest["auth"]["header"] = "Authorization"
    manifest["base_url"] = "https://x.test"
    manifest_path.write_text(yaml.safe_dump(manifest))
    fill_todos(manifest_path)
    fill_todos(catalog / NEW / "image-to-video" / "mapping.yaml")
    out = tmp_path / "out"
    generated = run_cli("generate", "--schemas", str(catalog), "--out", str(out), cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    assert not (tmp_path / CANARY).exists()
    doc = (out / "docs" / NEW / "image-to-video.md").read_text()
    body = re.sub(r"\A<!--.*?-->\n", "", doc, flags=re.S)
    assert not re.search(r"<[A-Za-z!/]", body), "raw HTML from the document's text"
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({PROP: "x" * 10}))
    verdict = run_cli("validate", key, str(payload), "--schemas", str(catalog), cwd=tmp_path)
    assert verdict.returncode == 1 and "longer than 9" in verdict.stdout
    assert not (tmp_path / CANARY).exists()

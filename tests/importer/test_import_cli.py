"""`kling-codegen import`, end to end on a copy of the catalog, with our own fixture documents
in the style of a queue gateway's published OpenAPI (tests/fixtures/openapi/)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import FIXTURES, NEW, fill_todos, read_tree, run_cli

KEY = f"{NEW}/image-to-video"
FIRST, SECOND = "2026-11-01", "2026-12-01"
SOURCE_URL = "https://queue.gateway.test/openapi.json"  # provenance must cite a public source


def _import(catalog: Path, document: Path | str, version: str, *extra: str) -> Any:
    local = not str(document).startswith(("http://", "https://"))
    source = ("--source-url", SOURCE_URL) if local else ()
    result = run_cli("import", KEY, str(document), "--version", version,
                     "--schemas", str(catalog), "--format", "json", *source, *extra)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _filled(catalog: Path) -> Path:
    """The fixture imported as a new provider, its scaffold filled in."""
    _import(catalog, FIXTURES / "queue-3.0.json", FIRST)
    fill_todos(catalog / NEW / "manifest.yaml")
    fill_todos(catalog / NEW / "image-to-video" / "mapping.yaml")
    return catalog


def test_new_provider_scaffold_only_todos_block_generate(catalog: Path, tmp_path: Path) -> None:
    report = _import(catalog, FIXTURES / "queue-3.0.json", FIRST)
    folder = catalog / NEW / "image-to-video" / FIRST
    assert (folder / "openapi.json").read_bytes() == (FIXTURES / "queue-3.0.json").read_bytes()
    assert report["scaffold"] is True
    assert report["operations"]["request"] == "POST /kling/v3/pro/image-to-video"
    assert set(report["operations"]) == {"request", "response", "status"}
    manifest = yaml.safe_load((catalog / NEW / "manifest.yaml").read_text())
    assert manifest["base_url"] == "https://queue.gateway.test"
    lifecycle = manifest["endpoints"]["image-to-video"]["versions"][FIRST]["lifecycle"]
    assert lifecycle["kind"] == "queue" and lifecycle["run_id"] == "/request_id"
    assert lifecycle["statuses"]["succeeded"] == ["COMPLETED"]
    result = run_cli("generate", "--schemas", str(catalog), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    problems = [line for line in result.stderr.splitlines() if "#/" in line]
    assert problems and all(line.endswith("(fill this in)") for line in problems), problems
    assert any("manifest.yaml#/name: TODO" in line for line in problems)
    assert not (tmp_path / "out").exists()


def test_filled_scaffold_generates_validates_and_shows_limits(
    catalog: Path, tmp_path: Path
) -> None:
    _filled(catalog)
    out = tmp_path / "out"
    result = run_cli("generate", "--schemas", str(catalog), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (
        out / "kling_gateways" / NEW / "image_to_video" / "v2026_11_01" / "request.py"
    ).is_file()
    example = catalog / NEW / "image-to-video" / FIRST / "examples" / "request-document.json"
    ok = run_cli("validate", KEY, str(example), "--schemas", str(catalog))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    provenance = catalog / NEW / "image-to-video" / FIRST / "provenance.yaml"
    data = yaml.safe_load(provenance.read_text())
    where = "openapi.json#/components/schemas/ImageToVideoInput/properties/prompt"
    data["readings"].append({"pointer": where, "text": "Prose says prompt or multi_prompt."})
    provenance.write_text(yaml.safe_dump(data))
    drift = run_cli("drift", "--schemas", str(catalog), "--format", "json")
    assert drift.returncode in (0, 1), drift.stderr
    cells = {name: entry["providers"][KEY] for name, entry in json.loads(drift.stdout)["fields"].items()
             if KEY in entry["providers"]}  # fmt: skip
    # limits inside optional-or-null wrappers are the field's limits; null is "may be null"
    assert cells["prompt"]["length"]["maxLength"] == 2500, cells["prompt"]
    assert cells["prompt"]["type"] == "null|string"
    assert any("prompt or multi_prompt" in r for r in cells["prompt"]["readings"]), cells["prompt"]
    assert cells["elements.reference_images"]["items"] == {"minItems": 1, "maxItems": 3}
    assert cells["multi_prompt"]["items"]["maxItems"] == 6
    assert cells["cfg_scale"]["range"] == {"minimum": 0, "maximum": 1}, cells["cfg_scale"]


def _write(tmp_path: Path, payload: dict[str, Any]) -> str:
    path = tmp_path / f"payload-{len(list(tmp_path.glob('payload-*')))}.json"
    path.write_text(json.dumps(payload))
    return str(path)


def test_new_version_changelog_and_verdicts(catalog: Path, tmp_path: Path) -> None:
    _filled(catalog)
    report = _import(catalog, FIXTURES / "queue-3.0-changed.json", SECOND)
    new = catalog / NEW / "image-to-video" / SECOND / "openapi.json"
    assert new.read_bytes() == (FIXTURES / "queue-3.0-changed.json").read_bytes()
    assert report["previous"] == FIRST and report["current"] is True
    breaking = [c for c in report["changes"] if c["severity"] == "breaking"]
    assert report["changes"][: len(breaking)] == breaking  # breaking changes first
    rules = {(c["rule"], c["location"]) for c in breaking}
    assert ("request-property-max-length-decreased", "request:#/properties/prompt") in rules
    assert any(r == "request-property-enum-value-removed" for r, _ in rules)
    assert any("reference_image_urls" in where for _r, where in rules)
    manifest = yaml.safe_load((catalog / NEW / "manifest.yaml").read_text())
    spec = manifest["endpoints"]["image-to-video"]
    assert spec["current"] == SECOND and spec["versions"][SECOND] == spec["versions"][FIRST]
    assert (
        run_cli("generate", "--schemas", str(catalog), "--out", str(tmp_path / "o")).returncode == 0
    )
    _canonical_reads_the_new_limit(tmp_path / "o")
    verdicts = {
        (2000, "5", SECOND): 0, (2001, "5", SECOND): 1, (2001, "5", FIRST): 0,
        (10, "11", SECOND): 1, (10, "11", FIRST): 0, (None, "10", SECOND): 0,
    }  # fmt: skip
    for (length, duration, version), code in verdicts.items():
        prompt = None if length is None else "x" * length
        payload = {
            "start_image_url": "https://x.test/a.png",
            "prompt": prompt,
            "duration": duration,
        }
        result = run_cli("validate", KEY, _write(tmp_path, payload), "--version", version,
                         "--schemas", str(catalog))  # fmt: skip
        assert result.returncode == code, (length, duration, version, result.stdout)


def test_no_current_keeps_the_old_version_current(catalog: Path) -> None:
    _filled(catalog)
    report = _import(catalog, FIXTURES / "queue-3.0-changed.json", SECOND, "--no-current")
    assert report["current"] is False
    manifest = yaml.safe_load((catalog / NEW / "manifest.yaml").read_text())
    assert manifest["endpoints"]["image-to-video"]["current"] == FIRST


def test_check_against_a_document_served_on_loopback(
    catalog: Path, publisher: tuple[str, Path]
) -> None:
    _filled(catalog)
    base, folder = publisher
    shutil.copy(FIXTURES / "queue-3.0.json", folder / "same.json")
    shutil.copy(FIXTURES / "queue-3.0-changed.json", folder / "changed.json")
    same = run_cli("import", "--check", KEY, f"{base}/same.json", "--schemas", str(catalog))
    assert same.returncode == 0, same.stdout + same.stderr
    assert "unchanged in meaning" in same.stdout
    changed = run_cli("import", "--check", KEY, f"{base}/changed.json", "--schemas", str(catalog),
                      "--format", "json")  # fmt: skip
    assert changed.returncode == 1, changed.stderr
    data = json.loads(changed.stdout)
    assert data["changed"] is True and data["summary"]["breaking"] >= 3
    missing = run_cli("import", "--check", KEY, f"{base}/gone.json", "--schemas", str(catalog))
    assert missing.returncode == 2 and "HTTP 404" in missing.stderr


def test_import_from_url_records_the_source(catalog: Path, publisher: tuple[str, Path]) -> None:
    base, folder = publisher
    shutil.copy(FIXTURES / "queue-3.0.json", folder / "openapi.json")
    _import(catalog, f"{base}/openapi.json", FIRST)
    provenance = yaml.safe_load(
        (catalog / NEW / "image-to-video" / FIRST / "provenance.yaml").read_text()
    )
    assert provenance["url"] == f"{base}/openapi.json"
    assert provenance["public_sources"] == [{"url": f"{base}/openapi.json"}]
    assert provenance["source"] == "openapi.json"
    assert len(provenance["sha256"]) == 64


@pytest.mark.parametrize("case", ["exists", "unreadable", "ambiguous", "not-a-date", "bad-key"])
def test_refusals_write_nothing(catalog: Path, tmp_path: Path, case: str) -> None:
    _filled(catalog)
    before = read_tree(catalog)
    document = FIXTURES / "queue-3.0-changed.json"
    version, key = SECOND, KEY
    if case == "exists":
        version = FIRST
    elif case == "unreadable":
        document = tmp_path / "broken.json"
        document.write_text('{"openapi": "3.0.4", "paths": {')
    elif case == "ambiguous":
        data = json.loads((FIXTURES / "queue-3.0.json").read_text())
        post = data["paths"]["/kling/v3/pro/image-to-video"]["post"]
        data["paths"]["/kling/v3/pro/text-to-video"] = {"post": post}
        document = tmp_path / "two.json"
        document.write_text(json.dumps(data))
    elif case == "not-a-date":
        version = "2026-13-01"
    else:
        key = "Gate/Image"
    result = run_cli("import", key, str(document), "--version", version, "--schemas", str(catalog))
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    expected = {"exists": f"{FIRST}#: this version exists", "unreadable": "broken.json#: invalid JSON",
                "ambiguous": "two.json#/paths: has 2 POSTs", "not-a-date": "expected a date",
                "bad-key": "expected PROVIDER/ENDPOINT"}  # fmt: skip
    assert expected[case] in result.stderr, result.stderr
    assert read_tree(catalog) == before


def test_help_has_an_example_and_exit_codes() -> None:
    result = run_cli("import", "--help")
    assert result.returncode == 0
    assert "kling-codegen import " in result.stdout and "Exit codes" in result.stdout
    missing = run_cli("import", "a/b", "x.json")
    assert missing.returncode == 2 and "--version" in missing.stderr


def test_mapping_decisions_name_targets_gone_or_retyped(catalog: Path, tmp_path: Path) -> None:
    _filled(catalog)
    data = json.loads((FIXTURES / "queue-3.0.json").read_text())
    props = data["components"]["schemas"]["ImageToVideoInput"]["properties"]
    props["duration"] = {"type": "integer", "minimum": 3, "maximum": 15}
    del props["end_image_url"]
    document = tmp_path / "retyped.json"
    document.write_text(json.dumps(data))
    report = _import(catalog, document, SECOND)
    assert report["decisions"] == [
        "mapping field duration -> duration: type changed: string -> integer",
        "mapping field end_image -> end_image_url: the target is gone from the new request schema",
    ]
    text = run_cli("import", "--check", KEY, str(FIXTURES / "queue-3.0.json"),
                   "--schemas", str(catalog))  # fmt: skip
    assert text.returncode == 1 and "breaking" in text.stdout


QUOTE = """
import json, sys
from kling_gateways.canonical import quote, translate
request = {"prompt": "x" * 2300, "start_image": "https://x.test/a.png", "duration": 7}
verdict = {q.target: q.accepts for q in quote(request)}
payload, _warnings = translate({**request, "prompt": "ok"}, to=sys.argv[1])
print(json.dumps({"accepts": verdict[sys.argv[1]], "payload": payload}))
"""


def _canonical_reads_the_new_limit(out: Path) -> None:
    """The canonical layer of the generated package: a 2300-character prompt is refused by
    the new version (maxLength 2000 inside an optional-or-null wrapper)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(out)}
    done = subprocess.run([sys.executable, "-c", QUOTE, KEY], env=env, capture_output=True,
                          text=True, timeout=120, cwd=out)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["accepts"] is False
    assert result["payload"]["duration"] == "7" and result["payload"]["prompt"] == "ok"


def test_a_new_provider_from_a_file_needs_a_public_source(catalog: Path) -> None:
    """Provenance cites where users can check a document: a local file alone is not that."""
    before = read_tree(catalog)
    result = run_cli("import", KEY, str(FIXTURES / "queue-3.0.json"), "--version", FIRST,
                     "--schemas", str(catalog))  # fmt: skip
    assert result.returncode == 2, result.stdout
    assert "--source-url" in result.stderr and "public_sources" in result.stderr
    assert read_tree(catalog) == before

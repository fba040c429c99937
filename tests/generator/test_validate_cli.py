"""`kling-codegen validate`: exit 0 valid, 1 invalid with every error, 2 bad usage.

Targets and payloads come from the catalog (each version's `examples/`), and the errors are
compared with what the generated validators of the same version say, so the tests hold for
whatever gateways `schemas/` holds.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import SCHEMAS, run_cli


@dataclass(frozen=True)
class Example:
    target: str  # provider/endpoint
    version: str
    current: bool
    kind: str
    valid: bool
    path: Path


def _examples() -> list[Example]:
    found = []
    for manifest in sorted(SCHEMAS.glob("*/manifest.yaml")):
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        for endpoint, spec in sorted((data.get("endpoints") or {}).items()):
            for path in sorted(manifest.parent.glob(f"{endpoint}/*/examples/*.json")):
                stem = path.stem.removeprefix("invalid-")
                kind = stem.split("-")[0]
                version = path.parent.parent.name
                found.append(
                    Example(
                        f"{manifest.parent.name}/{endpoint}",
                        version,
                        version == spec["current"],
                        kind,
                        not path.stem.startswith("invalid-"),
                        path,
                    )
                )
    return found


EXAMPLES = _examples()


def _first(**wanted: Any) -> Example:
    found = [e for e in EXAMPLES if all(getattr(e, k) == v for k, v in wanted.items())]
    if not found:
        pytest.skip(f"no example in the catalog with {wanted}")
    return found[0]


def _generated_pointers(example: Example, payload: Any) -> list[str]:
    provider, endpoint = example.target.split("/")
    module = importlib.import_module(
        f"kling_gateways.{provider.replace('-', '_')}.{endpoint.replace('-', '_')}"
        f".v{example.version.replace('-', '_')}.validators"
    )
    return sorted(issue.pointer for issue in getattr(module, f"validate_{example.kind}")(payload))


def test_valid_payload_exits_0() -> None:
    example = _first(kind="request", valid=True, current=True)
    done = run_cli("validate", example.target, str(example.path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"valid request for {example.target}" in done.stdout


def test_invalid_payload_lists_every_error_as_json() -> None:
    example = _first(kind="request", valid=False, current=True)
    done = run_cli("validate", example.target, str(example.path), "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["valid"] is False and report["version"] == example.version
    payload = json.loads(example.path.read_text(encoding="utf-8"))
    pointers = sorted(e["pointer"] for e in report["errors"])
    assert pointers and pointers == _generated_pointers(example, payload)


def test_unknown_target_and_unreadable_file_exit_2(tmp_path: Path) -> None:
    example = _first(kind="request", valid=True, current=True)
    unknown = run_cli("validate", "nobody/image-to-video", str(example.path))
    assert (
        unknown.returncode == 2
        and "TARGET 'nobody/image-to-video': no such provider/endpoint" in unknown.stderr
    )
    missing = run_cli("validate", example.target, str(tmp_path / "absent.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    bad_json = run_cli("validate", example.target, str(broken))
    assert (
        bad_json.returncode == 2
        and "broken.json#: invalid JSON at line 1 column 2" in bad_json.stderr
    )
    for done in (unknown, missing, bad_json):
        assert "Traceback" not in done.stderr


def _older_only() -> Example:
    """A request valid for an older version of its endpoint and not for the current one."""
    for example in EXAMPLES:
        if example.kind == "request" and example.valid and not example.current:
            done = run_cli("validate", example.target, str(example.path))
            if done.returncode == 1:
                return example
    pytest.skip("no example that an endpoint's current version refuses")


def test_other_versions() -> None:
    old = _older_only()
    pinned = run_cli("validate", old.target, str(old.path), "--version", old.version)
    assert pinned.returncode == 0, pinned.stdout + pinned.stderr
    at = run_cli("validate", f"{old.target}@{old.version}", str(old.path))
    assert at.returncode == 0, at.stdout + at.stderr


def test_other_kinds() -> None:
    response = _first(kind="response", valid=True, current=True)
    done = run_cli("validate", response.target, str(response.path), "--kind", "response")
    assert done.returncode == 0, done.stdout + done.stderr
    version = SCHEMAS / response.target / response.version
    absent = [k for k in ("status", "callback") if not (version / f"{k}.json").is_file()]
    if not absent or any(version.glob("openapi.*")):
        pytest.skip("this version has every kind (or takes them from a published document)")
    none = run_cli("validate", response.target, str(response.path), "--kind", absent[0])
    assert none.returncode == 2 and f"has no {absent[0]} schema" in none.stderr

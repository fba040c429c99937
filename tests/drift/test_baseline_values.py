"""The baseline records values: a changed range, default, enum or item limit fails the gate.

And it is keyed per provider endpoint: adding a provider adds only entries that name it
(every other line stays byte for byte), removing one removes only its entries, and
`--update-baseline` says what it added and removed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from codegen.drift import baseline as bl
from codegen.drift.cli import drift

from .conftest import current_request, edit_json

RUNCOMFY = "runcomfy/image-to-video"
RUNCOMFY_REQUEST = current_request(RUNCOMFY)
RUNFLOW_REQUEST = current_request("runflow/image-to-video")


def run(*args: str) -> Any:
    return CliRunner().invoke(drift, list(args), standalone_mode=False)


def _set(data: Any, name: str, **values: Any) -> None:
    """Update the shallowest property schema called `name` (the request's, not a shot's)."""
    queue = [data]
    while queue:
        node = queue.pop(0)
        children = node.values() if isinstance(node, dict) else node
        props = node.get("properties") if isinstance(node, dict) else None
        if isinstance(props, dict) and isinstance(props.get(name), dict):
            props[name].update(values)
            return
        queue += [c for c in children if isinstance(c, dict | list)]
    raise AssertionError(f"no property {name!r}")


def _gate(schemas: Path) -> tuple[int, str]:
    result = run("--schemas", str(schemas))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.return_value, result.output


@pytest.mark.parametrize(
    ("file", "name", "change", "expected"),
    [
        (
            RUNCOMFY_REQUEST,
            "cfg_scale",
            {"maximum": 2},
            f"new drift not in {{baseline}}: cfg_scale: range of {RUNCOMFY} "
            "was 0..1 (as canonical), now 0..2",
        ),
        (
            RUNCOMFY_REQUEST,
            "duration",
            {"default": 8},
            f"changed drift, not as in {{baseline}}: duration: default of {RUNCOMFY} "
            "was 10, now 8 (canonical: 5)",
        ),
        (
            RUNCOMFY_REQUEST,
            "duration",
            {"default": 5},
            f"drift no longer found: duration: default of {RUNCOMFY} was 10, now 5 (as canonical)",
        ),
        (
            RUNCOMFY_REQUEST,
            "multi_prompt",
            {"maxItems": 3},
            f"multi_prompt: items of {RUNCOMFY} was at most 20 items, now at most 3 items",
        ),
        (
            RUNCOMFY_REQUEST,
            "shot_type",
            {"enum": ["customize", "cut"]},
            f'shot_type: enum of {RUNCOMFY} was ["customize"], now ["customize", "cut"]',
        ),
        (
            RUNFLOW_REQUEST,
            "duration",
            {"enum": [str(n) for n in range(3, 11)]},
            "duration: range of runflow/image-to-video was 3..15 (as canonical), now 3..10",
        ),
    ],
)
def test_a_changed_value_fails_naming_field_provider_old_and_new(
    schemas_copy: Path, file: str, name: str, change: dict[str, Any], expected: str
) -> None:
    edit_json(schemas_copy, file, lambda d: _set(d, name, **change))
    code, output = _gate(schemas_copy)
    assert code == 1
    baseline = f"{schemas_copy.as_posix()}/{bl.BASELINE_NAME}"
    assert expected.replace("{baseline}", baseline) in output, output[-1500:]


def test_update_baseline_prints_what_it_changed(schemas_copy: Path) -> None:
    edit_json(schemas_copy, RUNCOMFY_REQUEST, lambda d: _set(d, "duration", default=8))
    result = run("--schemas", str(schemas_copy), "--update-baseline")
    assert result.return_value == 0
    assert f"changed: duration: default of {RUNCOMFY} is 8 (canonical: 5), was 10" in result.output
    assert "(0 added, 0 removed, 1 changed)" in result.output
    assert _gate(schemas_copy)[0] == 0


def _copy_provider(schemas: Path, source: str, new: str) -> None:
    shutil.copytree(schemas / source, schemas / new)
    for path in (schemas / new).rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace(f"id: {source}", f"id: {new}").replace(
                f"provider: {source}", f"provider: {new}"
            ),
            encoding="utf-8",
        )


def _lines(schemas: Path) -> list[str]:
    text = (schemas / bl.BASELINE_NAME).read_text(encoding="utf-8")
    return [line.strip().rstrip(",") for line in text.splitlines()]


def _entries(schemas: Path) -> list[dict[str, Any]]:
    return bl.load(schemas / bl.BASELINE_NAME)


def test_adding_a_provider_adds_only_its_entries(schemas_copy: Path) -> None:
    before = _lines(schemas_copy)
    _copy_provider(schemas_copy, "runcomfy", "zz-copy")
    result = run("--schemas", str(schemas_copy), "--update-baseline")
    assert result.return_value == 0, result.output
    after = _lines(schemas_copy)
    assert set(before) <= set(after)  # every existing entry byte for byte
    added = [json.loads(line) for line in after if line not in before]
    assert added and all(e["providers"] == ["zz-copy/image-to-video"] for e in added)
    assert f"({len(added)} added, 0 removed, 0 changed)" in result.output
    assert all(
        line.startswith("added: ") and "zz-copy/image-to-video" in line
        for line in result.output.splitlines()[:-1]
    )


def test_removing_a_provider_removes_only_its_entries(schemas_copy: Path) -> None:
    before = _entries(schemas_copy)
    shutil.rmtree(schemas_copy / "runcomfy")
    result = run("--schemas", str(schemas_copy), "--update-baseline")
    assert result.return_value == 0, result.output
    after = _entries(schemas_copy)
    removed = [e for e in before if e not in after]
    assert removed and all(e["providers"] == [RUNCOMFY] for e in removed)
    assert [e for e in before if e not in removed] == after
    assert f"(0 added, {len(removed)} removed, 0 changed)" in result.output

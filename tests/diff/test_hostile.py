"""Schema strings and shapes that must not make `diff` (or the changelog `generate` writes)
run long: backtracking patterns, self-referencing properties, shared definitions reached
along exponentially many paths. Each case runs in a subprocess with a hard time limit, so a
regression fails instead of hanging the suite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

LIMIT = 30  # seconds; each case takes well under one


def _catalog(tmp_path: Path, old: Any, new: Any) -> Path:
    for version, schema in (("2026-01-01", old), ("2026-01-02", new)):
        folder = tmp_path / "schemas" / "acme" / "image-to-video" / version
        folder.mkdir(parents=True)
        (folder / "request.json").write_text(json.dumps(schema))
    return tmp_path / "schemas"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args],
        capture_output=True,
        text=True,
        timeout=LIMIT,
        check=False,
    )


EVIL = "^(a+)+$"
HOSTILE = {
    "backtracking pattern, enum of 50 a's and a b": (
        {"type": "string", "enum": ["a" * 50 + "b"]},
        {"type": "string", "enum": ["a" * 50 + "b", "c"], "pattern": EVIL},
    ),
    "nested quantifiers on a 200-character value": (
        {"type": "string", "const": "x" * 200 + "!"},
        {"type": "string", "pattern": "^(x|x|xx)*$"},
    ),
    "property $ref '#' with sibling keywords": (
        {"type": "object", "properties": {"a": {"$ref": "#", "minimum": 1},
                                          "b": {"$ref": "#", "minimum": 2}, "k": {"type": "string"}}},
        {"type": "object", "properties": {"a": {"$ref": "#", "minimum": 1},
                                          "b": {"$ref": "#", "minimum": 2}, "k": {"type": "integer"}}},
    ),
    "shared definitions reached along 2**40 paths": (
        {"$ref": "#/$defs/L0", "$defs": {
            **{f"L{i}": {"type": "object", "properties": {"x": {"$ref": f"#/$defs/L{i + 1}"},
                                                           "y": {"$ref": f"#/$defs/L{i + 1}"}}}
               for i in range(40)},
            "L40": {"type": "string"}}},
        {"$ref": "#/$defs/L0", "$defs": {
            **{f"L{i}": {"type": "object", "properties": {"x": {"$ref": f"#/$defs/L{i + 1}"},
                                                           "y": {"$ref": f"#/$defs/L{i + 1}"}}}
               for i in range(40)},
            "L40": {"type": "integer"}}},
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_diff_finishes_and_still_finds_the_change(tmp_path: Path, name: str) -> None:
    old, new = HOSTILE[name]
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    done = _run("diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--format", "json")
    assert done.returncode == 1, done.stderr  # each case narrows the request: breaking
    report = json.loads(done.stdout)
    assert report["summary"]["breaking"] >= 1
    assert len(report["changes"]) <= 2000


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_changelog_finishes(tmp_path: Path, name: str) -> None:
    old, new = HOSTILE[name]
    schemas = _catalog(tmp_path, old, new)
    done = _run("diff", "--catalog", "--schemas", str(schemas), "--format", "markdown")
    assert done.returncode == 1, done.stderr
    assert "acme/image-to-video" in done.stdout


def test_pattern_matching_is_linear_and_ecma_anchored() -> None:
    from codegen.diff.values import matches

    assert not matches(EVIL, "a" * 5000 + "b")
    assert matches(EVIL, "a" * 5000)
    assert not matches("^[a-z]+$", "abc\n")  # `$` is the end of the text
    assert matches("(a)\\1", "ab")  # not evaluable in linear time: no claim either way
    assert matches("[", "x")  # not a regex: no claim

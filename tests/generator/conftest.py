"""Helpers for generator tests: run the real CLI in a subprocess, read whole trees."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
GOLDEN = ROOT / "tests" / "golden"


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("KLING_CODEGEN_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def read_tree(root: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(root.rglob("*")):
        skipped = any(part == "__pycache__" or part.endswith(".egg-info") for part in path.parts)
        if path.is_file() and not skipped:  # egg-info: from `pip install -e ./generated`
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


@pytest.fixture
def minimal_catalog(tmp_path: Path) -> Path:
    """A writable copy of the `minimal` golden case's catalog."""
    target = tmp_path / "schemas"
    shutil.copytree(GOLDEN / "minimal" / "schemas", target)
    return target

"""Helpers for tests that use kling-codegen as a user would: from folders outside the
repository, through the installed commands and packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
BIN = Path(sys.executable).parent


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run a command (kling-codegen, python, mypy: from this venv) in `cwd`."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KLING_CODEGEN_SCHEMAS")}
    full_env.pop("KLING_CODEGEN_DEBUG", None)
    full_env.update(env or {})
    program = args[0] if "/" in args[0] else str(BIN / args[0])
    return subprocess.run(
        [program, *args[1:]],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def example(target: str, name: str) -> Any:
    """An example payload of the catalog's current version of `target` (a file stem prefix)."""
    from codegen.catalog import load_catalog

    endpoint = load_catalog(SCHEMAS).endpoint(target)
    examples = endpoint.current_version().examples
    stem = next(s for s in sorted(examples) if s.startswith(name))
    return json.loads(json.dumps(examples[stem].data))


def first_valid_request() -> tuple[str, Any]:
    """Some endpoint of the catalog and a valid request example of it."""
    from codegen.catalog import load_catalog

    for endpoint in load_catalog(SCHEMAS).endpoints():
        examples = endpoint.current_version().examples
        for stem in sorted(examples):
            if stem.startswith("request"):
                return endpoint.key, json.loads(json.dumps(examples[stem].data))
    raise AssertionError("no valid request example in the catalog")


def misspelled() -> tuple[str, Any, str, str]:
    """(target, payload, typo, field): a valid request of the catalog with one field
    misspelled the way `durtion` misspells `duration` (a letter dropped)."""
    from codegen.catalog import load_catalog

    for endpoint in load_catalog(SCHEMAS).endpoints():
        examples = endpoint.current_version().examples
        for stem in sorted(s for s in examples if s.startswith("request")):
            payload = json.loads(json.dumps(examples[stem].data))
            found = _rename_one(payload)
            if found:
                return endpoint.key, payload, found[0], found[1]
    raise AssertionError("no request example with a field to misspell")


def _rename_one(node: Any) -> tuple[str, str] | None:
    items = node if isinstance(node, list) else [node]
    for item in items:
        if not isinstance(item, dict):
            continue
        names = sorted(item, key=lambda k: (k != "duration", k))
        for key in names:
            if len(key) >= 6 and isinstance(item[key], int | str):
                typo = key[:4] + key[5:]
                item[typo] = item.pop(key)
                return typo, key
    return None

"""Before the swap: every generated Python file compiles, and the package imports.

A catalog can be valid JSON Schema and still give code that fails on import (a `pattern`
Python's `re` rejects, a bound pydantic cannot hold). Such a run must fail with exit 2 and
leave the output folder alone, so the check runs on the rendered files before `write`: a
compile in this process (never executing anything), then an import of every module in a
fresh, isolated interpreter working in a scratch folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from codegen import scratch
from codegen.errors import SchemaError

IMPORT_TIMEOUT = 300.0
_IMPORT_ALL = r"""
import importlib, json, sys
root, names = sys.argv[1], json.loads(sys.stdin.read())
sys.path.insert(0, root)
failed = []
for name in names:
    try:
        module = importlib.import_module(name)
        if not str(getattr(module, "__file__", "")).startswith(root):
            raise ImportError(f"imported {module.__file__} instead of the generated module")
    except BaseException as exc:  # noqa: BLE001 - every failure is reported, none escapes
        failed.append([name, f"{type(exc).__name__}: {exc}"[:400]])
print(json.dumps(failed))
"""


def check_package(files: Mapping[str, str], sources: Mapping[str, list[str]]) -> None:
    """SchemaError (one problem per failing file, at its first source) unless all is well."""
    problems = [
        (_blame(rel, sources), "", f"generated {rel} does not compile: {error}")
        for rel, error in _compile_errors(files)
    ]
    if not problems:
        first: dict[str, tuple[str, str]] = {}  # an error once, at the deepest module
        for rel, name, error in _import_errors(files):
            if error not in first or name.count(".") > first[error][1].count("."):
                first[error] = (rel, name)
        problems = [
            (_blame(rel, sources), "", f"generated module {name} does not import: {error}")
            for error, (rel, name) in first.items()
        ]
    if problems:
        raise SchemaError(problems)


def _blame(rel: str, sources: Mapping[str, list[str]]) -> str:
    found = sources.get(rel) or []
    schemas = [s for s in found if s.endswith(".json")]
    return (schemas or found or [rel])[0]


def _compile_errors(files: Mapping[str, str]) -> list[tuple[str, str]]:
    errors = []
    for rel, text in files.items():
        if rel.endswith(".py"):
            try:
                compile(text, rel, "exec", dont_inherit=True)
            except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
                errors.append((rel, f"{type(exc).__name__}: {exc}"[:400]))
    return errors


def _module(rel: str) -> str:
    parts = list(Path(rel).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_errors(files: Mapping[str, str]) -> list[tuple[str, str, str]]:
    modules = {_module(rel): rel for rel in sorted(files) if rel.endswith(".py")}
    if not modules:
        return []
    with scratch.folder("import") as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            if rel.endswith(".py") or rel.endswith("py.typed"):
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(text, encoding="utf-8")
        failed = _run(root, list(modules))
    return [(modules.get(name, name), name, error) for name, error in failed]


def _run(root: Path, names: list[str]) -> list[tuple[str, str]]:
    command = [sys.executable, "-I", "-B", "-c", _IMPORT_ALL, str(root)]
    try:
        done = subprocess.run(
            command,
            input=json.dumps(names),
            capture_output=True,
            text=True,
            timeout=IMPORT_TIMEOUT,
            cwd=root,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [(names[0], f"importing took longer than {IMPORT_TIMEOUT:g} s")]
    try:
        failed = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return [(names[0], f"the import check crashed (exit {done.returncode}): {detail[:300]}")]
    return [(str(name), str(error)) for name, error in failed]

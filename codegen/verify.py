"""Before the swap: every generated Python file compiles, and the package imports.

A catalog can be valid JSON Schema and still give code that fails on import (a `pattern`
Python's `re` rejects, a bound pydantic cannot hold). Such a run must fail with exit 2 and
leave the output folder alone, so the check runs on the rendered files before `write`: a
compile in this process (never executing anything), then an import of every module in a
fresh, isolated interpreter working in a scratch folder.
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
    """Import `names` from `root` in a child: forked from this (warm) process when it has no
    other thread, else a fresh isolated interpreter. Either way the child's effects end with
    it, and it never outlives IMPORT_TIMEOUT."""
    if hasattr(os, "fork") and threading.active_count() == 1:
        return _run_forked(root, names)
    return _run_fresh(root, names)


def _run_forked(root: Path, names: list[str]) -> list[tuple[str, str]]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _import_in_child(root, names, write_end)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        output = _read_until(pipe, time.monotonic() + IMPORT_TIMEOUT)
    if output is None:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    if output is None:
        return [(names[0], f"importing took longer than {IMPORT_TIMEOUT:g} s")]
    return _parse(output.decode("utf-8", "replace"), names, "")


def _read_until(pipe: Any, deadline: float) -> bytes | None:
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return None
        chunk = os.read(pipe.fileno(), 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _import_in_child(root: Path, names: list[str], write_end: int) -> None:
    code = 0
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.chdir(root)
        for name in [
            n for n in sys.modules if n == "kling_gateways" or n.startswith("kling_gateways.")
        ]:
            del sys.modules[name]
        sys.path.insert(0, str(root))
        sys.dont_write_bytecode = True
        importlib.invalidate_caches()
        failed = []
        for name in names:
            try:
                module = importlib.import_module(name)
                if not str(getattr(module, "__file__", "")).startswith(str(root)):
                    raise ImportError(f"imported {module.__file__} instead of the generated one")
            except BaseException as exc:  # every failure is reported, none escapes
                failed.append([name, f"{type(exc).__name__}: {exc}"[:400]])
        os.write(write_end, json.dumps(failed).encode("utf-8"))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _run_fresh(root: Path, names: list[str]) -> list[tuple[str, str]]:
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
    return _parse(done.stdout, names, f"exit {done.returncode}: {done.stderr}")


def _parse(output: str, names: list[str], detail: str) -> list[tuple[str, str]]:
    try:
        failed = json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        last = (detail.strip().splitlines() or ["no output"])[-1]
        return [(names[0], f"the import check crashed ({last[:300]})")]
    return [(str(name), str(error)) for name, error in failed]

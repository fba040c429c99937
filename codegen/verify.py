"""Before the swap: every generated Python file compiles, and the package imports.

A catalog can be valid JSON Schema and still give code that fails on import (a `pattern`
Python's `re` rejects, a bound pydantic cannot hold). Such a run must fail with exit 2 and
leave the output folder alone, so the check runs on the rendered files before `write`: a
compile in this process (never executing anything), then an import of the modules in a
child process working in a scratch folder (importcheck.py).

With a cache, a module that passed once is not checked again while nothing it can reach on
import changed: its key is its own text plus the text of every generated module it imports,
directly or not (its parent packages included), plus the Python and library versions.
Editing one schema re-checks the modules that reach it, not the whole package.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from codegen import scratch
from codegen.cache import NO_CACHE, Cache, digest, installed_version
from codegen.errors import SchemaError
from codegen.importcheck import Failures, ImportChecker, run_fresh

RUNTIME_LIBRARIES = ("pydantic", "pydantic-core", "httpx", "jsonschema-rs")


def check_package(
    files: Mapping[str, str],
    sources: Mapping[str, list[str]],
    *,
    cache: Cache = NO_CACHE,
    checker: ImportChecker | None = None,
) -> None:
    """SchemaError (one problem per failing file, at its first source) unless all is well."""
    python = {rel: text for rel, text in files.items() if rel.endswith(".py")}
    keys = module_keys(python) if cache.root is not None else {}
    todo = [rel for rel in python if rel not in keys or cache.get("verified", keys[rel]) is None]
    problems = [
        (_blame(rel, sources), "", f"generated {rel} does not compile: {error}")
        for rel, error in _compile_errors({rel: python[rel] for rel in todo})
    ]
    if not problems:
        first: dict[str, tuple[str, str]] = {}  # an error once, at the deepest module
        for rel, name, error in _import_errors(files, todo, checker):
            if error not in first or name.count(".") > first[error][1].count("."):
                first[error] = (rel, name)
        problems = [
            (_blame(rel, sources), "", f"generated module {name} does not import: {error}")
            for error, (rel, name) in first.items()
        ]
    if problems:
        raise SchemaError(problems)
    for rel in todo:
        if rel in keys:
            cache.put("verified", keys[rel], "ok")


def module_keys(python: Mapping[str, str]) -> dict[str, str]:
    """{path: key} for every module (see the module docstring)."""
    names = {_module(rel): rel for rel in python}
    own = {name: digest(name, _code(python[rel])) for name, rel in names.items()}
    graph: dict[str, set[str]] = {}
    for name, rel in names.items():
        imported = _imports(name, rel, python[rel])
        graph[name] = {m for m in imported | _parents(name) if m in names}
    setting = digest(sys.version, *(f"{n}=={installed_version(n)}" for n in RUNTIME_LIBRARIES))
    return {
        rel: digest(setting, *sorted(own[m] for m in _reached(name, graph)))
        for name, rel in names.items()
    }


def _code(text: str) -> str:
    """`text` without its leading comment block past the first two lines (the provenance
    header: source paths and hashes, which change with every input but never what the
    module does; lines 1-2 stay, where Python looks for an encoding declaration)."""
    lines = text.splitlines(keepends=True)
    body = 2
    while body < len(lines) and lines[body].lstrip().startswith("#"):
        body += 1
    return "".join(lines[:2] + lines[body:])


def _reached(start: str, graph: Mapping[str, set[str]]) -> set[str]:
    """Every generated module that importing `start` imports (itself included)."""
    seen, todo = {start}, [start]
    while todo:
        name = todo.pop()
        for other in graph[name] - seen:
            seen.add(other)
            todo.append(other)
    return seen


def _parents(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


# Import statements anywhere in a module (indented ones too: a conditional or function-level
# import only adds edges, which is safe), with a parenthesized name list across lines.
_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<module>\.*[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#]*)"
    r"|import[ \t]+(?P<plain>[^\n#]*))",
    re.MULTILINE,
)


def _imports(name: str, rel: str, text: str) -> set[str]:
    """The absolute names `text` imports (read from its import statements: the generated
    code is formatted by ruff and schema text only ever appears inside string literals,
    where a line that looks like an import adds an edge and never hides one)."""
    package = name if rel.endswith("__init__.py") else name.rpartition(".")[0]
    found: set[str] = set()
    for match in _IMPORT.finditer(text):
        if match["plain"] is not None:
            found.update(_words(match["plain"]))
            continue
        dots = len(match["module"]) - len(match["module"].lstrip("."))
        base = _absolute(package, match["module"].lstrip(".") or None, dots)
        found.add(base)
        found.update(f"{base}.{word}" for word in _words(match["names"]))
    return found


def _words(names: str) -> list[str]:
    """`a as b, c.d` -> ["a", "c.d"] (the imported names, aliases dropped)."""
    parts = [p.split() for p in names.strip("() \t\n").replace("\n", " ").split(",")]
    return [p[0] for p in parts if p and p[0] != "*"]


def _absolute(package: str, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - (level - 1)]) if level > 1 else package
    return f"{base}.{module}" if module else base


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


def _import_errors(
    files: Mapping[str, str], todo: list[str], checker: ImportChecker | None
) -> list[tuple[str, str, str]]:
    modules = {_module(rel): rel for rel in sorted(todo)}
    if not modules:
        return []
    with scratch.folder("import") as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            if rel.endswith(".py") or rel.endswith("py.typed"):
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(text, encoding="utf-8")
        failed = _run(root, list(modules), checker)
    return [(modules.get(name, name), name, error) for name, error in failed]


def _run(root: Path, names: list[str], checker: ImportChecker | None) -> Failures:
    """Import `names` from `root` in children: the run's warm checker, plus one forked now
    per further core when there are many modules (each child takes whole providers, which
    share their imports); a fresh isolated interpreter where fork is not possible."""
    groups = _groups(names, _children(len(names)))
    checkers = [checker or ImportChecker.start()]
    checkers += [ImportChecker.start() for _ in groups[1:]]
    sent = [c is not None and c.send(root, g) for c, g in zip(checkers, groups, strict=True)]
    failed: Failures = []
    for sent_one, one, group in zip(sent, checkers, groups, strict=True):
        failed += one.answer(group) if sent_one and one is not None else run_fresh(root, group)
    for one in checkers:
        if one is not None:
            one.stop()
    return failed


PER_CHILD = 200  # modules; below this, a second child costs more than it saves


def _children(count: int) -> int:
    return max(1, min(len(os.sched_getaffinity(0)), count // PER_CHILD))


def _groups(names: list[str], count: int) -> list[list[str]]:
    """`names` in `count` groups of whole providers (kling_gateways.<provider>...), the
    biggest providers first, each to the group that is smallest so far."""
    if count == 1:
        return [names]
    by_provider: dict[str, list[str]] = {}
    for name in names:
        by_provider.setdefault(".".join(name.split(".")[:2]), []).append(name)
    groups: list[list[str]] = [[] for _ in range(count)]
    for members in sorted(by_provider.values(), key=len, reverse=True):
        min(groups, key=len).extend(members)
    return [g for g in groups if g] or [names]

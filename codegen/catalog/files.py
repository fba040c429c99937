"""Reading catalog files: JSON or YAML, every failure reported as `file#/pointer: message`."""

from __future__ import annotations

import hashlib
import json
import math
import stat
from pathlib import Path
from typing import Any

from codegen.catalog.model import SourceFile
from codegen.errors import SchemaError

MAX_FILE_BYTES = 8 * 1024 * 1024
# Nesting deeper than this (objects and arrays) is refused: deeper schemas overflow the
# recursion of the tools downstream (datamodel-code-generator, pydantic) with no clear error.
MAX_DEPTH = 64
# Values in one file, counting a YAML alias each time it is used: stops alias bombs.
MAX_VALUES = 1_000_000


def read_source(root: Path, path: Path) -> SourceFile:
    """Parse one JSON or YAML file below `root`."""
    rel = path.relative_to(root).as_posix()
    raw = _read_bytes(rel, _inside(root, rel, path))
    data = _parse(rel, path.suffix, raw)
    _check_values(rel, data)
    return SourceFile(path=rel, data=data, sha256=hashlib.sha256(raw).hexdigest())


def _inside(root: Path, rel: str, path: Path) -> Path:
    """Refuse a file that a symbolic link (of the file or a folder) puts outside `root`."""
    try:
        real, base = path.resolve(strict=True), root.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # a symbolic link loop, a dangling link
        raise SchemaError.at(rel, [], f"cannot resolve: {_reason(exc)}") from None
    if real != base and base not in real.parents:
        raise SchemaError.at(rel, [], "resolves outside the schemas folder (symbolic link)")
    return path


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__


def _read_bytes(rel: str, path: Path) -> bytes:
    if path.is_symlink():
        raise SchemaError.at(rel, [], "symbolic links are not followed in the catalog")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SchemaError.at(rel, [], "not a regular file (a FIFO, socket, device or folder)")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise SchemaError.at(rel, [], f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")
        return path.read_bytes()
    except OSError as exc:
        raise SchemaError.at(rel, [], f"cannot read: {exc.strerror}") from None


def _parse(rel: str, suffix: str, raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SchemaError.at(rel, [], f"not UTF-8 (byte {exc.start})") from None
    if suffix == ".json":
        return _parse_json(rel, text)
    return _parse_yaml(rel, text)


def _check_values(rel: str, data: Any) -> None:
    """Refuse what parses but cannot be generated from: deep nesting, alias bombs, surrogates."""
    budget = MAX_VALUES
    stack: list[tuple[Any, list[str | int]]] = [(data, [])]
    while stack:
        node, parts = stack.pop()
        budget -= 1
        if budget < 0:
            raise SchemaError.at(rel, [], f"more than {MAX_VALUES} values (aliases count per use)")
        if len(parts) > MAX_DEPTH:
            raise SchemaError.at(rel, parts[:MAX_DEPTH], f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, str):
            _check_text(rel, parts, node)
        elif isinstance(node, float) and not math.isfinite(node):
            raise SchemaError.at(
                rel, parts, f"{node!r} is not a finite number (1e400 and .inf are)"
            )
        elif isinstance(node, dict):
            for key, value in node.items():
                _check_text(rel, parts, str(key))
                stack.append((value, [*parts, str(key)]))
        elif isinstance(node, list):
            stack.extend((value, [*parts, i]) for i, value in enumerate(node))


def _check_text(rel: str, parts: list[str | int], text: str) -> None:
    """Strings must be Unicode text: a lone surrogate (JSON "\\ud800") cannot be written out."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        raise SchemaError.at(rel, parts, f"lone surrogate U+{code:04X} is not text") from None


def _parse_json(rel: str, text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique)
    except json.JSONDecodeError as exc:
        raise SchemaError.at(
            rel, [], f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise SchemaError.at(rel, [], f"invalid JSON: {exc}") from None
    except RecursionError:
        raise SchemaError.at(rel, [], f"nested deeper than {MAX_DEPTH} levels") from None


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object; a key given twice is refused (json.loads would silently keep the last)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"key {json.dumps(key)} appears twice in one object")
        found[key] = value
    return found


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _parse_yaml(rel: str, text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~20x faster
    try:
        return yaml.load(text, Loader=loader)  # a SafeLoader (C or pure Python)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise SchemaError.at(rel, [], f"invalid YAML{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise SchemaError.at(rel, [], f"invalid YAML: {exc}") from None
    except RecursionError:
        raise SchemaError.at(rel, [], f"nested deeper than {MAX_DEPTH} levels") from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date such as 2026-13-45
        raise SchemaError.at(rel, [], f"invalid YAML value: {exc}") from None

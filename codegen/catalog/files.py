"""Reading catalog files: JSON or YAML, every failure reported as `file#/pointer: message`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from codegen.catalog.model import SourceFile
from codegen.errors import SchemaError

MAX_FILE_BYTES = 8 * 1024 * 1024


def read_source(root: Path, path: Path) -> SourceFile:
    """Parse one JSON or YAML file below `root`."""
    rel = path.relative_to(root).as_posix()
    raw = _read_bytes(rel, path)
    data = _parse(rel, path.suffix, raw)
    return SourceFile(path=rel, data=data, sha256=hashlib.sha256(raw).hexdigest())


def _read_bytes(rel: str, path: Path) -> bytes:
    if path.is_symlink():
        raise SchemaError.at(rel, [], "symbolic links are not followed in the catalog")
    try:
        size = path.stat().st_size
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


def _parse_json(rel: str, text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise SchemaError.at(
            rel, [], f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise SchemaError.at(rel, [], f"invalid JSON: {exc}") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _parse_yaml(rel: str, text: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise SchemaError.at(rel, [], f"invalid YAML{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise SchemaError.at(rel, [], f"invalid YAML: {exc}") from None

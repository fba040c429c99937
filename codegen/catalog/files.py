"""Reading catalog files: JSON or YAML through the one reader (`codegen.read`), every
failure reported as `file#/pointer: message`; files outside the schemas folder refused."""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from codegen.catalog.model import SourceFile
from codegen.errors import SchemaError
from codegen.read import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES, parse, read_bytes

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_VALUES", "read_source"]


# Parsed files by their exact bytes, for `generate --watch`, which loads the catalog again
# after every edit: a file whose bytes did not change is not parsed and checked again. Each
# hit is a fresh copy (marshal), so no run sees what an earlier one did to its data. Files
# whose data marshal cannot hold (a YAML date) are parsed every time.
_PARSED: dict[tuple[str, bytes], bytes] = {}
PARSED_MAX_BYTES = 64 * 1024 * 1024  # of file bytes remembered; past it, start again
_parsed_bytes = 0


def read_source(root: Path, path: Path, *, real_root: Path | None = None) -> SourceFile:
    """Parse one JSON or YAML file below `root` (`real_root`: root.resolve(), if known)."""
    rel = path.relative_to(root).as_posix()
    raw = read_bytes(_inside(root, rel, path, real_root), rel)
    data = _parsed(rel, raw, "json" if path.suffix == ".json" else "yaml")
    return SourceFile(path=rel, data=data, sha256=hashlib.sha256(raw).hexdigest())


def _parsed(rel: str, raw: bytes, fmt: str) -> Any:
    frozen = _PARSED.get((fmt, raw))
    if frozen is not None:
        return marshal.loads(frozen)
    data = parse(rel, raw, fmt=fmt)
    try:
        frozen = marshal.dumps(data)
    except ValueError:  # a type marshal does not hold
        return data
    global _parsed_bytes
    if _parsed_bytes + len(raw) > PARSED_MAX_BYTES:
        _PARSED.clear()
        _parsed_bytes = 0
    _PARSED[(fmt, raw)] = frozen
    _parsed_bytes += len(raw)
    return data


def parse_bytes(name: str, suffix: str, raw: bytes) -> Any:
    """Parse a document's bytes (JSON for a .json suffix, else YAML) with the catalog's limits."""
    if len(raw) > MAX_FILE_BYTES:
        raise SchemaError.at(name, [], f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES}")
    return parse(name, raw, fmt="json" if suffix == ".json" else "yaml")


def _inside(root: Path, rel: str, path: Path, real_root: Path | None) -> Path:
    """Refuse a file that a symbolic link (of the file or a folder) puts outside `root`,
    symbolic links themselves, and links that loop or dangle."""
    try:
        real, base = path.resolve(strict=True), real_root or root.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # a symbolic link loop, a dangling link
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        raise SchemaError.at(rel, [], f"cannot resolve: {reason or type(exc).__name__}") from None
    if real != base and not str(real).startswith(str(base).rstrip(os.sep) + os.sep):
        raise SchemaError.at(rel, [], "resolves outside the schemas folder (symbolic link)")
    if path.is_symlink():
        raise SchemaError.at(rel, [], "symbolic links are not followed in the catalog")
    return path

"""Reading catalog files: JSON or YAML through the one reader (`codegen.read`), every
failure reported as `file#/pointer: message`; files outside the schemas folder refused."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from codegen.catalog.model import SourceFile
from codegen.errors import SchemaError
from codegen.read import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES, parse, read_bytes

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_VALUES", "read_source"]


def read_source(root: Path, path: Path) -> SourceFile:
    """Parse one JSON or YAML file below `root`."""
    rel = path.relative_to(root).as_posix()
    raw = read_bytes(_inside(root, rel, path), rel)
    data = parse(rel, raw, fmt="json" if path.suffix == ".json" else "yaml")
    return SourceFile(path=rel, data=data, sha256=hashlib.sha256(raw).hexdigest())


def parse_bytes(name: str, suffix: str, raw: bytes) -> Any:
    """Parse a document's bytes (JSON for a .json suffix, else YAML) with the catalog's limits."""
    if len(raw) > MAX_FILE_BYTES:
        raise SchemaError.at(name, [], f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES}")
    return parse(name, raw, fmt="json" if suffix == ".json" else "yaml")


def _inside(root: Path, rel: str, path: Path) -> Path:
    """Refuse a file that a symbolic link (of the file or a folder) puts outside `root`,
    symbolic links themselves, and links that loop or dangle."""
    try:
        real, base = path.resolve(strict=True), root.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # a symbolic link loop, a dangling link
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        raise SchemaError.at(rel, [], f"cannot resolve: {reason or type(exc).__name__}") from None
    if real != base and base not in real.parents:
        raise SchemaError.at(rel, [], "resolves outside the schemas folder (symbolic link)")
    if path.is_symlink():
        raise SchemaError.at(rel, [], "symbolic links are not followed in the catalog")
    return path

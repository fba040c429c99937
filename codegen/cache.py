"""A content-addressed cache, so that regenerating what did not change costs nothing.

Keys are BLAKE2b digests of everything that decides an output: the input bytes, the
generator's own source and templates, and the pinned tool versions. A hit returns the
exact bytes a fresh run would produce, so the cache can never change the output; delete
the folder at any time. Entries are written atomically (temp file + rename).
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

CODEGEN = Path(__file__).resolve().parent
TEMPLATES = CODEGEN.parent / "templates"
PINNED = ("datamodel-code-generator", "ruff")


try:  # CPython's own BLAKE2: `import hashlib` would load OpenSSL first (~3 ms per command)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import blake2b


def digest(*parts: str | bytes) -> str:
    """A key for `parts`, each length-prefixed (so ("ab", "c") and ("a", "bc") differ)."""
    h = blake2b(digest_size=32)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@functools.cache
def generator_fingerprint() -> str:
    """Hash of the generator's code, templates and pinned tool versions."""
    parts: list[str | bytes] = [f"{name}=={installed_version(name)}" for name in PINNED]
    for rel, path in _generator_files():
        parts += [rel, path.read_bytes()]
    return digest(*parts)


@functools.cache
def code_stamp() -> str:
    """A cheap stand-in for `generator_fingerprint` (names, sizes and modification times of
    the generator's files, as Python's own bytecode cache trusts): for commands whose whole
    run is a few milliseconds, such as `validate`."""
    parts: list[str] = []
    for rel, path in _generator_files():
        info = path.stat()
        parts.append(f"{rel}:{info.st_size}:{info.st_mtime_ns}")
    return digest(*parts)


def _generator_files() -> list[tuple[str, Path]]:
    """(path relative to the checkout, path) of every file of codegen/ and templates/, in a
    fixed order, bytecode folders left out."""
    found = []
    for root in (CODEGEN, TEMPLATES):
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                path = Path(folder, name)
                found.append((path.relative_to(CODEGEN.parent).as_posix(), path))
    return found


def installed_version(name: str) -> str:
    """The installed version of distribution `name`, read from its `.dist-info` folder name
    (what importlib.metadata finds first, without importing its ~20 ms of e-mail parsing)."""
    stem = re.sub(r"[-_.]+", "_", name).lower()
    for entry in sys.path:
        folder = Path(entry or ".")
        if not folder.is_dir():
            continue
        for info in sorted(folder.glob("*.dist-info")):
            base, _, version = info.name.removesuffix(".dist-info").partition("-")
            if re.sub(r"[-_.]+", "_", base).lower() == stem and version:
                return version
    from importlib import metadata

    return metadata.version(name)


def tree_key(schemas: Path) -> str:
    """Hash of the whole catalog folder plus the generator: every entry's name and kind
    (an empty folder or a symlink changes the verdict too) and every file's bytes."""
    parts: list[str | bytes] = [generator_fingerprint()]
    for path in sorted(schemas.rglob("*")):
        rel = path.relative_to(schemas).as_posix()
        if path.is_symlink():
            parts += ["link:" + rel, os.readlink(path)]
        elif path.is_dir():
            parts.append("dir:" + rel)
        elif path.is_file():
            parts += ["file:" + rel, path.read_bytes()]
        else:
            parts.append("other:" + rel)
    return digest(*parts)


def user_cache_dir() -> Path:
    """The per-user cache folder: outside the project, so nothing but the output folder is
    written inside it, and private (0700), so other users cannot plant entries."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kling-codegen"


class Cache:
    """A folder of entries `<kind>/<key[:2]>/<key>`; `Cache(None)` caches nothing."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._made: set[Path] = set()  # folders this process has made (one mkdir each)

    def get(self, kind: str, key: str) -> str | None:
        if self.root is None:
            return None
        try:
            return (self.root / kind / key[:2] / key).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def get_json(self, kind: str, key: str) -> dict[str, Any] | None:
        """A stored JSON object, or None when there is none or it does not read as one (an
        entry damaged on disk is a miss, never an error)."""
        text = self.get(kind, key)
        try:
            value = json.loads(text) if text is not None else None
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def put(self, kind: str, key: str, value: str) -> None:
        if self.root is None:
            return
        import tempfile  # here: `validate` reads the cache and should not pay for this import

        folder = self.root / kind / key[:2]
        try:
            if folder not in self._made:
                self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
                folder.mkdir(parents=True, exist_ok=True)
                self._made.add(folder)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(value)
            os.replace(tmp, folder / key)
        except OSError:  # a cache that cannot be written is only a slower run
            self._made.discard(folder)  # (removed under us? made again next time)


NO_CACHE = Cache(None)

"""Read the published document: a local file or an http(s) URL, bytes kept exactly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from codegen.catalog.files import MAX_FILE_BYTES, parse_bytes
from codegen.errors import InputError

TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Published:
    name: str  # as the user gave it: a path or a URL
    filename: str  # the last part of it, for provenance `source`
    raw: bytes
    url: str | None
    data: Any

    @property
    def is_json(self) -> bool:
        return looks_like_json(self.filename, self.raw)


def looks_like_json(filename: str, raw: bytes) -> bool:
    """JSON by name, or by its first character; anything else is read as YAML."""
    return filename.endswith(".json") or raw.lstrip()[:1] in (b"{", b"[")


def is_url(document: str) -> bool:
    return urlsplit(document).scheme in ("http", "https")


def fetch(document: str) -> Published:
    """The document's bytes and parsed data; InputError/SchemaError naming it on failure."""
    if is_url(document):
        raw = _download(document)
        filename = PurePosixPath(urlsplit(document).path).name or "document"
        url: str | None = document
    else:
        raw = _read(Path(document))
        filename, url = Path(document).name, None
    suffix = ".json" if looks_like_json(filename, raw) else ".yaml"
    return Published(document, filename, raw, url, parse_bytes(document, suffix, raw))


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _download(url: str) -> bytes:
    import httpx

    try:
        with httpx.stream("GET", url, timeout=TIMEOUT_SECONDS, follow_redirects=True) as response:
            if response.status_code != 200:
                raise InputError(f"{url}: HTTP {response.status_code}")
            return _limited(url, response)
    except httpx.HTTPError as exc:
        raise InputError(f"{url}: cannot fetch: {exc}") from None


def _limited(url: str, response: Any) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise InputError(f"{url}: larger than {MAX_FILE_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)

"""Local files in requests: turned into data URIs where the provider takes them.

A request may hold `pathlib.Path` values (anywhere in the payload). Where the provider
accepts data URIs or base64 (manifest `file_inputs: data-uri | base64`), each path is
read and inlined; where it needs a URL (`file_inputs: url`, the default), a
`FileInputError` names the field, so the caller knows to upload the file first.
"""

from __future__ import annotations

import base64
import mimetypes
import os
from pathlib import Path
from typing import Any, Literal

from .errors import FileInputError
from .mapping import read_regular_file

FileMode = Literal["url", "data-uri", "base64"]


def data_uri(path: str | os.PathLike[str]) -> str:
    """The contents of a local file as a `data:<mime>;base64,...` URI."""
    mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    return f"data:{mime};base64,{_read_base64(Path(path))}"


def resolve_files(payload: Any, *, mode: FileMode, provider: str = "") -> Any:
    """`payload` with every local path inlined (or a FileInputError): a copy when it holds
    paths, `payload` itself when it holds none (found by a walk that builds no pointers)."""
    if not _holds_path(payload):
        return payload
    return _walk(payload, "", mode=mode, provider=provider)


def _holds_path(node: Any) -> bool:
    if isinstance(node, dict):
        return any(_holds_path(v) for v in node.values())
    if isinstance(node, list):
        return any(_holds_path(v) for v in node)
    return isinstance(node, os.PathLike | tuple)  # the walk turns tuples into lists


def _walk(node: Any, pointer: str, *, mode: FileMode, provider: str) -> Any:
    if isinstance(node, os.PathLike):
        return _inline(Path(node), pointer, mode=mode, provider=provider)
    if isinstance(node, dict):
        return {
            k: _walk(v, f"{pointer}/{_escape(k)}", mode=mode, provider=provider)
            for k, v in node.items()
        }
    if isinstance(node, list | tuple):
        return [
            _walk(v, f"{pointer}/{i}", mode=mode, provider=provider) for i, v in enumerate(node)
        ]
    return node


def _inline(path: Path, pointer: str, *, mode: FileMode, provider: str) -> str:
    if mode == "url":
        raise FileInputError(
            f"{pointer or '/'}: {provider or 'this provider'} needs a URL here, not the local file "
            f"{path.name!r}; upload it somewhere it can fetch and pass the URL"
        )
    if mode == "base64":
        return _read_base64(path, pointer=pointer)
    return _data_uri_at(path, pointer)


def _data_uri_at(path: Path, pointer: str) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{_read_base64(path, pointer=pointer)}"


def _read_base64(path: Path, *, pointer: str = "") -> str:
    try:
        return base64.b64encode(read_regular_file(path)).decode("ascii")
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise FileInputError(f"{pointer or '/'}: cannot read {str(path)!r}: {reason}") from None


def _escape(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")

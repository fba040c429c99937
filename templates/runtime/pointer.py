"""JSON pointers (RFC 6901): the one walker of the runtime (stdlib only)."""

from __future__ import annotations

from typing import Any


def get_pointer(document: Any, pointer: str, default: Any = None) -> Any:
    """The value at a JSON pointer (RFC 6901), or `default` where there is none."""
    if pointer in ("", "/"):
        return document
    node = document
    for raw in pointer.lstrip("/").split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return default
    return node


def set_pointer(document: dict[str, Any], pointer: str, value: Any) -> None:
    """Set a value at a JSON pointer of object keys, creating objects on the way."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("/").split("/")]
    node = document
    for token in tokens[:-1]:
        node = node.setdefault(token, {})
    node[tokens[-1]] = value


def escape(token: str | int) -> str:
    """One reference token, escaped for a pointer."""
    return str(token).replace("~", "~0").replace("/", "~1")


__all__ = ["escape", "get_pointer", "set_pointer"]

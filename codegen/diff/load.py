"""Read a JSON Schema or OpenAPI 3.x document (JSON or YAML) and resolve local `$ref`s."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.errors import InputError


@dataclass(frozen=True)
class Document:
    """A parsed document: `kind` is "openapi" or "schema"."""

    path: str
    data: Any
    kind: str

    def resolve(self, ref: str) -> Any:
        """The target of a local `$ref` ("#/..."); InputError if it points nowhere."""
        if not ref.startswith("#"):
            raise InputError(f"{self.path}: only local $refs are supported, got {ref!r}")
        node = self.data
        for raw in ref[1:].split("/")[1:] if ref != "#" else []:
            token = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise InputError(f"{self.path}{ref}: $ref points to nothing")
        return node


def _parse_json(path: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None


def _parse_yaml(path: str, text: str) -> Any:
    import yaml  # lazily: only YAML inputs pay for it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{path}{where}: invalid YAML: {problem}") from None


def parse_text(path: str, text: str) -> Any:
    """Parse JSON (by extension, or when it looks like JSON) or else YAML."""
    if path.endswith(".json") or text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            if path.endswith(".json"):
                return _parse_json(path, text)
    return _parse_yaml(path, text)


def read_document(path: str | Path) -> Document:
    """Load a file as a Document; every failure is an InputError naming the file."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"{name}: cannot read: {reason}") from None
    return make_document(name, parse_text(name, text))


def make_document(name: str, data: Any) -> Document:
    """Classify parsed data as an OpenAPI 3.x document or a bare JSON Schema."""
    if isinstance(data, dict) and "openapi" in data:
        if not str(data["openapi"]).startswith("3"):
            raise InputError(f"{name}#/openapi: unsupported OpenAPI version {data['openapi']!r}")
        if not isinstance(data.get("paths", {}), dict):
            raise InputError(f"{name}#/paths: expected a mapping")
        return Document(name, data, "openapi")
    if isinstance(data, dict) and "swagger" in data:
        raise InputError(f"{name}#/swagger: Swagger 2.0 is not supported; convert to OpenAPI 3")
    if not isinstance(data, (dict, bool)):
        raise InputError(f"{name}: expected a JSON Schema object or an OpenAPI document")
    return Document(name, data, "schema")

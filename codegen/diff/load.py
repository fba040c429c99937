"""Read a JSON Schema or OpenAPI 3.x document (JSON or YAML) and resolve local `$ref`s."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.errors import InputError
from codegen.read import read_data


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


def read_document(path: str | Path) -> Document:
    """Load a file as a Document; every failure names the file (the one reader's limits)."""
    name = str(path)
    return make_document(name, read_data(Path(path), name=name))


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

"""Checks on loaded files: meta-schema validation and `$ref` hygiene.

Each check returns problems as (file, JSON pointer, message) triples, so that the loader can
report every problem in one go.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from codegen.catalog.model import SourceFile
from codegen.errors import pointer

Problem = tuple[str, str, str]

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
VERSION_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
JSON_SCHEMA_TYPES = {"string", "number", "integer", "boolean", "object", "array", "null"}


def against_meta(source: SourceFile, meta: SourceFile | None) -> list[Problem]:
    """Validate a file against its meta-schema; every error with its pointer."""
    if meta is None:
        return []
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(meta.data)
    errors = sorted(validator.iter_errors(source.data), key=lambda e: list(map(str, e.path)))
    return [(source.path, pointer(e.path), _short(e.message)) for e in errors]


def _short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


def schema_problems(source: SourceFile) -> list[Problem]:
    """A provider or canonical JSON Schema file: an object, only local `$ref`s that resolve."""
    if not isinstance(source.data, dict):
        return [(source.path, "", "a JSON Schema file must hold an object")]
    return [(source.path, pointer(parts), msg) for parts, msg in _ref_problems(source.data)]


def _ref_problems(doc: dict[str, Any]) -> Iterator[tuple[list[str | int], str]]:
    for parts, ref in _refs(doc, []):
        if not ref.startswith("#"):
            yield parts, f"remote $ref {ref!r} is refused: copy the definition into $defs"
        elif _resolve(doc, ref) is None:
            yield parts, f"$ref {ref!r} does not resolve inside this file"


def _refs(node: Any, parts: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield [*parts, "$ref"], ref
        for key, value in node.items():
            yield from _refs(value, [*parts, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, [*parts, index])


def _resolve(doc: Any, ref: str) -> Any:
    node = doc
    for token in [t for t in ref[1:].split("/") if t != ""]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def name_problem(rel: str, name: str, *, what: str) -> Problem | None:
    pattern = VERSION_PATTERN if what == "version" else ID_PATTERN
    if pattern.match(name):
        return None
    hint = "YYYY-MM-DD" if what == "version" else "lowercase letters, digits and dashes"
    return (rel, "", f"{what} folder name {name!r} is not valid ({hint})")

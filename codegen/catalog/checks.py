"""Checks on loaded files: meta-schema validation and `$ref` hygiene.

Each check returns problems as (file, JSON pointer, message) triples, so that the loader can
report every problem in one go.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from codegen.catalog.model import SourceFile
from codegen.errors import pointer

Problem = tuple[str, str, str]

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
VERSION_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
JSON_SCHEMA_TYPES = {"string", "number", "integer", "boolean", "object", "array", "null"}


_COMPILED: dict[str, Any] = {}


def _fast_valid(meta: SourceFile, data: Any) -> bool:
    """jsonschema-rs says valid (its regexes anchor `$` at the very end, like \\Z)."""
    import jsonschema_rs

    try:
        if meta.sha256 not in _COMPILED:
            _COMPILED[meta.sha256] = jsonschema_rs.validator_for(meta.data)
        return bool(_COMPILED[meta.sha256].is_valid(data))
    except Exception:  # anything odd goes to the slow path, which reports it
        return False


def against_meta(source: SourceFile, meta: SourceFile | None) -> list[Problem]:
    """Validate a file against its meta-schema; every error with its pointer."""
    if meta is None:
        return []
    named = _display_name(source) if meta.path.endswith("manifest.schema.json") else []
    if _fast_valid(meta, source.data):
        return named
    from jsonschema import Draft202012Validator

    validator = _strict_patterns(Draft202012Validator)(meta.data)
    errors = sorted(validator.iter_errors(source.data), key=lambda e: list(map(str, e.path)))
    found = [(source.path, pointer(e.path), _short(e.message)) for e in errors]
    return [*found, *named]


@functools.cache
def _strict_patterns(base: Any) -> Any:
    """`base` with ECMA-262 `pattern` semantics: `$` is the end of the text, not a newline.

    Python's `re` lets `^[a-z]+$` match "abc\n"; ids and versions become module names and
    paths, so a trailing newline must not pass.
    """
    from jsonschema import ValidationError, validators

    def pattern(validator: Any, regex: str, instance: Any, schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not re.search(_ecma(regex), instance):
            yield ValidationError(f"{instance!r} does not match {regex!r}")

    extend: Any = validators.extend
    return extend(base, {"pattern": pattern})


@functools.cache
def _ecma(regex: str) -> str:
    """Rewrite each unescaped `$` outside a character class as `\\Z` (end of text)."""
    out, escaped, in_class = [], False, False
    for char in regex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = "\\Z"
        out.append(char)
    return "".join(out)


def _display_name(source: SourceFile) -> list[Problem]:
    """A provider's display name goes into generated docstrings: one plain line of text."""
    name = source.data.get("name") if isinstance(source.data, dict) else None
    if isinstance(name, str) and re.search(r'["\\`<>\x00-\x1f\x7f-\x9f\u2028\u2029]', name):
        message = "a display name: no quotes, backslashes, backticks, <>, or control characters"
        return [(source.path, "/name", message)]
    return []


def _short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


def schema_problems(source: SourceFile) -> list[Problem]:
    """A provider or canonical JSON Schema file: an object, only local `$ref`s that resolve."""
    if not isinstance(source.data, dict):
        return [(source.path, "", "a JSON Schema file must hold an object")]
    found = [*_ref_problems(source.data), *_base_problems(source.data)]
    return [(source.path, source.locate(pointer(parts)), msg) for parts, msg in found]


DRAFT_2020_12 = {
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2020-12/schema#",
}


def _base_problems(doc: dict[str, Any]) -> Iterator[tuple[list[str | int], str]]:
    """Keywords that would make a tool resolve or fetch something outside this file.

    `$id` below the root moves the base URI, so a "#/..." `$ref` under it leaves the file;
    a `$schema` other than draft 2020-12 makes tools look up (or fetch) a meta-schema;
    `$dynamicRef` / `$recursiveRef` to another document are remote `$ref`s by another name.
    """
    from codegen.normalize.walk import subschemas

    for path, node in subschemas(doc):
        parts = list(path)
        if path and "$id" in node:
            yield [*parts, "$id"], "$id is only allowed on the root: it moves where $refs resolve"
        schema = node.get("$schema")
        if schema is not None and (
            path or not (isinstance(schema, str) and schema in DRAFT_2020_12)
        ):
            yield (
                [*parts, "$schema"],
                f"$schema {schema!r} is refused: only draft 2020-12, on the root",
            )
        for key in ("$dynamicRef", "$recursiveRef"):
            ref = node.get(key)
            if ref is not None and not (isinstance(ref, str) and ref.startswith("#")):
                yield [*parts, key], f"remote {key} {ref!r} is refused"


def _ref_problems(doc: dict[str, Any]) -> Iterator[tuple[list[str | int], str]]:
    for parts, ref in refs_in(doc, []):
        if not ref.startswith("#"):
            yield parts, f"remote $ref {ref!r} is refused: copy the definition into $defs"
        elif resolve_local(doc, ref) is None:
            yield parts, f"$ref {ref!r} does not resolve inside this file"


def refs_in(node: Any, parts: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield [*parts, "$ref"], ref
        for key, value in node.items():
            yield from refs_in(value, [*parts, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from refs_in(value, [*parts, index])


def resolve_local(doc: Any, ref: str) -> Any:
    """The node a local `$ref` ("#/...") points to in `doc`, or None if it points nowhere."""
    node = doc
    for token in [t for t in ref[1:].split("/") if t != ""]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, dict) and token.isdigit() and int(token) in node:
            node = node[int(token)]  # a YAML key such as 200 (a status code) parses as a number
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def name_problem(rel: str, name: str, *, what: str) -> Problem | None:
    pattern = VERSION_PATTERN if what == "version" else ID_PATTERN
    if pattern.fullmatch(name):
        return None
    hint = "YYYY-MM-DD" if what == "version" else "lowercase letters, digits and dashes"
    return (rel, "", f"{what} folder name {name!r} is not valid ({hint})")


TODO = "TODO"


def todo_problems(source: SourceFile) -> list[Problem]:
    """Every string value that starts with TODO (left by `kling-codegen import`'s scaffold)."""
    found: list[Problem] = []
    stack: list[tuple[Any, list[str | int]]] = [(source.data, [])]
    while stack:
        node, parts = stack.pop()
        if isinstance(node, str) and node.startswith(TODO):
            found.append((source.path, pointer(parts), f"{_short(node, 160)} (fill this in)"))
        elif isinstance(node, dict):
            stack.extend((v, [*parts, str(k)]) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, [*parts, i]) for i, v in enumerate(node))
    return found

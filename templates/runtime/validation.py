"""Validate raw payloads against a provider's JSON Schema, reporting every error.

Backed by jsonschema-rs (each schema compiled once, when its module loads). Each problem is an
`Issue` with an RFC 6901 JSON pointer into the payload and a message. A failed cross-field
rule (`not`, `oneOf`, `if`/`then`, `dependentRequired`) is said in words, and a schema's
`x-rules` (what JSON Schema cannot state) are checked too: see `rules.py`.

Formats are asserted: where a provider states a format (`uuid`, `uri`, ...) a value that
is not one is an error, not an annotation (2020-12 leaves that to the validator; the normalize stage keeps only the
standard formats, so every `format` left is one jsonschema-rs knows).

Rules a provider states that JSON Schema cannot express are catalog data too, as keywords of
this toolkit's own (`KEYWORDS`), checked here and so by the models' `SchemaChecked` as well:

- `"x-unique-keys": ["taskUUID"]` on an array: no two object items share a value at any of
  those keys (`uniqueItems` compares whole items only).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from . import rules
from .unknown import UnknownField, unknown_fields


class Issue(NamedTuple):
    """One problem: where (RFC 6901 pointer into the payload; "" is the whole payload) and what."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


class UniqueKeys:
    """The `x-unique-keys` keyword (see the module docstring), for jsonschema-rs."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        self.keys = [k for k in value if isinstance(k, str)] if isinstance(value, list) else []

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, list):
            return
        seen: dict[tuple[str, Any], int] = {}
        for index, item in enumerate(instance):
            if not isinstance(item, dict):
                continue
            for key in self.keys:
                if key in item:
                    marker = (key, _same(item[key]))
                    if marker in seen:
                        raise ValueError(
                            f"items {seen[marker]} and {index} have the same {key}"
                            f" {json.dumps(item[key], sort_keys=True)} (it must be unique per item)"
                        )
                    seen[marker] = index


def _same(value: Any) -> Any:
    """A value that is equal for two JSON values exactly when JSON Schema calls them equal:
    numbers by value (1 and 1.0 alike), true never equal to 1, objects and arrays by their
    canonical JSON text."""
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    return ("json", json.dumps(value, sort_keys=True))


KEYWORDS: dict[str, Any] = {"x-unique-keys": UniqueKeys}


def compile_schema(schema: Any) -> Any:
    """A jsonschema-rs validator with formats asserted and this toolkit's keywords."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema, validate_formats=True, keywords=KEYWORDS)


WORDS_KEPT = 1024
# Keywords whose subschemas check the value under a property the schema does not name.
_OPEN_KEYS = ("patternProperties", "additionalProperties", "unevaluatedProperties")


def _checks_under_keys(schema: Any) -> bool:
    """Whether an error can sit below a property named "": the schema names such a property,
    or checks the values of unnamed properties with a subschema that is not trivially true."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict) and "" in properties:
                return True
            if any(isinstance(node.get(k), dict) and node[k] for k in _OPEN_KEYS):
                return True
            stack.extend(node.values())
    return False


def _has_empty_key(payload: Any) -> bool:
    """Whether any object in `payload` has a property named ""."""
    stack = [payload]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "" in node:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _pointer(steps: list[Any]) -> str:
    """RFC 6901 pointer of a validator's instance path (steps are str keys or int indices);
    escaping inlined, as on the path of every error."""
    pointer = ""
    for step in steps:
        if type(step) is not str:
            pointer += f"/{step}"
        elif "~" in step or "/" in step:
            pointer += "/" + step.replace("~", "~0").replace("/", "~1")
        else:
            pointer += "/" + step
    return pointer


def _at(payload: Any, steps: list[Any]) -> Any:
    """The value at a validator's instance path in `payload` (_MISSING where there is none)."""
    node = payload
    for step in steps:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return node


_MISSING: Any = object()


def _issue(pointer: str, message: str) -> Issue:
    """Issue(pointer, message), built without the Python-level `__new__` of a NamedTuple
    (this is on the path of every error)."""
    return tuple.__new__(Issue, (pointer, message))


class SchemaValidator:
    """A JSON Schema, compiled once when its module loads.

    `is_valid(payload)` is the verdict: the compiled validator's own method when the schema
    has no `x-rules` (no Python layer in between); it stops at the first error and builds
    no error objects. `validate(payload)` is every error, collected in one pass: failed
    cross-field rules said in words (remembered per rule where the words do not depend on
    the payload), sorted only when there are several.
    """

    is_valid: Callable[[Any], bool]

    def __init__(self, schema_json: str) -> None:
        self._schema_json = schema_json
        self._root: dict[str, Any] = json.loads(schema_json)
        self._compiled = compile_schema(self._root)
        self._has_rules = '"x-rules"' in schema_json
        self._explains = any(f'"{word}"' in schema_json for word in rules.RULE_KEYWORDS)
        self._words: dict[tuple[Any, ...], str | None] = {}  # schema path -> words
        self._named: dict[tuple[Any, Any], str | None] = {}  # (path, member names) -> words
        self._under_keys = _checks_under_keys(self._root)
        self.is_valid = self._with_rules if self._has_rules else self._compiled.is_valid

    @property
    def schema(self) -> dict[str, Any]:
        """The schema (a fresh copy: changing it changes nothing here)."""
        schema: dict[str, Any] = json.loads(self._schema_json)
        return schema

    def unknown_fields(self, payload: Any) -> list[UnknownField]:
        """Keys of `payload` this schema does not define (typos), with the nearest names."""
        return unknown_fields(self._root, payload)

    def _with_rules(self, payload: Any) -> bool:
        """The verdict for a schema with `x-rules`: the compiled check, then the rules."""
        return bool(self._compiled.is_valid(payload)) and not rules.check(self._root, payload)

    def validate(self, payload: Any) -> list[Issue]:
        errors = self._compiled.iter_errors(payload)
        if not self._explains:
            issues = [_issue(_pointer(e.instance_path), e.message) for e in errors]
        else:
            issues = self._explained(errors, payload)
        if issues and self._under_keys and _has_empty_key(payload):
            issues = self._relocated(payload)
        if self._has_rules:
            issues += [Issue(p, m) for p, m in rules.check(self._root, payload)]
        return issues if len(issues) < 2 else sorted(set(issues))

    def _explained(self, errors: Any, payload: Any) -> list[Issue]:
        """Issues for `errors`, failed rules in words: the words remembered per rule are
        looked up here, the rest asked of `_explain`. The value an error is about is read
        from the payload (`error.instance` is a fresh copy of it), except where a property
        named "" can hide in the instance path: those errors are relocated and read there."""
        words, issues, new = self._words, [], tuple.__new__
        source = _MISSING if self._under_keys else payload
        for error in errors:
            path = tuple(error.schema_path)
            said = words.get(path, _MISSING)
            if said is _MISSING:
                said = self._explain(error, path, source)
            issues.append(new(Issue, (_pointer(error.instance_path), said or error.message)))
        return issues

    def _relocated(self, payload: Any) -> list[Issue]:
        """The errors again, each at its true pointer. jsonschema-rs' error objects leave a
        property named "" out of their instance path (an error under {"": ...} would point
        at its parent); its evaluation output has the right locations, matched here to the
        errors by schema location and message, in order. Only for payloads with such a key."""
        located: dict[tuple[str, str], list[str]] = {}
        for found in self._compiled.evaluate(payload).errors():
            # the error objects' schema paths lose "" segments too: match without them
            where = "".join("/" + part for part in found["schemaLocation"].split("/") if part)
            key = (where, found["error"])
            located.setdefault(key, []).append(found["instanceLocation"])
        issues = []
        for error in self._compiled.iter_errors(payload):
            pointers = located.get((_pointer(error.schema_path), error.message))
            pointer = pointers.pop(0) if pointers else _pointer(error.instance_path)
            path = tuple(error.schema_path)
            words = self._explain(error, path) if self._explains else None
            issues.append(_issue(pointer, words or error.message))
        return issues

    def _explain(self, error: Any, path: tuple[Any, ...], payload: Any = _MISSING) -> str | None:
        """Words for a failed cross-field rule (`path`: the error's schema path), remembered:
        per rule when they come from the schema alone, per rule and set of member names when
        they name what the payload has (up to WORDS_KEPT of those, so that payloads cannot
        grow the memory). The value is read from `payload` at the error's path when given,
        else from the error."""
        words = self._words.get(path, _MISSING)
        if words is not _MISSING:
            return words  # type: ignore[no-any-return]
        if rules.innermost_rule(path) is None:
            self._words[path] = None
            return None
        if not rules.reads_instance(path):
            self._words[path] = rules.explain(self._root, path, None)
            return self._words[path]
        instance = _MISSING if payload is _MISSING else _at(payload, error.instance_path)
        if instance is _MISSING:
            instance = error.instance
        names = frozenset(instance) if isinstance(instance, dict) else type(instance).__name__
        key = (path, names)
        if key not in self._named:
            words = rules.explain(self._root, path, instance)
            if len(self._named) >= WORDS_KEPT:
                return words
            self._named[key] = words
        return self._named[key]

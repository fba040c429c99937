"""Validate raw payloads against a provider's JSON Schema, reporting every error.

Backed by jsonschema-rs (compiled once per schema, on first use). Each problem is an
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
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from . import rules
from .pointer import escape
from .unknown import UnknownField, unknown_fields


class Issue(NamedTuple):
    """One problem: where (RFC 6901 pointer into the payload; "" is the whole payload) and what."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


def _pointer(parts: Any) -> str:
    return "".join("/" + escape(p) for p in parts or ())


class UniqueKeys:
    """The `x-unique-keys` keyword (see the module docstring), for jsonschema-rs."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        self.keys = [k for k in value if isinstance(k, str)] if isinstance(value, list) else []

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, list):
            return
        seen: dict[tuple[str, str], int] = {}
        for index, item in enumerate(instance):
            for key in self.keys:
                if not isinstance(item, dict) or key not in item:
                    continue
                marker = (key, json.dumps(item[key], sort_keys=True))
                if marker in seen:
                    raise ValueError(
                        f"items {seen[marker]} and {index} have the same {key} {marker[1]}"
                        " (it must be unique per item)"
                    )
                seen[marker] = index


KEYWORDS: dict[str, Any] = {"x-unique-keys": UniqueKeys}


def compile_schema(schema: Any) -> Any:
    """A jsonschema-rs validator with formats asserted and this toolkit's keywords."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema, validate_formats=True, keywords=KEYWORDS)


class SchemaValidator:
    """A JSON Schema, compiled lazily; `validate(payload)` returns every Issue, sorted.

    `is_valid` is the compiled validator's own method once compiled (no Python layer in
    between). `validate` answers a valid payload with that verdict alone (jsonschema-rs'
    `is_valid` stops early and builds no error objects); for an invalid one it collects the
    errors once and sorts them only when there are several.
    """

    is_valid: Callable[[Any], bool]

    def __init__(self, schema_json: str) -> None:
        self._schema_json = schema_json
        self._compiled: Any = None
        self._lock = threading.Lock()
        self._root: dict[str, Any] | None = None
        self._has_rules = '"x-rules"' in schema_json
        self.is_valid = self._first_is_valid

    def _schema_root(self) -> dict[str, Any]:
        if self._root is None:
            self._root = self.schema
        return self._root

    @property
    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = json.loads(self._schema_json)
        return schema

    def unknown_fields(self, payload: Any) -> list[UnknownField]:
        """Keys of `payload` this schema does not define (typos), with the nearest names."""
        return unknown_fields(self._schema_root(), payload)

    def _validator(self) -> Any:
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    compiled = compile_schema(self.schema)
                    self.is_valid = self._with_rules if self._has_rules else compiled.is_valid
                    self._compiled = compiled
        return self._compiled

    def _first_is_valid(self, payload: Any) -> bool:
        self._validator()
        return bool(self.is_valid(payload))

    def _with_rules(self, payload: Any) -> bool:
        """The verdict for a schema with `x-rules`: the compiled check, then the rules."""
        if not self._compiled.is_valid(payload):
            return False
        return not rules.check(self._schema_root(), payload)

    def validate(self, payload: Any) -> list[Issue]:
        validator = self._compiled if self._compiled is not None else self._validator()
        broken = rules.check(self._schema_root(), payload) if self._has_rules else []
        if not broken and validator.is_valid(payload):  # the fastest answer for a valid one
            return []
        issues = [self._issue(e) for e in validator.iter_errors(payload)]
        issues += [Issue(p, m) for p, m in broken]
        return issues if len(issues) == 1 else sorted(set(issues))

    def _issue(self, error: Any) -> Issue:
        """The validator's message, or words for a failed cross-field rule."""
        path = list(error.schema_path)
        words = None
        if any(step in rules.RULE_KEYWORDS for step in path):
            words = rules.explain(self._schema_root(), path, error.instance)
        return Issue(_pointer(error.instance_path), words or error.message)

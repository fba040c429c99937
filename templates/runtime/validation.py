"""Validate raw payloads against a provider's JSON Schema, reporting every error.

Backed by jsonschema-rs (compiled once per schema, on first use). Each problem is an
`Issue` with an RFC 6901 JSON pointer into the payload and a message. A failed cross-field
rule (`not`, `oneOf`, `if`/`then`, `dependentRequired`) is said in words, and a schema's
`x-rules` (what JSON Schema cannot state) are checked too: see `rules.py`.
"""

from __future__ import annotations

import json
import threading
from typing import Any, NamedTuple

from . import rules


class Issue(NamedTuple):
    """One problem: where (RFC 6901 pointer into the payload; "" is the whole payload) and what."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


def _pointer(parts: Any) -> str:
    if not parts:
        return ""
    return "".join(
        [
            f"/{p.replace('~', '~0').replace('/', '~1')}" if isinstance(p, str) else f"/{p}"
            for p in parts
        ]
    )


class SchemaValidator:
    """A JSON Schema, compiled lazily; `validate(payload)` returns every Issue, sorted."""

    def __init__(self, schema_json: str) -> None:
        self._schema_json = schema_json
        self._compiled: Any = None
        self._lock = threading.Lock()
        self._root: dict[str, Any] | None = None
        self._has_rules = '"x-rules"' in schema_json

    def _schema_root(self) -> dict[str, Any]:
        if self._root is None:
            self._root = self.schema
        return self._root

    @property
    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = json.loads(self._schema_json)
        return schema

    def _validator(self) -> Any:
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    import jsonschema_rs

                    self._compiled = jsonschema_rs.validator_for(self.schema)
        return self._compiled

    def is_valid(self, payload: Any) -> bool:
        compiled = self._compiled if self._compiled is not None else self._validator()
        if not compiled.is_valid(payload):
            return False
        return not (self._has_rules and rules.check(self._schema_root(), payload))

    def validate(self, payload: Any) -> list[Issue]:
        validator = self._compiled if self._compiled is not None else self._validator()
        found = set()
        if not validator.is_valid(payload):
            found = {self._issue(e) for e in validator.iter_errors(payload)}
        if self._has_rules:
            found |= {Issue(p, m) for p, m in rules.check(self._schema_root(), payload)}
        return sorted(found)

    def _issue(self, error: Any) -> Issue:
        """The validator's message, or words for a failed cross-field rule."""
        path = list(error.schema_path)
        words = None
        if any(step in rules.RULE_KEYWORDS for step in path):
            words = rules.explain(self._schema_root(), path, error.instance)
        return Issue(_pointer(error.instance_path), words or error.message)

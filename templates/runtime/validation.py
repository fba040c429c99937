"""Validate raw payloads against a provider's JSON Schema, reporting every error.

Backed by jsonschema-rs (compiled once per schema, on first use). Each problem is an
`Issue` with an RFC 6901 JSON pointer into the payload and a message.
"""

from __future__ import annotations

import json
import threading
from typing import Any, NamedTuple

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


class SchemaValidator:
    """A JSON Schema, compiled lazily; `validate(payload)` returns every Issue, sorted."""

    def __init__(self, schema_json: str) -> None:
        self._schema_json = schema_json
        self._compiled: Any = None
        self._parsed: dict[str, Any] | None = None
        self._lock = threading.Lock()

    @property
    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = json.loads(self._schema_json)
        return schema

    def unknown_fields(self, payload: Any) -> list[UnknownField]:
        """Keys of `payload` this schema does not define (typos), with the nearest names."""
        if self._parsed is None:
            self._parsed = self.schema
        return unknown_fields(self._parsed, payload)

    def _validator(self) -> Any:
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    import jsonschema_rs

                    self._compiled = jsonschema_rs.validator_for(self.schema)
        return self._compiled

    def is_valid(self, payload: Any) -> bool:
        compiled = self._compiled if self._compiled is not None else self._validator()
        return bool(compiled.is_valid(payload))

    def validate(self, payload: Any) -> list[Issue]:
        validator = self._compiled if self._compiled is not None else self._validator()
        if validator.is_valid(payload):
            return []
        issues = {
            Issue(_pointer(e.instance_path), e.message) for e in validator.iter_errors(payload)
        }
        return sorted(issues)

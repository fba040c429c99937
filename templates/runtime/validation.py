"""Validate raw payloads against a provider's JSON Schema, reporting every error.

Backed by jsonschema-rs (compiled once per schema, on first use). Each problem is an
`Issue` with an RFC 6901 JSON pointer into the payload and a message.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, NamedTuple


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
        self.is_valid = self._first_is_valid

    @property
    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = json.loads(self._schema_json)
        return schema

    def _validator(self) -> Any:
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    import jsonschema_rs

                    compiled = jsonschema_rs.validator_for(self.schema)
                    self.is_valid = compiled.is_valid
                    self._compiled = compiled
        return self._compiled

    def _first_is_valid(self, payload: Any) -> bool:
        return bool(self._validator().is_valid(payload))

    def validate(self, payload: Any) -> list[Issue]:
        validator = self._compiled if self._compiled is not None else self._validator()
        if validator.is_valid(payload):  # the verdict alone is the fastest check of a valid one
            return []
        errors = list(validator.iter_errors(payload))
        if len(errors) == 1:
            return [Issue(_pointer(errors[0].instance_path), errors[0].message)]
        return sorted({Issue(_pointer(e.instance_path), e.message) for e in errors})

"""Every error's pointer is where it is in the payload, also under a property named "".

jsonschema-rs' error objects leave "" out of their instance path (an error under {"": ...}
would point at its parent object); the runtime takes those locations from its evaluation
output instead. python-jsonschema is the reference: its error paths keep every key.
"""

from __future__ import annotations

import json
import os
from typing import Any

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.errors import pointer
from codegen.runtime import runtime_module

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "": {"type": "integer", "minimum": 0},
        "a": {"type": "object", "properties": {"": {"type": "string", "minLength": 2}}},
        "m": {"type": "object", "additionalProperties": {"type": "integer"}},
        "p": {"type": "object", "patternProperties": {"^$": {"enum": [1, 2]}}},
        "l": {"type": "array", "items": {"type": "object", "properties": {"": {"maximum": 3}}}},
    },
}
VALIDATOR = runtime_module("validation").SchemaValidator(json.dumps(SCHEMA))
REFERENCE = jsonschema.Draft202012Validator(SCHEMA)


def _reference(payload: Any) -> list[tuple[str, str]]:
    return sorted((pointer(e.absolute_path), e.validator) for e in REFERENCE.iter_errors(payload))


def _ours(payload: Any) -> list[str]:
    return sorted(issue.pointer for issue in VALIDATOR.validate(payload))


def test_errors_under_empty_keys_point_there() -> None:
    payload = {"": "x", "a": {"": 1}, "m": {"": "no", "k": "no"}, "l": [{"": 9}, {"": 1}]}
    assert _ours(payload) == ["/", "/a/", "/l/0/", "/m/", "/m/k"]
    assert _ours(payload) == [p for p, _ in _reference(payload)]


def test_payloads_without_empty_keys_are_unchanged() -> None:
    payload = {"a": {"b": 1}, "m": {"k": "no"}, "l": [{"x": 9}]}
    assert _ours(payload) == ["/m/k"]


values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["", "a", "k"]), inner, max_size=3)
    ),
    max_leaves=8,
)
payloads = st.dictionaries(st.sampled_from(["", "a", "m", "p", "l"]), values, max_size=5)


@settings(max_examples=int(os.environ.get("KLING_TEST_EXAMPLES", "300")), deadline=None)
@given(payloads)
def test_pointers_match_the_reference(payload: dict[str, Any]) -> None:
    assert _ours(payload) == [p for p, _ in _reference(payload)]

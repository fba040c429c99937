"""Property tests: every valid canonical request either translates to a payload the
provider's own schema accepts, or yields exactly the outcome its mapping's policy names.
A payload that the provider schema rejects must be traceable to a canonical field (the
generated `translate` turns it into a TranslationError); nothing is silently wrong."""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import (
    canonical_validator,
    load_mappings,
    load_runtime,
    provider_schema,
    provider_validator,
)
from .expressible import limits
from .strategies import requests

SETTINGS = settings(
    max_examples=int(os.environ.get("KLING_TEST_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
MAPPINGS = load_mappings()
TARGETS = sorted(MAPPINGS)


def expressible(key: str) -> dict[str, Any]:
    """What `key` can express, from its mapping and request schema (see expressible.py)."""
    mapping = MAPPINGS[key]
    return limits(mapping, provider_schema(key, mapping["version"]))


def _body(payload: Any, mapping: dict[str, Any]) -> dict[str, Any]:
    for step in reversed(mapping["request"].get("envelope", [])):
        if step["step"] == "array":
            payload = payload[0]
        elif step["step"] == "nest":
            payload = payload[step["key"]]
    assert isinstance(payload, dict)
    return payload


def _has(body: dict[str, Any], path: str) -> bool:
    node: Any = body
    for key in path.removesuffix("[]").split("."):
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


def _check_faithful(request: dict[str, Any], payload: Any, warnings: list[str], key: str) -> None:
    """Every canonical field is in the payload where the mapping says, or named in a warning."""
    mapping = MAPPINGS[key]
    body = _body(payload, mapping)
    for name, spec in mapping["request"]["fields"].items():
        if name not in request:
            continue
        if "unsupported" in spec:
            assert spec["unsupported"] != "error"
            assert any(w.startswith(f"{name}:") for w in warnings), (name, warnings)
            assert (name in body) == (spec["unsupported"] == "pass")
        elif spec["to"] == ".":
            assert all(k in body for k in spec["transforms"][0]["table"][request[name]])
        else:
            assert _has(body, spec["to"]), (name, spec["to"], body)


def _outcome(
    request: dict[str, Any], key: str, runtime: ModuleType, translate: Callable[..., Any]
) -> str:
    mapping = MAPPINGS[key]
    try:
        payload, warnings = translate(request, key)
    except runtime.TranslationError as exc:
        top = exc.field.split(".")[0].split("[")[0]
        assert top in request, (exc.field, request)
        return "refused"
    _check_faithful(request, payload, warnings, key)
    errors = list(provider_validator(key, mapping["version"]).iter_errors(payload))
    for error in errors:
        pointer = "".join(f"/{p}" for p in error.absolute_path)
        field = runtime.locate(mapping, pointer) or _named(error.message, runtime, mapping)
        # a field the request has, or one the provider requires and the request lacks
        assert field is not None and field in mapping["request"]["fields"], (pointer, error.message)
    return "rejected" if errors else "valid"


def _named(message: str, runtime: ModuleType, mapping: dict[str, Any]) -> str | None:
    for row in runtime.describe(mapping):
        leaf = row["provider"].removesuffix("[]").rsplit(".", 1)[-1]
        if f"'{leaf}'" in message and "[]." not in row["canonical"]:
            return str(row["canonical"])
    return None


@pytest.mark.parametrize("endpoint", sorted({m["canonical"] for m in MAPPINGS.values()}))
@SETTINGS
@given(data=st.data())
def test_every_valid_request_is_translated_or_refused_for_a_reason(
    endpoint: str, data: st.DataObject, runtime: ModuleType, translate: Callable[..., Any]
) -> None:
    request = data.draw(requests(endpoint))
    validator = canonical_validator(endpoint)
    assert not list(validator.iter_errors(request))
    assert not load_runtime("rules").check(validator.schema, request)  # the x-rules hold
    for key in (k for k in TARGETS if MAPPINGS[k]["canonical"] == endpoint):
        assert _outcome(request, key, runtime, translate) in {"valid", "refused", "rejected"}


@pytest.mark.parametrize("key", TARGETS)
@SETTINGS
@given(data=st.data())
def test_expressible_requests_translate_to_valid_payloads(
    key: str, data: st.DataObject, runtime: ModuleType, translate: Callable[..., Any]
) -> None:
    endpoint = MAPPINGS[key]["canonical"]
    request = data.draw(requests(endpoint, **expressible(key)))
    assert not list(canonical_validator(endpoint).iter_errors(request))
    assert _outcome(request, key, runtime, translate) == "valid"


@pytest.mark.parametrize("key", TARGETS)
@SETTINGS
@given(data=st.data())
def test_unsupported_fields_follow_their_policy(
    key: str, data: st.DataObject, runtime: ModuleType, translate: Callable[..., Any]
) -> None:
    endpoint = MAPPINGS[key]["canonical"]
    request = data.draw(requests(endpoint, **expressible(key)))
    fields = MAPPINGS[key]["request"]["fields"]
    unsupported = [n for n, s in fields.items() if "unsupported" in s]
    if not unsupported:
        return
    name = data.draw(st.sampled_from(unsupported))
    spec = fields[name]
    value = data.draw(_value_for(name, request))
    request = {
        k: v
        for k, v in request.items()
        if k not in ("prompt", "multi_prompt") or name != "multi_prompt"
    }
    request[name] = value
    allowed = spec.get("only")
    refuses = spec["unsupported"] == "error" or (allowed is not None and value not in allowed)
    if refuses:
        with pytest.raises(runtime.TranslationError) as caught:
            translate(request, key)
        assert caught.value.field == name
    else:
        payload, warnings = translate(request, key)
        assert any(w.startswith(f"{name}:") for w in warnings)
        assert (name in _body(payload, MAPPINGS[key])) == (spec["unsupported"] == "pass")


def _value_for(name: str, request: dict[str, Any]) -> st.SearchStrategy[Any]:
    values: dict[str, st.SearchStrategy[Any]] = {
        "cfg_scale": st.floats(0, 1, allow_nan=False),
        "generate_audio": st.booleans(),
        "shot_type": st.sampled_from(["customize", "intelligent"]),
        "multi_prompt": st.just([{"prompt": "a shot", "duration": 5}]),
        "elements": st.just([{"frontal_image": "https://example.com/e.png"}]),
    }
    return values[name]

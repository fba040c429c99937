"""The canonical model's cross-field rules, and rules in words everywhere.

Shots: every shot within the range the gateways share (3..15 s), durations for every shot
or none, adding up to `duration` (absent: `duration` is their sum). `@ElementN` names an
element the request has. `translate` and `quote` refuse a request that breaks one, naming
the field and the reason. Every `not`/`oneOf`/`if`-`then`/`dependentRequired` rule in the
catalog is said in words, the same from the validators, the models and the CLI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen.catalog import load_catalog
from codegen.normalize import normalize_schema
from kling_gateways.canonical import REQUEST_MODELS, TranslationError, quote, targets, translate

from .conftest import SCHEMAS, load_runtime

KLING = Path(sys.executable).with_name("kling-codegen")
RULES = load_runtime("rules")
IMAGE = "https://x.test/a.png"
NINE_IN_FIVE = {
    "start_image": IMAGE,
    "duration": 5,
    "multi_prompt": [{"prompt": "a cat", "duration": 3}, {"prompt": "a dog", "duration": 6}],
}


def _shots_target() -> str:
    """A gateway (from the catalog's mappings) that takes multi-shot requests and documents
    a price for them."""
    request = {**NINE_IN_FIVE, "duration": 9, "generate_audio": False}
    priced = {q.target for q in quote(request) if q.price and q.price["known"]}
    for target in targets(endpoint="image-to-video"):
        try:
            translate(request, to=target)
        except TranslationError:
            continue
        if target in priced:
            return str(target)
    raise AssertionError("no gateway in the catalog takes (and prices) multi-shot requests")


def _cli(tmp_path: Path, *args: str, request: Any) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    command = [str(KLING), *args, str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


SUM_REASON = "the shots' durations add up to 9 s, but `duration` is 5 s"


def test_translate_refuses_shots_that_do_not_add_up() -> None:
    with pytest.raises(TranslationError) as caught:
        translate(NINE_IN_FIVE, to=_shots_target())
    assert caught.value.field == "duration" and SUM_REASON in caught.value.reason


def test_quote_refuses_shots_that_do_not_add_up() -> None:
    with pytest.raises(TranslationError) as caught:
        quote(NINE_IN_FIVE)
    assert caught.value.field == "duration" and SUM_REASON in caught.value.reason


@pytest.mark.parametrize("command", [["translate", "--to", "{target}"], ["quote"]])
def test_the_cli_refuses_them_with_field_and_reason(tmp_path: Path, command: list[str]) -> None:
    args = [a.replace("{target}", _shots_target()) for a in command]
    done = _cli(tmp_path, *args, request=NINE_IN_FIVE)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "duration: not a valid canonical request: " + SUM_REASON in done.stderr


def test_without_duration_it_is_the_sum_of_the_shots() -> None:
    request = {key: v for key, v in NINE_IN_FIVE.items() if key != "duration"}
    request["generate_audio"] = False
    payload, _warnings = translate(request, to=_shots_target())
    body = _holder(payload, "multi_prompt")
    assert body is not None and str(body["duration"]) == "9"  # "9" where the wire wants text
    priced = {q.target: q for q in quote(request)}[_shots_target()]
    assert priced.accepts and priced.price["total"] == pytest.approx(9 * priced.price["per_second"])


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (
            {"multi_prompt": [{"prompt": "a", "duration": 2}]},
            "multi_prompt",
            "add up to 2 s; a video lasts 3..15 s",
        ),
        (
            {"multi_prompt": [{"prompt": "a", "duration": 4}, {"prompt": "b"}]},
            "multi_prompt[1].duration",
            "give every shot a `duration`, or none",
        ),
        (
            {"multi_prompt": [{"prompt": "a", "duration": 10}, {"prompt": "b", "duration": 10}]},
            "multi_prompt",
            "add up to 20 s; a video lasts 3..15 s",
        ),
        (
            {"prompt": "@Element2 waves", "elements": [{"frontal_image": IMAGE}]},
            "prompt",
            "@Element2 refers to element 2, but the request has 1 `elements`",
        ),
        (
            {"multi_prompt": [{"prompt": "@Element1 waves", "duration": 5}]},
            "multi_prompt[0].prompt",
            "@Element1 refers to element 1, but the request has 0 `elements`",
        ),
        (
            {"prompt": "a", "multi_prompt": [{"prompt": "b"}]},
            "(request)",
            "give `prompt` or `multi_prompt`, not both",
        ),
    ],
)
def test_each_rule_is_refused_with_field_and_reason(
    change: dict[str, Any], field: str, reason: str
) -> None:
    request = {"start_image": IMAGE, **change}
    for target in targets(endpoint="image-to-video"):
        with pytest.raises(TranslationError) as caught:
            translate(request, to=target)
        assert caught.value.field == field and reason in caught.value.reason


def test_models_and_validators_say_the_same_words() -> None:
    model = REQUEST_MODELS["image-to-video"]
    both = {"start_image": IMAGE, "prompt": "a", "multi_prompt": [{"prompt": "b"}]}
    issues = model.__kling_schema__.validate(both)
    assert [str(i) for i in issues] == ["/: give `prompt` or `multi_prompt`, not both"]
    with pytest.raises(ValueError, match="give `prompt` or `multi_prompt`, not both"):
        model.model_validate(both)


def _rules(node: Any, path: list[Any]) -> Iterator[tuple[list[Any], Any]]:
    """(schema path to the failing keyword, an instance that fails it) for every rule."""
    inside = path[-1] if path else None  # `if: {not}` is a condition; `not: {anyOf}` one rule
    if isinstance(node, dict) and inside not in ("if", "not"):
        for keyword in ("not", "oneOf"):
            if keyword in node:
                yield [*path, keyword], {}
        if "then" in node and isinstance(node["then"], dict):
            then = node["then"]
            tail = ["required"] if "required" in then else ["not"]
            yield [*path, "then", *tail], {}
        if isinstance(node.get("dependentRequired"), dict):
            yield [*path, "dependentRequired"], dict.fromkeys(node["dependentRequired"], 1)
        if isinstance(node.get("anyOf"), list) and RULES._required_sets(node["anyOf"]):
            yield [*path, "anyOf"], {}
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _rules(value, [*path, key])
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _rules(value, [*path, i])


def _catalog_schemas() -> Iterator[tuple[str, Any]]:
    catalog = load_catalog(SCHEMAS)
    for name, files in sorted(catalog.canonical.items()):
        yield f"canonical/{name}/request.json", files["request"].data
    for endpoint in catalog.endpoints():
        for version in endpoint.versions.values():
            for kind, source in sorted(version.schemas.items()):
                label = f"{endpoint.key}/{version.version}/{kind}.json"
                yield label, normalize_schema(source).validator


def test_every_rule_in_the_catalog_has_words() -> None:
    found = 0
    for label, schema in _catalog_schemas():
        for path, instance in _rules(schema, []):
            words = RULES.explain(schema, path, instance)
            assert words and "{" not in words and "is not allowed" not in words, (label, path)
            found += 1
    assert found >= 10  # the catalog has such rules; the walk found them


def _holder(node: Any, key: str) -> Any:
    """The first object in a payload that has `key` (the body, inside any envelope)."""
    if isinstance(node, dict):
        if key in node:
            return node
        node = list(node.values())
    if isinstance(node, list):
        return next((found for v in node if (found := _holder(v, key)) is not None), None)
    return None


def _with_prompt_too(node: Any) -> bool:
    """Add a `prompt` beside the first `multi_prompt` in a payload (breaking its rule)."""
    body = _holder(node, "multi_prompt")
    if body is not None:
        body["prompt"] = "one prompt as well"
    return body is not None


def test_the_validate_cli_and_the_validators_say_it_in_words(tmp_path: Path) -> None:
    import importlib

    from kling_gateways.canonical import TARGETS

    target = _shots_target()
    request = {**NINE_IN_FIVE, "duration": 9, "generate_audio": False}
    payload, _warnings = translate(request, to=target)
    assert _with_prompt_too(payload)
    provider_module, endpoint_module = TARGETS[target]
    validator = importlib.import_module(f"kling_gateways.{provider_module}.{endpoint_module}")
    issues = [f"#{i.pointer}: {i.message}" for i in validator.validate_request(payload)]
    done = _cli(tmp_path, "validate", target, request=payload)
    assert done.returncode == 1
    printed = [line.split(".json", 1)[1] for line in done.stdout.splitlines()]
    assert printed == issues and any(
        "give `prompt` or `multi_prompt`, not both" in i for i in issues
    )


def test_a_malformed_rule_is_a_catalog_error_with_file_and_pointer(tmp_path: Path) -> None:
    import shutil

    from codegen.errors import SchemaError

    schemas = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, schemas)
    path = schemas / "canonical" / "image-to-video" / "request.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["x-rules"][0]["equals"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SchemaError) as caught:
        load_catalog(schemas)
    assert "canonical/image-to-video/request.json#/x-rules/0" in str(caught.value)
    done = subprocess.run(
        [str(KLING), "generate", "--schemas", str(schemas), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_rule_messages_are_data_not_format_strings() -> None:
    hostile = "<script>{__class__} {sum.__class__} {total}{"
    root = {
        "properties": {"duration": {"minimum": 3, "maximum": 15}},
        "x-rules": [
            {"rule": "sum", "items": "shots", "of": "d", "equals": "duration"}
            | {"message": hostile, "each": "each", "range": "range"}
        ],
    }
    found = RULES.check(root, {"duration": 5, "shots": [{"d": 4}, {"d": 4}]})
    assert found == [("/duration", "<script>{__class__} {sum.__class__} 5{")]

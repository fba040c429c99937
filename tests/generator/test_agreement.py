"""Every example payload in the catalog: models and validators give the same verdict.

`request-*`/`response-*`/... must be valid, `invalid-<kind>-*` must fail, both ways. And
every valid request of every version, broken where its schema states a rule, must be
refused by both, the validator naming the place, the value and the rule.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from .conftest import SCHEMAS

KINDS = ("request", "response", "status", "callback")


def _examples() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(SCHEMAS.glob("*/*/*/examples/*.json")):
        name = path.stem.removeprefix("invalid-")
        kind = next((k for k in KINDS if name.startswith(k)), None)
        assert kind is not None, f"cannot tell which body {path} is"
        found.append((kind, path))
    return found


EXAMPLES = _examples()


def _module(path: Path) -> Any:
    provider, endpoint, version = path.relative_to(SCHEMAS).parts[:3]
    package = ".".join(part.replace("-", "_") for part in (provider, endpoint))
    return importlib.import_module(f"kling_gateways.{package}.v{version.replace('-', '_')}")


def test_catalog_has_examples_of_both_verdicts() -> None:
    names = [p.stem for _k, p in EXAMPLES]
    assert sum(n.startswith("invalid-") for n in names) >= 20
    assert sum(not n.startswith("invalid-") for n in names) >= 10


@pytest.mark.parametrize(
    ("kind", "path"), EXAMPLES, ids=[str(p.relative_to(SCHEMAS)) for _k, p in EXAMPLES]
)
def test_model_and_validator_agree(kind: str, path: Path) -> None:
    module = _module(path)
    payload = json.loads(path.read_text())
    issues = getattr(module, f"validate_{kind}")(payload)
    try:
        getattr(module, kind.capitalize()).model_validate(payload)
        model_ok = True
    except ValidationError:
        model_ok = False
    expected_ok = not path.stem.startswith("invalid-")
    assert (issues == []) is expected_ok, [str(i) for i in issues]
    assert model_ok is expected_ok
    for issue in issues:
        assert issue.pointer == "" or issue.pointer.startswith("/")
        assert issue.message


# --- mistakes made on a valid example, for every version of the catalog -----------------------
# Each valid request example is taken apart where its schema states a rule: a number one past
# its maximum, a list one item past its maxItems, a required key left out, a string field
# given a number, an optional string field given null (a model's `X | None = None` must not
# let through a null the schema refuses). The validator must name the place, the value and
# the rule, and nothing else (keys another rule of the schema names are left alone), and the
# model must refuse the payload too.

_CONDITIONAL = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else")
_CONDITIONAL += ("dependentRequired", "dependentSchemas")


def _deref(root: dict[str, Any], node: Any) -> dict[str, Any]:
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            break
        seen.add(ref)
        target: Any = root
        for token in ref[2:].split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node if isinstance(node, dict) else {}


def _mentioned(schema: Any) -> set[str]:
    """Every key a rule of the schema names, anywhere: in a conditional keyword's `required`,
    `properties` or `dependentRequired`, or in a string of an `x-` keyword (a cross-field rule
    naming `a.b.c` names a, b and c)."""
    found: set[str] = set()

    def names(node: Any) -> None:
        if isinstance(node, dict):
            found.update(k for k in node.get("required") or [] if isinstance(k, str))
            found.update(node.get("properties") or {})
            for key, value in (node.get("dependentRequired") or {}).items():
                found.update([key, *value])
            found.update(node.get("dependentSchemas") or {})
            for value in node.values():
                names(value)
        elif isinstance(node, list):
            for value in node:
                names(value)
        elif isinstance(node, str):
            found.update(node.replace("[]", "").split("."))

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _CONDITIONAL or key.startswith("x-"):
                    names(value)
                elif key not in ("enum", "const", "default", "examples"):
                    visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    return found


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _spots(root: dict[str, Any], schema: Any, value: Any, ptr: str = "") -> Any:
    """(pointer, schema, value) of every value in a payload that its schema describes by
    `properties` and `items` (no branches)."""
    node = _deref(root, schema)
    yield ptr, node, value
    if isinstance(value, dict) and isinstance(node.get("properties"), dict):
        for key, child in value.items():
            if key in node["properties"]:
                yield from _spots(root, node["properties"][key], child, f"{ptr}/{_escape(key)}")
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, child in enumerate(value):
            yield from _spots(root, node["items"], child, f"{ptr}/{index}")


def _replaced(payload: Any, ptr: str, value: Any) -> Any:
    """A copy of `payload` with the value at `ptr` replaced (`...` removes the key)."""
    copy = json.loads(json.dumps(payload))
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in ptr.split("/")[1:]]
    parent = copy
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    last = tokens[-1]
    if value is ...:
        del parent[last]
    elif isinstance(parent, list):
        parent[int(last)] = value
    else:
        parent[last] = value
    return copy


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("type")
    return [kind] if isinstance(kind, str) else list(kind or [])


ITEMS = "<the list>"  # how a message quotes a whole list is not compared


def _same(issues: list[str], expected: list[str]) -> bool:
    if len(issues) != len(expected):
        return False
    for issue, wanted in zip(issues, expected, strict=True):
        head, _, tail = wanted.partition(ITEMS)
        if not (
            issue.startswith(head)
            and issue.endswith(tail)
            and len(issue) >= len(wanted) - len(ITEMS)
        ):
            return False
    return True


Mistake = tuple[str, str, Any, list[str]]
KINDS_OF_MISTAKE = ("maximum", "maxItems", "required", "type", "type, listed values", "null")


def _mistakes(root: dict[str, Any], payload: Any) -> list[Mistake]:
    """(the rule broken, what was done, the wrong payload, the one issue it must give as
    `pointer: message`) for every mistake a valid payload allows."""
    found: list[Mistake] = []
    mentioned = _mentioned(root)
    for ptr, node, value in _spots(root, root, payload):
        at = ptr or "/"
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if isinstance(node.get("maximum"), int) and number:
            wrong = node["maximum"] + 1
            message = f"{at}: {wrong} is greater than the maximum of {node['maximum']}"
            found.append(("maximum", f"{ptr} = {wrong}", _replaced(payload, ptr, wrong), [message]))
        if isinstance(node.get("maxItems"), int) and isinstance(value, list) and value:
            longer = value + [value[0]] * (node["maxItems"] + 1 - len(value))
            message = f"{at}: {ITEMS} has more than {node['maxItems']} items"
            found.append(
                ("maxItems", f"{ptr} too long", _replaced(payload, ptr, longer), [message])
            )
        if not isinstance(value, dict) or not isinstance(node.get("properties"), dict):
            continue
        for key in sorted(set(value) - mentioned):
            child = _deref(root, node["properties"].get(key))
            here = f"{ptr}/{_escape(key)}"
            if key in (node.get("required") or []):
                message = f'{at}: "{key}" is a required property'
                found.append(
                    ("required", f"{here} left out", _replaced(payload, here, ...), [message])
                )
            if _types(child) == ["string"]:
                message = f'{here}: 5 is not of type "string"'
                # a field that lists its values also says 5 is not one of them
                kind = "type" if not {"const", "enum"} & set(child) else "type, listed values"
                found.append((kind, f"{here} = 5", _replaced(payload, here, 5), [message]))
        for key in sorted(set(node["properties"]) - set(value) - mentioned):
            child = _deref(root, node["properties"][key])
            if (
                key not in (node.get("required") or [])
                and _types(child) == ["string"]
                and not {"const", "enum"} & set(child)
            ):
                here = f"{ptr}/{_escape(key)}"
                message = f'{here}: null is not of type "string"'
                wrong = {**value, key: None}
                changed = _replaced(payload, ptr, wrong) if ptr else wrong
                found.append(("null", f"{here} = null", changed, [message]))
    return found


VERSIONS = sorted({path.parent.parent for _kind, path in EXAMPLES})


def _valid_requests(version: Path) -> list[Path]:
    return sorted((version / "examples").glob("request-*.json"))


def _request_schema(version: Path) -> dict[str, Any]:
    """The version's request schema as the validators check it (an OpenAPI document's
    extracted, provider quirks normalized)."""
    from codegen.catalog.load import version_schemas
    from codegen.normalize import normalize_schema

    schema: dict[str, Any] = normalize_schema(
        version_schemas(SCHEMAS, version)["request"]
    ).validator
    return schema


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: str(v.relative_to(SCHEMAS)))
def test_mistakes_are_named_clearly_and_refused_by_the_model(version: Path) -> None:
    module = _module(version / "examples")
    schema = _request_schema(version)
    tried, wrong = 0, []
    for example in _valid_requests(version):
        for kind, what, payload, expected in _mistakes(schema, json.loads(example.read_text())):
            tried += 1
            issues = [str(i) for i in module.validate_request(payload)]
            try:
                module.Request.model_validate(payload)
                model = "accepted"
            except ValidationError:
                model = "refused"
            alone = kind != "type, listed values"
            named = _same(issues, expected) if alone else set(expected) <= set(issues)
            if not named or model != "refused":
                wrong.append(f"{example.name}: {what}: {issues} (model: {model}) != {expected}")
    assert tried and not wrong, "\n".join(wrong)


def test_every_kind_of_mistake_is_made_somewhere() -> None:
    """The catalog's valid requests allow every kind of mistake above (each kind is stated by
    several providers' schemas)."""
    kinds = set()
    for version in VERSIONS:
        schema = _request_schema(version)
        for example in _valid_requests(version):
            kinds.update(k for k, *_rest in _mistakes(schema, json.loads(example.read_text())))
    assert kinds == set(KINDS_OF_MISTAKE)

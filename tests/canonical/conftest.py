"""Fixtures for the canonical layer: the mapping runtime (imported by file path, as the
generator copies it verbatim), the mappings, the canonical and provider schemas, and the
worked examples each endpoint keeps next to its mapping (`canonical-examples.yaml`)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
RUNTIME = ROOT / "templates" / "runtime"
FIXED_ID = "00000000-0000-4000-8000-000000000000"


def load_runtime(name: str) -> ModuleType:
    """templates/runtime/<name>.py as a module (stdlib-only modules import standalone)."""
    module_name = f"_kling_runtime_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, RUNTIME / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def load_mappings() -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted(SCHEMAS.glob("*/*/mapping.yaml")):
        found[f"{path.parent.parent.name}/{path.parent.name}"] = yaml.safe_load(path.read_text())
    return found


def normalize(schema: Any) -> Any:
    """Some gateways publish "type": "float"; JSON Schema says "number"."""
    if isinstance(schema, dict):
        return {
            k: ("number" if k == "type" and v == "float" else normalize(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [normalize(v) for v in schema]
    return schema


def provider_schema(key: str, version: str) -> Any:
    """The normalized request schema of `key` ("provider/endpoint") at `version`."""
    from codegen.catalog.load import version_schemas

    return normalize(version_schemas(SCHEMAS, SCHEMAS / key / version)["request"].data)


def provider_validator(key: str, version: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(provider_schema(key, version))


def canonical_validator(endpoint: str, kind: str = "request") -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / "canonical" / endpoint / f"{kind}.json").read_text())
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="session")
def runtime() -> ModuleType:
    return load_runtime("mapping")


@pytest.fixture(scope="session")
def pricing() -> ModuleType:
    return load_runtime("quote")


@pytest.fixture(scope="session")
def mappings() -> dict[str, dict[str, Any]]:
    return load_mappings()


@pytest.fixture(scope="session")
def translate(runtime: ModuleType, mappings: dict[str, dict[str, Any]]) -> Callable[..., Any]:
    """translate(request, key, version=None) -> (payload, warnings), with a fixed task id."""

    def run(request: dict[str, Any], key: str, version: str | None = None) -> Any:
        return runtime.translate_request(
            request, mapping=mappings[key], version=version, make_id=lambda: FIXED_ID
        )

    return run


# Worked examples: facts about one endpoint's translation, kept next to its mapping as
# `schemas/<provider>/<endpoint>/canonical-examples.yaml` (a file the catalog loader does not
# read: it is test data, and it leaves with its provider). Sections, each optional:
#   translate  canonical request -> the exact payload (inline, or a request-*.json of the
#              version's examples/) and warnings, or the refusal (canonical field, pattern,
#              and whether the mapping or the gateway's schema refuses)
#   results    provider result (inline, or an examples/ file) -> the canonical result
#   quotes     canonical request -> accepted or not, and the documented price
#   describe   per version: rows of describe(), describe_envelope(), locate()
# In texts and patterns, "{target}" stands for "provider/endpoint". The format:
WORKED_FILE = "canonical-examples.yaml"
_NAME = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
_VERSION = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_ERROR = {
    "type": "object",
    "additionalProperties": False,
    "required": ["field"],
    "properties": {
        "field": {"type": "string", "minLength": 1},
        "match": {"type": "string", "minLength": 1},
        "by": {"enum": ["mapping", "schema"]},
    },
}
_TRANSLATE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "request"],
    "properties": {
        "name": _NAME,
        "note": {"type": "string"},
        "version": _VERSION,
        "id": {"type": "string", "minLength": 1},
        "request": {"type": "object"},
        "canonical_valid": {"type": "boolean"},
        "payload": {},
        "payload_example": {"type": "string", "pattern": "^request-"},
        "warnings": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "error": _ERROR,
    },
    "oneOf": [
        {"required": ["payload"]},
        {"required": ["payload_example"]},
        {"required": ["error"], "not": {"required": ["warnings"]}},
    ],
}
_RESULT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": _NAME,
        "note": {"type": "string"},
        "version": _VERSION,
        "payload": {},
        "example": {"type": "string", "minLength": 1},
        "result": {"type": "object", "minProperties": 1},
        "error": _ERROR,
    },
    "allOf": [
        {"oneOf": [{"required": ["payload"]}, {"required": ["example"]}]},
        {"oneOf": [{"required": ["result"]}, {"required": ["error"]}]},
    ],
}
_QUOTE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "request", "accepts"],
    "properties": {
        "name": _NAME,
        "note": {"type": "string"},
        "request": {"type": "object"},
        "accepts": {"type": "boolean"},
        "price": {"type": "object", "minProperties": 1},
        "text": {"type": "string", "minLength": 1},
    },
}
_DESCRIBE = {
    "type": "object",
    "additionalProperties": False,
    "anyOf": [{"required": ["fields"]}, {"required": ["envelope"]}, {"required": ["locate"]}],
    "properties": {
        "version": _VERSION,
        "note": {"type": "string"},
        "fields": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["canonical"],
                "minProperties": 2,
                "properties": {
                    key: {"type": "string"}
                    for key in ("canonical", "provider", "transform", "policy")
                },
            },
        },
        "envelope": {"type": "array", "items": {"type": "string"}},
        "locate": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^(/.*)?$"},
            "additionalProperties": {"type": ["string", "null"]},
        },
    },
}
WORKED_FORMAT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        section: {"type": "array", "minItems": 1, "items": item}
        for section, item in (
            ("translate", _TRANSLATE),
            ("results", _RESULT),
            ("quotes", _QUOTE),
            ("describe", _DESCRIBE),
        )
    },
}


@dataclass(frozen=True)
class Worked:
    """One entry of a section of `schemas/<key>/canonical-examples.yaml`."""

    key: str  # "provider/endpoint"
    section: str
    entry: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.key}:{self.entry.get('name') or self.version or 'mapping-version'}"

    @property
    def version(self) -> str | None:
        """The schema version the entry is about (None: the mapping's own)."""
        version = self.entry.get("version")
        return None if version is None else str(version)

    @property
    def folder(self) -> Path:
        """The version folder the entry is about."""
        mapping = yaml.safe_load((SCHEMAS / self.key / "mapping.yaml").read_text())
        return SCHEMAS / self.key / (self.version or str(mapping["version"]))

    @property
    def target(self) -> str:
        """As `translate --to` and `canonical.translate(to=...)` take it."""
        return f"{self.key}@{self.version}" if self.version else self.key

    @property
    def task_id(self) -> str:
        """What the envelope's `new_id` step gets from make_id."""
        return str(self.entry.get("id", FIXED_ID))

    def text(self, value: str) -> str:
        return value.replace("{target}", self.key)

    def pattern(self, value: str) -> str:
        return value.replace("{target}", re.escape(self.key))

    def example(self, stem: str) -> Any:
        return json.loads((self.folder / "examples" / f"{stem}.json").read_text())

    def expected_payload(self) -> Any:
        if "payload_example" in self.entry:
            return self.example(self.entry["payload_example"])
        return self.entry["payload"]

    def warnings(self) -> list[str]:
        return [self.text(w) for w in self.entry.get("warnings", [])]


def worked_files() -> dict[str, Path]:
    """provider/endpoint -> its canonical-examples.yaml, for every endpoint that has one."""
    return {
        f"{p.parent.parent.name}/{p.parent.name}": p
        for p in sorted(SCHEMAS.glob(f"*/*/{WORKED_FILE}"))
    }


def worked(section: str) -> list[Worked]:
    found = []
    for key, path in worked_files().items():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = data.get(section) if isinstance(data, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                found.append(Worked(key, section, entry))
    return found


def cases(items: list[Any], what: str) -> list[Any]:
    """pytest parameters for `items`; one skipped case saying so when there are none."""
    if not items:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"the catalog has no {what}"))]
    return [pytest.param(item, id=str(item)) for item in items]


UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def fresh_ids_as(actual: Any, expected: Any, task_id: str) -> Any:
    """`actual` with each fresh UUID put back to `task_id` where `expected` holds that id
    (a command or a client makes its own ids; a test hands make_id one)."""
    if expected == task_id and isinstance(actual, str) and UUID4.match(actual):
        return task_id
    if isinstance(actual, dict) and isinstance(expected, dict):
        return {k: fresh_ids_as(v, expected.get(k), task_id) for k, v in actual.items()}
    if isinstance(actual, list) and isinstance(expected, list):
        padded = [*expected, *[None] * len(actual)]
        return [fresh_ids_as(v, padded[i], task_id) for i, v in enumerate(actual)]
    return actual

"""Fixtures for the canonical layer: the mapping runtime (imported by file path, as the
generator copies it verbatim), the mappings, the canonical and provider schemas."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
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
    """RunComfy publishes "type": "float"; JSON Schema says "number"."""
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

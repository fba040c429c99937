"""Published OpenAPI documents as catalog sources: selection, extraction, wrappers read
through, and problems reported where they are in the published file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codegen.catalog import load_catalog, openapi
from codegen.catalog.files import read_source
from codegen.catalog.model import SourceFile
from codegen.errors import SchemaError
from codegen.importer.document import choose_operations
from codegen.normalize import normalize_schema

from .conftest import FIXTURES, SCHEMAS, run_cli


def _doc(schemas: dict[str, Any], body: str = "Input", **extra: Any) -> SourceFile:
    post = {"requestBody": {"content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{body}"}}}}}  # fmt: skip
    data = {"openapi": "3.0.3", "paths": {"/run": {"post": post}},
            "components": {"schemas": schemas}, **extra}  # fmt: skip
    return SourceFile("p/e/2026-01-01/openapi.json", data, "0" * 64)


def test_wrappers_read_as_the_plain_schema_they_mean() -> None:
    source = _doc({"Input": {"type": "object", "properties": {
        "a": {"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}], "title": "A"},
        "b": {"type": "integer", "nullable": True, "minimum": 0, "exclusiveMinimum": True},
        "c": {"type": "string", "enum": ["x", "y"], "nullable": True},
        "d": {"allOf": [{"$ref": "#/components/schemas/Ref"}], "description": "wrapped"},
        "e": {"anyOf": [{"$ref": "#/components/schemas/Ref"}, {"type": "null"}]},
        "f": {"$ref": "#/components/schemas/Ref", "nullable": True},
    }}, "Ref": {"type": "object", "properties": {"u": {"type": "string"}}}})  # fmt: skip
    extracted = openapi.extract(source, None)["request"]
    normalized = normalize_schema(extracted)
    props = normalized.validator["properties"]
    assert props["a"] == {"type": ["string", "null"], "maxLength": 5, "title": "A"}
    assert props["b"] == {"type": ["integer", "null"], "exclusiveMinimum": 0}
    assert props["c"]["enum"] == ["x", "y", None]
    assert props["d"] == {"description": "wrapped", "$ref": "#/$defs/Ref"}
    assert props["e"] == {"anyOf": [{"$ref": "#/$defs/Ref"}, {"type": "null"}]}  # a model: kept
    assert props["f"] == {"anyOf": [{"$ref": "#/$defs/Ref"}, {"type": "null"}]}
    assert any(
        n.startswith("#/components/schemas/Input/properties/a/anyOf") for n in normalized.notes
    )
    assert set(normalized.validator["$defs"]) == {"Ref"}


def test_a_problem_is_reported_where_it_is_in_the_published_file() -> None:
    source = _doc({"Input": {"type": "object", "properties": {"p": {"$ref": "#/components/schemas/P"}}},
                   "P": {"type": "strng"}})  # fmt: skip
    with pytest.raises(SchemaError) as caught:
        normalize_schema(openapi.extract(source, None)["request"])
    assert caught.value.problems == [
        (source.path, "/components/schemas/P/type", '"strng" is not a JSON Schema type')
    ]


def test_refs_outside_components_and_missing_ones_are_refused() -> None:
    source = _doc({"Input": {"properties": {"a": {"$ref": "#/components/schemas/Gone"},
                                            "b": {"$ref": "#/paths/~1run"}}}})  # fmt: skip
    with pytest.raises(SchemaError) as caught:
        openapi.extract(source, None)
    pointers = sorted(p for _f, p, _m in caught.value.problems)
    assert pointers == ["/components/schemas/Input/properties/a/$ref",
                        "/components/schemas/Input/properties/b/$ref"]  # fmt: skip


def test_the_submit_call_must_be_unambiguous() -> None:
    source = _doc({"Input": {"type": "object"}})
    source.data["paths"]["/other"] = source.data["paths"]["/run"]
    with pytest.raises(SchemaError, match="2 POSTs with a JSON request body"):
        openapi.extract(source, None)
    chosen = openapi.extract(source, {"request": "POST /other"})
    assert chosen["request"].origin[0] == ("", "/components/schemas/Input")


def test_openapi_31_yaml_with_numeric_codes_and_a_webhook() -> None:
    source = read_source(FIXTURES, FIXTURES / "queue-3.1.yaml")
    chosen = choose_operations(source, keep=None, operation=None)
    assert chosen == {
        "request": "POST /jobs",
        "response": "GET /jobs/{id}",
        "callback": "#/webhooks/jobFinished/post/requestBody/content/application~1json/schema",
    }
    schemas = openapi.extract(source, chosen)
    job = normalize_schema(schemas["response"]).validator
    assert job["properties"]["video"]["anyOf"][1] == {"type": "null"}
    request = normalize_schema(schemas["request"]).validator["properties"]
    assert request["aspect_ratio"]["enum"] == ["16:9", "9:16", "1:1", None]
    assert request["negative_prompt"] == {"type": ["string", "null"], "maxLength": 2500}


def _version(tmp_path: Path, document: dict[str, Any], provenance: str = "") -> Path:
    """A copy of the catalog plus one provider whose version is the given document."""
    import shutil

    root = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, root)
    (root / "gate" / "t2v" / "2026-01-01").mkdir(parents=True)
    (root / "gate" / "manifest.yaml").write_text(
        "id: gate\nname: Gate\nbase_url: https://g.test\n"
        "auth: {header: Authorization, scheme: Key, env: GATE_API_KEY}\n"
        'endpoints:\n  t2v:\n    current: "2026-01-01"\n    versions:\n      "2026-01-01":\n'
        "        model: m/x\n        lifecycle: {kind: sync, submit: {method: POST, path: /run}}\n"
        "        pricing: {currency: USD, rates: []}\n"
    )
    folder = root / "gate" / "t2v" / "2026-01-01"
    (folder / "openapi.json").write_text(json.dumps(document))
    if provenance:
        (folder / "provenance.yaml").write_text(provenance)
    return root


def test_the_catalog_loads_a_published_document(tmp_path: Path) -> None:
    root = _version(tmp_path, _doc({"Input": {"type": "object"}}).data)
    version = load_catalog(root).endpoint("gate/t2v").current_version()
    assert set(version.schemas) == {"request"}
    assert version.schemas["request"].path == "gate/t2v/2026-01-01/openapi.json"


def test_provenance_naming_a_missing_operation_points_into_the_document(tmp_path: Path) -> None:
    provenance = (
        "source: openapi.json\nsha256: '" + "0" * 64 + "'\ncaptured: '2026-01-01'\n"
        "document_date: null\nurl: null\npublic_sources: [{url: 'https://gate.test/openapi.json'}]\n"
        "operations: {response: GET /nope}\nreadings: []\n"
    )
    root = _version(tmp_path, _doc({"Input": {"type": "object"}}).data, provenance)
    with pytest.raises(SchemaError) as caught:
        load_catalog(root)
    assert [(Path(f).name, p) for f, p, _m in caught.value.problems] == [
        ("openapi.json", "/paths/~1nope/get")
    ]


def test_a_json_schema_version_imports_byte_for_byte(tmp_path: Path) -> None:
    """Any endpoint of the catalog whose current version is a JSON Schema file."""
    import shutil

    root = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, root)
    endpoint = next(e for e in load_catalog(root).endpoints()
                    if e.current_version().schemas["request"].path.endswith("request.json"))  # fmt: skip
    current = endpoint.current_version()
    document = root / current.schemas["request"].path
    result = run_cli("import", endpoint.key, str(document), "--version", "2099-01-01",
                     "--no-current", "--schemas", str(root), "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["changes"] == []  # the other schema files are carried over unchanged
    folder = root / endpoint.provider / endpoint.id / "2099-01-01"
    assert (folder / "request.json").read_bytes() == document.read_bytes()
    for kind, source in current.schemas.items():
        assert (folder / f"{kind}.json").read_bytes() == (root / source.path).read_bytes()
    check = run_cli("import", "--check", endpoint.key, str(document), "--schemas", str(root))
    assert check.returncode == 0, check.stdout
    assert load_catalog(root).endpoint(endpoint.key).current == endpoint.current
    valid = [s for n, s in current.examples.items() if n.startswith("request")]
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(valid[0].data))
    verdict = run_cli("validate", endpoint.key, str(payload), "--version", "2099-01-01",
                      "--schemas", str(root))  # fmt: skip
    assert verdict.returncode == 0, verdict.stdout


def test_operations_without_a_document_are_refused(tmp_path: Path) -> None:
    provenance = (
        "source: openapi.json\nsha256: '" + "0" * 64 + "'\ncaptured: '2026-01-01'\n"
        "document_date: null\nurl: null\npublic_sources: [{url: 'https://gate.test/openapi.json'}]\n"
        "operations: {request: POST /run}\nreadings: []\n"
    )
    root = _version(tmp_path, _doc({"Input": {"type": "object"}}).data, provenance)
    folder = root / "gate" / "t2v" / "2026-01-01"
    (folder / "openapi.json").rename(folder / "request.json")
    (folder / "request.json").write_text('{"type": "object"}')
    with pytest.raises(SchemaError) as caught:
        load_catalog(root)
    assert [(Path(f).name, p) for f, p, _m in caught.value.problems] == [
        ("provenance.yaml", "/operations")
    ]

"""The committed corpus of hostile schemas (corpus/*.json), generated, imported and exercised.

All cases go into one catalog (one endpoint per case), so that one `kling-codegen generate`
and one fresh interpreter cover them all. For each case: the package imports, every valid
payload passes both the model and the validator and round-trips unchanged, every invalid one
fails both, and the schema text (descriptions, titles, defaults, examples, enum values) comes
back as data, byte for byte. Canaries in the text must never run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.hardening import catalog

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.stem for p in CORPUS.glob("*.json"))
MARKER = "PWNED"
# Generator bugs this corpus found and that are not fixed yet: (test, case) -> bug.
KNOWN: dict[tuple[str, str], str] = {
    ("schema", "enum-values"): (
        "an enum holding a float is `Literal[...] | float` in the model's own JSON Schema "
        "(validation is exact: the model runs the schema's enum check)"
    ),
}


def known(test: str, name: str) -> None:
    if (test, name) in KNOWN:
        pytest.xfail(KNOWN[test, name])


def expand(value: Any) -> Any:
    """Corpus shorthand for long strings: {"__repeat__": [s, n]}, {"__concat__": [a, b...]}."""
    if isinstance(value, dict):
        if "__repeat__" in value:
            text, count = value["__repeat__"]
            return str(text) * int(count)
        if "__concat__" in value:
            return "".join(expand(v) for v in value["__concat__"])
        return {k: expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(v) for v in value]
    return value


def load_case(name: str) -> dict[str, Any]:
    case: dict[str, Any] = expand(json.loads((CORPUS / f"{name}.json").read_text("utf-8")))
    return case


def module_of(name: str) -> str:
    return f"kling_gateways.{catalog.PROVIDER}.{name.replace('-', '_')}"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("corpus")
    cases = {name: load_case(name) for name in CASES}
    schemas = catalog.write_endpoints(
        root, {n: {"request": c["request"]} for n, c in cases.items()}
    )
    before = catalog.all_paths(root)
    result = catalog.generate(Path("schemas"), Path("out"), cwd=root)
    assert result.code == 0, str(result)
    assert result.stderr == ""
    checks = [
        {
            "module": module_of(name),
            "kinds": {
                "request": {"class": "Request", "valid": c["valid"], "invalid": c["invalid"]}
            },
        }
        for name, c in cases.items()
    ]
    report = catalog.probe(root / "out", {"out": str(root / "out"), "checks": checks}, cwd=root)
    return {"root": root, "schemas": schemas, "cases": cases, "report": report, "before": before}


def test_every_generated_module_imports(generated: dict[str, Any]) -> None:
    modules = generated["report"]["modules"]
    for name in CASES:
        assert f"{module_of(name)}.v2026_01_01.request" in modules


def test_no_canary_ran_during_generation_or_import(generated: dict[str, Any]) -> None:
    root: Path = generated["root"]
    assert not list(root.rglob(MARKER)), "a canary in schema text was executed"


def test_nothing_written_outside_the_output_folder(generated: dict[str, Any]) -> None:
    root: Path = generated["root"]
    after = catalog.all_paths(root)
    new = after - generated["before"]
    out = (root / "out").resolve()
    escaped = sorted(
        p for p in new if Path(p).resolve() != out and out not in Path(p).resolve().parents
    )
    assert escaped == []
    for path in out.rglob("*"):
        assert not path.is_symlink()


def test_markdown_has_no_raw_html_from_schema_text(generated: dict[str, Any]) -> None:
    for page in (generated["root"] / "out").rglob("*.md"):
        text = page.read_text("utf-8")
        body = re.sub(r"\A<!--.*?-->\n", "", text, flags=re.S)
        assert not re.search(r"<[A-Za-z!/]", body), f"raw HTML in {page}"


@pytest.mark.parametrize("name", CASES)
def test_valid_payloads_pass_both_and_round_trip(generated: dict[str, Any], name: str) -> None:
    known("valid", name)
    case = generated["cases"][name]
    results = generated["report"]["checks"][module_of(name)]["request"]["valid"]
    for payload, got in zip(case["valid"], results, strict=True):
        assert got["issues"] == [], payload
        assert "model_error" not in got, got.get("model_error")
        assert got["dump"] == payload
        assert got["json_dump"] == payload


@pytest.mark.parametrize("name", CASES)
def test_invalid_payloads_fail_both(generated: dict[str, Any], name: str) -> None:
    known("invalid", name)
    case = generated["cases"][name]
    results = generated["report"]["checks"][module_of(name)]["request"]["invalid"]
    for payload, got in zip(case["invalid"], results, strict=True):
        assert got["issues"], f"validator accepted {payload!r}"
        assert got["model_rejects"], f"model accepted {payload!r}"


@pytest.mark.parametrize("name", CASES)
def test_validator_schema_is_the_input_as_data(generated: dict[str, Any], name: str) -> None:
    kinds = generated["report"]["checks"][module_of(name)]["request"]
    assert kinds["validator_schema"] == generated["cases"][name]["request"]


@pytest.mark.parametrize("name", CASES)
def test_schema_text_comes_back_as_data(generated: dict[str, Any], name: str) -> None:
    """Descriptions, titles, defaults, examples and enum values of every top-level property."""
    known("schema", name)
    request = generated["cases"][name]["request"]
    model = generated["report"]["checks"][module_of(name)]["request"]["model_schema"]
    if "$ref" in model:  # a recursive root: pydantic puts it under $defs
        model = model["$defs"][model["$ref"].rsplit("/", 1)[-1]]
    for prop, spec in request.get("properties", {}).items():
        if "$ref" in spec:
            continue
        got = model["properties"][prop]
        for key in ("description", "title", "default", "examples"):
            if key in spec and not (key == "default" and prop in request.get("required", [])):
                assert got.get(key) == spec[key], (prop, key)
        if "enum" in spec and len(spec["enum"]) > 1:
            assert sorted(map(json.dumps, spec["enum"])) in [
                sorted(map(json.dumps, e)) for e in _all(got, "enum")
            ], prop
        if "const" in spec:
            assert spec["const"] in _all(got, "const"), prop


def _all(node: Any, key: str) -> list[Any]:
    found = []
    if isinstance(node, dict):
        if key in node:
            found.append(node[key])
        for value in node.values():
            found.extend(_all(value, key))
    elif isinstance(node, list):
        for value in node:
            found.extend(_all(value, key))
    return found

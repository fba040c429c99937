"""Hypothesis-fuzzed hostile schemas: many hostile fields per schema, one subprocess per example.

Each example is a request schema whose property names, descriptions, titles, defaults,
examples and enum values are drawn from a hostile alphabet (quotes, backslashes, newlines,
NUL, Jinja, HTML, Python keywords and builtins, non-ASCII). Either generation fails with a
clear `file#/pointer` error and writes nothing, or the package imports in a fresh interpreter,
enum values are accepted exactly (by model and validator), other values are refused, the
text comes back as data, and no canary ever runs. The budget is bounded (see SETTINGS).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening import catalog

pytestmark = pytest.mark.slow
SETTINGS = settings(
    max_examples=int(os.environ.get("KLING_FUZZ_EXAMPLES", "10")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PIECES = [
    '"""', "'''", '"', "'", "\\", "\\n", "\n", "\r\n", "\t", "\x00", "\x1b", "\u2028", "\x85",
    "{{ 7*7 }}", "{% if 1 %}x{% endif %}", "{#", "#}", "<script>", "</td>", "<!--", "|", "`",
    "```", "#", "*", "_", "[x](y)", "class", "def", "__init__", "model_config", "json", "None",
    "__import__('os').system('touch PWNED')", "os._exit(42)", "é", "中", "😀", "\u202e",
    "\ufeff", "ǅ", "ﬁ", "İ", "%s", "{0}", "$ref", "~1", "/", "..", " ",
]  # fmt: skip
# Names that Python normalizes to another identifier (NFKC) are covered by the corpus; the
# fuzzer keeps to pieces that the generator handles, so its failures are new bugs.
NAME_PIECES = [p for p in PIECES if p not in ("ǅ", "ﬁ", "İ")]
hostile_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), min_size=0, max_size=6
).map("".join)
hostile_name = st.lists(
    st.one_of(st.sampled_from(NAME_PIECES), st.text(alphabet="aA_-0 .", max_size=4)),
    min_size=1,
    max_size=4,
).map("".join)


@st.composite
def hostile_schema(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(hostile_name, min_size=1, max_size=6, unique=True))
    props: dict[str, Any] = {}
    for name in names:
        values = draw(st.lists(hostile_text, min_size=1, max_size=4, unique=True))
        prop: dict[str, Any] = {"type": "string", "description": draw(hostile_text)}
        if draw(st.booleans()):
            prop["title"] = draw(hostile_text)
        if draw(st.booleans()):
            prop["enum"] = values
        prop["default"] = values[0]
        prop["examples"] = values
        props[name] = prop
    return {"title": "Request", "description": draw(hostile_text), "type": "object",
            "additionalProperties": False, "properties": props}  # fmt: skip


# Schemas per example: one generation and one interpreter cover them all (speed).
BATCH = st.lists(hostile_schema(), min_size=1, max_size=4)
COUNTS = {"examples": 0, "schemas": 0, "generated": 0, "refused": 0}


@SETTINGS
@given(batch=BATCH)
def test_fuzzed_schemas_are_data_or_a_clear_error(
    tmp_path: Path, batch: list[dict[str, Any]]
) -> None:
    work = tmp_path / f"case{COUNTS['examples']}"
    COUNTS["examples"] += 1
    COUNTS["schemas"] += len(batch)
    work.mkdir()
    try:
        check_batch(work, batch)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if os.environ.get("KLING_FUZZ_COUNTS"):
        Path(os.environ["KLING_FUZZ_COUNTS"]).write_text(json.dumps(COUNTS), encoding="utf-8")


def endpoint(index: int) -> str:
    return f"fuzz-{index}"


def check_batch(work: Path, batch: list[dict[str, Any]]) -> None:
    catalog.write_endpoints(work, {endpoint(i): {"request": s} for i, s in enumerate(batch)})
    before = catalog.all_paths(work)
    result = catalog.generate(Path("schemas"), Path("out"), cwd=work)
    assert not list(work.rglob("PWNED"))
    if result.code != 0:
        COUNTS["refused"] += len(batch)
        assert result.code == 2, str(result)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        assert "request.json#" in result.stderr, str(result)
        assert catalog.all_paths(work) == before
        return
    COUNTS["generated"] += len(batch)
    checks = [payloads(i, schema) for i, schema in enumerate(batch)]
    report = catalog.probe(work / "out", {"out": str(work / "out"), "checks": checks}, cwd=work)
    assert not list(work.rglob("PWNED"))
    for check, schema in zip(checks, batch, strict=True):
        assert_data(report["checks"][check["module"]]["request"], check, schema)


def payloads(index: int, schema: dict[str, Any]) -> dict[str, Any]:
    props = schema["properties"]
    valid = [{}, {k: v["default"] for k, v in props.items()}]
    invalid: list[dict[str, Any]] = [{"\x00not-a-property\x00": "x"}]
    for name, prop in props.items():
        valid.extend({name: value} for value in prop.get("enum", []))
        if "enum" in prop:
            invalid.append({name: "".join(prop["enum"]) + "\x00outside"})
        invalid.append({name: 5})
    return {
        "module": f"kling_gateways.{catalog.PROVIDER}.{endpoint(index).replace('-', '_')}",
        "kinds": {"request": {"class": "Request", "valid": valid, "invalid": invalid}},
    }


def assert_data(got: dict[str, Any], check: dict[str, Any], schema: dict[str, Any]) -> None:
    valid = check["kinds"]["request"]["valid"]
    invalid = check["kinds"]["request"]["invalid"]
    for payload, entry in zip(valid, got["valid"], strict=True):
        assert entry["issues"] == [] and "model_error" not in entry, (payload, entry)
        assert entry["dump"] == payload
    for payload, entry in zip(invalid, got["invalid"], strict=True):
        assert entry["issues"] and entry["model_rejects"], payload
    assert got["validator_schema"] == schema
    for name, prop in schema["properties"].items():
        shown = got["model_schema"]["properties"][name]
        assert shown.get("description") == prop["description"]
        assert shown.get("examples") == prop["examples"]
        assert json.dumps(shown.get("default")) == json.dumps(prop["default"])

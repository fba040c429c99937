"""Contract: the committed baseline lists exactly the drift the catalog has, with its values.

A schema change that introduces drift the baseline does not list, removes drift it lists,
or changes a recorded value (range, default, enum, limit) fails here with a message naming
the field, the kind, the provider endpoint, the old and the new value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from codegen.catalog import load_catalog
from codegen.drift import analyze
from codegen.drift import baseline as bl
from codegen.drift.cli import drift
from codegen.drift.values import recorded
from codegen.errors import InputError

from .conftest import SCHEMAS, current_request, edit_json

BASELINE = SCHEMAS / bl.BASELINE_NAME


RUNWARE_I2V = current_request("runware/image-to-video")
RUNFLOW_I2V = current_request("runflow/image-to-video")


def check(schemas: Path) -> list[str]:
    """What the contract test says about a catalog and the baseline inside it."""
    found = recorded(analyze(load_catalog(schemas)))
    result = bl.compare(found, bl.load(schemas / bl.BASELINE_NAME))
    return bl.explain(result, baseline=bl.BASELINE_NAME)


def test_committed_baseline_matches_the_catalog() -> None:
    problems = check(SCHEMAS)
    assert not problems, "\n".join(problems)


def test_committed_baseline_is_stable_and_sorted(report: dict[str, Any]) -> None:
    assert BASELINE.read_text(encoding="utf-8") == bl.dumps(recorded(report))
    keys = [bl.key(e) for e in bl.load(BASELINE)]
    assert keys == sorted(set(keys))


def _narrow_runware_duration(data: Any) -> None:
    data["$defs"]["VideoInferenceTask"]["properties"]["duration"]["maximum"] = 10


def test_new_drift_names_field_providers_and_kind(schemas_copy: Path) -> None:
    edit_json(schemas_copy, RUNWARE_I2V, _narrow_runware_duration)
    problems = check(schemas_copy)
    new = [p for p in problems if p.startswith("new drift")]
    assert new == [
        "new drift not in drift-baseline.json: duration: range of runware/image-to-video "
        "was 3..15 (as canonical), now 3..10"
    ], problems
    assert problems[-1] == bl.HINT


def _bound_runflow_cfg_scale(data: Any) -> None:
    data["$defs"]["Input"]["properties"]["cfg_scale"].update(minimum=0, maximum=1)


def test_drift_that_disappears_makes_the_entry_stale(schemas_copy: Path) -> None:
    edit_json(schemas_copy, RUNFLOW_I2V, _bound_runflow_cfg_scale)
    problems = check(schemas_copy)
    assert problems == [
        "stale entry in drift-baseline.json, drift no longer found: cfg_scale: range of "
        "runflow/image-to-video was none, now 0..1 (as canonical)",
        bl.HINT,
    ]


def _drop_runware_negative_prompt(data: Any) -> None:
    del data["$defs"]["VideoInferenceTask"]["properties"]["negativePrompt"]


def test_a_mapped_field_the_schema_loses_is_missing(schemas_copy: Path) -> None:
    edit_json(schemas_copy, RUNWARE_I2V, _drop_runware_negative_prompt)
    problems = check(schemas_copy)
    new = [p for p in problems if p.startswith("new drift")]
    assert new == [
        "new drift not in drift-baseline.json: negative_prompt: missing of runware/image-to-video "
        "was present (as canonical), now absent (not in schema [].negativePrompt)"
    ], problems
    assert any(p.startswith("stale entry") and "negative_prompt: name" in p for p in problems)


def run(*args: str) -> Any:
    return CliRunner().invoke(drift, list(args), standalone_mode=False)


def test_cli_exit_0_with_the_committed_baseline() -> None:
    result = run("--schemas", str(SCHEMAS))
    assert result.exception is None and result.return_value == 0
    assert "0 new, 0 stale, 0 changed" in result.output and "Summary:" in result.output


def test_cli_exit_1_names_the_new_drift(schemas_copy: Path) -> None:
    edit_json(schemas_copy, RUNWARE_I2V, _narrow_runware_duration)
    result = run("--schemas", str(schemas_copy))
    assert result.return_value == 1
    new_range = next(line for line in result.output.splitlines() if "! NEW range:" in line)
    assert "runware/image-to-video: 3..10" in new_range
    assert "new drift not in" in result.output and "duration: range of runware" in result.output


def test_cli_update_baseline_then_clean(schemas_copy: Path) -> None:
    edit_json(schemas_copy, RUNWARE_I2V, _narrow_runware_duration)
    assert run("--schemas", str(schemas_copy), "--update-baseline").return_value == 0
    assert run("--schemas", str(schemas_copy)).return_value == 0


def test_cli_json_lists_new_and_stale(schemas_copy: Path) -> None:
    import json

    edit_json(schemas_copy, RUNFLOW_I2V, _bound_runflow_cfg_scale)
    result = run("--schemas", str(schemas_copy), "--format", "json")
    assert result.return_value == 1
    data = json.loads(result.output)
    assert [(e["field"], e["kind"]) for e in data["baseline"]["stale"]] == [("cfg_scale", "range")]
    assert data["baseline"]["new"] == []


def test_cli_without_a_baseline_counts_everything_as_new(schemas_copy: Path) -> None:
    (schemas_copy / bl.BASELINE_NAME).unlink()
    result = run("--schemas", str(schemas_copy))
    assert result.return_value == 1 and "baseline (none)" in result.output


def test_cli_explicit_baseline_must_exist(tmp_path: Path) -> None:
    result = run("--schemas", str(SCHEMAS), "--baseline", str(tmp_path / "nope.json"))
    assert isinstance(result.exception, InputError) and "not found" in str(result.exception)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "invalid JSON at line 1"),
        ('{"drift": {}}', "#/drift: expected a list"),
        ('{"drift": [{"field": "x", "kind": "colour", "providers": []}]}', "#/drift/0/kind"),
        ('{"drift": [{"field": "x", "kind": "name", "providers": "a"}]}', "#/drift/0/providers"),
        ('{"drift": [{"field": "x", "kind": "name", "providers": []}]}', "#/drift/0/providers"),
    ],
)
def test_malformed_baseline_is_an_input_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("/", "/")):
        bl.load(path)

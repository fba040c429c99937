"""Tests for the schema diff engine and `kling-codegen diff`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from codegen.diff.catalog import changelog_markdown
from codegen.diff.compare import diff_documents, diff_files
from codegen.diff.load import make_document
from codegen.diff.model import Change
from codegen.diff.rules import RULES, rules_markdown

FIXTURES = Path(__file__).parent / "fixtures"


def changes(old: Any, new: Any, direction: str = "request") -> list[Change]:
    return diff_documents(make_document("old", old), make_document("new", new), direction=direction)


def rules_of(found: list[Change], severity: str | None = None) -> set[str]:
    return {c.rule for c in found if severity is None or c.severity == severity}


def test_duration_string_to_integer_breaks_both_sides() -> None:
    old = {"properties": {"duration": {"type": "string"}}}
    new = {"properties": {"duration": {"type": "integer"}}}
    for direction in ("request", "response"):
        found = changes(old, new, direction)
        assert [c.rule for c in found] == [f"{direction}-property-type-changed"]
        assert found[0].severity == "breaking"
        assert found[0].location == "#/properties/duration"


@pytest.mark.parametrize(("direction", "severity"), [("request", "breaking"), ("response", "info")])
def test_enum_value_removed(direction: str, severity: str) -> None:
    found = changes({"enum": ["a", "b"]}, {"enum": ["a"]}, direction)
    assert [(c.rule, c.severity) for c in found] == [
        (f"{direction}-property-enum-value-removed", severity)
    ]


def test_enum_value_added_breaks_responses_only() -> None:
    assert rules_of(changes({"enum": ["a"]}, {"enum": ["a", "b"]}, "response"), "breaking") == {
        "response-property-enum-value-added"
    }
    assert not rules_of(changes({"enum": ["a"]}, {"enum": ["a", "b"]}), "breaking")


def test_bounds_and_lengths() -> None:
    found = changes(
        {"type": ["integer", "string"], "maximum": 15, "minLength": 1},
        {"type": ["integer", "string"], "maximum": 10, "exclusiveMinimum": 2},
    )
    assert rules_of(found) == {
        "request-property-max-decreased",
        "request-property-min-set",
        "request-property-min-length-removed",
    }


def test_required_and_nullable() -> None:
    old = {"type": "object", "properties": {"a": {"type": "string"}}}
    new = {"type": "object", "required": ["a"], "properties": {"a": {"type": ["string", "null"]}}}
    assert rules_of(changes(old, new)) == {
        "request-property-became-required",
        "request-property-became-nullable",
    }
    assert rules_of(changes(new, old, "response"), "breaking") == {
        "response-property-became-optional"
    }


def test_ref_cycles_terminate_and_changes_inside_are_found() -> None:
    def tree(kind: str) -> dict[str, Any]:
        return {
            "$ref": "#/$defs/node",
            "$defs": {
                "node": {
                    "type": "object",
                    "properties": {"kind": {"type": kind}, "child": {"$ref": "#/$defs/node"}},
                }
            },
        }

    found = changes(tree("string"), tree("integer"))
    assert [c.location for c in found] == ["#/properties/kind"]


def test_any_of_members_are_matched_not_by_position() -> None:
    old = {"anyOf": [{"type": "array"}, {"type": "string"}]}
    assert changes(old, {"anyOf": [{"type": "string"}, {"type": "array"}]}) == []
    removed = changes(old, {"type": "string"})
    assert rules_of(removed, "breaking") == {"request-property-any-of-removed"}


def test_stable_order_and_fingerprints() -> None:
    old = {"properties": {"b": {"enum": [1, 2]}, "a": {"type": "string"}}}
    new = {"properties": {"b": {"enum": [1]}, "a": {"type": "integer"}}}
    first, second = changes(old, new), changes(old, new)
    assert [c.fingerprint for c in first] == [c.fingerprint for c in second]
    assert [c.location for c in first] == ["#/properties/a", "#/properties/b"]
    assert len({c.fingerprint for c in first}) == 2


def test_runflow_seed_001_to_000() -> None:
    found = diff_files(FIXTURES / "runflow/old-request.json", FIXTURES / "runflow/new-request.json")
    by_location = {(c.rule, c.location): c.severity for c in found}
    assert by_location[("request-property-no-longer-accepted", "#/properties/voice_ids")] == (
        "breaking"
    )
    assert by_location[("request-property-became-required", "#/properties/input")] == "breaking"
    assert by_location[("request-property-no-longer-accepted", "#/properties/duration")] == (
        "breaking"
    )


def test_openapi_operations(tmp_path: Path) -> None:
    def doc(with_delete: bool, required: bool) -> dict[str, Any]:
        ops: dict[str, Any] = {
            "get": {
                "parameters": [
                    {"name": "q", "in": "query", "required": required, "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
        if with_delete:
            ops["delete"] = {"responses": {"204": {"description": "gone"}}}
        return {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/things/{id}": ops},
        }

    found = changes(doc(True, False), doc(False, True))
    assert rules_of(found, "breaking") == {
        "api-operation-removed",
        "request-parameter-became-required",
    }


def test_cli_json_and_exit_codes(tmp_path: Path) -> None:
    from codegen.diff.cli import diff

    old, new = tmp_path / "old.json", tmp_path / "new.yaml"
    old.write_text(json.dumps({"type": "string"}))
    new.write_text("type: integer\n")
    result = CliRunner().invoke(
        diff, [str(old), str(new), "--format", "json"], standalone_mode=False
    )
    payload = json.loads(result.output)
    assert result.return_value == 1
    assert payload["summary"] == {"breaking": 1, "warning": 0, "info": 0}
    assert set(payload["changes"][0]) >= {"rule", "severity", "direction", "location", "message"}
    never = CliRunner().invoke(
        diff, [str(old), str(new), "--fail-on", "never"], standalone_mode=False
    )
    assert never.return_value == 0


def test_ignore_file_and_severity_override(tmp_path: Path) -> None:
    from codegen.diff.cli import diff

    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps({"enum": ["a", "b"]}))
    new.write_text(json.dumps({"enum": ["a"]}))
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text(
        "ignore:\n  - rule: request-property-enum-value-removed\n"
        "    location: '#'\n    reason: accepted\n"
    )
    result = CliRunner().invoke(
        diff, [str(old), str(new), "--ignore", str(ignore)], standalone_mode=False
    )
    assert result.return_value == 0
    override = CliRunner().invoke(
        diff,
        [str(old), str(new), "--severity", "request-property-enum-value-removed=info"],
        standalone_mode=False,
    )
    assert override.return_value == 0


def test_bad_input_exits_2_naming_the_file(tmp_path: Path) -> None:
    from codegen.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text('{"type": ')
    with pytest.raises(SystemExit) as exc:
        main(["diff", str(bad), str(bad)])
    assert exc.value.code == 2


def test_bad_input_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from codegen.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n")
    with pytest.raises(SystemExit):
        main(["diff", str(bad), str(tmp_path / "missing.json")])
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}:") and "Traceback" not in err


def test_catalog_changelog_and_rule_table(tmp_path: Path) -> None:
    for version, kind in (("2026-04-05", "string"), ("2026-04-06", "integer")):
        folder = tmp_path / "acme" / "image-to-video" / version
        folder.mkdir(parents=True)
        (folder / "request.json").write_text(
            json.dumps({"properties": {"duration": {"type": kind}}})
        )
    text = changelog_markdown(tmp_path)
    assert "## acme/image-to-video: 2026-04-05 -> 2026-04-06" in text
    assert "request-property-type-changed" in text
    table = rules_markdown()
    assert all(f"`{rule}`" in table for rule in RULES)


def test_a_new_subtree_is_one_finding_not_one_per_nested_field() -> None:
    """Runflow 2026-04-05 -> 2026-04-06 wraps the body in `input`: the narrowing of the new
    subtree is reported once, with its nested constraints counted, not once per field."""
    import json
    import subprocess
    import sys

    base = "schemas/runflow/image-to-video"
    done = subprocess.run(
        [sys.executable, "-m", "codegen", "diff", f"{base}/2026-04-05/request.json",
         f"{base}/2026-04-06/request.json", "--format", "json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    changes = json.loads(done.stdout)["changes"]
    breaking = [c for c in changes if c["severity"] == "breaking"]
    under_input = [c for c in breaking if c["location"].startswith("#/properties/input/")]
    assert len(under_input) == 1
    assert "nested constraints of the new property" in under_input[0]["message"]
    assert any(c["location"] == "#/properties/voice_ids" for c in changes)


def test_fields_moved_into_an_envelope_are_named_once() -> None:
    from pathlib import Path

    from codegen.diff.compare import diff_files

    base = Path("schemas/runflow/image-to-video")
    changes = diff_files(
        base / "2026-04-05/request.json", base / "2026-04-06/request.json", direction="request"
    )
    (moved,) = [c for c in changes if c.rule == "request-properties-moved"]
    assert moved.location == "#/properties/input" and moved.severity == "info"
    assert "prompt" in moved.message and "start_image_url" in moved.message
    assert "voice_ids" not in moved.message  # removed for good, not moved

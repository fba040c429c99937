"""Tests for the schema diff engine and `kling-codegen diff`."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from codegen.catalog import load_catalog
from codegen.diff.catalog import changelog_markdown
from codegen.diff.compare import diff_documents, diff_files
from codegen.diff.load import make_document
from codegen.diff.model import Change
from codegen.diff.rules import RULES, rules_markdown

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


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


def test_a_flat_body_moved_into_an_envelope() -> None:
    found = diff_files(
        FIXTURES / "envelope/old-request.json", FIXTURES / "envelope/new-request.json"
    )
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
    assert err.startswith(f"{bad}#: invalid YAML at line 2") and "Traceback" not in err


def test_catalog_changelog_and_rule_table(tmp_path: Path) -> None:
    from codegen.catalog.model import Catalog, Endpoint, Provider, SourceFile, Version

    versions = {}
    for version, kind in (("2026-04-05", "string"), ("2026-04-06", "integer")):
        schema = {"properties": {"duration": {"type": kind}}}
        rel = f"acme/image-to-video/{version}/request.json"
        request = SourceFile(path=rel, data=schema, sha256="0")
        versions[version] = Version("acme", "image-to-video", version, {"request": request})
    endpoint = Endpoint("acme", "image-to-video", "2026-04-06", versions)
    manifest = SourceFile(path="acme/manifest.yaml", data={}, sha256="0")
    provider = Provider("acme", manifest, {"image-to-video": endpoint})
    text = changelog_markdown(Catalog(tmp_path, {"acme": provider}, {}, {}))
    assert "## acme/image-to-video: 2026-04-05 -> 2026-04-06" in text
    assert "request-property-type-changed" in text
    table = rules_markdown()
    assert all(f"`{rule}`" in table for rule in RULES)


@dataclass(frozen=True)
class Move:
    """Two consecutive versions of an endpoint where the newer request holds fields of the
    older one's body under a new property (an envelope)."""

    old: Path
    new: Path
    key: str  # the new property
    moved: frozenset[str]  # old top-level fields now under it
    dropped: frozenset[str]  # old top-level fields found in neither place
    open_before: bool  # the old body took any other property, so any value of `key`


def _deref(root: dict[str, Any], node: Any) -> dict[str, Any]:
    while isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/"):
        target: Any = root
        for token in node["$ref"][2:].split("/"):
            target = target[token]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node if isinstance(node, dict) else {}


def _names(root: dict[str, Any], node: Any) -> set[str]:
    """The property names of an object schema, its allOf/anyOf/oneOf branches included."""
    node = _deref(root, node)
    found = set(node.get("properties") or {})
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(keyword) or []:
            found |= _names(root, branch)
    return found


def _moves() -> list[Move]:
    found = []
    for endpoint in sorted(load_catalog(SCHEMAS).endpoints(), key=lambda e: e.key):
        versions = list(endpoint.versions.values())
        for older, newer in itertools.pairwise(versions):
            old, new = older.schemas.get("request"), newer.schemas.get("request")
            files = (old.path, new.path) if old and new else ()
            if not files or not all(f.endswith("/request.json") for f in files):
                continue  # a published OpenAPI document is diffed as a whole elsewhere
            before = set(old.data.get("properties") or {})
            after = new.data.get("properties") or {}
            for key in sorted(set(after) - before):
                inner = _names(new.data, after[key])
                moved = (before & inner) - set(after)
                if len(moved) >= 2:
                    found.append(
                        Move(
                            SCHEMAS / old.path,
                            SCHEMAS / new.path,
                            key,
                            frozenset(moved),
                            frozenset(before - inner - set(after)),
                            old.data.get("additionalProperties", True) is not False,
                        )
                    )
    return found


MOVES = _moves()


def _moves_or_skip() -> list[Move]:
    if not MOVES:
        pytest.skip("no endpoint of the catalog moves fields into a new property between versions")
    return MOVES


def test_a_new_subtree_is_one_finding_not_one_per_nested_field() -> None:
    """A version that wraps the body in a new property: the narrowing of the new subtree is
    reported once, with its nested constraints counted, not once per field."""
    for move in _moves_or_skip():
        _one_finding_for_the_subtree(move)


def _one_finding_for_the_subtree(move: Move) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "codegen", "diff", str(move.old), str(move.new), "--format", "json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    found = json.loads(done.stdout)["changes"]
    breaking = [c for c in found if c["severity"] == "breaking"]
    inside = [c for c in breaking if c["location"].startswith(f"#/properties/{move.key}/")]
    assert done.returncode == (1 if breaking else 0)
    if move.open_before:  # any value was accepted there: the whole subtree narrows it, once
        assert len(inside) == 1, inside
        assert "nested constraints of the new property" in inside[0]["message"]
    else:
        assert inside == []
    for name in move.dropped:
        assert any(c["location"] == f"#/properties/{name}" for c in found), name


def test_fields_moved_into_an_envelope_are_named_once() -> None:
    for move in _moves_or_skip():
        found = diff_files(move.old, move.new, direction="request")
        (moved,) = [c for c in found if c.rule == "request-properties-moved"]
        assert moved.location == f"#/properties/{move.key}" and moved.severity == "info"
        listed = moved.message.split(": ", 1)[1].split(", ")
        assert sorted(listed) == sorted(move.moved)  # each moved field once
        assert not set(listed) & move.dropped  # none removed for good


def test_a_remembered_comparison_is_the_same_result_and_an_edit_is_seen() -> None:
    old = {"type": "object", "properties": {"a": {"type": "integer"}}}
    new = {"type": "object", "properties": {"a": {"type": "string"}}}
    first = changes(old, new)
    first.clear()  # the caller's list is its own
    again = changes(old, new)
    assert again == changes(json.loads(json.dumps(old)), json.loads(json.dumps(new)))
    assert rules_of(again) == {"request-property-type-changed"}

    new["properties"]["a"]["type"] = "integer"  # the same objects, edited in place
    assert changes(old, new) == []
    new["properties"]["a"] = {"type": "integer", "maximum": 1}
    assert changes(old, new) != [], "a narrowed range is a change"
    assert changes(old, {**new, "properties": {"a": {"type": "number"}}}) != []

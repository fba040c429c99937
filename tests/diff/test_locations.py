"""Each change says where it is written: the file, the JSON pointer in the unresolved source
(through `$ref`s) and the line, for JSON and YAML; text shows `file:line`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from codegen.diff.compare import diff_files


def _defs(maximum: int, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {"duration": {"type": "integer", "maximum": maximum}, **(extra or {})}
    return {
        "type": "object",
        "properties": {"input": {"$ref": "#/$defs/Input"}},
        "$defs": {"Input": {"type": "object", "properties": props}},
    }


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_json_through_a_ref_to_the_keyword(tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(_defs(15, {"seed": {"type": "integer"}}), indent=2))
    new.write_text(json.dumps(_defs(10), indent=2))
    found = {c.rule: c for c in diff_files(old, new)}
    lowered = found["request-property-max-decreased"]
    assert lowered.location == "#/properties/input/properties/duration"
    assert (lowered.file, lowered.pointer) == (str(new), "/$defs/Input/properties/duration/maximum")
    assert lowered.line == _line(new, '"maximum": 10')
    removed = found["request-property-removed"]  # gone: where it was, in the new file
    assert (removed.file, removed.pointer) == (str(new), "/$defs/Input/properties")


def test_yaml_openapi_parameter_behind_a_ref(tmp_path: Path) -> None:
    def doc(maximum: int) -> str:
        return f"""openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:
  /things:
    get:
      parameters:
        - $ref: '#/components/parameters/limit'
      responses:
        '200': {{description: ok}}
components:
  parameters:
    limit:
      name: limit
      in: query
      schema:
        type: integer
        maximum: {maximum}
"""

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(doc(100))
    new.write_text(doc(50))
    (change,) = diff_files(old, new)
    assert change.rule == "request-property-max-decreased"
    assert change.pointer == "/components/parameters/limit/schema/maximum"
    assert change.line == _line(new, "maximum: 50")


def test_text_and_json_show_where(tmp_path: Path) -> None:
    from codegen.diff.cli import diff

    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(_defs(15), indent=2))
    new.write_text(json.dumps(_defs(10), indent=2))
    text = CliRunner().invoke(diff, [str(old), str(new)], standalone_mode=False).output
    line = _line(new, '"maximum": 10')
    assert f"new.json:{line}: breaking request-property-max-decreased" in text
    assert "request assumed" in text  # new.json names no role
    payload = json.loads(CliRunner().invoke(diff, [str(old), str(new), "--format", "json"]).output)
    (change,) = payload["changes"]
    assert change["pointer"] == "/$defs/Input/properties/duration/maximum"
    assert change["line"] == line and change["file"].endswith("new.json")
    assert {"rule", "severity", "direction", "location", "message"} <= set(change)

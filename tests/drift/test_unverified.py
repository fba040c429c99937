"""`kling-codegen drift --unverified`: readings not yet checked against public material."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from codegen.catalog import load_catalog
from codegen.commands.group import cli
from codegen.drift.unverified import count_readings, unverified_readings

from .conftest import SCHEMAS


def _all_readings() -> list[tuple[str, dict[str, object]]]:
    files = [*SCHEMAS.glob("*/manifest.yaml"), *SCHEMAS.glob("*/*/*/provenance.yaml")]
    return [
        (path.relative_to(SCHEMAS).as_posix(), reading)
        for path in sorted(files)
        for reading in yaml.safe_load(path.read_text(encoding="utf-8")).get("readings") or []
    ]


def test_lists_exactly_the_readings_not_marked_verified() -> None:
    catalog = load_catalog(SCHEMAS)
    listed = {(u.file, u.pointer) for u in unverified_readings(catalog)}
    readings = _all_readings()
    expected = {(f, str(r["pointer"])) for f, r in readings if r.get("verified") is not True}
    assert listed == expected
    assert count_readings(catalog) == len(readings)
    assert any(r.get("verified") is True for _f, r in readings)  # some are verified
    assert listed  # and some are not: the list is not empty today


def test_cli_json_and_text() -> None:
    runner = CliRunner()
    done = runner.invoke(
        cli, ["drift", "--unverified", "--format", "json", "--schemas", str(SCHEMAS)]
    )
    assert done.exit_code == 0, done.output
    doc = json.loads(done.output)
    assert doc["readings"] == len(_all_readings())
    reasons = [u["reason"] for u in doc["unverified"] if u["reason"]]
    assert reasons and all(isinstance(r, str) for r in reasons)
    text = runner.invoke(cli, ["drift", "--unverified", "--schemas", str(SCHEMAS)]).output
    assert (
        text.splitlines()[-1]
        == f"{len(doc['unverified'])} of {doc['readings']} readings not verified"
    )

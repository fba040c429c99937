"""Contract: the committed baseline lists exactly the drift the catalog has, with its values.

A schema change that introduces drift the baseline does not list, removes drift it lists,
or changes a recorded value (range, default, enum, limit) fails here with a message naming
the field, the kind, the provider endpoint, the old and the new value.

The schema edits are chosen from the catalog by what it says about a field (a range equal to
the canonical one, a recorded range departure, a field with recorded departures), never by
provider, and the expected lines are built from those facts.
"""

from __future__ import annotations

import json
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

from .conftest import SCHEMAS
from .places import Place, places

BASELINE = SCHEMAS / bl.BASELINE_NAME
RANGE_KEYS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf")
VALUE_TRANSFORMS = {"to_string", "to_integer", "lookup", "json_text"}


def check(schemas: Path) -> list[str]:
    """What the contract test says about a catalog and the baseline inside it."""
    found = recorded(analyze(load_catalog(schemas)))
    result = bl.compare(found, bl.load(schemas / bl.BASELINE_NAME))
    return bl.explain(result, baseline=bl.BASELINE_NAME)


def span(rng: dict[str, Any] | None) -> str:
    """A closed range as the gate writes it (3..15), `none` for no range."""
    return "none" if not rng else f"{rng['minimum']}..{rng['maximum']}"


def _closed(rng: Any) -> bool:
    return isinstance(rng, dict) and set(rng) == {"minimum", "maximum"}


# --- the cases, from the catalog ------------------------------------------------------------


def _report() -> dict[str, Any]:
    return analyze(load_catalog(SCHEMAS))


def _entries() -> list[dict[str, Any]]:
    return bl.load(BASELINE)


def _plain(place: Place) -> bool:
    """A field whose value reaches the provider as the canonical value is."""
    return not VALUE_TRANSFORMS & set(place.transforms)


def _narrowable() -> tuple[Place, dict[str, Any]] | None:
    """A field whose integer range is the canonical one, stated on its own schema node."""
    report = _report()
    for place in places(SCHEMAS):
        cell = report["fields"][place.field]["providers"][place.key]
        canon = report["fields"][place.field]["canonical"][place.endpoint].get("range")
        node = place.node(SCHEMAS)
        if (
            _plain(place)
            and cell.get("type") == "integer"
            and "enum" not in cell
            and _closed(canon)
            and cell.get("range") == canon
            and node.get("maximum") == canon["maximum"]
            and canon["maximum"] - canon["minimum"] >= 2
        ):
            return place, canon
    return None


def _boundable() -> tuple[Place, dict[str, Any]] | None:
    """A recorded range departure (the provider states no range) where canonical has one."""
    where = {(p.field, p.key): p for p in places(SCHEMAS)}
    for e in _entries():
        place = where.get((e["field"], e["providers"][0]))
        if (
            e["kind"] == "range"
            and place is not None
            and _plain(place)
            and e["value"] is None
            and _closed(e["canonical"])
            and not set((*RANGE_KEYS, "enum", "const")) & set(place.node(SCHEMAS))
        ):
            return place, e
    return None


def _droppable() -> tuple[Place, list[dict[str, Any]]] | None:
    """A field (without nested canonical fields) with recorded departures other than
    `missing`, stated once in its provider's schema."""
    report, entries, found = _report(), _entries(), places(SCHEMAS)
    for place in found:
        nested = any(name.startswith(place.field + ".") for name in report["fields"])
        shared = [p for p in found if p.file == place.file and p.pointer == place.pointer]
        recorded_here = [
            e
            for e in entries
            if e["field"] == place.field
            and e["providers"] == [place.key]
            and e["kind"] != "missing"
        ]
        if not nested and len(shared) == 1 and recorded_here:
            return place, recorded_here
    return None


NARROW, BOUND, DROP = _narrowable(), _boundable(), _droppable()


def _need(case: Any, what: str) -> Any:
    if case is None:
        pytest.skip(f"the catalog has no {what}")
    return case


def _narrow(schemas: Path) -> tuple[Place, str, str]:
    """Lower the maximum of NARROW's field; the new range as the report shows it, and the
    new-drift line."""
    place, canon = _need(NARROW, "integer range equal to the canonical one")
    new_max = canon["minimum"] + (canon["maximum"] - canon["minimum"]) // 2
    place.edit(schemas, lambda node: node.update(maximum=new_max))
    line = (
        f"new drift not in {bl.BASELINE_NAME}: {place.field}: range of {place.key} "
        f"was {span(canon)} (as canonical), now {canon['minimum']}..{new_max}"
    )
    return place, f"{canon['minimum']}..{new_max}", line


def _bound(schemas: Path) -> tuple[Place, str]:
    """Give BOUND's field the canonical range; the stale-entry line."""
    place, entry = _need(BOUND, "recorded range departure on a field without bounds")
    place.edit(schemas, lambda node: node.update(entry["canonical"]))
    line = (
        f"stale entry in {bl.BASELINE_NAME}, drift no longer found: {place.field}: range of "
        f"{place.key} was none, now {span(entry['canonical'])} (as canonical)"
    )
    return place, line


# --- the committed baseline -----------------------------------------------------------------


def test_committed_baseline_matches_the_catalog() -> None:
    problems = check(SCHEMAS)
    assert not problems, "\n".join(problems)


def test_committed_baseline_is_stable_and_sorted(report: dict[str, Any]) -> None:
    assert BASELINE.read_text(encoding="utf-8") == bl.dumps(recorded(report))
    keys = [bl.key(e) for e in bl.load(BASELINE)]
    assert keys == sorted(set(keys))


def test_every_compared_provider_endpoint_has_entries(report: dict[str, Any]) -> None:
    """Each provider endpoint departs somewhere (at least its price is recorded)."""
    named = {p for e in bl.load(BASELINE) for p in e["providers"]}
    compared = {key for sides in report["endpoints"].values() for key in sides}
    assert compared and named == compared


# --- edits to a copy of the catalog ----------------------------------------------------------


def test_new_drift_names_field_providers_and_kind(schemas_copy: Path) -> None:
    _place, _now, line = _narrow(schemas_copy)
    problems = check(schemas_copy)
    new = [p for p in problems if p.startswith("new drift")]
    assert new == [line], problems
    assert problems[-1] == bl.HINT


def test_drift_that_disappears_makes_the_entry_stale(schemas_copy: Path) -> None:
    _place, line = _bound(schemas_copy)
    assert check(schemas_copy) == [line, bl.HINT]


def test_a_mapped_field_the_schema_loses_is_missing(schemas_copy: Path) -> None:
    place, others = _need(DROP, "field with recorded departures")

    def drop(body: dict[str, Any]) -> None:
        del body["properties"][place.key_in_body]
        if place.key_in_body in body.get("required", []):
            body["required"].remove(place.key_in_body)

    place.edit_body(schemas_copy, drop)
    problems = check(schemas_copy)
    new = [p for p in problems if p.startswith("new drift")]
    assert new == [
        f"new drift not in {bl.BASELINE_NAME}: {place.field}: missing of {place.key} "
        f"was present (as canonical), now absent (not in schema {place.wire})"
    ], problems
    stale = [p for p in problems if p.startswith("stale entry")]
    assert len(stale) == len(others), problems
    for entry in others:
        head = f"drift no longer found: {place.field}: {entry['kind']} of {place.key} was "
        assert any(head in p for p in stale), (head, problems)


def run(*args: str) -> Any:
    return CliRunner().invoke(drift, list(args), standalone_mode=False)


def test_cli_exit_0_with_the_committed_baseline() -> None:
    result = run("--schemas", str(SCHEMAS))
    assert result.exception is None and result.return_value == 0
    assert "0 new, 0 stale, 0 changed" in result.output and "Summary:" in result.output


def test_cli_exit_1_names_the_new_drift(schemas_copy: Path) -> None:
    place, now, _line = _narrow(schemas_copy)
    result = run("--schemas", str(schemas_copy))
    assert result.return_value == 1
    new_range = next(line for line in result.output.splitlines() if "! NEW range:" in line)
    assert f"{place.key}: {now}" in new_range
    assert "new drift not in" in result.output
    assert f"{place.field}: range of {place.key}" in result.output


def test_cli_update_baseline_then_clean(schemas_copy: Path) -> None:
    _narrow(schemas_copy)
    assert run("--schemas", str(schemas_copy)).return_value == 1
    assert run("--schemas", str(schemas_copy), "--update-baseline").return_value == 0
    assert run("--schemas", str(schemas_copy)).return_value == 0


def test_cli_json_lists_new_and_stale(schemas_copy: Path) -> None:
    place, _line = _bound(schemas_copy)
    result = run("--schemas", str(schemas_copy), "--format", "json")
    assert result.return_value == 1
    data = json.loads(result.output)
    stale = [(e["field"], e["kind"], e["providers"]) for e in data["baseline"]["stale"]]
    assert stale == [(place.field, "range", [place.key])]
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
    with pytest.raises(InputError, match=message):
        bl.load(path)

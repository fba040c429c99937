"""The baseline records values: a changed range, default, enum or item limit fails the gate.

And it is keyed per provider endpoint: adding a provider adds only entries that name it
(every other line stays byte for byte), removing one removes only its entries, and
`--update-baseline` says what it added and removed.

Each edit is made where the catalog has that kind of value (a range equal to the canonical
one, a recorded default, item limit or enum, a string enum filled by `to_string`), found
from the report, the baseline and the schema files; the expected lines are built from those
values. An edit the catalog has no place for is skipped, saying which kind is missing.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from codegen.catalog import load_catalog
from codegen.drift import analyze
from codegen.drift import baseline as bl
from codegen.drift.cli import drift

from .conftest import SCHEMAS
from .places import Place, places

# Transforms that change the value on its way to the provider, beyond `to_string`.
UNMODELLED = {"lookup", "json_text", "to_integer"}
PROVIDERS = sorted(p.parent.name for p in SCHEMAS.glob("*/manifest.yaml"))


def run(*args: str) -> Any:
    return CliRunner().invoke(drift, list(args), standalone_mode=False)


def _gate(schemas: Path) -> tuple[int, str]:
    result = run("--schemas", str(schemas))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.return_value, result.output


def show(value: Any) -> str:
    """A value as the gate shows it (short strings only: longer ones are cut there)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        assert len(value) <= 60, value
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value)


def limits(value: dict[str, Any] | None) -> str:
    if not value:
        return "none"
    if "minItems" not in value:
        return f"at most {value['maxItems']} items"
    if "maxItems" not in value:
        return f"at least {value['minItems']} items"
    return f"{value['minItems']}..{value['maxItems']} items"


def wire(place: Place, value: Any) -> Any:
    """A canonical value as the provider's schema spells it (the mapping's `to_string`)."""
    return str(value) if "to_string" in place.transforms else value


@dataclass(frozen=True)
class Case:
    """One schema edit and the line the gate must print for it."""

    id: str
    place: Place
    values: dict[str, Any]  # keywords set on the field's schema
    line: str  # `{baseline}` stands for the baseline's path

    def apply(self, schemas: Path) -> None:
        self.place.edit(schemas, lambda node: node.update(self.values))


class Catalog:
    """The report, the baseline and the placed fields of schemas/, looked up together."""

    def __init__(self) -> None:
        self.report = analyze(load_catalog(SCHEMAS))
        self.entries = bl.load(SCHEMAS / bl.BASELINE_NAME)
        self.places = [p for p in places(SCHEMAS) if not UNMODELLED & set(p.transforms)]
        self._where = {(p.field, p.key): p for p in self.places}

    def recorded(self, kind: str) -> list[tuple[dict[str, Any], Place]]:
        """Baseline entries of `kind` on a placed field, with the place."""
        found = [(e, self._where.get((e["field"], e["providers"][0]))) for e in self.entries]
        return [(e, p) for e, p in found if e["kind"] == kind and p is not None]

    def cell(self, place: Place) -> dict[str, Any]:
        return dict(self.report["fields"][place.field]["providers"][place.key])

    def canonical(self, place: Place) -> dict[str, Any]:
        return dict(self.report["fields"][place.field]["canonical"][place.endpoint])


def _closed(rng: Any) -> bool:
    return isinstance(rng, dict) and set(rng) == {"minimum", "maximum"}


def range_widened(cat: Catalog) -> Case | None:
    """A range stated as the canonical one, widened: new drift."""
    for p in cat.places:
        rng = cat.canonical(p).get("range")
        cell = cat.cell(p)
        if (
            _closed(rng)
            and cell.get("range") == rng
            and "enum" not in cell
            and "to_string" not in p.transforms
            and p.node(SCHEMAS).get("maximum") == rng["maximum"]
        ):
            low, high = rng["minimum"], rng["maximum"]
            return Case(
                "range widened",
                p,
                {"maximum": high + 1},
                f"new drift not in {{baseline}}: {p.field}: range of {p.key} was "
                f"{low}..{high} (as canonical), now {low}..{high + 1}",
            )
    return None


def default_changed(cat: Catalog) -> Case | None:
    """A recorded numeric default, changed to another one: a changed entry (a default with
    a canonical one first, so that the line shows both)."""
    found = [
        (e, p)
        for e, p in cat.recorded("default")
        if isinstance(e["value"], int | float) and not isinstance(e["value"], bool)
    ]
    for e, p in sorted(found, key=lambda pair: pair[0]["canonical"] is None):
        new = e["value"] + 1 if e["value"] + 1 != e["canonical"] else e["value"] + 2
        return Case(
            "default changed",
            p,
            {"default": wire(p, new)},
            f"changed drift, not as in {{baseline}}: {p.field}: default of {p.key} "
            f"was {show(e['value'])}, now {show(new)} (canonical: {show(e['canonical'])})",
        )
    return None


def default_as_canonical(cat: Catalog) -> Case | None:
    """A recorded default departure, set to the canonical default: the entry goes stale."""
    for e, p in cat.recorded("default"):
        value, canonical = e["value"], e["canonical"]
        if canonical is None or (isinstance(value, str) and len(value) > 60):
            continue
        return Case(
            "default as canonical",
            p,
            {"default": wire(p, canonical)},
            f"drift no longer found: {p.field}: default of {p.key} was {show(value)}, "
            f"now {show(canonical)} (as canonical)",
        )
    return None


def items_changed(cat: Catalog) -> Case | None:
    """A recorded maximum number of items, moved: a changed entry."""
    for e, p in cat.recorded("items"):
        value = e["value"]
        if not isinstance(value, dict) or p.node(SCHEMAS).get("maxItems") != value.get("maxItems"):
            continue
        high = value["maxItems"] - 1
        if high < max(1, value.get("minItems", 0)):
            high += 2
        new = {**value, "maxItems": high}
        if new == e["canonical"]:
            continue
        return Case(
            "items changed",
            p,
            {"maxItems": high},
            f"changed drift, not as in {{baseline}}: {p.field}: items of {p.key} was "
            f"{limits(value)}, now {limits(new)} (canonical: {limits(e['canonical'])})",
        )
    return None


def enum_changed(cat: Catalog) -> Case | None:
    """A recorded enum departure of a string field, one value added: a changed entry."""
    for e, p in cat.recorded("enum"):
        node = p.node(SCHEMAS)
        if (
            cat.cell(p).get("type") != "string"
            or "to_string" in p.transforms
            or "const" in node
            or node.get("enum") != e["value"]
        ):
            continue
        new = [*(e["value"] or (e["canonical"] or [])[:1]), "zz-added"]
        return Case(
            "enum changed",
            p,
            {"enum": new},
            f"changed drift, not as in {{baseline}}: {p.field}: enum of {p.key} was "
            f"{show(e['value'])}, now {show(new)} (canonical: {show(e['canonical'])})",
        )
    return None


def range_from_a_string_enum(cat: Catalog) -> Case | None:
    """A string enum the mapping fills with `to_string`, spelling the canonical integer
    range: cut to its first half, the range it implies is new drift."""
    for p in cat.places:
        rng = cat.canonical(p).get("range")
        if "to_string" not in p.transforms or not _closed(rng):
            continue
        spelled = [str(n) for n in range(rng["minimum"], rng["maximum"] + 1)]
        if len(spelled) < 2 or p.node(SCHEMAS).get("enum") != spelled:
            continue
        half = spelled[: len(spelled) // 2]
        return Case(
            "range from a string enum",
            p,
            {"enum": half},
            f"new drift not in {{baseline}}: {p.field}: range of {p.key} was "
            f"{rng['minimum']}..{rng['maximum']} (as canonical), now {half[0]}..{half[-1]}",
        )
    return None


FINDERS = (
    range_widened,
    default_changed,
    default_as_canonical,
    items_changed,
    enum_changed,
    range_from_a_string_enum,
)


def _cases() -> list[Any]:
    cat = Catalog()
    params = []
    for finder in FINDERS:
        name = finder.__name__.replace("_", " ")
        case = finder(cat)
        skip = pytest.mark.skip(reason=f"the catalog has no place for: {finder.__doc__}")
        params.append(pytest.param(case, id=name, marks=() if case else skip))
    return params


CASES = _cases()


@pytest.mark.parametrize("case", CASES)
def test_a_changed_value_fails_naming_field_provider_old_and_new(
    schemas_copy: Path, case: Case
) -> None:
    case.apply(schemas_copy)
    code, output = _gate(schemas_copy)
    assert code == 1
    baseline = f"{schemas_copy.as_posix()}/{bl.BASELINE_NAME}"
    assert case.line.replace("{baseline}", baseline) in output, output[-1500:]


def _changed_default() -> Case:
    case = default_changed(Catalog())
    if case is None:
        pytest.skip(f"the catalog has no place for: {default_changed.__doc__}")
    return case


def test_update_baseline_prints_what_it_changed(schemas_copy: Path) -> None:
    case = _changed_default()
    case.apply(schemas_copy)
    result = run("--schemas", str(schemas_copy), "--update-baseline")
    assert result.return_value == 0
    # "... was OLD, now NEW (canonical: C)" becomes "changed: ... is NEW (canonical: C), was OLD"
    head, rest = case.line.split(": ", 1)[1].split(" was ", 1)
    old, new_and_canonical = rest.split(", now ", 1)
    assert f"changed: {head} is {new_and_canonical}, was {old}" in result.output
    assert "(0 added, 0 removed, 1 changed)" in result.output
    assert _gate(schemas_copy)[0] == 0


def _copy_provider(schemas: Path, source: str, new: str) -> None:
    shutil.copytree(schemas / source, schemas / new)
    for path in (schemas / new).rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace(f"id: {source}", f"id: {new}").replace(
                f"provider: {source}", f"provider: {new}"
            ),
            encoding="utf-8",
        )


def _lines(schemas: Path) -> list[str]:
    text = (schemas / bl.BASELINE_NAME).read_text(encoding="utf-8")
    return [line.strip().rstrip(",") for line in text.splitlines()]


def _entries(schemas: Path) -> list[dict[str, Any]]:
    return bl.load(schemas / bl.BASELINE_NAME)


def _of(entries: list[dict[str, Any]], provider: str) -> list[dict[str, Any]]:
    return [e for e in entries if e["providers"][0].split("/")[0] == provider]


def test_the_catalog_has_providers() -> None:
    assert PROVIDERS and all(_of(_entries(SCHEMAS), p) for p in PROVIDERS)


@pytest.mark.parametrize("source", PROVIDERS)
def test_adding_a_provider_adds_only_its_entries(schemas_copy: Path, source: str) -> None:
    """A copy of a provider under a new id departs exactly where the original does."""
    before = _lines(schemas_copy)
    _copy_provider(schemas_copy, source, "zz-copy")
    result = run("--schemas", str(schemas_copy), "--update-baseline")
    assert result.return_value == 0, result.output
    after = _lines(schemas_copy)
    assert set(before) <= set(after)  # every existing entry byte for byte
    added = [json.loads(line) for line in after if line not in before]
    renamed = [
        {**e, "providers": ["zz-copy/" + e["providers"][0].split("/", 1)[1]]}
        for e in _of(_entries(SCHEMAS), source)
    ]
    assert added and sorted(map(json.dumps, added)) == sorted(map(json.dumps, renamed))
    assert f"({len(added)} added, 0 removed, 0 changed)" in result.output
    assert all(
        line.startswith("added: ") and "zz-copy/" in line
        for line in result.output.splitlines()[:-1]
    )


@pytest.mark.parametrize("provider", PROVIDERS)
def test_removing_a_provider_removes_only_its_entries(schemas_copy: Path, provider: str) -> None:
    before = _entries(schemas_copy)
    shutil.rmtree(schemas_copy / provider)
    result = run("--schemas", str(schemas_copy), "--update-baseline")
    assert result.return_value == 0, result.output
    after = _entries(schemas_copy)
    removed = [e for e in before if e not in after]
    assert removed and removed == _of(before, provider)
    assert [e for e in before if e not in removed] == after
    assert f"(0 added, {len(removed)} removed, 0 changed)" in result.output

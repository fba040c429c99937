"""The known differences between providers, as the drift report states them, checked against
the catalog they come from.

No provider is named here. Each provider endpoint's reading of each canonical field is
derived from its mapping and its schemas (reading.py, an independent reading of the rules in
docs/drift.md), and the report's cells must say the same; each drift item must be exactly the
disagreement between those cells, with each provider's value in its detail; prices come from
the manifests. The differences themselves are data: every item the report shows is backed by
the committed baseline (schemas/drift-baseline.json), which lists each provider's departure
from the canonical model with its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from codegen.catalog import load_catalog
from codegen.drift import baseline as bl
from codegen.drift import drift_items

from .conftest import SCHEMAS
from .reading import MISSING, json_type, price_cell, read, show

KINDS = ("missing", "name", "type", "enum", "range", "length", "items", "default")
KINDS += ("required", "semantics")
PRICE = "(price)"
# What a cell says that is context, not compared: the provenance readings shown beside it.
CONTEXT = {"readings"}


@pytest.fixture(scope="module")
def readings() -> dict[str, dict[str, dict[str, Any]]]:
    return read(load_catalog(SCHEMAS))


@pytest.fixture(scope="module")
def entries() -> list[dict[str, Any]]:
    return bl.load(SCHEMAS / bl.BASELINE_NAME)


def present(cell: Mapping[str, Any]) -> bool:
    return bool(cell.get("supported")) and "problem" not in cell


def compared(report: dict[str, Any]) -> list[tuple[str, str, dict[str, dict[str, Any]]]]:
    """(field, canonical endpoint, {provider endpoint: report cell}) for every row."""
    rows = []
    for endpoint, sides in report["endpoints"].items():
        for field, entry in report["fields"].items():
            cells = {k: c for k, c in entry["providers"].items() if k in sides}
            if cells:
                rows.append((field, endpoint, cells))
    return rows


# --- cells -----------------------------------------------------------------------------------


def test_the_report_compares_every_mapped_provider_endpoint(
    report: dict[str, Any], readings: dict[str, dict[str, dict[str, Any]]]
) -> None:
    assert readings and {e: sorted(s) for e, s in report["endpoints"].items()} == {
        e: sorted(s) for e, s in readings.items()
    }
    for endpoint, sides in readings.items():
        for key, cells in sides.items():
            mine = sorted(cells)
            theirs = sorted(f for f, e in report["fields"].items() if key in e["providers"])
            assert mine == theirs, (endpoint, key)


def test_each_cell_says_what_the_schema_says_along_the_mapping(
    report: dict[str, Any], readings: dict[str, dict[str, dict[str, Any]]]
) -> None:
    checked = 0
    for endpoint, sides in readings.items():
        for key, cells in sides.items():
            for field, mine in cells.items():
                theirs = {
                    k: v
                    for k, v in report["fields"][field]["providers"][key].items()
                    if k not in CONTEXT
                }
                where = f"{field} of {key} ({endpoint})"
                if "unread" in mine:  # a transform reading.py does not read: where it goes
                    assert {k: theirs[k] for k in ("supported", "name", "wire")} == {
                        k: mine[k] for k in ("supported", "name", "wire")
                    }, where
                    continue
                assert theirs == mine, where
                checked += 1
    assert checked


# --- drift items -----------------------------------------------------------------------------


def _range(cell: Mapping[str, Any]) -> dict[str, Any] | None:
    """The stated range, or the one a numeric enum implies."""
    if "range" in cell:
        return dict(cell["range"])
    enum = cell.get("enum")
    if enum and all(json_type(v) in ("integer", "number") for v in enum):
        return {"minimum": min(enum), "maximum": max(enum)}
    return None


def _span(rng: Mapping[str, Any] | None) -> str:
    if not rng:
        return "any"
    low = rng.get("minimum", f"({rng['exclusiveMinimum']}" if "exclusiveMinimum" in rng else "")
    high = rng.get("maximum", f"{rng['exclusiveMaximum']})" if "exclusiveMaximum" in rng else "")
    step = f" step {rng['multipleOf']}" if "multipleOf" in rng else ""
    return f"{low}..{high}{step}"


def _limits(limits: Mapping[str, Any] | None, low: str, high: str) -> str:
    return f"{limits.get(low, 0)}..{limits.get(high, '')}" if limits else "any"


def _value(kind: str, cell: Mapping[str, Any]) -> tuple[Any, str]:
    """(what is compared, how the detail writes it) for one kind of one present cell."""
    if kind == "range":
        rng = _range(cell)
        text = _span(rng) + (" (from its enum)" if rng and "range" not in cell else "")
        return (None if rng is None else sorted(rng.items())), text
    if kind in ("length", "items"):
        low, high = ("minLength", "maxLength") if kind == "length" else ("minItems", "maxItems")
        limits = cell.get(kind)
        return (sorted(limits.items()) if limits else None), _limits(limits, low, high)
    if kind == "default":
        value = cell.get("default", MISSING)
        text = show(value)
        if "sent_default" in cell:
            text += f" (translators send {show(cell['sent_default'])})"
        return ("<none>" if value is MISSING else repr(value)), text
    if kind == "semantics":
        notes = list(cell.get("semantics") or [])
        return notes, "; ".join(notes) or "as canonical"
    value = cell.get(kind, "no" if kind == "required" else None)
    return value, str(value)


def _allowed(cell: Mapping[str, Any]) -> frozenset[Any] | None:
    """The finite set of allowed values: the enum, or a bounded integer range."""
    if "enum" in cell:
        return frozenset(
            v if isinstance(v, str | int | float | bool | None) else repr(v) for v in cell["enum"]
        )
    rng = cell.get("range") or {}
    low = rng.get("minimum", rng["exclusiveMinimum"] + 1 if "exclusiveMinimum" in rng else None)
    high = rng.get("maximum", rng["exclusiveMaximum"] - 1 if "exclusiveMaximum" in rng else None)
    if cell.get("type") != "integer" or low is None or high is None or high - low > 1000:
        return None
    return frozenset(range(int(low), int(high) + 1))


def _interval(values: frozenset[Any] | None) -> bool:
    ints = [v for v in values or () if isinstance(v, int) and not isinstance(v, bool)]
    return bool(ints) and len(ints) == len(values or ()) and max(ints) - min(ints) + 1 == len(ints)


def _enum_text(cell: Mapping[str, Any]) -> str:
    if "enum" in cell:
        return show(list(cell["enum"]))
    inside = f" in {_span(cell['range'])}" if cell.get("range") else ""
    return f"any {cell.get('type')}{inside}"


def expected_items(cells: dict[str, dict[str, Any]]) -> list[tuple[str, tuple[str, ...], str]]:
    """(kind, providers, detail) of every disagreement between the cells of one row, except
    `missing` (checked on its own)."""
    here = {k: c for k, c in sorted(cells.items()) if present(c)}
    if len(here) < 2:
        return []
    found = []
    for kind in KINDS[1:]:
        if kind == "enum":
            continue
        values = {k: _value(kind, c) for k, c in here.items()}
        if len({repr(v[0]) for v in values.values()}) > 1:
            detail = "; ".join(f"{k}: {text}" for k, (_v, text) in values.items())
            ranges = {repr(_value("range", c)[0]) for c in here.values()}
            agreed = _range(next(iter(here.values())))
            if kind == "type" and len(ranges) == 1 and agreed is not None:
                detail += f" (values agree after the mapping's transforms: {_span(agreed)})"
            found.append((kind, tuple(here), detail))
    sets = {k: _allowed(c) for k, c in here.items()}
    if (
        any("enum" in c for c in here.values())
        and len(set(sets.values())) > 1
        and not all(_interval(s) for s in sets.values())
    ):
        found.append(
            ("enum", tuple(here), "; ".join(f"{k}: {_enum_text(c)}" for k, c in here.items()))
        )
    return found


def _why(cell: Mapping[str, Any]) -> str:
    if "problem" in cell:
        return str(cell["problem"])
    reason = f": {cell['reason']}" if cell.get("reason") else ""
    if cell["policy"] == "unmapped":
        return "not mapped" + reason
    only = " only " + ", ".join(show(v) for v in cell["only"]) if "only" in cell else ""
    return f"not a field ({cell['policy']}{only}){reason}"


def test_each_item_is_a_disagreement_between_the_cells(report: dict[str, Any]) -> None:
    rows = compared(report)
    items = [i for i in drift_items(report) if i["field"] != PRICE]
    shown = {
        (i["field"], i["endpoint"], i["kind"], tuple(i["providers"]), i["detail"])
        for i in items
        if i["kind"] != "missing"
    }
    expected = {
        (field, endpoint, kind, providers, detail)
        for field, endpoint, cells in rows
        for kind, providers, detail in expected_items(cells)
    }
    assert rows and expected and shown == expected
    assert len(items) == len({(i["field"], i["endpoint"], i["kind"]) for i in items})


def test_a_missing_item_names_each_provider_without_the_field(report: dict[str, Any]) -> None:
    """The providers that lack the field (a mapping policy, not mapped, or a path the schema
    does not define), each with why, then the providers that have it. A field under a list
    the provider lacks (policy `parent`) is not reported again."""
    items = {
        (i["field"], i["endpoint"]): i
        for i in drift_items(report)
        if i["kind"] == "missing" and i["field"] != PRICE
    }
    seen = 0
    for field, endpoint, cells in compared(report):
        absent = {
            k: c for k, c in sorted(cells.items()) if not present(c) and c.get("policy") != "parent"
        }
        item = items.pop((field, endpoint), None)
        if not absent:
            assert item is None, item
            continue
        assert item is not None and item["providers"] == sorted(absent), (field, endpoint)
        head = "; ".join(f"{k}: {_why(c)}" for k, c in absent.items())
        assert item["detail"].startswith(head), (item["detail"], head)
        having = [k for k, c in sorted(cells.items()) if present(c)]
        if having:
            listed = item["detail"][len(head) :].removeprefix("; present in ").split(", ")
            assert listed == having, item
        seen += 1
    assert seen and not items


# --- prices ----------------------------------------------------------------------------------


def test_prices_are_the_manifests(report: dict[str, Any]) -> None:
    catalog = load_catalog(SCHEMAS)
    for endpoint, sides in report["endpoints"].items():
        for key, side in sides.items():
            provider, endpoint_id = key.split("/", 1)
            spec = catalog.providers[provider].manifest.data["endpoints"][endpoint_id]
            pricing = spec["versions"][spec["current"]].get("pricing") or {}
            assert report["pricing"][endpoint]["providers"][key] == price_cell(pricing), key
            assert side["price"] == price_cell(pricing)["text"]
            for entry in report["fields"].values():
                if key in entry["providers"]:
                    assert entry["providers"][key]["price"] == side["price"]


def test_price_items_compare_the_figures_and_their_conditions(report: dict[str, Any]) -> None:
    for endpoint, pricing in report["pricing"].items():
        cells = pricing["providers"]
        priced = {k: c for k, c in sorted(cells.items()) if c["rates"]}
        figures = {k: sorted({r["per_second"] for r in c["rates"]}) for k, c in priced.items()}
        terms = {
            k: sorted(
                {
                    f"{n}={show(v).strip(chr(34))}"
                    for r in c["rates"]
                    for n, v in r.items()
                    if n != "per_second"
                }
            )
            for k, c in priced.items()
        }
        detail = "; ".join(f"{k}: {c['text']}" for k, c in priced.items())
        expected = []
        absent = sorted(k for k, c in cells.items() if not c["rates"])
        if absent:
            expected.append(("missing", absent, "; ".join(f"{k}: not documented" for k in absent)))
        if len({repr(v) for v in figures.values()}) > 1:
            expected.append(("range", sorted(priced), detail))
        if len({repr(v) for v in terms.values()}) > 1:
            expected.append(("semantics", sorted(priced), detail))
        shown = [(i["kind"], i["providers"], i["detail"]) for i in pricing["drift"]]
        assert shown == expected, endpoint


# --- the baseline ----------------------------------------------------------------------------


def test_every_item_shown_is_a_departure_the_baseline_lists(
    report: dict[str, Any], entries: list[dict[str, Any]]
) -> None:
    """Providers that disagree with each other cannot all agree with the canonical model: at
    least one of them has the baseline entry for that field and kind (each provider without
    the field has its own `missing` entry), with the value its detail shows. (Not `enum`: an
    item also sets a listed set against an open one, which agrees with a canonical model
    that lists no values.)"""
    listed = {(e["field"], e["kind"], e["providers"][0]): e for e in entries}
    items = drift_items(report)
    for item in items:
        keys = [(item["field"], item["kind"], p) for p in item["providers"]]
        backed = [k for k in keys if k in listed]
        if item["kind"] == "missing":
            assert backed == keys, item
        elif item["kind"] != "enum":
            assert backed, item
        for field, kind, provider in backed:
            if kind in ("name", "type", "required"):
                assert f"{provider}: {listed[(field, kind, provider)]['value']}" in item["detail"]
    assert items


def test_baseline_values_are_the_cells(
    report: dict[str, Any], entries: list[dict[str, Any]]
) -> None:
    """Each recorded value is what the provider's cell says in that kind (names, types,
    limits, defaults, required statuses and notes as read from the schema)."""
    checked = 0
    for entry in entries:
        if entry["field"] == PRICE:
            continue
        key = entry["providers"][0]
        cell = report["fields"][entry["field"]]["providers"][key]
        kind, value = entry["kind"], entry["value"]
        if kind == "missing":
            assert not present(cell), entry
            continue
        expected = {
            "name": cell.get("name"),
            "type": cell.get("type", "any"),
            "length": cell.get("length"),
            "items": cell.get("items"),
            "default": cell.get("default"),
            "required": cell.get("required", "no"),
            "semantics": list(cell.get("semantics") or []),
            "enum": cell.get("enum"),
            "range": _range(cell),
        }[kind]
        assert value == expected, entry
        checked += 1
    assert checked


def test_json_shape(report: dict[str, Any]) -> None:
    for name, entry in report["fields"].items():
        assert set(entry) >= {"providers", "drift"}, name
        for item in entry["drift"]:
            assert item["kind"] in KINDS and item["providers"] == sorted(item["providers"])
            assert item["detail"]
    assert report["summary"]["drift"] == sum(report["summary"]["by_kind"].values())
    assert report["summary"]["drift"] == len(drift_items(report))

"""The drift baseline: the drift the project knows about and accepts.

A stable, sorted JSON file (`schemas/drift-baseline.json` by default). One entry per
(field, kind, provider endpoint) where that provider departs from the canonical model,
with the provider's normalized `value` and the `canonical` one (see values.py). The gate
compares values too: a changed range, default, enum or limit is a `changed` entry, named
with its old and new value. Each entry involves one provider, so adding a provider adds
only its entries and leaves every other line of the file as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.drift.compare import KINDS
from codegen.drift.facts import RANGE_KEYS, show, show_range
from codegen.drift.pricing import PRICE_FIELD
from codegen.errors import InputError
from codegen.read import read_data

BASELINE_NAME = "drift-baseline.json"
ABOUT = (
    "Known drift between providers, accepted. Written by `kling-codegen drift --update-baseline`; "
    "one entry per (field, kind, provider) that departs from the canonical model, "
    "with both values. See docs/drift.md."
)

HINT = "if the change is intended, run `kling-codegen drift --update-baseline` and commit it"

Key = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True)
class Comparison:
    new: list[dict[str, Any]]  # found, not in the baseline
    stale: list[dict[str, Any]]  # in the baseline, no longer found
    known: int  # found and listed with the same value
    changed: list[dict[str, Any]] = field(default_factory=list)  # found; `baseline`: old value
    compared: frozenset[str] = frozenset()  # provider endpoints compared now

    @property
    def clean(self) -> bool:
        return not self.new and not self.stale and not self.changed


def key(entry: Mapping[str, Any]) -> Key:
    return str(entry["field"]), str(entry["kind"]), tuple(str(p) for p in entry["providers"])


def entries(found: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Baseline entries, sorted by (field, kind, providers), each with its values."""
    keyed = {
        key(e): {
            "field": e["field"],
            "kind": e["kind"],
            "providers": list(e["providers"]),
            "value": e.get("value"),
            "canonical": e.get("canonical"),
        }
        for e in found
    }
    return [keyed[k] for k in sorted(keyed)]


def dumps(found: Iterable[Mapping[str, Any]]) -> str:
    """The file: one entry per line, so a diff of the baseline reads entry by entry."""
    lines = [json.dumps(e, ensure_ascii=False, sort_keys=False) for e in entries(found)]
    body = ",\n    ".join(lines)
    about = json.dumps(ABOUT, ensure_ascii=False)
    return f'{{\n  "about": {about},\n  "drift": [\n    {body}\n  ]\n}}\n'


def load(path: Path) -> list[dict[str, Any]]:
    """Read a baseline file; InputError (file#/pointer: message) if it is malformed."""
    data = read_data(path, fmt="json")
    drift = data.get("drift") if isinstance(data, dict) else None
    if not isinstance(drift, list):
        raise InputError(f"{path}#/drift: expected a list of drift entries")
    for i, entry in enumerate(drift):
        _check(path, i, entry)
    return drift


def _check(path: Path, index: int, entry: Any) -> None:
    where = f"{path}#/drift/{index}"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected an object")
    for name in ("field", "kind"):
        if not isinstance(entry.get(name), str):
            raise InputError(f"{where}/{name}: expected a string")
    if entry["kind"] not in KINDS:
        raise InputError(f"{where}/kind: {entry['kind']!r} is not one of {', '.join(KINDS)}")
    providers = entry.get("providers")
    if not isinstance(providers, list) or len(providers) != 1 or not isinstance(providers[0], str):
        raise InputError(f"{where}/providers: expected a list of one provider/endpoint id")


def compare(
    found: Sequence[Mapping[str, Any]], baseline: Sequence[Mapping[str, Any]]
) -> Comparison:
    """`found`: entries for the catalog now (values.recorded); `baseline`: the file's."""
    listed = {key(e): e for e in baseline}
    now = {key(e): e for e in found}
    new = [dict(now[k]) for k in sorted(now) if k not in listed]
    stale = [dict(listed[k]) for k in sorted(listed) if k not in now]
    changed = [
        {**now[k], "baseline": listed[k].get("value")}
        for k in sorted(now)
        if k in listed and _norm(listed[k].get("value")) != _norm(now[k].get("value"))
    ]
    return Comparison(
        new=new,
        stale=stale,
        known=len(now) - len(new) - len(changed),
        changed=changed,
        compared=frozenset(p for e in found for p in e["providers"]),
    )


def _norm(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def show_value(value: Any, kind: str = "") -> str:
    """A recorded value as the report shows it: 3..15, 1..3 items, drop only 5, none."""
    if value is None:
        return "none"
    if isinstance(value, dict) and value and set(value) <= set(RANGE_KEYS):
        return show_range(value)
    for low, high, noun in (("minItems", "maxItems", "items"), ("minLength", "maxLength", "chars")):
        if isinstance(value, dict) and value and set(value) <= {low, high}:
            return _limits(value, low, high, noun)
    if isinstance(value, dict) and "policy" in value:
        only = ", ".join(show(v) for v in value.get("only") or [])
        path = f" {value['path']}" if value.get("path") else ""
        return f"absent ({value['policy']}{path}{' only ' + only if only else ''})"
    return value if isinstance(value, str) and kind != "default" else show(value)


def _limits(value: Mapping[str, Any], low: str, high: str, noun: str) -> str:
    if low not in value:
        return f"at most {value[high]} {noun}"
    if high not in value:
        return f"at least {value[low]} {noun}"
    return f"{value[low]}..{value[high]} {noun}"


def describe(entry: Mapping[str, Any]) -> str:
    """The field, the kind, the provider, the recorded and the canonical value."""
    providers = ", ".join(entry["providers"])
    return (
        f"{entry['field']}: {entry['kind']} of {providers} is {show_value(entry.get('value'), entry['kind'])}"
        f" (canonical: {show_value(entry.get('canonical'), entry['kind'])})"
    )


def _moved(entry: Mapping[str, Any], *, old: Any, new: Any) -> str:
    providers = ", ".join(entry["providers"])
    text = f"{entry['field']}: {entry['kind']} of {providers} was {old}, now {new}"
    if "as canonical" in f"{old} {new}" or entry["field"] == PRICE_FIELD:
        return text
    return text + f" (canonical: {show_value(entry.get('canonical'), entry['kind'])})"


def explain(result: Comparison, *, baseline: str) -> list[str]:
    """Readable lines, each with the old and the new value, for what the baseline lacks."""
    lines = [
        f"changed drift, not as in {baseline}: "
        + _moved(
            e, old=show_value(e["baseline"], e["kind"]), new=show_value(e.get("value"), e["kind"])
        )
        for e in result.changed
    ]
    lines += [
        f"new drift not in {baseline}: "
        + _moved(e, old=_as_canonical(e), new=show_value(e.get("value"), e["kind"]))
        for e in result.new
    ]
    lines += [
        f"stale entry in {baseline}, drift no longer found: "
        + _moved(e, old=show_value(e.get("value"), e["kind"]), new=_gone(e, result.compared))
        for e in result.stale
    ]
    if not result.clean:
        lines.append(HINT)
    return lines


def _gone(entry: Mapping[str, Any], compared: frozenset[str]) -> str:
    if not set(entry["providers"]) <= compared:
        return "no longer compared (provider endpoint gone)"
    return _as_canonical(entry)


def _as_canonical(entry: Mapping[str, Any]) -> str:
    if entry["field"] == PRICE_FIELD:
        return "not recorded"
    return f"{show_value(entry.get('canonical'), entry['kind'])} (as canonical)"


def changes(result: Comparison) -> list[str]:
    """What `--update-baseline` did: one line per entry added, removed or changed."""
    lines = [f"added: {describe(e)}" for e in result.new]
    lines += [f"removed: {describe(e)}" for e in result.stale]
    lines += [
        f"changed: {describe(e)}, was {show_value(e['baseline'], e['kind'])}"
        for e in result.changed
    ]
    return lines


def counts(result: Comparison) -> str:
    return (
        f"{result.known} known, {len(result.new)} new, {len(result.stale)} stale,"
        f" {len(result.changed)} changed"
    )


def flagged(result: Comparison | None) -> set[tuple[str, str, str]]:
    """(field, kind, provider) of every entry that is new or changed."""
    found = [*result.new, *result.changed] if result else []
    return {(e["field"], e["kind"], p) for e in found for p in e["providers"]}

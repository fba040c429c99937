"""The drift baseline: the drift the project knows about and accepts.

A stable, sorted JSON file (`schemas/drift-baseline.json` by default). Each entry is
identified by (field, kind, providers); `detail` is for the humans reading the diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.drift.compare import KINDS
from codegen.errors import InputError
from codegen.read import read_data

BASELINE_NAME = "drift-baseline.json"
ABOUT = (
    "Known drift between providers, accepted. Written by `kling-codegen drift --update-baseline`; "
    "each entry is identified by (field, kind, providers). See docs/drift.md."
)

HINT = "if the change is intended, run `kling-codegen drift --update-baseline` and commit it"

Key = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True)
class Comparison:
    new: list[dict[str, Any]]  # found, not in the baseline
    stale: list[dict[str, Any]]  # in the baseline, no longer found
    known: int  # found and listed

    @property
    def clean(self) -> bool:
        return not self.new and not self.stale


def key(entry: Mapping[str, Any]) -> Key:
    return str(entry["field"]), str(entry["kind"]), tuple(str(p) for p in entry["providers"])


def entries(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Baseline entries for drift items, sorted by (field, kind, providers)."""
    found = {
        key(i): {
            "field": i["field"],
            "kind": i["kind"],
            "providers": list(i["providers"]),
            "detail": i["detail"],
        }
        for i in items
    }
    return [found[k] for k in sorted(found)]


def dumps(items: Iterable[Mapping[str, Any]]) -> str:
    data = {"about": ABOUT, "drift": entries(items)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


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
    if not isinstance(providers, list) or not all(isinstance(p, str) for p in providers):
        raise InputError(f"{where}/providers: expected a list of provider/endpoint ids")


def compare(
    items: Sequence[Mapping[str, Any]], baseline: Sequence[Mapping[str, Any]]
) -> Comparison:
    listed = {key(e): e for e in baseline}
    found = {key(i): i for i in items}
    new = [dict(found[k]) for k in sorted(found) if k not in listed]
    stale = [dict(listed[k]) for k in sorted(listed) if k not in found]
    return Comparison(new=new, stale=stale, known=len(found) - len(new))


def describe(entry: Mapping[str, Any]) -> str:
    """One line naming the field, the kind and the providers, then the detail."""
    providers = ", ".join(entry["providers"])
    text = f"{entry['field']}: {entry['kind']} drift between {providers}"
    return text + (f" ({entry['detail']})" if entry.get("detail") else "")


def explain(result: Comparison, *, baseline: str) -> list[str]:
    """Readable lines for everything that does not match the baseline."""
    lines = [f"new drift not in {baseline}: {describe(e)}" for e in result.new]
    lines += [
        f"stale entry in {baseline}, drift no longer found: {describe(e)}" for e in result.stale
    ]
    if result.stale or result.new:
        lines.append(HINT)
    return lines

"""Cells for the canonical result fields: where each provider puts them in its result body.

The mapping's `result.fields.<name>.from` lists read paths (dotted keys, numbers index
lists); the first one the provider's response schema defines is the provider's spelling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codegen.drift.facts import node_facts
from codegen.drift.walk import Node, items, prop

RESULT_PREFIX = "result."


def result_cells(
    names: Sequence[str], mapping: Mapping[str, Any] | None, response: Node | None, *, price: str
) -> dict[str, dict[str, Any]]:
    fields = (mapping or {}).get("fields") or {}
    cells: dict[str, dict[str, Any]] = {}
    for name in names:
        spec = fields.get(name)
        cells[RESULT_PREFIX + name] = _cell(spec, response, price=price)
    return cells


def _cell(spec: Mapping[str, Any] | None, response: Node | None, *, price: str) -> dict[str, Any]:
    if spec is None:
        return {
            "supported": False,
            "policy": "unmapped",
            "reason": "not in the result mapping",
            "price": price,
        }
    paths: list[str] = list(spec["from"])
    for path in paths:
        found = _read(response, path) if response is not None else None
        if found is not None:
            node, required = found
            cell = {"supported": True, "name": path, "wire": path, **node_facts(node)}
            cell.update({"required": required, "semantics": [], "readings": [], "price": price})
            return cell
    problem = "read from " + " or ".join(paths) + ", which the response schema does not define"
    return {
        "supported": True,
        "name": paths[0],
        "wire": paths[0],
        "problem": problem,
        "price": price,
    }


def _read(node: Node, path: str) -> tuple[Node, str] | None:
    statuses: list[str] = []
    current: Node | None = node
    for token in path.split("."):
        if current is None:
            return None
        if token.isdigit():
            current = items(current)
            continue
        found = prop(current, token)
        if found is None:
            return None
        current, status = found
        statuses.append(status)
    if current is None:
        return None
    return current, ("yes" if all(s == "yes" for s in statuses) else "no")

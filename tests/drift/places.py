"""Where each canonical request field lives in a provider's current `request.json`.

Found from the catalog alone: every provider endpoint with a mapping, its current version's
request schema file, the mapping's envelope and each field's `to` path, walked through the
file as it is on disk (`$ref`s followed, the first `allOf`/`anyOf`/`oneOf` branch that has
`properties` when the node itself has none, as the drift report reads a schema). Tests pick
the places they need by what the catalog says about them (a range equal to the canonical
one, a recorded default, a string enum filled by `to_string`...), never by provider.

Only plain paths are placed (`a.b`, no `[]` append, no `.` lookup), in `request.json` files
(a published OpenAPI document is edited as a whole elsewhere).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.catalog import load_catalog

_BRANCHES = ("allOf", "anyOf", "oneOf")


@dataclass(frozen=True)
class Place:
    key: str  # provider/endpoint
    provider: str
    endpoint: str  # the canonical endpoint the mapping names
    field: str  # the canonical request field
    file: str  # the current version's request.json, relative to the schemas folder
    pointer: str  # the field's schema in that file, `$ref`s followed
    body: str  # the object that holds the field (its parent), in that file
    key_in_body: str  # the field's own key in that object
    wire: str  # the envelope prefix and the mapping's `to`, as the report writes it
    transforms: tuple[str, ...]  # names of the mapping's transforms for the field

    def node(self, root: Path) -> dict[str, Any]:
        """The field's schema in `root` (a catalog folder)."""
        found = _at(_read(root / self.file), self.pointer)
        assert isinstance(found, dict), f"{self.file}#{self.pointer}"
        return found

    def edit(self, root: Path, change: Callable[[dict[str, Any]], None]) -> None:
        """Let `change` mutate the field's schema in `root` (a copy of the catalog)."""
        self._edit(root, self.pointer, change)

    def edit_body(self, root: Path, change: Callable[[dict[str, Any]], None]) -> None:
        """Let `change` mutate the object schema that holds the field."""
        self._edit(root, self.body, change)

    def _edit(self, root: Path, pointer: str, change: Callable[[dict[str, Any]], None]) -> None:
        path = root / self.file
        data = _read(path)
        change(_at(data, pointer))
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def resolved_mapping(mapping: Mapping[str, Any], version: str) -> Mapping[str, Any]:
    """The mapping for `version`: its `versions` entry replaces top-level sections."""
    if version == mapping.get("version"):
        return mapping
    return {**mapping, **(mapping.get("versions") or {}).get(version, {})}


def envelope_prefix(steps: list[Mapping[str, Any]]) -> str:
    """The envelope as a path prefix: the last step is the outermost (`[].`, `input.`)."""
    prefix = ""
    for step in reversed(steps):
        if step["step"] == "array":
            prefix += "[]."
        elif step["step"] == "nest":
            prefix += f"{step['key']}."
    return prefix


def places(schemas: Path) -> list[Place]:
    """Every placeable (provider endpoint, canonical field) of the catalog, sorted."""
    found: list[Place] = []
    catalog = load_catalog(schemas)
    for endpoint in sorted(catalog.endpoints(), key=lambda e: e.key):
        source = endpoint.current_version().schemas.get("request")
        if endpoint.mapping is None or source is None or not source.path.endswith("request.json"):
            continue
        mapping = resolved_mapping(endpoint.mapping.data, endpoint.current)
        request = mapping.get("request") or {}
        steps = request.get("envelope") or []
        body = _body(source.data, steps)
        if body is None:
            continue
        for field, spec in (request.get("fields") or {}).items():
            to = spec.get("to")
            if not isinstance(to, str) or to == "." or "[]" in to:
                continue
            located = _walk(source.data, body, to.split("."))
            if located is None:
                continue
            parent, pointer = located
            found.append(
                Place(
                    key=endpoint.key,
                    provider=endpoint.provider,
                    endpoint=str(mapping["canonical"]),
                    field=field,
                    file=source.path,
                    pointer=pointer,
                    body=parent,
                    key_in_body=to.split(".")[-1],
                    wire=envelope_prefix(steps) + to,
                    transforms=tuple(t["name"] for t in spec.get("transforms") or []),
                )
            )
    return found


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _token(text: str) -> str:
    return text.replace("~1", "/").replace("~0", "~")


def _at(data: Any, pointer: str) -> Any:
    for token in pointer.split("/")[1:]:
        data = data[int(token)] if isinstance(data, list) else data[_token(token)]
    return data


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _deref(root: Any, pointer: str) -> str:
    """Follow `$ref`s (local ones) from the node at `pointer`; the pointer of the target."""
    seen: set[str] = set()
    while isinstance(node := _at(root, pointer), dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#") or ref in seen:
            break
        seen.add(ref)
        pointer = ref[1:]
    return pointer


def _object(root: Any, pointer: str) -> str | None:
    """The node itself if it has `properties`, else its first branch that has."""
    pointer = _deref(root, pointer)
    node = _at(root, pointer)
    if not isinstance(node, dict):
        return None
    if isinstance(node.get("properties"), dict):
        return pointer
    for keyword in _BRANCHES:
        for i, _branch in enumerate(node.get(keyword) or []):
            found = _object(root, f"{pointer}/{keyword}/{i}")
            if found is not None:
                return found
    return None


def _array(root: Any, pointer: str) -> str | None:
    pointer = _deref(root, pointer)
    node = _at(root, pointer)
    if isinstance(node, dict) and isinstance(node.get("items"), dict):
        return _deref(root, pointer + "/items")
    for keyword in _BRANCHES:
        for i, _branch in enumerate((node or {}).get(keyword) or []):
            found = _array(root, f"{pointer}/{keyword}/{i}")
            if found is not None:
                return found
    return None


def _child(root: Any, pointer: str, key: str) -> tuple[str, str] | None:
    """(the object holding `key`, the pointer of `key`'s schema), or None."""
    obj = _object(root, pointer)
    if obj is None or key not in _at(root, obj)["properties"]:
        return None
    return obj, _deref(root, f"{obj}/properties/{_escape(key)}")


def _body(root: Any, steps: list[Mapping[str, Any]]) -> str | None:
    pointer: str | None = ""
    for step in reversed(steps):
        if pointer is None:
            return None
        if step["step"] == "array":
            pointer = _array(root, pointer)
        elif step["step"] == "nest":
            found = _child(root, pointer, step["key"])
            pointer = found[1] if found else None
    return pointer


def _walk(root: Any, pointer: str, keys: list[str]) -> tuple[str, str] | None:
    parent = pointer
    for key in keys:
        found = _child(root, pointer, key)
        if found is None:
            return None
        parent, pointer = found
    return parent, pointer

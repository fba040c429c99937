"""Edit manifest.yaml as text: add a version or an endpoint, move `current`.

The manifest is the team's file (comments, anchors, layout): it is never re-dumped. The
edit inserts YAML at the place the parser reports for the mapping it extends, and the
result is parsed again and compared with the intended data before anything is written.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from codegen.errors import SchemaError


def dump(data: Any) -> str:
    """Block YAML for plain data (shared objects written out, never as &anchors)."""
    plain = json.loads(json.dumps(data))
    return yaml.safe_dump(plain, sort_keys=False, allow_unicode=True, width=96)


def add_version(
    text: str, *, path: str, endpoint: str, version: str, entry: dict[str, Any], current: bool
) -> str:
    """`text` with versions/<version> added under endpoints/<endpoint> (and made current)."""
    root = _compose(text, path)
    node = _value(_value(_value(root, "endpoints", path), endpoint, path), "versions", path)
    where = f"/endpoints/{endpoint}/versions"
    edited = _insert(text, node, {version: entry}, path, where)
    if current:
        edited = set_scalar(
            edited, path=path, keys=["endpoints", endpoint, "current"], value=version
        )
    return _checked(text, edited, path, endpoint, version, entry, current)


def add_endpoint(text: str, *, path: str, endpoint: str, spec: dict[str, Any]) -> str:
    """`text` with a new endpoint under `endpoints`."""
    node = _value(_compose(text, path), "endpoints", path)
    edited = _insert(text, node, {endpoint: spec}, path, "/endpoints")
    expected = yaml.safe_load(text)
    expected["endpoints"][endpoint] = spec
    return same(edited, expected, path)


def set_scalar(text: str, *, path: str, keys: list[str], value: str) -> str:
    """`text` with the scalar at `keys` replaced by the quoted string `value`."""
    node = _compose(text, path)
    for key in keys:
        node = _value(node, key, path)
    if not isinstance(node, yaml.ScalarNode):
        raise SchemaError.at(path, keys, "expected a plain value")
    return text[: node.start_mark.index] + json.dumps(value) + text[node.end_mark.index :]


def _compose(text: str, path: str) -> yaml.Node:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        raise SchemaError.at(path, [], "expected a mapping")
    return node


def _value(node: yaml.Node, key: str, path: str) -> yaml.Node:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.Node):
                return v
    raise SchemaError.at(path, [key], "not found where import edits the manifest")


def _insert(text: str, node: yaml.Node, data: dict[str, Any], path: str, where: str) -> str:
    """Insert `data` as block YAML before the first key of the block mapping `node`."""
    if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
        raise SchemaError([(path, where, "import edits block mappings only: write it as a block")])
    first = node.value[0][0].start_mark
    lines = text.splitlines(keepends=True)
    indent = " " * first.column
    block = "".join(indent + line if line.strip() else line for line in dump(data).splitlines(True))
    return "".join(lines[: first.line]) + block + "".join(lines[first.line :])


def _checked(
    text: str, edited: str, path: str, endpoint: str, version: str, entry: Any, current: bool
) -> str:
    expected = yaml.safe_load(text)
    spec = expected["endpoints"][endpoint]
    spec["versions"][version] = entry
    if current:
        spec["current"] = version
    return same(edited, expected, path)


def same(edited: str, expected: Any, path: str) -> str:
    if yaml.safe_load(edited) != expected:
        raise SchemaError.at(path, [], "could not add the entry without changing other data")
    return edited

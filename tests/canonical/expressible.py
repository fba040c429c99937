"""What a provider endpoint can express, derived from its mapping and its request schema.

The mapping says which canonical fields reach the provider (`to`), which are refused
(`unsupported: error`) and which values a drop/pass policy accepts (`only`); the provider's
request schema, at the place the mapping writes each field, says the limits (lengths, item
counts, numeric ranges). `limits(mapping, schema)` turns both into keyword arguments for
`strategies.requests`, so no test keeps a table of what each provider can do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ALL_SHOT_TYPES = ("customize", "intelligent")
ALL_AUDIO = (True, False)
CANONICAL_DURATIONS = (3, 15)
MAX_ITEMS = 4  # the strategies' own cap on elements and reference images


def limits(mapping: Mapping[str, Any], schema: Any) -> dict[str, Any]:
    """Keyword arguments for `strategies.requests` that keep a request expressible."""
    fields = mapping["request"]["fields"]
    body = _body(schema, mapping["request"].get("envelope", []), root=schema)
    element = _element(fields, body, root=schema)
    return {
        "multi_prompt": "to" in fields.get("multi_prompt", {}) and not _required(fields, body),
        "with_elements": _allowed(fields, "elements"),
        "element_voice": _allowed(element["fields"], "voice"),
        "shot_types": _enum(
            _values(fields, "shot_type", ALL_SHOT_TYPES), fields, body, root=schema
        ),
        "audio": _values(fields, "generate_audio", ALL_AUDIO),
        "max_elements": _max_items(_target(fields, "elements", body, root=schema)),
        "max_refs": _max_items(
            _target(element["fields"], "reference_images", element["schema"], root=schema)
        ),
        "min_prompt": _min_length(_target(fields, "prompt", body, root=schema)),
        "min_negative": _min_length(_target(fields, "negative_prompt", body, root=schema)),
        "durations": _range(_target(fields, "duration", body, root=schema)),
        "min_shot": _range(_shot_duration(fields, body, root=schema))[0],
        "shot_durations": _shot_durations_required(fields, body, root=schema),
    }


def _required(fields: Mapping[str, Any], body: dict[str, Any]) -> bool:
    """Whether the provider requires the field `prompt` goes to (then shots alone cannot do)."""
    target = fields.get("prompt", {}).get("to", "")
    return target.split(".")[0] in body.get("required", [])


def _enum(
    values: tuple[Any, ...], fields: Mapping[str, Any], body: dict[str, Any], *, root: Any
) -> tuple[Any, ...]:
    """`values` the provider's enum at the shot_type target accepts (all if it has none)."""
    enum = _target(fields, "shot_type", body, root=root).get("enum")
    return tuple(v for v in values if enum is None or v in enum)


def _allowed(fields: Mapping[str, Any], name: str) -> bool:
    spec = fields.get(name, {})
    return "to" in spec or (spec.get("unsupported") in ("drop", "pass") and "only" not in spec)


def _values(fields: Mapping[str, Any], name: str, every: tuple[Any, ...]) -> tuple[Any, ...]:
    spec = fields.get(name, {})
    if "to" in spec:
        return every
    if spec.get("unsupported") in ("drop", "pass"):
        return tuple(v for v in every if v in spec.get("only", every))
    return ()


def _resolve(node: Any, *, root: Any) -> Any:
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 20:
        target: Any = root
        for token in node["$ref"].lstrip("#").split("/")[1:]:
            target = target.get(token, {}) if isinstance(target, dict) else {}
        node, seen = target, seen + 1
    return node if isinstance(node, dict) else {}


def _body(schema: Any, envelope: list[Mapping[str, Any]], *, root: Any) -> dict[str, Any]:
    """The schema of the translated body, under the envelope the mapping wraps it in."""
    node = _resolve(schema, root=root)
    for step in reversed(envelope):
        if step["step"] == "array":
            node = _resolve(node.get("items", {}), root=root)
        elif step["step"] == "nest":
            node = _resolve(node.get("properties", {}).get(step["key"], {}), root=root)
    return node


def _at(node: dict[str, Any], path: str, *, root: Any) -> dict[str, Any]:
    if path == "." or path.endswith("[]"):
        return {}
    for key in path.split("."):
        node = _resolve(node.get("properties", {}).get(key, {}), root=root)
    return node


def _target(
    fields: Mapping[str, Any], name: str, body: dict[str, Any], *, root: Any
) -> dict[str, Any]:
    spec = fields.get(name, {})
    return _at(body, spec["to"], root=root) if "to" in spec else {}


def _object_step(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """The `object` transform inside a field's `each` (the per-item mapping), if any."""
    for step in spec.get("transforms", []):
        for inner in step.get("transforms", []) if step.get("name") == "each" else []:
            if inner.get("name") == "object":
                return dict(inner)
    return {}


def _element(fields: Mapping[str, Any], body: dict[str, Any], *, root: Any) -> dict[str, Any]:
    target = _target(fields, "elements", body, root=root)
    return {
        "fields": _object_step(fields.get("elements", {})).get("fields", {}),
        "schema": _resolve(target.get("items", {}), root=root),
    }


def _shot_duration(fields: Mapping[str, Any], body: dict[str, Any], *, root: Any) -> dict[str, Any]:
    target = _target(fields, "multi_prompt", body, root=root)
    shot = _object_step(fields.get("multi_prompt", {})).get("fields", {})
    return _target(shot, "duration", _resolve(target.get("items", {}), root=root), root=root)


def _shot_durations_required(fields: Mapping[str, Any], body: dict[str, Any], *, root: Any) -> bool:
    """Whether every shot must carry a duration (the provider's shot item requires the
    field the canonical shot duration goes to)."""
    target = _target(fields, "multi_prompt", body, root=root)
    item = _resolve(target.get("items", {}), root=root)
    to = (
        _object_step(fields.get("multi_prompt", {})).get("fields", {}).get("duration", {}).get("to")
    )
    return to is not None and to in item.get("required", [])


def _max_items(node: dict[str, Any]) -> int:
    return min(MAX_ITEMS, int(node.get("maxItems", MAX_ITEMS)))


def _min_length(node: dict[str, Any]) -> int:
    return max(1, int(node.get("minLength", 1)))


def _range(node: dict[str, Any]) -> tuple[int, int]:
    """Whole seconds the provider takes (enum values as numbers, or minimum..maximum),
    within the canonical range."""
    low, high = CANONICAL_DURATIONS
    numbers = [int(v) for v in node.get("enum", []) if str(v).lstrip("-").isdigit()]
    if numbers:
        low, high = max(low, min(numbers)), min(high, max(numbers))
    low = max(low, int(node.get("minimum", low)))
    high = min(high, int(node.get("maximum", high)))
    return low, high

"""Rewrite one catalog schema into standard JSON Schema 2020-12, and say what was rewritten."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.catalog.model import SourceFile
from codegen.errors import SchemaError, pointer
from codegen.normalize.walk import Path, transform
from codegen.normalize.wrappers import unwrap

# Non-standard type names seen in provider schemas, and what they mean.
TYPE_ALIASES = {
    "float": "number",
    "double": "number",
    "int": "integer",
    "bool": "boolean",
    "str": "string",
}
JSON_TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")
# Formats defined by JSON Schema 2020-12 (section 7.3); others are provider-specific hints.
STANDARD_FORMATS = {
    "date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname",
    "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template",
    "json-pointer", "relative-json-pointer", "regex",
}  # fmt: skip


# Dropped from the model schema: `format` (asserted by the validator), `uniqueItems` (the
# library's own check does not type-check under mypy --strict). Both are UNENFORCED
# keywords, so a model of a schema using them also runs the JSON Schema check (SchemaChecked).
MODEL_DROPS = frozenset({"format", "uniqueItems"})


@dataclass(frozen=True)
class Normalized:
    source: SourceFile
    validator: dict[str, Any]  # standard JSON Schema the validators check
    model: dict[str, Any]  # what the models are generated from (no MODEL_DROPS keywords)
    notes: tuple[str, ...]  # "#/pointer: what was rewritten", for docs and provenance


def normalize_schema(source: SourceFile) -> Normalized:
    """Normalize one schema file; SchemaError (file#/pointer: message) if it cannot be read."""
    notes: list[str] = []
    problems: list[tuple[str, str, str]] = []

    def edit(path: Path, node: dict[str, Any]) -> dict[str, Any]:
        node = unwrap(path, node, notes)
        _check_own_keywords(source.path, path, node, problems)
        node = _fix_type(source.path, path, node, notes, problems)
        return _fix_format(path, node, notes)

    validator = transform(source.data, edit)
    seen = {ptr for _f, ptr, _m in problems}
    problems.extend(p for p in _meta_problems(source.path, validator) if p[1] not in seen)
    if problems:
        raise SchemaError([(f, source.locate(ptr), m) for f, ptr, m in problems])
    model = transform(validator, lambda _p, n: {k: v for k, v in n.items() if k not in MODEL_DROPS})
    model = break_alias_loops(model)
    model = inline_defaulted_enums(model)
    located = tuple(_locate_note(source, note) for note in notes)
    return Normalized(source=source, validator=validator, model=model, notes=located)


def _locate_note(source: SourceFile, note: str) -> str:
    """A note "#/pointer: text" with the pointer moved to where it is in the file on disk."""
    if not source.origin:
        return note
    ptr, _, text = note[1:].partition(": ")
    return f"#{source.locate(ptr)}: {text}"


ANNOTATIONS = frozenset({"title", "description", "default", "examples", "$comment", "deprecated"})


def break_alias_loops(schema: dict[str, Any]) -> dict[str, Any]:
    """`$defs` entries that only refer to each other in a loop (A -> B -> A) constrain nothing:
    a validator accepts every value there. A model generated from the loop would recurse
    forever and refuse every value, so each entry of such a loop becomes the empty schema
    (annotations kept), which means the same as the loop."""
    defs = schema.get("$defs")
    if not isinstance(defs, dict):
        return schema
    looped = {name for name in defs if _in_alias_loop(defs, name)}
    if not looped:
        return schema
    fixed = {
        name: ({k: v for k, v in node.items() if k != "$ref"} if name in looped else node)
        for name, node in defs.items()
    }
    return {**schema, "$defs": fixed}


def inline_defaulted_enums(schema: dict[str, Any]) -> dict[str, Any]:
    """A property that `$ref`s a `$defs` scalar enum and gives a default (Cog's inputs:
    `allOf: [{$ref: mode}], default: "pro"`) is written with the enum in place, so the model
    field is the enum's literal type with its default, not a wrapper class that a plain
    default does not type-check against. The meaning is unchanged; only the model schema
    (never the validator's) is rewritten."""
    defs = schema.get("$defs")
    if not isinstance(defs, dict):
        return schema

    def edit(_path: Path, node: dict[str, Any]) -> dict[str, Any]:
        wrapper = node.get("allOf")
        single = wrapper[0] if isinstance(wrapper, list) and len(wrapper) == 1 else None
        ref = (single if isinstance(single, dict) and len(single) == 1 else node).get("$ref")
        name = ref.removeprefix("#/$defs/") if isinstance(ref, str) else None
        target = defs.get(name) if name is not None and ref != name else None
        if "default" not in node or not _scalar_enum(target):
            return node
        assert isinstance(target, dict)
        inlined = {k: v for k, v in target.items() if k != "title"}
        rest = {k: v for k, v in node.items() if k not in ("$ref", "allOf")}
        return {**inlined, **rest}

    return transform(schema, edit)


def _scalar_enum(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and isinstance(node.get("enum"), list)
        and node.get("type") in ("string", "integer", "number", "boolean")
        and not any(key in node for key in ("$ref", "properties", "items", "allOf", "anyOf"))
    )


def _alias(node: Any) -> str | None:
    """The `$defs` name a node only points to (nothing but `$ref` and annotations), or None."""
    if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
        return None
    if any(key != "$ref" and key not in ANNOTATIONS for key in node):
        return None
    ref: str = node["$ref"]
    name = ref.removeprefix("#/$defs/")
    return name if ref.startswith("#/$defs/") and "/" not in name else None


def _in_alias_loop(defs: dict[str, Any], start: str) -> bool:
    seen: list[str] = []
    current: str | None = start
    while current is not None and current in defs and current not in seen:
        seen.append(current)
        current = _alias(defs[current])
    return current == start


def _check_own_keywords(
    file: str, path: Path, node: dict[str, Any], problems: list[tuple[str, str, str]]
) -> None:
    value = node.get("x-unique-keys")
    if value is None:
        return
    if not isinstance(value, list) or not value or not all(isinstance(k, str) for k in value):
        problems.append(
            (file, pointer([*path, "x-unique-keys"]), "must be a non-empty list of property names")
        )


def _fix_type(
    file: str,
    path: Path,
    node: dict[str, Any],
    notes: list[str],
    problems: list[tuple[str, str, str]],
) -> dict[str, Any]:
    declared = node.get("type")
    if declared is None:
        return node
    names = declared if isinstance(declared, list) else [declared]
    fixed: list[Any] = []
    for name in names:
        if name in JSON_TYPES:
            fixed.append(name)
        elif isinstance(name, str) and name in TYPE_ALIASES:
            notes.append(
                f"#{pointer([*path, 'type'])}: {name!r} is not a JSON Schema type; read as {TYPE_ALIASES[name]!r}"
            )
            fixed.append(TYPE_ALIASES[name])
        else:
            problems.append(
                (file, pointer([*path, "type"]), f"{_show(name)} is not a JSON Schema type")
            )
    return {
        **node,
        "type": fixed if isinstance(declared, list) else (fixed[0] if fixed else declared),
    }


def _fix_format(path: Path, node: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    fmt = node.get("format")
    if not isinstance(fmt, str) or fmt in STANDARD_FORMATS:  # a non-string: the meta check says so
        return node
    notes.append(
        f"#{pointer([*path, 'format'])}: custom format {_show(fmt)} is a hint only; dropped"
    )
    return {k: v for k, v in node.items() if k != "format"}


def _show(value: Any) -> str:
    text = (
        repr(value)
        if not isinstance(value, str)
        else '"' + value.encode("unicode_escape").decode("ascii") + '"'
    )
    return text if len(text) <= 80 else text[:77] + "..."


def _meta_problems(file: str, schema: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Problems against the 2020-12 meta-schema: Rust fast path, python-jsonschema wording."""
    import jsonschema_rs

    try:
        if jsonschema_rs.meta.is_valid(schema):
            return []
    except Exception:  # the fast path refuses what it cannot read; the slow path words it
        pass
    from jsonschema import Draft202012Validator

    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    errors = sorted(meta.iter_errors(schema), key=lambda e: [str(p) for p in e.path])
    return [(file, pointer(e.path), _first_line(e.message)) for e in errors]


def _first_line(message: str) -> str:
    line = message.splitlines()[0] if message else message
    return line if len(line) <= 200 else line[:197] + "..."


# Keywords whose rules the generated pydantic models do not enforce by themselves.
UNENFORCED = frozenset(
    {
        "dependentRequired", "dependentSchemas", "not", "if", "contains", "minContains",
        "maxContains", "minProperties", "maxProperties", "propertyNames", "patternProperties",
        "unevaluatedProperties", "unevaluatedItems", "prefixItems", "uniqueItems", "multipleOf",
        "format", "x-unique-keys",
    }
)  # fmt: skip


def unenforced_keywords(schema: dict[str, Any]) -> set[str]:
    """Keywords in `schema` that a model must check through the JSON Schema itself."""
    from codegen.normalize.walk import subschemas

    found: set[str] = set()
    for _path, node in subschemas(schema):
        found.update(key for key in node if key in UNENFORCED)
        found.update(key for key in ("enum", "const") if key in node and _loose(node[key], key))
        if _optional_not_nullable(node):
            found.add("optional properties that may not be null")
    return found


def _optional_not_nullable(node: dict[str, Any]) -> bool:
    """An optional property that rejects null: pydantic's `X | None = None` would accept it."""
    props = node.get("properties")
    if not isinstance(props, dict):
        return False
    listed = node.get("required")
    required: list[Any] = listed if isinstance(listed, list) else []
    return any(
        name not in required and isinstance(child, dict) and not _allows_null(child)
        for name, child in props.items()
    )


def _allows_null(schema: dict[str, Any]) -> bool:
    declared = schema.get("type")
    if declared is None:
        return not any(k in schema for k in ("enum", "const", "$ref", "oneOf", "anyOf", "allOf"))
    return declared == "null" or (isinstance(declared, list) and "null" in declared)


def _loose(values: Any, key: str) -> bool:
    """An enum/const that a `Literal[...]` cannot hold exactly: datamodel-code-generator turns
    a float member into `| float` (any float passes) and an object or array into `Any`."""
    members = values if key == "enum" and isinstance(values, list) else [values]
    return any(not isinstance(v, str | int | bool) and v is not None for v in members)

"""The one adapter to datamodel-code-generator: JSON Schema in, pydantic v2 source out.

Options are fixed here and nowhere else. Formatting is not done here: the render stage
formats every generated Python file in one ruff run (see format.py).
"""

from __future__ import annotations

import ast
import json
import re
import unicodedata
import warnings
from typing import Any

from codegen.errors import SchemaError

BASE_CLASS = "kling_gateways._runtime.model.KlingModel"


def render_models(schema: dict[str, Any], *, class_name: str, file: str) -> str:
    """Pydantic v2 source for `schema`, root class `class_name`, header-less and unformatted."""
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType

    placeholder = _placeholder(schema)
    options: dict[str, Any] = {
        "input_file_type": InputFileType.JsonSchema,
        "output_model_type": DataModelType.PydanticV2BaseModel,
        "class_name": placeholder,
        "base_class": BASE_CLASS,
        "custom_file_header": "",
        "disable_timestamp": True,
        "formatters": [],
        "target_python_version": "3.11",
        "use_annotated": True,
        "field_constraints": True,
        "use_standard_collections": True,
        "use_union_operator": True,
        "use_double_quotes": True,
        "enum_field_as_literal": "all",
        "generate_schema_validators": True,
        "use_schema_description": False,
        "aliases": nfkc_aliases(schema),
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = generate(schema, **options)
    except Exception as exc:  # the library reports bad schemas with many exception types
        raise SchemaError.at(file, [], f"datamodel-code-generator: {_one_line(exc)}") from None
    if not isinstance(out, str):
        raise SchemaError.at(file, [], "datamodel-code-generator produced several modules")
    code = _typed_equality(_strip_banner(out))
    return _name_root(code, placeholder=placeholder, class_name=class_name)


# The library's conditional-required helper (if/then with const values) ends with
# `return value == expected` on two Any values, which mypy --strict reports as returning Any.
UNTYPED_EQUALITY = "        return value == expected\n"


def _typed_equality(code: str) -> str:
    """Make that helper's result a bool (same value) so generated code passes mypy --strict."""
    return code.replace(UNTYPED_EQUALITY, "        return bool(value == expected)\n")


def nfkc_aliases(schema: dict[str, Any]) -> dict[str, str]:
    """Python names for properties that Python would silently rewrite.

    Python NFKC-normalizes identifiers (`ﬁ` is read as `fi`), so a field named after such a
    property would lose its wire name; an explicit Python name keeps the alias.
    """
    from codegen.normalize.walk import subschemas

    names = {
        n
        for _p, node in subschemas(schema)
        if isinstance(node.get("properties"), dict)
        for n in node["properties"]
    }
    aliases = {}
    for name in sorted(n for n in names if isinstance(n, str)):
        if unicodedata.normalize("NFKC", name) != name:
            base = (
                re.sub(r"\W", "_", unicodedata.normalize("NFKC", name), flags=re.ASCII).strip("_")
                or "field"
            )
            aliases[name] = f"{'_' + base if base[0].isdigit() else base}_nfkc"
    return aliases


# Names the module around the models defines or imports (see package.py's SchemaChecked path).
RUNTIME_NAMES = ("SchemaChecked", "SchemaValidator")


def _placeholder(schema: dict[str, Any]) -> str:
    """A root class name that appears nowhere in the schema, so no other class can take it.

    Given the real name, datamodel-code-generator renames the *root* when a `$defs` entry is
    called like it (`$defs/Request` became `Request`, the root `RequestModel`).
    """
    text = json.dumps(schema, ensure_ascii=False)
    index = 0
    while f"KlingRoot{index}" in text:
        index += 1
    return f"KlingRoot{index}"


def _name_root(code: str, *, placeholder: str, class_name: str) -> str:
    """Give the root its real name, first renaming any other class that holds a name we need."""
    reserved = {class_name, *RUNTIME_NAMES, class_name.removesuffix("Fields")}
    for name in sorted(reserved & _class_names(code)):
        code = _rename(code, name, _unused(code, f"{name}Model"))
    return re.sub(rf"\b{placeholder}\b", class_name, code)


def _class_names(code: str) -> set[str]:
    return {node.name for node in ast.walk(ast.parse(code)) if isinstance(node, ast.ClassDef)}


def _unused(code: str, name: str) -> str:
    candidate, index = name, 0
    while re.search(rf"\b{candidate}\b", code):
        index += 1
        candidate = f"{name}{index}"
    return candidate


def _rename(code: str, old: str, new: str) -> str:
    """Rename class `old`: its definition and every load of the name (never field names)."""
    lines = code.splitlines(keepends=True)
    spots: list[tuple[int, int]] = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and node.id == old and isinstance(node.ctx, ast.Load):
            line = lines[node.lineno - 1]
            spots.append((node.lineno - 1, len(line.encode()[: node.col_offset].decode())))
        elif isinstance(node, ast.ClassDef) and node.name == old:
            found = re.search(rf"\bclass\s+({old})\b", lines[node.lineno - 1])
            if found is None:
                raise AssertionError(f"class {old} not where the parser put it")
            spots.append((node.lineno - 1, found.start(1)))
    for row, col in sorted(spots, reverse=True):
        line = lines[row]
        if line[col : col + len(old)] != old:
            raise AssertionError(f"cannot rename {old!r}: non-ASCII spelling in generated code")
        lines[row] = line[:col] + new + line[col + len(old) :]
    return "".join(lines)


def _strip_banner(code: str) -> str:
    """Drop the library's own `# generated by datamodel-codegen` lines: ours name the source."""
    lines = code.splitlines(keepends=True)
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return "".join(lines)


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."

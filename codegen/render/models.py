"""The one adapter to datamodel-code-generator: JSON Schema in, pydantic v2 source out.

Options are fixed here and nowhere else. Formatting is not done here: the render stage
formats every generated Python file in one ruff run (see format.py).
"""

from __future__ import annotations

import ast
import json
import os
import re
import tempfile
import unicodedata
import warnings
from pathlib import Path
from typing import Any

from codegen.errors import SchemaError

BASE_CLASS = "kling_gateways._runtime.model.KlingModel"


def render_models(schema: dict[str, Any], *, class_name: str, file: str) -> str:
    """Pydantic v2 source for `schema`, root class `class_name`, header-less and unformatted."""
    placeholder = _placeholder(schema)
    try:
        out = _generate(schema, class_name=placeholder, aliases=nfkc_aliases(schema))
    except Exception as exc:  # the library reports bad schemas with many exception types
        raise SchemaError.at(file, [], f"datamodel-code-generator: {_one_line(exc)}") from None
    if not isinstance(out, str):
        raise SchemaError.at(file, [], "datamodel-code-generator produced several modules")
    return _name_root(
        _typed_equality(_strip_banner(out)), placeholder=placeholder, class_name=class_name
    )


def render_model_batch(jobs: list[tuple[dict[str, Any], str, str]]) -> list[str]:
    """`render_models` for many (schema, class name, file) at once, in ONE parser run.

    The library's own directory mode: each schema a module of one package, parsed together,
    so its fixed cost per run is paid once. The modules do not share names or references
    (every schema is self-contained, only local `$ref`s), so each module is the same text
    a run of its own gives (tested). Schemas that name themselves (`$id`, anchors), and any
    batch the library refuses, are rendered one by one, which also reports the bad schema.
    """
    alone = [i for i, (schema, _c, _f) in enumerate(jobs) if _self_named(schema)]
    grouped = [i for i in range(len(jobs)) if i not in set(alone)]
    codes = dict(zip(grouped, _one_run([jobs[i] for i in grouped]) or [], strict=False))
    for index in range(len(jobs)):
        if index not in codes:
            schema, class_name, file = jobs[index]
            codes[index] = render_models(schema, class_name=class_name, file=file)
    return [codes[i] for i in range(len(jobs))]


def _one_run(jobs: list[tuple[dict[str, Any], str, str]]) -> list[str] | None:
    """The batch's modules in order, or None when the library fails on the batch."""
    if len(jobs) < 2:
        return None
    schemas = [schema for schema, _c, _f in jobs]
    placeholder = _placeholder({"batch": schemas})
    aliases = {k: v for schema in schemas for k, v in nfkc_aliases(schema).items()}
    scratch = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # memory: no disk churn
    with tempfile.TemporaryDirectory(prefix="kling-codegen-models-", dir=scratch) as tmp:
        for index, schema in enumerate(schemas):
            text = json.dumps(schema, ensure_ascii=False)
            (Path(tmp) / f"m{index}.json").write_text(text, encoding="utf-8")
        try:
            out = _generate(Path(tmp), class_name=placeholder, aliases=aliases)
        except Exception:  # one bad schema fails the run: render one by one to name it
            return None
    modules = out if isinstance(out, dict) else {}
    found = [modules.get((f"m{index}.py",)) for index in range(len(jobs))]
    if any(code is None for code in found):
        return None
    return [
        _name_root(
            _typed_equality(_strip_banner(str(code))),
            placeholder=placeholder,
            class_name=class_name,
        )
        for code, (_s, class_name, _f) in zip(found, jobs, strict=True)
    ]


def _generate(source: dict[str, Any] | Path, *, class_name: str, aliases: dict[str, str]) -> Any:
    """One datamodel-code-generator run with our fixed options (imported only here)."""
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType

    options: dict[str, Any] = {
        "input_file_type": InputFileType.JsonSchema,
        "output_model_type": DataModelType.PydanticV2BaseModel,
        "class_name": class_name,
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
        "aliases": aliases,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return generate(source, **options)


SELF_NAMING = ("$id", "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveAnchor")


def _self_named(schema: dict[str, Any]) -> bool:
    """A schema that names itself or its parts, or refers outside itself, could resolve
    against its batch neighbours (files in the same folder).

    The names are found by a text search: also true when such a word is only data (an enum
    value), which merely renders that schema on its own."""
    text = json.dumps(schema, ensure_ascii=False)
    return any(json.dumps(word) in text for word in SELF_NAMING) or _refers_out(schema)


def _refers_out(node: Any) -> bool:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None and not (isinstance(ref, str) and ref.startswith("#")):
            return True
        return any(_refers_out(value) for value in node.values())
    if isinstance(node, list):
        return any(_refers_out(value) for value in node)
    return False


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

"""The one reader of JSON and YAML input, for every command, with one set of limits.

Catalog files, payloads, canonical requests, diff documents, ignore files and the drift
baseline all come through here, so they refuse the same things the same way, as
`file#/pointer: message` (SchemaError, exit 2):

- files over MAX_FILE_BYTES, bytes that are not UTF-8;
- JSON that is not strict JSON: duplicate keys, NaN/Infinity, numbers that overflow a float
  (1e400) or have more digits than Python converts (5000-digit integers);
- nesting deeper than MAX_DEPTH, more than MAX_VALUES values (a YAML alias counts each
  time it is used: alias bombs stop here), lone surrogates in strings.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from codegen.errors import SchemaError

MAX_FILE_BYTES = 8 * 1024 * 1024
# Nesting deeper than this (objects and arrays) is refused: deeper schemas overflow the
# recursion of the tools downstream (datamodel-code-generator, pydantic) with no clear error.
MAX_DEPTH = 64
# Values in one file, counting a YAML alias each time it is used: stops alias bombs.
MAX_VALUES = 1_000_000


def read_bytes(path: Path, name: str) -> bytes:
    """The bytes of a regular file (or stdin for "-"), under the size limit."""
    if str(path) == "-":
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise SchemaError.at(name, [], f"more than {MAX_FILE_BYTES} bytes; that is the limit")
        return raw
    try:
        if not path.is_file():
            reason = "not a regular file" if path.exists() else "no such file"
            raise SchemaError.at(name, [], f"cannot read: {reason}")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SchemaError.at(name, [], f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")
        return path.read_bytes()
    except OSError as exc:
        raise SchemaError.at(name, [], f"cannot read: {exc.strerror or exc}") from None


def read_data(path: Path | str, *, name: str | None = None, fmt: str | None = None) -> Any:
    """Read and parse one file ("-" is stdin). `fmt` "json" or "yaml"; default: by content."""
    path = Path(path) if str(path) != "-" else Path("-")
    shown = name or str(path)
    return parse(shown, read_bytes(path, shown), fmt=fmt or _format_of(shown))


def _format_of(name: str) -> str | None:
    if name.endswith(".json"):
        return "json"
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    return None


def parse(name: str, raw: bytes, *, fmt: str | None = None) -> Any:
    """Parse bytes as JSON or YAML (fmt None: JSON when it looks like JSON), then check them."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SchemaError.at(name, [], f"not UTF-8 (byte {exc.start})") from None
    if fmt is None:
        fmt = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    data = parse_json(name, text) if fmt == "json" else parse_yaml(name, text)
    check_values(name, data)
    return data


def parse_json(name: str, text: str) -> Any:
    """Strict JSON: every failure as `name#: invalid JSON ...`."""
    try:
        return json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique,
        )
    except json.JSONDecodeError as exc:
        raise SchemaError.at(
            name, [], f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise SchemaError.at(name, [], f"invalid JSON: {_short(exc)}") from None
    except RecursionError:
        raise SchemaError.at(name, [], f"nested deeper than {MAX_DEPTH} levels") from None


def _short(exc: ValueError) -> str:
    text = str(exc)
    if "integer string conversion" in text:
        return "a number has too many digits (more than Python converts: 4300)"
    return text


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object; a key given twice is refused (json.loads would silently keep the last)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"key {json.dumps(key)} appears twice in one object")
        found[key] = value
    return found


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range for a 64-bit float")
    return value


def parse_yaml(name: str, text: str) -> Any:
    """YAML with a safe loader (libyaml's when present); every failure as `name#: ...`."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~20x faster
    try:
        return yaml.load(text, Loader=loader)  # a SafeLoader (C or pure Python)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise SchemaError.at(name, [], f"invalid YAML{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise SchemaError.at(name, [], f"invalid YAML: {exc}") from None
    except RecursionError:
        raise SchemaError.at(name, [], f"nested deeper than {MAX_DEPTH} levels") from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date such as 2026-13-45
        raise SchemaError.at(name, [], f"invalid YAML value: {exc}") from None


def check_values(name: str, data: Any) -> None:
    """Refuse what parses but cannot be used: deep nesting, alias bombs, surrogates, NaN."""
    budget = MAX_VALUES
    stack: list[tuple[Any, list[str | int]]] = [(data, [])]
    while stack:
        node, parts = stack.pop()
        budget -= 1
        if budget < 0:
            raise SchemaError.at(name, [], f"more than {MAX_VALUES} values (aliases count per use)")
        if len(parts) > MAX_DEPTH:
            raise SchemaError.at(name, parts[:MAX_DEPTH], f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, str):
            _check_text(name, parts, node)
        elif isinstance(node, float) and not math.isfinite(node):
            raise SchemaError.at(name, parts, f"{node} is not a JSON number")
        elif isinstance(node, dict):
            for key, value in node.items():
                _check_text(name, parts, str(key))
                stack.append((value, [*parts, str(key)]))
        elif isinstance(node, list):
            stack.extend((value, [*parts, i]) for i, value in enumerate(node))


def _check_text(name: str, parts: list[str | int], text: str) -> None:
    """Strings must be Unicode text: a lone surrogate (JSON "\\ud800") cannot be written out."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        raise SchemaError.at(name, parts, f"lone surrogate U+{code:04X} is not text") from None

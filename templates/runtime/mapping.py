"""Interpret canonical <-> provider mappings (`schemas/<provider>/<endpoint>/mapping.yaml`).

A mapping is data (its format: `schemas/meta/mapping.schema.json`). This module is the only
code that reads it: `translate_request` turns a canonical request into a provider payload,
`translate_result` turns a provider result into the canonical result, and `describe` lists,
per canonical field, how the provider spells it (for the docs).

A request field is either mapped (`to` a provider path, through named `transforms`) or
`unsupported` with a policy: `error` (refuse the request), `drop` (leave it out, warn) or
`pass` (send it under its canonical name, warn); `only` limits drop/pass to listed values.
Each transform is a function in `TRANSFORMS`, documented in its docstring. Stdlib only.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import mimetypes
import os
import re
import stat
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

__all__ = [
    "TRANSFORMS",
    "MappingError",
    "TranslationError",
    "describe",
    "describe_envelope",
    "describe_result",
    "locate",
    "resolve",
    "translate_request",
    "translate_result",
]

MAX_FILE_BYTES = 50 * 1024 * 1024

RESULT_FIELDS = ("video_url", "duration", "seed", "cost", "nsfw_detected")


class TranslationError(ValueError):
    """The request (or result) cannot be translated: `field` is the canonical field."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class MappingError(Exception):
    """The mapping itself is malformed (a bug in the data, not in the request)."""


@dataclass
class _Context:
    provider: str
    field: str = ""
    index: int | None = None
    warnings: list[str] = dataclasses.field(default_factory=list)
    local_files: bool = False  # the caller allows reading local paths
    file_inputs: str = "url"  # what the provider takes: url, data-uri or base64

    def at(self, name: str, *, index: int | None = None) -> _Context:
        path = f"{self.field}.{name}" if self.field else name
        return replace(self, field=path, index=index)

    def item(self, i: int) -> _Context:
        return replace(self, field=f"{self.field}[{i}]", index=i + 1)


Transform = Callable[[Any, Mapping[str, Any], _Context], Any]
TRANSFORMS: dict[str, Transform] = {}


def _transform(name: str) -> Callable[[Transform], Transform]:
    def register(function: Transform) -> Transform:
        TRANSFORMS[name] = function
        return function

    return register


@_transform("to_string")
def to_string(value: Any, options: Mapping[str, Any], ctx: _Context) -> str:
    """Integer -> its decimal string: `5` -> `"5"` (durations sent as a string enum)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TranslationError(ctx.field, f"expected an integer, got {value!r}")
    return str(value)


@_transform("to_integer")
def to_integer(value: Any, options: Mapping[str, Any], ctx: _Context) -> int:
    """Decimal string or number -> integer: `"5"` -> `5`; anything else is an error."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value)
    raise TranslationError(ctx.field, f"expected whole seconds, got {value!r}")


@_transform("lookup")
def lookup(value: Any, options: Mapping[str, Any], ctx: _Context) -> Any:
    """Replace a value by its entry in `table` (keys are the canonical values as strings,
    JSON-spelled for non-strings: `true`, `false`, `5`).

    A value with no entry is an error naming the values the provider can express.
    """
    table: Mapping[str, Any] = options["table"]
    key = value if isinstance(value, str) else json.dumps(value)
    if key not in table:
        known = ", ".join(sorted(table))
        raise TranslationError(ctx.field, f"{ctx.provider} cannot express {value!r} ({known})")
    return table[key]


_CANONICAL_REF = re.compile(r"@Element([0-9]+)")


@_transform("element_refs")
def element_refs(value: Any, options: Mapping[str, Any], ctx: _Context) -> Any:
    """Rewrite element references in a prompt: `@Element1` -> `format` with {n} = 1.

    E.g. format `<<<element_{n}>>>` turns `@Element2 waves` into `<<<element_2>>> waves`.
    """
    if not isinstance(value, str):
        raise TranslationError(ctx.field, f"expected text, got {value!r}")
    fmt: str = options["format"]
    return _CANONICAL_REF.sub(lambda m: fmt.replace("{n}", m.group(1)), value)


_URI = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|data:)")


@_transform("inline_file")
def inline_file(value: Any, options: Mapping[str, Any], ctx: _Context) -> Any:
    """Keep URLs and data URIs; read a local file path into a base64 data URI.

    With `as: base64` (providers that take bare base64, no `data:` prefix), a data URI or a
    local file becomes the bare base64 text; URLs are kept.
    """
    if not isinstance(value, str):
        raise TranslationError(ctx.field, f"expected a URL, data URI or path, got {value!r}")
    bare = options.get("as") == "base64"
    if value.startswith("data:") and bare:
        return _data_uri_payload(value, ctx)
    if _URI.match(value):
        return value
    if ctx.file_inputs == "url":
        raise TranslationError(
            ctx.field, f"{ctx.provider} takes URLs only: upload {value!r} and pass its URL"
        )
    if not ctx.local_files:
        raise TranslationError(
            ctx.field,
            f"{value!r} is not a URL; local files are read only when allowed"
            " (local_files=True, or --allow-local-files)",
        )
    return _read_file(value, ctx, bare=bare)


def _data_uri_payload(value: str, ctx: _Context) -> str:
    header, comma, payload = value.partition(",")
    if not comma or not header.endswith(";base64"):
        raise TranslationError(ctx.field, "expected a base64 data URI (data:<type>;base64,...)")
    return payload


def _read_file(value: str, ctx: _Context, *, bare: bool) -> str:
    path = Path(value).expanduser()
    try:
        data = read_regular_file(path)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise TranslationError(ctx.field, f"cannot read local file {value!r}: {reason}") from None
    encoded = base64.b64encode(data).decode("ascii")
    if bare:
        return encoded
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{encoded}"


def read_regular_file(path: str | os.PathLike[str], *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; ValueError for anything else.

    Devices (`/dev/zero`), FIFOs (opened without blocking), folders and files whose contents
    differ from their size (`/proc/self/environ` reports 0 bytes) are refused.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(os.fspath(path), flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > limit:
            raise ValueError(f"{info.st_size} bytes, over the {limit}-byte limit")
        data = b""
        while len(data) <= info.st_size:
            chunk = os.read(fd, info.st_size + 1 - len(data))
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    if len(data) != info.st_size:
        raise ValueError("its contents do not match its size (not a plain file)")
    return data


@_transform("wrap")
def wrap(value: Any, options: Mapping[str, Any], ctx: _Context) -> dict[str, Any]:
    """Wrap a value in an object: `{key: value, **with}` (e.g. `{image: url, frame: first}`)."""
    return {options["key"]: value, **dict(options.get("with", {}))}


@_transform("list")
def to_list(value: Any, options: Mapping[str, Any], ctx: _Context) -> list[Any]:
    """Wrap a value in a one-item list: `url` -> `[url]`."""
    return [value]


@_transform("json_text")
def json_text(value: Any, options: Mapping[str, Any], ctx: _Context) -> str:
    """Any JSON value -> its compact JSON text: `[{"prompt": "a"}]` -> `'[{"prompt":"a"}]'`.

    For providers that take a structured value inside a string field (a JSON array of
    shots in a text input).
    """
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@_transform("each")
def each(value: Any, options: Mapping[str, Any], ctx: _Context) -> list[Any]:
    """Apply `transforms` to every item of a list; inside, {n} is the 1-based item number."""
    if not isinstance(value, list):
        raise TranslationError(ctx.field, f"expected a list, got {value!r}")
    steps: Sequence[Mapping[str, Any]] = options["transforms"]
    return [_apply_transforms(item, steps, ctx.item(i)) for i, item in enumerate(value)]


@_transform("object")
def to_object(value: Any, options: Mapping[str, Any], ctx: _Context) -> dict[str, Any]:
    """Map an object's keys with `fields` (same rules as the request's fields).

    `with` adds constant keys; `index` ({to, format}) sets key `to` to `format` with
    {n} = the item number inside `each` (e.g. `id: element_1`); `index` ({to, type:
    integer}) sets it to the item number itself (e.g. `index: 1`).
    """
    if not isinstance(value, Mapping):
        raise TranslationError(ctx.field, f"expected an object, got {value!r}")
    out: dict[str, Any] = {}
    index = options.get("index")
    if index is not None:
        out[index["to"]] = _item_number(index, ctx.index or 1)
    _apply_fields(value, options["fields"], ctx, out)
    out.update(options.get("with", {}))
    return out


def _item_number(index: Mapping[str, Any], n: int) -> Any:
    if index.get("type") == "integer":
        return n
    return str(index["format"]).replace("{n}", str(n))


def _apply_transforms(value: Any, steps: Sequence[Mapping[str, Any]], ctx: _Context) -> Any:
    for step in steps:
        function = TRANSFORMS.get(step["name"])
        if function is None:
            raise MappingError(f"unknown transform {step['name']!r}")
        value = function(value, step, ctx)
    return value


def _apply_fields(
    values: Mapping[str, Any], fields: Mapping[str, Any], ctx: _Context, out: dict[str, Any]
) -> None:
    for name in values:
        if name not in fields and values[name] is not None:
            reason = f"not a field {ctx.provider} maps (known: {', '.join(fields)})"
            raise TranslationError(ctx.at(name).field, reason)
    for name, spec in fields.items():
        if values.get(name) is not None:
            _apply_field(values[name], spec, ctx.at(name), out, name=name)


def _apply_field(
    value: Any, spec: Mapping[str, Any], ctx: _Context, out: dict[str, Any], *, name: str
) -> None:
    if "unsupported" in spec:
        _unsupported(value, spec, ctx, out, name=name)
        return
    _put(out, spec["to"], _apply_transforms(value, spec.get("transforms", []), ctx), ctx)


def _unsupported(
    value: Any, spec: Mapping[str, Any], ctx: _Context, out: dict[str, Any], *, name: str
) -> None:
    policy = spec["unsupported"]
    reason = spec.get("reason", "no such field")
    allowed: Sequence[Any] | None = spec.get("only")
    if policy == "error":
        raise TranslationError(ctx.field, f"{ctx.provider} cannot express it: {reason}")
    if allowed is not None and not _listed(value, allowed):
        suffix = f" (only {_show(allowed)} can be left out)"
        raise TranslationError(ctx.field, f"{ctx.provider} cannot express it: {reason}{suffix}")
    if policy == "pass":
        out[name] = value
        ctx.warnings.append(f"{ctx.field}: passed through undocumented to {ctx.provider}: {reason}")
    else:
        ctx.warnings.append(f"{ctx.field}: dropped, {ctx.provider} cannot express it: {reason}")


def _listed(value: Any, allowed: Sequence[Any]) -> bool:
    return any(value == a and type(value) is type(a) for a in allowed)


def _show(values: Sequence[Any]) -> str:
    return ", ".join(json.dumps(v) for v in values)


def _put(out: dict[str, Any], path: str, value: Any, ctx: _Context) -> None:
    if path == ".":
        if not isinstance(value, Mapping):
            raise MappingError(f"{ctx.field}: '.' needs an object value, got {value!r}")
        for key, item in value.items():
            _put(out, key, item, ctx)
        return
    *parents, last = path.split(".")
    node = out
    for key in parents:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise MappingError(f"{ctx.field}: {path} cannot be set: {key} is not an object")
    if last.endswith("[]"):
        items = node.setdefault(last[:-2], [])
        if not isinstance(items, list):
            raise MappingError(
                f"{ctx.field}: {path} cannot be appended to: {last[:-2]} is not a list"
            )
        items.append(value)
    elif last in node:
        raise MappingError(f"{ctx.field}: {path} is already set")
    else:
        node[last] = value


def resolve(mapping: Mapping[str, Any], *, version: str | None = None) -> Mapping[str, Any]:
    """The mapping for one schema version (default: the one it is written for)."""
    if version is None or version == mapping["version"]:
        return mapping
    versions: Mapping[str, Any] = mapping.get("versions", {})
    if version not in versions:
        known = ", ".join([mapping["version"], *versions])
        raise TranslationError("(version)", f"no mapping for version {version} (known: {known})")
    return {**mapping, **versions[version], "version": version}


def _target(mapping: Mapping[str, Any]) -> str:
    return f"{mapping['provider']}/{mapping['endpoint']}"


def translate_request(
    request: Mapping[str, Any],
    *,
    mapping: Mapping[str, Any],
    make_id: Callable[[], str] | None = None,
    version: str | None = None,
    local_files: bool = False,
    file_inputs: str = "url",
) -> tuple[Any, list[str]]:
    """Canonical request -> (provider payload, warnings); raises TranslationError.

    A local path is read (as a data URI) only with `local_files=True`, and never for a
    provider whose `file_inputs` is `url`.
    """
    if not isinstance(request, Mapping):
        raise TranslationError("(request)", f"expected an object, got {request!r}")
    resolved = resolve(mapping, version=version)
    spec: Mapping[str, Any] = resolved["request"]
    values = {**spec.get("defaults", {}), **{k: v for k, v in request.items() if v is not None}}
    ctx = _Context(provider=_target(resolved), local_files=local_files, file_inputs=file_inputs)
    body: dict[str, Any] = {}
    _apply_fields(values, spec["fields"], ctx, body)
    payload = _envelope(body, spec.get("envelope", []), make_id or _uuid4)
    return payload, ctx.warnings


def _uuid4() -> str:
    return str(uuid.uuid4())


def _envelope(body: Any, steps: Sequence[Mapping[str, Any]], make_id: Callable[[], str]) -> Any:
    for step in steps:
        kind = step["step"]
        if kind == "set":
            if _present(body, step.get("when")):
                body = {**step["values"], **body}
        elif kind == "new_id":
            body = {step["to"]: make_id(), **body}
        elif kind == "nest":
            body = {step["key"]: body}
        elif kind == "array":
            body = [body]
        else:
            raise MappingError(f"unknown envelope step {kind!r}")
    return body


_MISSING = object()


def _present(body: Any, when: str | None) -> bool:
    """A `set` step's condition: no `when`, or the payload has a value at that path."""
    return when is None or _read(body, when) is not _MISSING


def _read(payload: Any, path: str) -> Any:
    node = payload
    for token in path.split("."):
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node


def translate_result(
    payload: Any, *, mapping: Mapping[str, Any], version: str | None = None
) -> dict[str, Any]:
    """Provider result payload -> canonical result; raises TranslationError without a video."""
    resolved = resolve(mapping, version=version)
    ctx = _Context(provider=_target(resolved))
    out: dict[str, Any] = dict.fromkeys(RESULT_FIELDS)
    for name, spec in resolved["result"]["fields"].items():
        found = [v for v in (_read(payload, p) for p in spec["from"]) if v is not _MISSING]
        if found and found[0] is not None:
            out[name] = _apply_transforms(found[0], spec.get("transforms", []), ctx.at(name))
    if not isinstance(out["video_url"], str) or not out["video_url"]:
        where = ", ".join(resolved["result"]["fields"].get("video_url", {}).get("from", []))
        raise TranslationError("video_url", f"{ctx.provider} result has no video URL at {where}")
    out["raw"] = payload
    return out


@dataclass(frozen=True)
class _Row:
    canonical: str
    provider: str
    transform: str
    policy: str

    def as_dict(self) -> dict[str, str]:
        return {
            "canonical": self.canonical,
            "provider": self.provider,
            "transform": self.transform,
            "policy": self.policy,
        }


def describe(mapping: Mapping[str, Any], *, version: str | None = None) -> list[dict[str, str]]:
    """One row per canonical request field: canonical, provider, transform, policy."""
    fields = resolve(mapping, version=version)["request"]["fields"]
    return [row.as_dict() for row in _rows(fields, canonical="", provider="")]


def _rows(fields: Mapping[str, Any], *, canonical: str, provider: str) -> list[_Row]:
    rows: list[_Row] = []
    for name, spec in fields.items():
        here = f"{canonical}{name}"
        if "unsupported" in spec:
            rows.append(_Row(here, "-", "-", _policy_text(spec)))
            continue
        target = f"{provider}{spec['to']}" if spec["to"] != "." else f"{provider}(merged)"
        steps = spec.get("transforms", [])
        rows.append(_Row(here, target, _steps_text(steps) or "-", "mapped"))
        for nested in _nested_fields(steps):
            rows.extend(_rows(nested, canonical=f"{here}[].", provider=f"{target}[]."))
    return rows


def _nested_fields(steps: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for step in steps:
        if step["name"] == "object":
            found.append(step["fields"])
        elif step["name"] == "each":
            found.extend(_nested_fields(step["transforms"]))
    return found


def _policy_text(spec: Mapping[str, Any]) -> str:
    policy = str(spec["unsupported"])
    if "only" in spec:
        policy += f" (only {_show(spec['only'])}; otherwise error)"
    return f"{policy}: {spec['reason']}" if "reason" in spec else policy


def _steps_text(steps: Sequence[Mapping[str, Any]]) -> str:
    return ", ".join(_step_text(step) for step in steps)


def _step_text(step: Mapping[str, Any]) -> str:
    name = step["name"]
    if name == "each":
        return f"each({_steps_text(step['transforms'])})"
    if name == "object":
        index = step.get("index")
        number = "{n}" if index and index.get("type") == "integer" else ""
        extra = f" {index['to']}={index.get('format', number)}" if index else ""
        return f"object({len(step['fields'])} fields{extra})"
    options = [f"{k}={v}" for k, v in step.items() if k != "name"]
    return f"{name}({', '.join(options)})" if options else name


def describe_envelope(mapping: Mapping[str, Any], *, version: str | None = None) -> list[str]:
    """The envelope steps, in order, as text (e.g. `nest under input`)."""
    steps = resolve(mapping, version=version)["request"].get("envelope", [])
    return [_envelope_text(step) for step in steps]


def _envelope_text(step: Mapping[str, Any]) -> str:
    kind = step["step"]
    if kind == "set":
        return "set " + ", ".join(f"{k}={v}" for k, v in step["values"].items())
    if kind == "new_id":
        return f"new UUID in {step['to']}"
    if kind == "nest":
        return f"nest under {step['key']}"
    return "wrap in a one-task array"


def describe_result(
    mapping: Mapping[str, Any], *, version: str | None = None
) -> list[dict[str, str]]:
    """One row per canonical result field: canonical, provider (paths tried in order)."""
    fields = resolve(mapping, version=version)["result"]["fields"]
    return [
        {"canonical": name, "provider": " | ".join(fields[name]["from"]) if name in fields else "-"}
        for name in RESULT_FIELDS
    ]


def locate(mapping: Mapping[str, Any], pointer: str, *, version: str | None = None) -> str | None:
    """The canonical field a JSON pointer into the provider payload comes from, if any."""
    resolved = resolve(mapping, version=version)
    tokens = _unwrap_tokens(_pointer_tokens(pointer), resolved["request"].get("envelope", []))
    if tokens is None:
        return None
    for name, spec in resolved["request"]["fields"].items():
        if "to" in spec and _matches(tokens, spec):
            return str(name)
    return None


def _pointer_tokens(pointer: str) -> list[str]:
    parts = pointer.split("/")[1:] if pointer else []
    return [p.replace("~1", "/").replace("~0", "~") for p in parts]


def _unwrap_tokens(tokens: list[str], steps: Sequence[Mapping[str, Any]]) -> list[str] | None:
    for step in reversed(steps):
        if step["step"] in ("set", "new_id"):
            continue
        expected = "0" if step["step"] == "array" else step["key"]
        if not tokens or tokens[0] != expected:
            return None
        tokens = tokens[1:]
    return tokens


def _matches(tokens: list[str], spec: Mapping[str, Any]) -> bool:
    if not tokens:
        return False
    if spec["to"] == ".":
        tables = [s.get("table", {}) for s in spec.get("transforms", [])]
        keys = {k for t in tables for v in t.values() if isinstance(v, Mapping) for k in v}
        return tokens[0] in keys
    path = [p.removesuffix("[]") for p in spec["to"].split(".")]
    return tokens[: len(path)] == path

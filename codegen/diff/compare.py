"""Entry points: compare two loaded documents, or two files."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from codegen.cache import digest
from codegen.diff.load import Document, read_document
from codegen.diff.model import Change, finalize
from codegen.diff.schema import Engine, diff, to_changes
from codegen.errors import InputError

# Results of earlier comparisons, by everything that decides them: one run compares each
# version pair twice (changelog and releases), and `generate --watch` compares the same pairs
# after every edit. The documents' parsed data is part of the key (a digest of its repr, which
# tells apart every value JSON and YAML can hold), so a hit is the same result; keys stay
# small whatever the documents' size.
_SEEN: OrderedDict[tuple[str, ...], tuple[Change, ...]] = OrderedDict()
SEEN_MAX = 1024


def _data_key(data: object) -> str:
    return digest(repr(data))


def diff_documents(old: Document, new: Document, *, direction: str = "request") -> list[Change]:
    """Every classified change from `old` to `new` (see `compare`); remembered per process."""
    old_key, new_key = _data_key(old.data), _data_key(new.data)
    key = (old.path, old.kind, old_key, new.path, new.kind, new_key, direction)
    found = _SEEN.get(key)
    if found is None:
        found = _SEEN[key] = tuple(compare(old, new, direction=direction))
        if len(_SEEN) > SEEN_MAX:
            _SEEN.popitem(last=False)
    return list(found)


def compare(old: Document, new: Document, *, direction: str = "request") -> list[Change]:
    """Every classified change from `old` to `new`, deduplicated, in the stable order.

    Two OpenAPI documents are compared operation by operation; two bare JSON Schemas as one
    body on the `direction` side of the wire. Objects without `additionalProperties` are
    read as JSON Schema says (any extra property allowed) for bare schemas, and as closed
    to undocumented properties for OpenAPI documents (the convention of OpenAPI tools).
    """
    if old.kind != new.kind:
        raise InputError(f"{old.path} is {_kind(old)} but {new.path} is {_kind(new)}")
    if old.kind == "openapi":
        from codegen.diff.openapi import diff_openapi

        return finalize(diff_openapi(old, new))
    engine = Engine(old, new, direction, strict_objects=True)
    return finalize(to_changes(engine, diff(engine, old.data, new.data), ""))


def diff_files(old: str | Path, new: str | Path, *, direction: str = "request") -> list[Change]:
    return diff_documents(read_document(old), read_document(new), direction=direction)


def _kind(doc: Document) -> str:
    return "an OpenAPI document" if doc.kind == "openapi" else "a JSON Schema"

"""Where a finding is written: the JSON pointer in the unresolved source file.

Findings carry the path a payload sees (`#/properties/input/oneOf/0/properties/duration`);
a person edits the file, where that constraint may sit behind `$ref`s, inside a folded
single-member `allOf`, or beside a `oneOf`. `locate` walks the source along the path,
following `$ref`s, and returns the pointer of the keyword that changed.
"""

from __future__ import annotations

from typing import Any

from codegen.diff.load import Document
from codegen.errors import escape_pointer_token

Path = tuple[str | int, ...]

_WORDS = {
    "type": ("type", "nullable"),
    "became-nullable": ("type", "nullable"),
    "became-not-nullable": ("type", "nullable"),
    "extensible-enum": ("x-extensible-enum",),
    "enum": ("enum", "const"),
    "const": ("const", "enum"),
    "min-length": ("minLength",),
    "max-length": ("maxLength",),
    "min-items": ("minItems",),
    "max-items": ("maxItems",),
    "min-properties": ("minProperties",),
    "max-properties": ("maxProperties",),
    "min-contains": ("minContains",),
    "max-contains": ("maxContains",),
    "min": ("minimum", "exclusiveMinimum"),
    "max": ("maximum", "exclusiveMaximum"),
    "multiple-of": ("multipleOf",),
    "unique-items": ("uniqueItems",),
    "pattern": ("pattern",),
    "format": ("format",),
    "default": ("default",),
    "discriminator": ("discriminator",),
    "became-read-only": ("readOnly",),
    "became-write-only": ("writeOnly",),
    "became-not-read-only": ("readOnly",),
    "became-not-write-only": ("writeOnly",),
}
_GONE = ("property-removed", "property-no-longer-accepted", "-of-removed")
_REQUIREDNESS = ("became-required", "became-optional")


def keywords(stem: str) -> tuple[str, ...]:
    """The schema keywords a rule stem is about, most likely first."""
    rest = stem.removeprefix("required-").removeprefix("property-")
    for word, found in _WORDS.items():
        if rest == word or rest.startswith(word + "-"):
            return found
    if rest.endswith("-changed") and stem.startswith("property-"):
        kebab = rest.removesuffix("-changed")
        parts = kebab.split("-")
        return (parts[0] + "".join(p.title() for p in parts[1:]),)
    return ()


Walk = dict[tuple[Any, ...], Any]


def locate(
    doc: Document, base: str, path: Path, stem: str, walked: Walk | None = None
) -> tuple[str, bool]:
    """(pointer, complete): the pointer in `doc` of the finding at `path` under `base`;
    `complete` is False when only an ancestor exists in this document. `walked` memoises
    the walk by path prefix across the findings of one comparison."""
    words: tuple[str, ...] = keywords(stem)
    if any(stem.endswith(g) for g in _GONE) and path:
        path = path[:-1]  # the removed thing: point at where it was, in this version
    elif stem.endswith(_REQUIREDNESS) and len(path) >= 2 and path[-2] == "properties":
        path, words = path[:-2], ("required",)
    node, at, complete = _walk(doc, base, path, {} if walked is None else walked)
    if not complete:
        return at, False
    node, at = _keyword_home(doc, node, at, words)
    for word in words:
        if isinstance(node, dict) and word in node:
            return f"{at}/{escape_pointer_token(word)}", True
    return at, True


def _walk(doc: Document, base: str, path: Path, walked: Walk) -> tuple[Any, str, bool]:
    key = (doc.path, base, path)
    if key in walked:
        cached: tuple[Any, str, bool] = walked[key]
        return cached
    if not path:
        node, at = _start(doc, base)
        found: tuple[Any, str, bool] = (node, at, True)
    else:
        # a two-token step (prefixItems/i) is walked from the grandparent
        cut = 2 if len(path) >= 2 and path[-2] == "prefixItems" else 1
        node, at, complete = _walk(doc, base, path[:-cut], walked)
        found = (node, at, False)
        if complete:
            ahead = path[-cut + 1 :][:1] if cut == 2 else ()
            stepped = _step(doc, node, at, path[-cut], ahead, walked)
            if stepped is not None and stepped[2] == cut:
                found = (stepped[0], stepped[1], True)
            elif stepped is not None and cut == 2:
                deeper = _step(doc, stepped[0], stepped[1], path[-1], (), walked)
                if deeper is not None:
                    found = (deeper[0], deeper[1], True)
    if len(walked) < 100_000:
        walked[key] = found
    return found


def _start(doc: Document, base: str) -> tuple[Any, str]:
    node = doc.data
    for token in [t for t in base.split("/")[1:]]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
    return node, base


def _ref(doc: Document, node: Any) -> tuple[Any, str] | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not (isinstance(ref, str) and ref.startswith("#")):
        return None
    try:
        return doc.resolve(ref), ref[1:]
    except Exception:  # a $ref to nowhere: other findings say so
        return None


def _candidates(doc: Document, node: Any, at: str) -> list[tuple[Any, str]]:
    """The node, then what it stands for: its $ref target and single-member combinators."""
    found = [(node, at)]
    seen = {id(node)}
    for current, where in found:
        if len(found) > 32:
            break
        target = _ref(doc, current)
        if target is not None and id(target[0]) not in seen:
            seen.add(id(target[0]))
            found.append(target)
        for keyword in ("allOf", "anyOf", "oneOf"):
            members = current.get(keyword) if isinstance(current, dict) else None
            if isinstance(members, list) and len(members) == 1 and id(members[0]) not in seen:
                seen.add(id(members[0]))
                found.append((members[0], f"{where}/{keyword}/0"))
    return found


def _child(node: Any, at: str, token: str | int) -> tuple[Any, str] | None:
    if isinstance(node, dict) and str(token) in node:
        return node[str(token)], f"{at}/{escape_pointer_token(token)}"
    if isinstance(node, list) and isinstance(token, int) and token < len(node):
        return node[token], f"{at}/{token}"
    return None


def _step(
    doc: Document, node: Any, at: str, token: str | int, ahead: Path, walked: Walk
) -> tuple[Any, str, int] | None:
    """One path token from `node` (written at `at`), memoised: shared components are
    reached from many operations, through the same $ref target."""
    key = ("step", doc.path, id(node), at, token, ahead)
    if key not in walked:
        found = _step_once(doc, node, at, token, ahead)
        if len(walked) >= 200_000:
            return found
        walked[key] = found
    result: tuple[Any, str, int] | None = walked[key]
    return result


def _step_once(
    doc: Document, node: Any, at: str, token: str | int, ahead: Path
) -> tuple[Any, str, int] | None:
    for candidate, where in _candidates(doc, node, at):
        if token == "prefixItems" and ahead and isinstance(candidate, dict):
            found = _items(candidate, where, ahead[0])
            if found is not None:
                return (*found, 2)
        child = _child(candidate, where, token)
        if child is not None:
            return (*child, 1)
    return None


def _items(node: dict[str, Any], at: str, index: str | int) -> tuple[Any, str] | None:
    """`prefixItems/i` of the payload view: prefixItems, draft-7 `items` arrays, or the rest."""
    for keyword in ("prefixItems", "items"):
        members = node.get(keyword)
        if isinstance(members, list) and isinstance(index, int) and index < len(members):
            return members[index], f"{at}/{keyword}/{index}"
    for keyword in ("items", "additionalItems"):
        if isinstance(node.get(keyword), (dict, bool)):
            return node[keyword], f"{at}/{keyword}"
    return None


def _keyword_home(doc: Document, node: Any, at: str, words: tuple[str, ...]) -> tuple[Any, str]:
    """The node or the first of its $ref targets that holds one of `words`."""
    for candidate, where in _candidates(doc, node, at):
        if isinstance(candidate, dict) and any(w in candidate for w in words):
            return candidate, where
    return node, at

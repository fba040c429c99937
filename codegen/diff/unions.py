"""anyOf / oneOf / allOf: members are matched to their closest counterpart, not by position.

On the request side every old member must still be accepted by some new member; on the
response side every new member must have been allowed by some old member. A member whose
lost types another member accepts wholesale is not reported (e.g. `type: object` added to a
member when a sibling accepts every non-object).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codegen.diff.values import Schema, accepts_all_of_type

if TYPE_CHECKING:
    from codegen.diff.schema import Engine, Raw

_UNIONS = ("oneOf", "anyOf")


def union_keyword(schema: Schema) -> str | None:
    for keyword in _UNIONS:
        if isinstance(schema.get(keyword), list) and schema[keyword]:
            return keyword
    return None


def normalized(engine: Engine, schema: Schema, side: str) -> Schema:
    """Fold single-member allOf/anyOf/oneOf into the schema that holds them."""
    cache_key = (id(schema), side, "norm")
    cached = engine.cache.get(cache_key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    result = schema
    for keyword in ("allOf", *_UNIONS):
        members = result.get(keyword)
        if isinstance(members, list) and len(members) == 1:
            member = engine.view(members[0], engine.old if side == "old" else engine.new)
            base = {k: v for k, v in result.items() if k != keyword}
            if not set(base) & set(member) - {"description", "title"}:
                result = {**member, **base}
    engine.cache[cache_key] = result
    engine.keep.append(result)
    return result


def branches(engine: Engine, schema: Schema, side: str) -> list[Schema] | None:
    """The members of a union, each merged with the keywords beside the union, or None."""
    keyword = union_keyword(schema)
    if keyword is None:
        return None
    cache_key = (id(schema), side, "branches")
    cached = engine.cache.get(cache_key)
    if cached is not None:
        return list(cached)
    doc = engine.old if side == "old" else engine.new
    base = {k: v for k, v in schema.items() if k not in (keyword, "discriminator", "default")}
    merged = [_merge(base, engine.view(member, doc)) for member in schema[keyword]]
    engine.cache[cache_key] = merged
    engine.keep.append(merged)
    return merged


def _merge(base: Schema, member: Schema) -> Schema:
    if not base:
        return member
    merged = {**base, **member}
    if "properties" in base and "properties" in member:
        merged["properties"] = {**base["properties"], **member["properties"]}
    if "required" in base and "required" in member:
        merged["required"] = sorted(set(base["required"]) | set(member["required"]))
    return merged


def diff_unions(
    engine: Engine,
    old: Schema,
    new: Schema,
    old_branches: list[Schema] | None,
    new_branches: list[Schema] | None,
) -> list[Raw]:
    from codegen.diff.schema import annotations_and_opaque, diff, prefixed

    olds, news = old_branches or [old], new_branches or [new]
    old_kw = union_keyword(old) or union_keyword(new) or "anyOf"
    new_kw = union_keyword(new) or old_kw
    found = annotations_and_opaque(old, new)
    if len(olds) == 1 and len(news) == 1:
        return found + diff(engine, olds[0], news[0])
    request = engine.direction == "request"
    primary, secondary = (olds, news) if request else (news, olds)

    def pair(p: int, s: int) -> list[Raw]:
        return (
            diff(engine, primary[p], secondary[s])
            if request
            else diff(engine, secondary[s], primary[p])
        )

    table = {(p, s): pair(p, s) for p in range(len(primary)) for s in range(len(secondary))}
    scores = {k: (_bad(engine, v), len(v)) for k, v in table.items()}
    assigned = _greedy(scores)
    named = _named(old if request else new)
    for p in range(len(primary)):
        s = assigned.get(p)
        covered_elsewhere = any(scores[p, t][0] == 0 for t in range(len(secondary)))
        if s is None:
            if not covered_elsewhere or p in named:
                found += _member(engine, p, None, request, old_kw, new_kw, missing=True)
            continue
        rest = [secondary[t] for t in range(len(secondary)) if t != s]
        findings = _cover(engine, table[p, s], rest)
        if _bad(engine, findings) and covered_elsewhere:
            continue
        if _bad(engine, findings) and _incompatible(findings):
            found += _member(engine, p, s, request, old_kw, new_kw, missing=True)
            continue
        index = s if request else p
        found += prefixed((new_kw, index), findings) if new_branches else findings
    for s in sorted(set(range(len(secondary))) - set(assigned.values())):
        found += _member(engine, None, s, request, old_kw, new_kw, missing=False)
    if request and new_kw == "oneOf" and new_branches:
        found += _ambiguous(engine, olds, news, old_kw)
    return found


def _named(schema: Schema) -> set[int]:
    """Indexes of union members given by `$ref`: named variants are part of the contract."""
    keyword = union_keyword(schema)
    members = schema.get(keyword, []) if keyword else []
    return {i for i, m in enumerate(members) if isinstance(m, dict) and "$ref" in m}


def _implies(engine: Engine, found: list[Raw]) -> bool:
    """No finding above info: every payload of the old member fits the new one."""
    from codegen.diff.rules import schema_rule

    return all(schema_rule(engine.direction, stem).severity == "info" for stem, *_ in found)


def _ambiguous(engine: Engine, olds: list[Schema], news: list[Schema], old_kw: str) -> list[Raw]:
    """oneOf rejects a payload that matches two members: flag old members now matching two."""
    from codegen.diff.schema import diff

    found: list[Raw] = []
    for p, old in enumerate(olds):
        hits = [s for s, new in enumerate(news) if _implies(engine, diff(engine, old, new))]
        before = (
            [
                t
                for t, other in enumerate(olds)
                if t != p and _implies(engine, diff(engine, old, other))
            ]
            if old_kw == "oneOf"
            else []
        )
        if len(hits) > 1 and not before:
            found.append(
                (
                    "property-one-of-ambiguous",
                    ("oneOf",),
                    "payloads valid before "
                    f"may now match oneOf members {hits} at once and be rejected",
                    str(p),
                )
            )
    return found


def _member(
    engine: Engine,
    p: int | None,
    s: int | None,
    request: bool,
    old_kw: str,
    new_kw: str,
    *,
    missing: bool,
) -> list[Raw]:
    """A member with no counterpart: removed from old (request) or added to new (response)."""
    if missing:
        # request: old member p lost; response: new member p appeared
        removed = request
        index = p
    else:
        removed = not request
        index = s
    keyword = old_kw if removed else new_kw
    stem = f"property-{_kebab(keyword)}-{'removed' if removed else 'added'}"
    verb = "removed" if removed else "added"
    return [(stem, (keyword, index or 0), f"{keyword} member #{index} {verb}", str(index))]


def _kebab(keyword: str) -> str:
    return {"anyOf": "any-of", "oneOf": "one-of", "allOf": "all-of"}[keyword]


def _bad(engine: Engine, found: list[Raw]) -> int:
    return sum(1 for stem, *_ in found if engine.is_bad(stem))


def _incompatible(found: list[Raw]) -> bool:
    return any(stem == "property-type-changed" and path == () for stem, path, *_ in found)


def _greedy(scores: dict[tuple[int, int], tuple[int, int]]) -> dict[int, int]:
    assigned: dict[int, int] = {}
    taken: set[int] = set()
    for (p, s), _score in sorted(scores.items(), key=lambda kv: (kv[1], kv[0])):
        if p not in assigned and s not in taken:
            assigned[p] = s
            taken.add(s)
    return assigned


def _cover(engine: Engine, found: list[Raw], others: list[Schema]) -> list[Raw]:
    """Drop a member's type change when sibling members accept the affected types wholesale."""
    stems = {"property-type-narrowed", "property-type-widened"}
    kept: list[Raw] = []
    for item in found:
        stem, path, _message, subject = item
        if (
            stem in stems
            and path == ()
            and subject
            and all(any(accepts_all_of_type(o, t) for o in others) for t in subject.split(","))
        ):
            continue
        kept.append(item)
    return kept


def diff_all_of(engine: Engine, old: Schema, new: Schema) -> list[Raw]:
    """allOf members matched by $ref, else by position."""
    from codegen.diff.schema import diff, prefixed

    before: list[Any] = old.get("allOf") or []
    after: list[Any] = new.get("allOf") or []
    if not before and not after:
        return []
    found: list[Raw] = []
    matched = _match_all_of(before, after)
    for i, j in matched:
        found += prefixed(("allOf", j), diff(engine, before[i], after[j]))
    for i in sorted(set(range(len(before))) - {i for i, _ in matched}):
        found.append(
            (
                "property-all-of-removed",
                ("allOf", i),
                f"allOf member #{i} {_label(before[i])} removed",
                str(i),
            )
        )
    for j in sorted(set(range(len(after))) - {j for _, j in matched}):
        found.append(
            (
                "property-all-of-added",
                ("allOf", j),
                f"allOf member #{j} {_label(after[j])} added",
                str(j),
            )
        )
    return found


def _label(member: Any) -> str:
    return str(member.get("$ref", "")) if isinstance(member, dict) else ""


def _match_all_of(before: list[Any], after: list[Any]) -> list[tuple[int, int]]:
    refs_after = {_label(m): j for j, m in enumerate(after) if _label(m)}
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    for i, member in enumerate(before):
        j = refs_after.get(_label(member)) if _label(member) else None
        if j is not None and j not in used:
            pairs.append((i, j))
            used.add(j)
    for i, member in enumerate(before):
        if any(i == a for a, _ in pairs) or _label(member):
            continue
        if i < len(after) and i not in used and not _label(after[i]):
            pairs.append((i, i))
            used.add(i)
    return pairs

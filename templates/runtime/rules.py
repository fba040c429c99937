"""Cross-field rules in words. Stdlib only.

Two things a JSON Schema validator leaves to us:

- `explain(...)`: a message in words for a failed `not`, `oneOf`, `anyOf`, `if`/`then`/`else`
  or `dependentRequired` rule, instead of a dump of the rule and the whole payload. A rule
  may carry its own message as data (`"x-message"` inside the `not`/`then`/`else`
  subschema, or `"x-messages": {keyword: text}` beside the keyword); otherwise the message
  is phrased from the rule's shape (`give "a" or "b", not both`), for any provider.
- `check(...)` / `derive(...)`: the rules a JSON Schema cannot state, declared as data in a
  schema's `"x-rules"` list (the canonical requests use them). Vocabulary:
  `sum`: the `of` values of the `items` list add up to the `equals` field (absent: it is
  derived from them, within that field's minimum/maximum); every item gives `of`, or none.
  `references`: every `pattern` match in the `in` fields (`a/*/b` walks a list) numbers an
  existing item of the `items` list (1-based).
Messages are templates from the rule (`{sum}`, `{total}`, `{n}`, `{count}`, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__all__ = ["RULE_KEYWORDS", "check", "derive", "explain", "innermost_rule", "reads_instance"]

RULE_KEYWORDS = ("not", "oneOf", "anyOf", "then", "else", "dependentRequired")

Found = tuple[str, str]  # (JSON pointer into the payload, message)


def _code(names: Sequence[str]) -> list[str]:
    return [f"`{n}`" for n in names]


def _alternatives(names: Sequence[str], word: str = "or") -> str:
    quoted = _code(names)
    if len(quoted) < 2:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + f" {word} " + quoted[-1]


def _required_sets(options: Any) -> list[list[str]] | None:
    """[[a, b], [c]] for `[{required: [a, b]}, {required: [c]}]`; None for other shapes."""
    if not isinstance(options, list):
        return None
    found = []
    for option in options:
        if not isinstance(option, Mapping) or set(option) - {"required", "x-message"}:
            return None
        found.append([str(n) for n in option.get("required") or []])
    return found if all(found) else None


def _at(root: Any, path: Sequence[Any]) -> Any:
    node = root
    for step in path:
        found = isinstance(node, Mapping) and step in node
        found = found or (isinstance(node, list) and isinstance(step, int) and step < len(node))
        if not found:
            return None
        node = node[step]
    return node


def explain(root: Any, schema_path: Sequence[Any], instance: Any) -> str | None:
    """Words for the innermost rule keyword on `schema_path` (None: keep the original)."""
    path = list(schema_path)
    index = innermost_rule(path)
    if index is None or not _is_rule_failure(path, index):
        return None
    holder = _at(root, path[:index])
    if not isinstance(holder, Mapping):
        return None
    keyword = str(path[index])
    sub = holder.get(keyword)
    given = sub.get("x-message") if isinstance(sub, Mapping) else None
    given = given or (holder.get("x-messages") or {}).get(keyword)
    text = str(given) if given else _phrase(keyword, holder, instance)
    if text and keyword == "not" and index > 0 and path[index - 1] == "then":
        condition = _condition(_at(root, path[: index - 1]))
        text = f"{condition}: {text}" if condition else text
    return text


def innermost_rule(schema_path: Sequence[Any]) -> int | None:
    """The index of the last rule keyword on `schema_path` (None when there is none)."""
    found = (i for i in range(len(schema_path) - 1, -1, -1) if schema_path[i] in RULE_KEYWORDS)
    return next(found, None)


def reads_instance(schema_path: Sequence[Any]) -> bool:
    """Whether `explain` for this path words its answer from the payload: `oneOf`, `anyOf`
    and `dependentRequired` name what the payload has (from its member names only); `not`,
    `then` and `else` are said from the schema alone."""
    index = innermost_rule(schema_path)
    return index is not None and schema_path[index] in ("oneOf", "anyOf", "dependentRequired")


def _is_rule_failure(path: Sequence[Any], index: int) -> bool:
    """The rule itself failed, not a value check somewhere inside one of its subschemas."""
    rest = list(path[index + 1 :])
    return not rest or (path[index] in ("then", "else") and rest == ["required"])


def _phrase(keyword: str, holder: Mapping[str, Any], instance: Any) -> str | None:
    rule = holder.get(keyword)
    if keyword == "not":
        return _not(rule)
    if keyword in ("oneOf", "anyOf"):
        return _choice(keyword, rule, instance)
    if keyword in ("then", "else"):
        return _then(keyword, holder, rule)
    if keyword == "dependentRequired":
        return _dependent(rule, instance)
    return None


def _presence(rule: Any) -> list[str] | None:
    """["a", "b.c"] for a schema that only asks for fields to be present, nested through
    `properties` (`{required: [a, b], properties: {b: {required: [c]}}}`); None otherwise."""
    if not isinstance(rule, Mapping) or set(rule) - {"required", "properties", "x-message"}:
        return None
    names = rule.get("required")
    props = rule.get("properties") or {}
    if not isinstance(names, list) or not names or not isinstance(props, Mapping):
        return None
    found: list[str] = []
    for name in map(str, names):
        inner = _presence(props[name]) if name in props else []
        if inner is None:
            return None
        found += [f"{name}.{sub}" for sub in inner] or [name]
    return found if set(props) <= set(map(str, names)) else None


def _not(rule: Any) -> str | None:
    if not isinstance(rule, Mapping):
        return None
    names = _presence(rule)
    if names is not None:
        if len(names) == 1:
            return f"do not give {_alternatives(names)}"
        if len(names) == 2:
            return f"give {_alternatives(names)}, not both"
        return f"do not give {_alternatives(names, 'and')} together"
    sets = _required_sets(rule.get("anyOf"))
    if sets is None:
        return None
    common = set.intersection(*(set(s) for s in sets))
    if len(common) == 1 and all(len(s) == 2 for s in sets):
        key = common.pop()
        others = [n for s in sets for n in s if n != key]
        return f"`{key}` cannot be combined with {_alternatives(others)}"
    if all(len(s) == 1 for s in sets):
        return f"do not give {_alternatives([s[0] for s in sets])}"
    return "do not give " + "; nor ".join(_alternatives(s, "and") + " together" for s in sets)


def _choice(keyword: str, rule: Any, instance: Any) -> str | None:
    sets = _required_sets(rule)
    if sets is None or not all(len(s) == 1 for s in sets):
        return None
    names = [s[0] for s in sets]
    given = [n for n in names if isinstance(instance, Mapping) and n in instance]
    if keyword == "anyOf":
        return f"give at least one of {_alternatives(names)}"
    if not given:
        return f"give {_alternatives(names)}"
    return f"give {_alternatives(names)}, not " + ("both" if len(names) == 2 else "several")


def _condition(holder: Any) -> str | None:
    """`with "m"` / `without "m"` / `when "x" is v` for the holder's `if`."""
    rule = holder.get("if") if isinstance(holder, Mapping) else None
    if not isinstance(rule, Mapping):
        return None
    present = _present_words(rule)
    if present:
        return "with " + present
    inner = rule.get("not")
    if set(rule) == {"not"} and isinstance(inner, Mapping) and set(inner) == {"required"}:
        return "without " + _alternatives(inner["required"], "and")
    props = rule.get("properties")
    if isinstance(props, Mapping) and props:
        consts = [
            (n, v["const"]) for n, v in props.items() if isinstance(v, Mapping) and "const" in v
        ]
        if len(consts) == len(props):  # every condition a value: `a` is x and `b` is y
            return "when " + " and ".join(f"`{name}` is {value!r}" for name, value in consts)
    return None


def _present_words(rule: Mapping[str, Any], prefix: str = "") -> str | None:
    """ "`a` and `b.c` or `b.d`" for a condition that only asks for fields to be present:
    `required` (nested through `properties`) and `anyOf` of single fields."""
    if set(rule) - {"required", "properties", "anyOf"}:
        return None
    props = rule.get("properties") or {}
    names = rule.get("required") or []
    if not isinstance(props, Mapping) or not isinstance(names, list) or set(props) - set(names):
        return None
    parts = []
    for name in map(str, names):
        inner = props.get(name)
        sub = _present_words(inner, f"{prefix}{name}.") if isinstance(inner, Mapping) else None
        if inner is not None and sub is None:
            return None
        parts.append(sub or f"`{prefix}{name}`")
    if "anyOf" in rule:
        sets = _required_sets(rule["anyOf"])
        if not sets or any(len(s) != 1 for s in sets):
            return None
        parts.append(" or ".join(f"`{prefix}{s[0]}`" for s in sets))
    return " and ".join(parts) or None


def _then(keyword: str, holder: Mapping[str, Any], rule: Any) -> str | None:
    names = rule.get("required") if isinstance(rule, Mapping) else None
    if not isinstance(names, list):
        return None
    names = _presence({k: v for k, v in rule.items() if k in ("required", "properties")}) or names
    condition = _condition(holder)
    if keyword == "else":
        return f"{_negate(condition)}, give {_alternatives(names, 'and')}" if condition else None
    cond = holder.get("if") or {}
    inner = cond.get("not") if isinstance(cond, Mapping) else None
    if isinstance(inner, Mapping) and set(inner) == {"required"} and len(inner["required"]) == 1:
        return f"give {_alternatives([*names, *inner['required']])}"
    if condition:
        return f"{condition}, give {_alternatives(names, 'and')} too"
    return None


def _negate(condition: str) -> str:
    """`with "a"` -> `without "a"` (the words for a failed `if`)."""
    if condition.startswith("with "):
        return "without " + condition.removeprefix("with ")
    if condition.startswith("without "):
        return "with " + condition.removeprefix("without ")
    return "unless " + condition.removeprefix("when ")


def _dependent(rule: Any, instance: Any) -> str | None:
    if not isinstance(rule, Mapping) or not isinstance(instance, Mapping):
        return None
    needs = []
    for key, wanted in rule.items():
        missing = [w for w in wanted if w not in instance]
        if key in instance and missing:
            needs.append(f"`{key}` needs {_alternatives(missing, 'and')}")
    return "; ".join(needs) or None


# -- rules a JSON Schema cannot state ("x-rules") -----------------------------------------


def _values(data: Any, path: str, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """(pointer, value) for a path like `prompt` or `multi_prompt/*/prompt`."""
    head, _, rest = path.partition("/")
    if head == "*":
        for i, item in enumerate(data if isinstance(data, list) else []):
            yield from _values(item, rest, f"{pointer}/{i}") if rest else [(f"{pointer}/{i}", item)]
        return
    if not isinstance(data, Mapping) or head not in data:
        return
    if rest:
        yield from _values(data[head], rest, f"{pointer}/{head}")
    else:
        yield f"{pointer}/{head}", data[head]


def _sum(rule: Mapping[str, Any], data: Mapping[str, Any], root: Mapping[str, Any]) -> list[Found]:
    items = data.get(rule["items"])
    if not isinstance(items, list) or not items:
        return []
    of = rule["of"]
    given = [
        (i, item[of]) for i, item in enumerate(items) if isinstance(item, Mapping) and of in item
    ]
    if not given:
        return []
    if len(given) < len(items):
        first = next(
            i for i, item in enumerate(items) if not (isinstance(item, Mapping) and of in item)
        )
        return [(f"/{rule['items']}/{first}/{of}", str(rule["each"]))]
    if not all(isinstance(v, int) and not isinstance(v, bool) for _i, v in given):
        return []  # the schema reports the types
    total = sum(v for _i, v in given)
    target = rule["equals"]
    if target in data:
        if data[target] == total:
            return []
        text = _fill(rule["message"], sum=total, total=data[target])
        return [(f"/{target}", text)]
    limits = (root.get("properties") or {}).get(target) or {}
    low, high = limits.get("minimum"), limits.get("maximum")
    if (low is not None and total < low) or (high is not None and total > high):
        text = _fill(rule["range"], sum=total, minimum=low, maximum=high)
        return [(f"/{rule['items']}", text)]
    return []


def _references(rule: Mapping[str, Any], data: Mapping[str, Any]) -> list[Found]:
    items = data.get(rule["items"])
    count = len(items) if isinstance(items, list) else 0
    pattern = re.compile(str(rule["pattern"]))
    found: list[Found] = []
    for path in rule["in"]:
        for pointer, text in _values(data, str(path)):
            if not isinstance(text, str):
                continue
            for match in pattern.finditer(text):
                n = int(match.group(1))
                if not 1 <= n <= count:
                    message = _fill(rule["message"], n=n, count=count, ref=match.group(0))
                    found.append((pointer, message))
    return found


def _fill(template: Any, **values: Any) -> str:
    """The message with its {placeholders} filled; any other brace stays as written."""
    text = str(template)
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def check(root: Mapping[str, Any], data: Any) -> list[Found]:
    """What the schema's `x-rules` say about `data` (a payload the schema accepts)."""
    if not isinstance(data, Mapping):
        return []
    found: list[Found] = []
    for rule in root.get("x-rules") or []:
        if rule.get("rule") == "sum":
            found += _sum(rule, data, root)
        elif rule.get("rule") == "references":
            found += _references(rule, data)
    return found


def derive(root: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` with the fields the `sum` rules derive filled in (when absent)."""
    result = dict(data)
    for rule in root.get("x-rules") or []:
        items = result.get(rule.get("items", ""))
        if rule.get("rule") != "sum" or rule["equals"] in result or not isinstance(items, list):
            continue
        values = [item.get(rule["of"]) for item in items if isinstance(item, Mapping)]
        if values and len(values) == len(items) and all(isinstance(v, int) for v in values):
            result[rule["equals"]] = sum(values)
    return result

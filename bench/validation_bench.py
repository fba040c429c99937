"""Validation speed on the catalog's example payloads, valid and invalid.

For every `schemas/<provider>/<endpoint>/<version>/examples/*.json` with a generated module,
times, on the same payloads:

- the generated validator `validate_<kind>(payload)` (every error, as sorted Issues);
- the generated model `<Kind>.model_validate(payload)`;
- raw pydantic-core: a `SchemaValidator` built from the model's `__pydantic_core_schema__`;
- jsonschema-rs on the same normalized schema, compiled with the same options as the
  generated validators (formats asserted, the catalog's `x-unique-keys` keyword): `is_valid`
  (the fastest answer) and `iter_errors` collected to a list (the same work);
- fastjsonschema compiled from the same schema (stops at the first error; it implements
  drafts 4-7, so 2020-12-only keywords are ignored: its verdicts are counted below).

Times are µs per payload: the whole set validated in a loop, best of round-robin repeats.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.run import REPO, record, repeats

KINDS = ("request", "response", "status", "callback")
Check = Callable[[Any], bool]  # True when the payload is accepted


@dataclass
class Case:
    name: str
    payload: Any
    expected_valid: bool
    impls: dict[str, Check]


def _kind(stem: str) -> tuple[str, bool] | None:
    invalid = stem.startswith("invalid-")
    rest = stem.removeprefix("invalid-")
    kind = next((k for k in KINDS if rest.startswith(k + "-")), None)
    return (kind, not invalid) if kind else None


def _accepts(fn: Callable[[Any], Any], errors: tuple[type[BaseException], ...]) -> Check:
    def check(payload: Any) -> bool:
        try:
            fn(payload)
        except errors:
            return False
        return True

    return check


def implementations(module: Any, kind: str) -> dict[str, Check]:
    import fastjsonschema
    import jsonschema_rs
    import pydantic
    import pydantic_core

    model = getattr(module, kind.capitalize())
    validate = getattr(module, f"validate_{kind}")
    verdict = getattr(module, f"is_valid_{kind}")
    schemas = importlib.import_module(f"{module.__name__}._schemas")
    runtime = importlib.import_module("kling_gateways._runtime.validation")
    schema = json.loads(getattr(schemas, kind.upper()))
    # The same options as the generated validators (formats asserted, the catalog's own
    # keywords): the same work, so the ratios measure our layer and nothing else.
    rs = jsonschema_rs.validator_for(schema, validate_formats=True, keywords=runtime.KEYWORDS)
    core = pydantic_core.SchemaValidator(model.__pydantic_core_schema__)
    errors = (pydantic.ValidationError, pydantic_core.ValidationError, ValueError)
    impls: dict[str, Check] = {
        "generated validator": lambda p: not validate(p),
        "generated is_valid": verdict,
        "generated model": _accepts(model.model_validate, errors),
        "raw pydantic-core": _accepts(core.validate_python, errors),
        "jsonschema-rs is_valid": rs.is_valid,
        "jsonschema-rs all errors": lambda p: not list(rs.iter_errors(p)),
    }
    try:
        fast = fastjsonschema.compile(schema)
        impls["fastjsonschema"] = _accepts(fast, (fastjsonschema.JsonSchemaException,))
    except Exception:  # a schema it cannot compile: left out for this case
        pass
    return impls


def load_cases() -> tuple[list[Case], list[str]]:
    cases, skipped = [], []
    root = REPO / "schemas"
    for path in sorted(root.glob("*/*/*/examples/*.json")):
        provider, endpoint, version = path.parts[-5:-2]
        parsed = _kind(path.stem)
        if parsed is None:
            continue
        kind, valid = parsed
        mod = ".".join(
            [
                "kling_gateways",
                provider.replace("-", "_"),
                endpoint.replace("-", "_"),
                "v" + version.replace("-", "_"),
            ]
        )
        try:
            impls = implementations(importlib.import_module(mod), kind)
        except Exception as exc:
            skipped.append(f"{path.relative_to(REPO)}: {type(exc).__name__}: {exc}")
            continue
        payload = json.loads(path.read_text("utf-8"))
        cases.append(Case(str(path.relative_to(root)), payload, valid, impls))
    return cases, skipped


def time_all(cases: list[Case], impls: list[str]) -> dict[str, float | None]:
    """µs per payload for each implementation over `cases` (None if a case lacks it).

    Round-robin: every repeat times each implementation once, so background load falls on
    all of them alike; the minimum per implementation is kept (as `timeit` advises: the
    noise only ever adds time).
    """
    calls = {i: [(c.impls[i], c.payload) for c in cases if i in c.impls] for i in impls}
    usable = [i for i in impls if calls[i] and len(calls[i]) == len(cases)]
    loops = repeats(200, 40)
    best: dict[str, float] = {}
    for _ in range(repeats(15, 5)):
        for impl in usable:
            start = time.perf_counter()
            for _ in range(loops):
                for check, payload in calls[impl]:
                    check(payload)
            elapsed = time.perf_counter() - start
            best[impl] = min(best.get(impl, elapsed), elapsed)
    return {i: (best[i] / (loops * len(cases)) * 1e6 if i in best else None) for i in impls}


def disagreements(cases: list[Case], impl: str) -> list[str]:
    return [
        c.name for c in cases if impl in c.impls and c.impls[impl](c.payload) != c.expected_valid
    ]


def run() -> str:
    cases, skipped = load_cases()
    if not cases:
        raise RuntimeError("no example payloads with a generated module: " + "; ".join(skipped))
    impls = list(cases[0].impls)
    for c in cases:
        impls += [i for i in c.impls if i not in impls]
    fast_missing = [c.name for c in cases if "fastjsonschema" not in c.impls]
    sets = {
        "valid": [c for c in cases if c.expected_valid],
        "invalid": [c for c in cases if not c.expected_valid],
    }
    table: dict[str, dict[str, float | None]] = {
        label: time_all(group, impls) for label, group in sets.items()
    }
    return _report(cases, sets, table, impls, skipped, fast_missing)


def _fastest_schema(row: dict[str, float | None]) -> tuple[str, float]:
    pure = {
        k: v for k, v in row.items() if v is not None and k.startswith(("jsonschema-rs", "fast"))
    }
    name = min(pure, key=lambda k: pure[k])
    return name, pure[name]


def _report(
    cases: list[Case],
    sets: dict[str, list[Case]],
    table: dict[str, dict[str, float | None]],
    impls: list[str],
    skipped: list[str],
    fast_missing: list[str],
) -> str:
    lines = [
        "## Validation",
        "",
        f"{len(cases)} example payloads from `schemas/*/*/*/examples/` ({len(sets['valid'])}"
        f" valid, {len(sets['invalid'])} invalid), each against its generated module"
        " (`kling_gateways`, as installed). µs per payload, best of round-robin repeats; ratio against"
        " the fastest JSON Schema validator on the same set.",
        "",
        "| implementation | valid µs | ratio | invalid µs | ratio | wrong verdicts |",
        "|---|---|---|---|---|---|",
    ]
    fastest = {label: _fastest_schema(row) for label, row in table.items()}
    for impl in impls:
        cells = []
        for label in ("valid", "invalid"):
            value = table[label][impl]
            ratio = "n/a" if value is None else f"{value / fastest[label][1]:.2f}x"
            cells += ["n/a" if value is None else f"{value:.1f}", ratio]
        wrong = disagreements(cases, impl)
        lines.append(f"| {impl} | {' | '.join(cells)} | {len(wrong)} |")
    for label in ("valid", "invalid"):
        name, best = fastest[label]
        row = table[label]
        gen, model, core = (
            row["generated validator"],
            row["generated model"],
            row["raw pydantic-core"],
        )
        assert gen is not None and model is not None and core is not None
        verdict, rs_valid, rs_all = (
            row["generated is_valid"],
            row["jsonschema-rs is_valid"],
            row["jsonschema-rs all errors"],
        )
        assert verdict is not None and rs_valid is not None and rs_all is not None
        record(
            f"Validation ({label}): generated is_valid vs jsonschema-rs is_valid",
            verdict / rs_valid,
            1.2,
            "x",
            note=f"{verdict:.2f} vs {rs_valid:.2f} µs (verdict only, same work)",
        )
        record(
            f"Validation ({label}): generated validator vs jsonschema-rs all errors",
            gen / rs_all,
            1.2,
            "x",
            note=f"{gen:.2f} vs {rs_all:.2f} µs (every error with its pointer, same work)",
        )
        record(
            f"Validation ({label}): generated validator vs fastest ({name})",
            gen / best,
            1.5,
            "x",
            note=f"{gen:.1f} vs {best:.1f} µs (different work when invalid: every error vs a verdict)",
        )
        record(
            f"Validation ({label}): generated model vs raw pydantic-core",
            model / core,
            1.5,
            "x",
            note=f"{model:.1f} vs {core:.1f} µs",
        )
        record(
            f"Validation ({label}): generated model vs fastest ({name})",
            model / best,
            1.5,
            "x",
            note=f"{model:.1f} vs {best:.1f} µs",
        )
    lines += ["", "Payloads whose verdict differs from the file name (valid vs invalid-):", ""]
    for impl in impls:
        wrong = disagreements(cases, impl)
        if wrong:
            lines.append(f"- {impl}: " + ", ".join(f"`{w}`" for w in wrong))
    if fast_missing:
        lines.append(
            f"- fastjsonschema could not compile the schema for {len(fast_missing)} payloads."
        )
    if skipped:
        lines += ["", "Skipped (no importable generated module):", ""]
        lines += [f"- {s}" for s in skipped]
    return "\n".join(lines) + "\n"

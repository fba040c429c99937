"""The Markdown of bench/MUTATION.md, from the stored results of bench/mutation.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outcome:
    status: str  # killed | survived | error | missing
    diff: str


def _code(text: str) -> str:
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def _row(mutant: dict[str, Any], *extra: str) -> str:
    cells = [
        _code(mutant["where"]),
        _code(mutant["function"]),
        _code(mutant["line"]),
        _code(mutant["mutant"]),
        *extra,
    ]
    return "| " + " | ".join(cells) + " |"


def _rate(summary: dict[str, Any]) -> str:
    counted = summary["killed"] + len(summary["survived"])
    return f"{100 * summary['killed'] / counted:.0f}%" if counted else "-"


def _files(summary: dict[str, Any]) -> str:
    parts = []
    for path, scope in summary["files"].items():
        parts.append(f"`{path}`" + (f" ({', '.join(scope)})" if scope else ""))
    return "<br>".join(parts)


def _counts(s: dict[str, Any]) -> str:
    total = s["killed"] + len(s["survived"]) + len(s["equivalent"]) + s["errors"]
    tests = "<br>".join(f"`{t}`" for t in s["tests"])
    return (
        f"| {s['name']} | {_files(s)} | {tests} | {total} | {s['killed']} | "
        f"{len(s['survived'])} | {len(s['equivalent'])} | {s['errors']} | **{_rate(s)}** | "
        f"{s['seed']} | {s['minutes']} |"
    )


def report(summaries: list[dict[str, Any]], *, tool: str) -> str:
    lines = [
        "# Mutation testing",
        "",
        "Written by `bash scripts/mutation` (bench/mutation.py) from",
        "bench/mutation-results.json; do not edit by hand. Tool: `" + tool + "`. Each mutant",
        "runs the tests of its area only, focused file first, with `-x`; runtime modules are",
        "mutated in `templates/runtime/` and the tests run against the package generated from",
        "them. Kill rate = killed / (killed + survived). Equivalent mutants (below, each with",
        "the reason no test can tell it apart) are not counted; errors are mutants cosmic-ray",
        "itself could not apply. The seed fixes the sample of mutants (and hypothesis).",
        "",
        "| target | mutated | tests | mutants | killed | survived | equivalent | errors | kill rate | seed | minutes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *(_counts(s) for s in summaries),
        "",
        "## Surviving mutants",
        "",
    ]
    header = ["| where | function | line | mutant |", "|---|---|---|---|"]
    for s in summaries:
        if s["survived"]:
            lines += [f"### {s['name']}", "", *header, *(_row(m) for m in s["survived"]), ""]
    if not any(s["survived"] for s in summaries):
        lines += ["None.", ""]
    lines += [
        "## Equivalent mutants (not counted)",
        "",
        "| where | function | line | mutant | why it changes nothing |",
        "|---|---|---|---|---|",
    ]
    for s in summaries:
        lines += [_row(m, m["why"]) for m in s["equivalent"]]
    return "\n".join(lines) + "\n"

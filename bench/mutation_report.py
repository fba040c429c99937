"""The Markdown of bench/MUTATION.md, from the summaries bench/mutation.py collects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outcome:
    status: str  # killed | survived | error | missing
    diff: str


@dataclass(frozen=True)
class Survivor:
    path: str
    line: int
    function: str
    operator: str
    text: str

    def row(self) -> str:
        code = self.text.replace("|", "\\|").replace("`", "'")
        operator = self.operator.removeprefix("core/")
        return f"| `{self.path}:{self.line}` | `{self.function}` | {operator} | `{code}` |"


def _rate(summary: dict[str, Any]) -> str:
    counted = summary["killed"] + len(summary["survived"])
    return f"{100 * summary['killed'] / counted:.0f}%" if counted else "-"


def _files(summary: dict[str, Any]) -> str:
    parts = []
    for path, scope in summary["target"].files.items():
        parts.append(f"`{path}`" + (f" ({', '.join(scope)})" if scope else ""))
    return "<br>".join(parts)


def report(*, runs: list[dict[str, Any]], seed: int, tool: str) -> str:
    lines = [
        "# Mutation testing",
        "",
        "Written by `bash scripts/mutation` (bench/mutation.py); do not edit by hand.",
        f"Tool: `{tool}`; seed {seed} (mutant sample and hypothesis). Each mutant runs the",
        "tests of its area only; runtime modules are mutated in `templates/runtime/` and the",
        "tests run against the package generated from them. Kill rate = killed / (killed +",
        "survived); equivalent mutants (listed below with the reason) are not counted.",
        "",
        "| target | mutated | tests | mutants | killed | survived | equivalent | errors | kill rate | minutes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in runs:
        total = s["killed"] + len(s["survived"]) + len(s["equivalent"]) + s["errors"]
        tests = "<br>".join(f"`{t}`" for t in s["target"].tests)
        lines.append(
            f"| {s['target'].name} | {_files(s)} | {tests} | {total} | {s['killed']} | "
            f"{len(s['survived'])} | {len(s['equivalent'])} | {s['errors']} | {_rate(s)} | "
            f"{s['seconds'] / 60:.1f} |"
        )
    lines += ["", "## Surviving mutants", ""]
    for s in runs:
        if s["survived"]:
            lines += [f"### {s['target'].name}", "", "| where | function | operator | line |"]
            lines += ["|---|---|---|---|", *(survivor.row() for survivor, _ in s["survived"]), ""]
    if not any(s["survived"] for s in runs):
        lines += ["None.", ""]
    lines += ["## Equivalent mutants (not counted)", ""]
    lines += [
        "| where | function | operator | line | why it changes nothing |",
        "|---|---|---|---|---|",
    ]
    for s in runs:
        for survivor, why in s["equivalent"]:
            lines.append(f"{survivor.row()} {why} |")
    return "\n".join(lines) + "\n"

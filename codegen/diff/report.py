"""Render findings as text, JSON, Markdown, JUnit XML or GitHub workflow annotations."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

from codegen.diff.model import Change, summarize

FORMATS = ("text", "json", "markdown", "junit", "github")


def render(
    changes: list[Change], *, fmt: str, old: str, new: str, ignored: list[Change] | None = None
) -> str:
    renderers = {
        "text": _text,
        "json": _json,
        "markdown": _markdown,
        "junit": _junit,
        "github": _github,
    }
    return renderers[fmt](changes, old, new, ignored or [])


def _summary_line(changes: list[Change]) -> str:
    counts = summarize(changes)
    return ", ".join(f"{n} {k}" for k, n in counts.items())


def _text(changes: list[Change], old: str, new: str, ignored: list[Change]) -> str:
    lines = [f"{c.severity:<8} {c.rule}  {c.location}: {c.message}" for c in changes]
    lines.append(
        f"{old} -> {new}: {_summary_line(changes)}"
        + (f" ({len(ignored)} ignored)" if ignored else "")
    )
    return "\n".join(lines) + "\n"


def _json(changes: list[Change], old: str, new: str, ignored: list[Change]) -> str:
    payload = {
        "changes": [c.as_json() for c in changes],
        "summary": summarize(changes),
        "ignored": [{**c.as_json(), "reason": c.ignored_reason} for c in ignored],
    }
    return json.dumps(payload, indent=2) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(changes: list[Change], old: str, new: str, ignored: list[Change]) -> str:
    lines = [f"### `{old}` -> `{new}`", "", _summary_line(changes), ""]
    if changes:
        lines += ["| severity | rule | location | change |", "|---|---|---|---|"]
        lines += [
            f"| {c.severity} | `{c.rule}` | `{_cell(c.location)}` | {_cell(c.message)} |"
            for c in changes
        ]
    return "\n".join(lines) + "\n"


def _junit(changes: list[Change], old: str, new: str, ignored: list[Change]) -> str:
    failures = sum(1 for c in changes if c.severity == "breaking")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuite name={quoteattr(f"diff {old} -> {new}")} tests="{len(changes)}" '
        f'failures="{failures}">',
    ]
    for c in changes:
        lines.append(f"  <testcase classname={quoteattr(c.rule)} name={quoteattr(c.location)}>")
        if c.severity == "breaking":
            lines.append(
                f'    <failure message={quoteattr(c.message)} type="breaking">'
                f"{escape(c.fingerprint)}</failure>"
            )
        else:
            lines.append(f"    <system-out>{escape(c.severity + ': ' + c.message)}</system-out>")
        lines.append("  </testcase>")
    lines.append("</testsuite>")
    return "\n".join(lines) + "\n"


def _github(changes: list[Change], old: str, new: str, ignored: list[Change]) -> str:
    level = {"breaking": "error", "warning": "warning", "info": "notice"}
    lines = []
    for c in changes:
        message = f"{c.rule} at {c.location}: {c.message}".replace("%", "%25").replace("\n", "%0A")
        title = f"{c.severity}: {c.rule}".replace(",", "%2C").replace("::", "%3A%3A")
        lines.append(f"::{level[c.severity]} file={new},title={title}::{message}")
    return "\n".join(lines) + ("\n" if lines else "")

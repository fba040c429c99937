"""Render findings as text, JSON, Markdown, JUnit XML or GitHub workflow annotations.

Each change names where it is written (`file:line`, see locate.py and lines.py); `note`
says which side of the wire a bare schema was read as, and why.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

from codegen.diff.model import Change, summarize

FORMATS = ("text", "json", "markdown", "junit", "github")


def render(
    changes: list[Change],
    *,
    fmt: str,
    old: str,
    new: str,
    ignored: list[Change] | None = None,
    direction: tuple[str, str] | None = None,
) -> str:
    """`direction` is (side, why) for a bare JSON Schema, None for OpenAPI documents."""
    renderers = {
        "text": _text,
        "json": _json,
        "markdown": _markdown,
        "junit": _junit,
        "github": _github,
    }
    return renderers[fmt](changes, old, new, ignored or [], direction)


def _summary_line(changes: list[Change]) -> str:
    counts = summarize(changes)
    return ", ".join(f"{n} {k}" for k, n in counts.items())


def _side(direction: tuple[str, str] | None) -> str:
    return f"read as a {direction[0]} schema ({direction[1]})" if direction else ""


def text_line(change: Change) -> str:
    """`file:line: severity rule  location: message` (no prefix when the file is unknown)."""
    where = f"{change.source}: " if change.source else ""
    return f"{where}{change.severity:<8} {change.rule}  {change.location}: {change.message}"


def _text(
    changes: list[Change], old: str, new: str, ignored: list[Change], direction: object
) -> str:
    lines = [text_line(c) for c in changes]
    lines.append(
        f"{old} -> {new}: {_summary_line(changes)}"
        + (f" ({len(ignored)} ignored)" if ignored else "")
    )
    if direction:
        lines.append(_side(direction))  # type: ignore[arg-type]
    return "\n".join(lines) + "\n"


def _json(
    changes: list[Change],
    old: str,
    new: str,
    ignored: list[Change],
    direction: tuple[str, str] | None,
) -> str:
    payload: dict[str, object] = {
        "changes": [c.as_json() for c in changes],
        "summary": summarize(changes),
        "ignored": [{**c.as_json(), "reason": c.ignored_reason} for c in ignored],
    }
    if direction:
        payload["direction"] = {"side": direction[0], "why": direction[1]}
    return json.dumps(payload, indent=2) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(
    changes: list[Change], old: str, new: str, ignored: list[Change], direction: object
) -> str:
    lines = [f"### `{old}` -> `{new}`", "", _summary_line(changes), ""]
    if direction:
        lines += [_side(direction), ""]  # type: ignore[arg-type]
    if changes:
        lines += ["| severity | rule | location | where | change |", "|---|---|---|---|---|"]
        lines += [
            f"| {c.severity} | `{c.rule}` | `{_cell(c.location)}` | `{_cell(c.source)}` "
            f"| {_cell(c.message)} |"
            for c in changes
        ]
    return "\n".join(lines) + "\n"


def junit_case(change: Change) -> str:
    """One `<testcase>`: breaking changes fail; file and line as attributes."""
    where = f" file={quoteattr(change.file)}" if change.file else ""
    where += f' line="{change.line}"' if change.line else ""
    head = f"<testcase classname={quoteattr(change.rule)} name={quoteattr(change.location)}{where}>"
    if change.severity == "breaking":
        body = (
            f'<failure message={quoteattr(change.message)} type="breaking">'
            f"{escape(change.fingerprint)}</failure>"
        )
    else:
        body = f"<system-out>{escape(change.severity + ': ' + change.message)}</system-out>"
    return f"{head}{body}</testcase>"


def _junit(
    changes: list[Change], old: str, new: str, ignored: list[Change], direction: object
) -> str:
    failures = sum(1 for c in changes if c.severity == "breaking")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuite name={quoteattr(f"diff {old} -> {new}")} tests="{len(changes)}" '
        f'failures="{failures}">',
    ]
    lines += [f"  {junit_case(c)}" for c in changes]
    lines.append("</testsuite>")
    return "\n".join(lines) + "\n"


def _property(text: str) -> str:
    """A workflow-command property value (file, title): `%`, CR, LF, `:` and `,` escaped."""
    for raw, escaped in (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C")):
        text = text.replace(raw, escaped)
    return text


def annotation(change: Change, file: str = "") -> str:
    """`::error file=F,line=L,title=T::message` (error/warning/notice by severity)."""
    level = {"breaking": "error", "warning": "warning", "info": "notice"}[change.severity]
    message = f"{change.rule} at {change.location}: {change.message}"
    for raw, escaped in (("%", "%25"), ("\r", "%0D"), ("\n", "%0A")):
        message = message.replace(raw, escaped)
    props = [f"file={_property(change.file or file)}"] if (change.file or file) else []
    props += [f"line={change.line}"] if change.line else []
    props.append(f"title={_property(f'{change.severity}: {change.rule}')}")
    return f"::{level} {','.join(props)}::{message}"


def _github(
    changes: list[Change], old: str, new: str, ignored: list[Change], direction: object
) -> str:
    lines = [annotation(c, new) for c in changes]
    return "\n".join(lines) + ("\n" if lines else "")

"""`diff --catalog` in machine formats: one document per run, whatever the number of pairs.

- json: `{"pairs": [...], "changes": [...], "summary": {...}}`: one entry per compared file
  (provider, endpoint, kind, direction, old and new version and file, status, changes,
  summary); the top-level `changes` and `summary` keep the shape of a single `diff`.
- junit: one `<testsuites>` document, a `<testsuite>` per pair, a `<testcase>` per change
  (breaking ones fail), and one passing case for a file that is new or gone.
- github: workflow annotations with paths relative to the repository root and lines.
- text: one line per change (`file:line: severity rule location: message`), a summary line
  per pair.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from codegen.diff.catalog import Step
from codegen.diff.model import Change, summarize
from codegen.diff.report import annotation, junit_case, text_line


def render_catalog(steps: list[Step], *, fmt: str, root: Path) -> str:
    """Render the kept changes of every step (after ignore rules) as one document."""
    if fmt == "json":
        return _json(steps, root)
    if fmt == "junit":
        return _junit(steps, root)
    if fmt == "github":
        return _github(steps, root)
    return _text(steps, root)


def repository_root(start: Path) -> Path:
    """The git work tree holding `start` (where GitHub resolves annotation paths), else the
    current folder."""
    try:
        done = subprocess.run(
            ["git", "-C", str(start), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return Path.cwd()
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else Path.cwd()


def relative(file: str, root: Path) -> str:
    """`file` relative to `root`, with forward slashes ("" stays "")."""
    if not file:
        return ""
    return Path(os.path.relpath(Path(file).resolve(), root.resolve())).as_posix()


def _rooted(change: Change, root: Path) -> Change:
    from dataclasses import replace

    return replace(change, file=relative(change.file, root)) if change.file else change


def _entry(step: Step, root: Path) -> dict[str, Any]:
    changes = list(step.changes)
    provider, endpoint = step.endpoint.split("/", 1)
    return {
        "provider": provider,
        "endpoint": endpoint,
        "kind": step.kind,
        "direction": step.direction,
        "old_version": step.old_version if step.old_file else None,
        "new_version": step.new_version if step.new_file else None,
        "old_file": relative(step.old_file, root) or None,
        "new_file": relative(step.new_file, root) or None,
        "status": step.status,
        "note": step.note,
        "changes": [_rooted(c, root).as_json() for c in changes],
        "summary": summarize(changes),
        "ignored": [
            {**_rooted(c, root).as_json(), "reason": c.ignored_reason} for c in step.ignored
        ],
    }


def _json(steps: list[Step], root: Path) -> str:
    every = [c for step in steps for c in step.changes]
    payload = {
        "pairs": [_entry(step, root) for step in steps],
        "changes": [_rooted(c, root).as_json() for c in every],
        "summary": summarize(every),
    }
    return json.dumps(payload, indent=2) + "\n"


def _pair_name(step: Step, root: Path) -> str:
    old = relative(step.old_file, root) or f"(no {step.kind}.json in {step.old_version})"
    new = relative(step.new_file, root) or f"(no {step.kind}.json in {step.new_version})"
    return f"{old} -> {new}"


def _junit(steps: list[Step], root: Path) -> str:
    every = [c for step in steps for c in step.changes]
    failures = sum(c.severity == "breaking" for c in every)
    tests = sum(max(len(step.changes), 1) for step in steps)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="kling-codegen diff --catalog" tests="{tests}" failures="{failures}">',
    ]
    for step in steps:
        kept = list(step.changes)
        broken = sum(c.severity == "breaking" for c in kept)
        name = quoteattr(f"{step.endpoint} {step.kind}.json: {_pair_name(step, root)}")
        lines.append(f'  <testsuite name={name} tests="{max(len(kept), 1)}" failures="{broken}">')
        lines += [f"    {junit_case(_rooted(c, root))}" for c in kept]
        if not kept:
            label = step.note or "no changes"
            lines.append(
                f"    <testcase classname={quoteattr(step.endpoint)} name={quoteattr(label)}/>"
            )
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"


def _github(steps: list[Step], root: Path) -> str:
    lines = []
    for step in steps:
        kept = list(step.changes)
        if step.status != "changed":
            file = relative(step.new_file or step.old_file, root)
            lines.append(f"::notice file={file}::{step.endpoint}: {step.note}")
        lines += [annotation(_rooted(c, root)) for c in kept]
    return "\n".join(lines) + ("\n" if lines else "")


def _text(steps: list[Step], root: Path) -> str:
    lines = []
    for step in steps:
        kept = list(step.changes)
        lines += [text_line(_rooted(c, root)) for c in kept]
        counts = summarize(kept)
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        tail = f" ({step.note})" if step.note else ""
        direction = f" [{step.direction}]"
        lines.append(f"{_pair_name(step, root)}{direction}: {summary}{tail}")
    return "\n".join(lines) + ("\n" if lines else "")

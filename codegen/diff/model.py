"""Findings: what the diff engine reports, with a stable order and fingerprint."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codegen.diff.rules import Rule

SEVERITIES = ("info", "warning", "breaking")
DIRECTIONS = ("request", "response")


def severity_rank(severity: str) -> int:
    """0 for info, 1 for warning, 2 for breaking."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Change:
    """One classified difference between two documents."""

    rule: str
    severity: str
    direction: str
    location: str
    message: str
    subject: str = ""
    ignored_reason: str = field(default="", compare=False)
    file: str = field(default="", compare=False)  # where the change is written ...
    pointer: str = field(default="", compare=False)  # ... as a JSON pointer in that file
    line: int | None = field(default=None, compare=False)  # ... and its line (JSON, YAML)

    @property
    def fingerprint(self) -> str:
        """Stable id: depends on rule, location and subject, never on the wording."""
        key = "\x1f".join((self.rule, self.location, self.subject))
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (-severity_rank(self.severity), self.location, self.rule, self.subject, self.message)

    @property
    def source(self) -> str:
        """`file:line` (or `file#pointer` without a line), "" when not known."""
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line else f"{self.file}#{self.pointer}"

    def as_json(self) -> dict[str, str | int | None]:
        found: dict[str, str | int | None] = {
            "rule": self.rule,
            "severity": self.severity,
            "direction": self.direction,
            "location": self.location,
            "message": self.message,
            "fingerprint": self.fingerprint,
        }
        if self.file:
            found.update(file=self.file, pointer=self.pointer, line=self.line)
        return found


def located(
    rule: Rule, location: str, message: str, subject: str, *, file: str, pointer: str
) -> Change:
    """A Change of `rule`, written at `pointer` in `file` (its line looked up)."""
    from codegen.diff.lines import line_of

    return Change(
        rule.id,
        rule.severity,
        rule.direction,
        location,
        message,
        subject,
        file=file,
        pointer=pointer,
        line=line_of(file, pointer),
    )


def summarize(changes: list[Change]) -> dict[str, int]:
    """Counts per severity, in the JSON interface's key order."""
    counts = {"breaking": 0, "warning": 0, "info": 0}
    for change in changes:
        counts[change.severity] += 1
    return counts


def finalize(changes: list[Change]) -> list[Change]:
    """Drop duplicates (same fingerprint) and sort into the stable order."""
    seen: dict[str, Change] = {}
    for change in changes:
        seen.setdefault(change.fingerprint, change)
    return sorted(seen.values(), key=Change.sort_key)

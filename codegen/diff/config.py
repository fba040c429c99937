"""Team policy: an ignore list (each entry with a reason) and per-rule severity overrides.

```yaml
severity:                      # rule id -> breaking | warning | info
  request-property-default-changed: info
ignore:
  - fingerprint: 1f0c2b9a4d5e6f70
    reason: accepted in ADR-12
  - rule: request-property-enum-value-removed
    location: "#/properties/duration"
    reason: the provider never accepted "3"
```
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from codegen.diff.model import SEVERITIES, Change
from codegen.diff.rules import RULES
from codegen.errors import InputError
from codegen.read import read_data


@dataclass(frozen=True)
class Policy:
    severity: dict[str, str] = field(default_factory=dict)
    ignore: tuple[dict[str, str], ...] = ()

    def apply(self, changes: list[Change]) -> tuple[list[Change], list[Change]]:
        """(kept changes with overridden severities, ignored changes with their reason)."""
        kept: list[Change] = []
        ignored: list[Change] = []
        for change in changes:
            level = self.severity.get(change.rule)
            if level is not None:
                change = replace(change, severity=level)
            reason = self._reason(change)
            if reason is None:
                kept.append(change)
            else:
                ignored.append(replace(change, ignored_reason=reason))
        return kept, ignored

    def _reason(self, change: Change) -> str | None:
        for entry in self.ignore:
            if entry.get("fingerprint") == change.fingerprint or (
                entry.get("rule") == change.rule and entry.get("location") == change.location
            ):
                return entry["reason"]
        return None


def parse_override(text: str, *, source: str = "--severity") -> tuple[str, str]:
    """`RULE=LEVEL` -> (rule, level), checked against the catalog."""
    rule, sep, level = text.partition("=")
    rule, level = rule.strip(), level.strip()
    if not sep or rule not in RULES:
        raise InputError(f"{source}: {text!r}: expected RULE=LEVEL with a known rule id")
    if level not in SEVERITIES:
        raise InputError(f"{source}: {text!r}: level must be one of {', '.join(SEVERITIES)}")
    return rule, level


def load_policy(path: str | None, overrides: tuple[str, ...] = ()) -> Policy:
    """Read the ignore/severity file (YAML or JSON) and merge `--severity` flags over it."""
    severity: dict[str, str] = {}
    ignore: list[dict[str, str]] = []
    if path is not None:
        data = _read(path)
        for key, value in (data.get("severity") or {}).items():
            rule, level = parse_override(f"{key}={value}", source=f"{path}#/severity")
            severity[rule] = level
        ignore = [_entry(path, i, e) for i, e in enumerate(data.get("ignore") or [])]
    for text in overrides:
        rule, level = parse_override(text)
        severity[rule] = level
    return Policy(severity, tuple(ignore))


def _read(path: str) -> dict[str, Any]:
    data = read_data(Path(path), name=path) or {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping with `ignore` and/or `severity`")
    return data


def _entry(path: str, index: int, entry: Any) -> dict[str, str]:
    where = f"{path}#/ignore/{index}"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected a mapping")
    if not str(entry.get("reason") or "").strip():
        raise InputError(f"{where}: every ignore entry needs a `reason`")
    if "fingerprint" not in entry and not ("rule" in entry and "location" in entry):
        raise InputError(f"{where}: give a `fingerprint`, or a `rule` and a `location`")
    return {k: str(v) for k, v in entry.items()}

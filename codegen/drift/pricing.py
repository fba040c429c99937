"""Price per second, as each manifest documents it, and how the prices drift.

Price drift uses the same item shape as field drift, under the pseudo-field `(price)`:
`missing` (no documented price), `range` (the per-second figures differ) and `semantics`
(a rate applies only under a condition, e.g. audio off, that the others do not state).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PRICE_FIELD = "(price)"


def price_text(pricing: Mapping[str, Any] | None) -> str:
    rates = (pricing or {}).get("rates") or []
    if not rates:
        return "not documented"
    return ", ".join(_rate_text(rate) for rate in rates)


def _rate_text(rate: Mapping[str, Any]) -> str:
    text = f"${rate['per_second']}/s"
    return text + "".join(
        f" ({k}={_flag(v)})" for k, v in sorted(rate.items()) if k != "per_second"
    )


def _flag(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def price_cell(pricing: Mapping[str, Any] | None) -> dict[str, Any]:
    spec = dict(pricing or {})
    cell: dict[str, Any] = {"text": price_text(spec), "rates": list(spec.get("rates") or [])}
    cell.update({k: spec[k] for k in ("currency", "note", "source", "third_party") if k in spec})
    return cell


def price_drift(endpoint: str, cells: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    absent = sorted(k for k, c in cells.items() if not c["rates"])
    if absent:
        detail = "; ".join(f"{k}: not documented" for k in absent)
        found.append(_item(endpoint, "missing", absent, detail))
    priced = {k: c for k, c in sorted(cells.items()) if c["rates"]}
    figures = {k: tuple(sorted({r["per_second"] for r in c["rates"]})) for k, c in priced.items()}
    if len(set(figures.values())) > 1:
        found.append(_item(endpoint, "range", sorted(priced), _detail(priced)))
    terms = {k: tuple(sorted(conditions(c))) for k, c in priced.items()}
    if len(set(terms.values())) > 1:
        found.append(_item(endpoint, "semantics", sorted(priced), _detail(priced)))
    return found


def conditions(cell: Mapping[str, Any]) -> set[str]:
    return {f"{k}={_flag(v)}" for r in cell["rates"] for k, v in r.items() if k != "per_second"}


def _detail(cells: Mapping[str, Mapping[str, Any]]) -> str:
    return "; ".join(f"{k}: {c['text']}" for k, c in cells.items())


def _item(endpoint: str, kind: str, providers: list[str], detail: str) -> dict[str, Any]:
    return {"kind": kind, "endpoint": endpoint, "providers": providers, "detail": detail}

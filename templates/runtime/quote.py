"""Price a canonical request from a manifest's documented pricing. Stdlib only.

A manifest version's `pricing` is `{currency, rates: [{per_second, generate_audio?}], note?,
source?}`; a rate with `generate_audio` applies only with that audio setting, one without it
applies to both. An empty `rates` list means the provider documents no price: the quote says
"unknown" rather than guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["CANONICAL_AUDIO", "CANONICAL_DURATION", "price", "request_audio", "request_seconds"]

CANONICAL_DURATION = 5
CANONICAL_AUDIO = True


def request_seconds(request: Mapping[str, Any]) -> int:
    """Seconds the request asks for: `duration`, else the sum of its shots, else 5."""
    if request.get("duration") is not None:
        return int(request["duration"])
    shots: Sequence[Mapping[str, Any]] = request.get("multi_prompt") or []
    lengths = [int(shot["duration"]) for shot in shots if shot.get("duration") is not None]
    return sum(lengths) if lengths and len(lengths) == len(shots) else CANONICAL_DURATION


def request_audio(request: Mapping[str, Any]) -> bool:
    """Whether the request asks for audio (canonical default: true)."""
    value = request.get("generate_audio")
    return CANONICAL_AUDIO if value is None else bool(value)


def price(pricing: Mapping[str, Any], *, seconds: int, generate_audio: bool) -> dict[str, Any]:
    """The documented price for `seconds` of video with or without audio.

    Returns `{"known": bool, "currency", "per_second", "total", "reason", "source"}`;
    per_second and total are None when unknown, and `reason` says why.
    """
    rates: Sequence[Mapping[str, Any]] = pricing.get("rates", [])
    rate = _rate(rates, generate_audio=generate_audio)
    quote: dict[str, Any] = {
        "known": rate is not None,
        "currency": pricing.get("currency", "USD"),
        "per_second": None,
        "total": None,
        "reason": _unknown_reason(rates, generate_audio=generate_audio),
        "source": pricing.get("source"),
    }
    if rate is not None:
        per_second = float(rate["per_second"])
        quote.update(per_second=per_second, total=round(per_second * seconds, 6), reason=None)
    return quote


def _rate(rates: Sequence[Mapping[str, Any]], *, generate_audio: bool) -> Mapping[str, Any] | None:
    specific = [r for r in rates if r.get("generate_audio") == generate_audio]
    general = [r for r in rates if r.get("generate_audio") is None]
    matches = specific or general
    return matches[0] if matches else None


def _unknown_reason(rates: Sequence[Mapping[str, Any]], *, generate_audio: bool) -> str | None:
    if not rates:
        return "no price documented"
    if _rate(rates, generate_audio=generate_audio) is not None:
        return None
    state = "on" if generate_audio else "off"
    return f"no price documented with audio {state}"

"""Price a canonical request from a manifest's documented pricing. Stdlib only.

A manifest version's `pricing` is `{currency, rates: [{per_second, generate_audio?,
voice_control?}], note?, source?, third_party?}`. Each optional key of a rate is a feature
condition: the rate applies only with that setting (audio on/off; voice control, i.e. an
element carrying a voice, on/off); a rate without the key applies either way. Of the rates
that apply, the one naming the most conditions wins. An empty `rates` list means the provider
documents no price: the quote says "unknown" rather than guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "CANONICAL_AUDIO",
    "CANONICAL_DURATION",
    "CONDITIONS",
    "price",
    "request_audio",
    "request_seconds",
    "request_voice_control",
]

CANONICAL_DURATION = 5
CANONICAL_AUDIO = True
CONDITIONS = ("generate_audio", "voice_control")  # rate keys that restrict where a rate applies


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


def request_voice_control(request: Mapping[str, Any]) -> bool:
    """Whether the request uses voice control: an element carrying a voice."""
    elements: Sequence[Mapping[str, Any]] = request.get("elements") or []
    return any(element.get("voice") for element in elements)


def price(
    pricing: Mapping[str, Any],
    *,
    seconds: int,
    generate_audio: bool,
    voice_control: bool = False,
) -> dict[str, Any]:
    """The documented price for `seconds` of video with these features.

    Returns `{"known": bool, "currency", "per_second", "total", "reason", "source",
    "third_party"}`; per_second and total are None when unknown, and `reason` says why.
    """
    rates: Sequence[Mapping[str, Any]] = pricing.get("rates", [])
    features = {"generate_audio": generate_audio, "voice_control": voice_control}
    rate = _rate(rates, features)
    quote: dict[str, Any] = {
        "known": rate is not None,
        "currency": pricing.get("currency", "USD"),
        "per_second": None,
        "total": None,
        "reason": _unknown_reason(rates, features),
        "source": pricing.get("source"),
        "third_party": bool(pricing.get("third_party", False)),
    }
    if rate is not None:
        per_second = float(rate["per_second"])
        quote.update(per_second=per_second, total=round(per_second * seconds, 6), reason=None)
    return quote


def _rate(
    rates: Sequence[Mapping[str, Any]], features: Mapping[str, bool]
) -> Mapping[str, Any] | None:
    applying = [r for r in rates if all(r.get(key) in (None, features[key]) for key in CONDITIONS)]
    if not applying:
        return None
    return max(applying, key=lambda r: sum(r.get(key) is not None for key in CONDITIONS))


def _unknown_reason(rates: Sequence[Mapping[str, Any]], features: Mapping[str, bool]) -> str | None:
    if not rates:
        return "no price documented"
    if _rate(rates, features) is not None:
        return None
    audio = "on" if features["generate_audio"] else "off"
    voice = " and voice control" if features["voice_control"] else ""
    return f"no price documented with audio {audio}{voice}"

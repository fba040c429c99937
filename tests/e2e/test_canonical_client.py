"""One canonical request, run on every gateway's fake over loopback, sync and async."""

from __future__ import annotations

from typing import Any

import pytest

from kling_gateways import canonical
from kling_gateways.canonical import AsyncClient, Client

from .conftest import ENDPOINT, PROVIDERS, client_options

WITH_ELEMENT = {"prompt": "a cat surfing @Element1", "start_image": "https://x.test/cat.png",
                "duration": 5, "elements": [{"frontal_image": "https://x.test/cat-face.png"}]}  # fmt: skip
PLAIN = {"prompt": "a cat surfing", "start_image": "https://x.test/cat.png", "duration": 5}
SHOTS = {"start_image": "https://x.test/cat.png",
         "multi_prompt": [{"prompt": "a cat paddles out", "duration": 3},
                          {"prompt": "a cat rides a wave", "duration": 5}]}  # fmt: skip


def _takes(provider: str, field: str) -> bool:
    """Whether the provider's mapping sends the canonical `field` (derived, not listed)."""
    return "to" in canonical.MAPPINGS[f"{provider}/{ENDPOINT}"]["request"]["fields"][field]


def request_for(provider: str) -> dict[str, Any]:
    """The canonical request: with an element where the gateway takes elements."""
    return WITH_ELEMENT if _takes(provider, "elements") else PLAIN


def _translates(request: dict[str, Any], provider: str) -> bool:
    try:
        canonical.translate(request, to=f"{provider}/{ENDPOINT}")
    except canonical.TranslationError:
        return False
    return True


MULTI_SHOT = [p for p in PROVIDERS if _takes(p, "multi_prompt") and _translates(SHOTS, p)]


def _options(url: str) -> dict[str, Any]:
    options = client_options(url)
    options.pop("api_key")
    return options


@pytest.mark.parametrize("provider", PROVIDERS)
def test_canonical_client_runs_on_every_gateway(fake: Any, provider: str) -> None:
    gateway = fake(provider)
    with Client(provider=provider, api_key="k", **_options(gateway.url)) as client:
        result, warnings = client.run(request_for(provider), timeout=5)
    assert result["video_url"].startswith("http")
    assert isinstance(warnings, list)
    assert len(gateway.store.jobs) == 1 and gateway.store.duplicates() == {}


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_canonical_async_client_runs_on_every_gateway(fake: Any, provider: str) -> None:
    gateway = fake(provider)
    async with AsyncClient(provider=provider, api_key="k", **_options(gateway.url)) as client:
        result, _warnings = await client.run(request_for(provider), timeout=5)
    assert result["video_url"].startswith("http")
    assert len(gateway.store.jobs) == 1 and gateway.store.duplicates() == {}


@pytest.mark.parametrize("provider", MULTI_SHOT)
def test_canonical_shots_reach_every_gateway_that_takes_them(fake: Any, provider: str) -> None:
    """The shots travel in the gateway's own spelling (indexed items, string durations,
    JSON text, ...) and its fake accepts them by its published schema."""
    gateway = fake(provider)
    with Client(provider=provider, api_key="k", **_options(gateway.url)) as client:
        payload, _ = client.translate(SHOTS)
        result, _warnings = client.run(SHOTS, timeout=5)
    assert result["video_url"].startswith("http")
    (job,) = gateway.store.jobs.values()
    assert job.body == payload

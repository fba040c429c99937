"""One canonical request, run on every gateway's fake over loopback, sync and async."""

from __future__ import annotations

from typing import Any

import pytest

from kling_gateways.canonical import AsyncClient, Client

from .conftest import PROVIDERS, client_options

CANONICAL = {"prompt": "a cat surfing @Element1", "start_image": "https://x.test/cat.png",
             "duration": 5, "elements": [{"frontal_image": "https://x.test/cat-face.png"}]}  # fmt: skip


def _options(url: str) -> dict[str, Any]:
    options = client_options(url)
    options.pop("api_key")
    return options


@pytest.mark.parametrize("provider", PROVIDERS)
def test_canonical_client_runs_on_every_gateway(fake: Any, provider: str) -> None:
    gateway = fake(provider)
    with Client(provider=provider, api_key="k", **_options(gateway.url)) as client:
        result, warnings = client.run(CANONICAL, timeout=5)
    assert result["video_url"].startswith("http")
    assert isinstance(warnings, list)
    assert len(gateway.store.jobs) == 1 and gateway.store.duplicates() == {}


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_canonical_async_client_runs_on_every_gateway(fake: Any, provider: str) -> None:
    gateway = fake(provider)
    async with AsyncClient(provider=provider, api_key="k", **_options(gateway.url)) as client:
        result, _warnings = await client.run(CANONICAL, timeout=5)
    assert result["video_url"].startswith("http")
    assert len(gateway.store.jobs) == 1 and gateway.store.duplicates() == {}

"""100 concurrent async runs against one fake gateway with faults: all terminal, none twice."""

from __future__ import annotations

import asyncio

import pytest

from kling_gateways._runtime import errors
from kling_gateways._runtime.retry import RetryPolicy

from .conftest import IDEMPOTENT, ONE_PER_KIND, make_async_client, request_for

FAULTS = [
    {"kind": "error", "op": "status", "every": 7, "times": 30},
    {"kind": "rate_limit", "op": "*", "every": 11, "times": 20, "retry_after": "0.01"},
    {"kind": "drop", "op": "status", "every": 13, "times": 10},
    {"kind": "malformed", "op": "status", "every": 17, "times": 10},
    {"kind": "fail_run", "op": "submit", "every": 25, "times": 4},
]


@pytest.mark.parametrize("provider", ONE_PER_KIND)
async def test_hundred_concurrent_runs_with_faults(fake, provider):
    faults = list(FAULTS)
    if provider in IDEMPOTENT:  # idempotent submits may also fail after taking effect
        faults.append({"kind": "error", "op": "submit", "every": 9, "times": 10, "after": True})
    gateway = fake(provider, faults=[])
    gateway.set_faults(faults)
    policy = RetryPolicy(max_retries=8, initial_delay=0.002, max_delay=0.02)
    async with make_async_client(provider, gateway.url, retry=policy, poll_interval=0.01) as client:
        outcomes = await asyncio.gather(
            *(_one(client, provider, i) for i in range(100)), return_exceptions=True
        )
    unexpected = [o for o in outcomes if isinstance(o, BaseException)]
    assert unexpected == []
    assert {o for o in outcomes} <= {"succeeded", "failed"}
    assert outcomes.count("failed") == 4
    store = gateway.store
    assert len(store.jobs) == 100  # none lost
    assert store.duplicates() == {}  # none created twice
    assert all(job.final in ("succeeded", "failed") for job in store.jobs.values())
    assert sum(gateway.gateway.faults.fired().values()) > 20


async def _one(client, provider: str, index: int) -> str:
    try:
        result = await client.image_to_video.run(request_for(provider, index), timeout=30)
    except errors.RunFailedError as exc:
        return exc.run.status
    assert result.video_url
    return "succeeded"

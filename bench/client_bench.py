"""Client overhead: a generated client's submit vs raw httpx with a prebuilt body.

Both hit the same loopback fake gateway (runflow), same request, interleaved in rounds.
Run: `.venv/bin/python -m bench.client_bench`.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable

import httpx

from codegen.fake import FakeGateway

ROUNDS = 5
CALLS = 200
REQUEST = {"input": {"prompt": "a cat surfing", "start_image_url": "https://x.test/cat.png"}}
PATH = "/v1/models/kuaishou/kling-video/v3/pro/image-to-video/runs"


def _time(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(CALLS):
        fn()
    return (time.perf_counter() - start) / CALLS


def run() -> str:
    import kling_gateways.runflow as runflow

    with FakeGateway("runflow") as fake:
        client = runflow.Client(api_key="bench-key", base_url=fake.url)
        raw = httpx.Client()
        body = json.dumps(REQUEST).encode()
        headers = {"Authorization": "Bearer bench-key", "Content-Type": "application/json"}
        generated = lambda: client.image_to_video.submit(REQUEST)  # noqa: E731
        baseline = lambda: raw.post(fake.url + PATH, content=body, headers=headers).json()  # noqa: E731
        _time(generated), _time(baseline)  # warm up
        ours, theirs = [], []
        for _ in range(ROUNDS):
            ours.append(_time(generated))
            theirs.append(_time(baseline))
        client.close()
        raw.close()
    a, b = statistics.median(ours), statistics.median(theirs)
    ratio = a / b
    verdict = "within" if ratio < 1.10 else "over"
    return "\n".join(
        [
            "## Client overhead (runflow submit, loopback fake gateway)",
            "",
            f"Median of {ROUNDS} rounds x {CALLS} calls, interleaved.",
            "",
            "| call | per call (ms) |",
            "|---|---|",
            f"| generated `Client.image_to_video.submit(dict)`, validated | {a * 1000:.3f} |",
            f"| raw `httpx.Client.post` with a prebuilt body | {b * 1000:.3f} |",
            f"| ratio | {ratio:.3f} ({verdict} the 10% overhead target) |",
            "",
        ]
    )


if __name__ == "__main__":
    print(run())

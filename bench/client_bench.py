"""Client overhead: a generated client's submit vs raw httpx sending the same bytes.

The gateway is the first of the catalog whose client takes a plain API key, whose current
version has a request example and whose submit answers at once (not held until the result);
both calls hit its loopback fake gateway, interleaved in
rounds. The raw call replays exactly what the generated client sent (method, URL, headers,
body), recorded by an httpx event hook on the client's own httpx.Client.
Run: `.venv/bin/python -m bench.client_bench`.
"""

from __future__ import annotations

import importlib
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

from codegen.fake import FakeGateway

ROUNDS = 5
CALLS = 200
HELD = 0.02  # seconds: a submit answered later than this waits for the job (not measured)
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def _time(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(CALLS):
        fn()
    return (time.perf_counter() - start) / CALLS


def _candidates() -> list[tuple[str, str, Any]]:
    """(provider, endpoint, request example) for every current version with an example."""
    found = []
    for manifest in sorted(SCHEMAS.glob("*/manifest.yaml")):
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        for endpoint, spec in sorted((data.get("endpoints") or {}).items()):
            folder = manifest.parent / endpoint / spec["current"] / "examples"
            for example in sorted(folder.glob("request-*.json"))[:1]:
                payload = json.loads(example.read_text(encoding="utf-8"))
                found.append((manifest.parent.name, endpoint, payload))
    return found


def _measure(provider: str, endpoint: str, payload: Any) -> tuple[float, float]:
    module = importlib.import_module(f"kling_gateways.{provider.replace('-', '_')}")
    sent: list[httpx.Request] = []
    recorder = httpx.Client(event_hooks={"request": [sent.append]})
    with FakeGateway(provider) as fake:
        client = module.Client(api_key="bench-key", base_url=fake.url, http_client=recorder)
        submit = getattr(client, endpoint.replace("-", "_")).submit
        submit(payload)
        call = sent[-1]
        raw = httpx.Client()
        headers = dict(call.headers)

        def generated() -> object:
            return submit(payload)

        def baseline() -> object:
            reply = raw.request(call.method, str(call.url), content=call.content, headers=headers)
            return reply.json()

        start = time.perf_counter()
        baseline()
        if time.perf_counter() - start > HELD:
            raise TimeoutError("the gateway holds the submit until the result (Prefer: wait)")
        _time(generated), _time(baseline)  # warm up
        ours, theirs = [], []
        for _ in range(ROUNDS):
            ours.append(_time(generated))
            theirs.append(_time(baseline))
        raw.close()
        recorder.close()
    return statistics.median(ours), statistics.median(theirs)


def run() -> str:
    skipped = []
    for provider, endpoint, payload in _candidates():
        try:
            a, b = _measure(provider, endpoint, payload)
        except Exception as exc:  # a client needing more than an API key, a held submit
            skipped.append(f"{provider}/{endpoint} ({type(exc).__name__}: {exc})")
            continue
        return _report(f"{provider}/{endpoint}", a, b, skipped)
    raise RuntimeError("no gateway to measure: " + ", ".join(skipped))


def _report(target: str, a: float, b: float, skipped: list[str]) -> str:
    ratio = a / b
    verdict = "within" if ratio < 1.10 else "over"
    lines = [
        f"## Client overhead ({target} submit, loopback fake gateway)",
        "",
        f"Median of {ROUNDS} rounds x {CALLS} calls, interleaved. The raw call replays the"
        " generated client's recorded request byte for byte.",
        "",
        "| call | per call (ms) |",
        "|---|---|",
        f"| generated `Client.<endpoint>.submit(dict)`, validated | {a * 1000:.3f} |",
        f"| raw `httpx.Client.request` with the same method, URL, headers and body | {b * 1000:.3f} |",
        f"| ratio | {ratio:.3f} ({verdict} the 10% overhead target) |",
        "",
    ]
    if skipped:
        lines += [f"Gateways passed over: {'; '.join(skipped)}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())

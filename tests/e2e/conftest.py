"""Fake gateways on real loopback servers (127.0.0.1, free port), and clients for them.

Which providers to run, and what each can do (cancel, idempotent submits, callbacks), come
from the catalog as generated (`kling_gateways.canonical`): no test lists the providers.
Requests are the canonical layer's translation of one canonical request."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from codegen.fake import FakeGateway
from kling_gateways import canonical
from kling_gateways._runtime.retry import RetryPolicy

ENDPOINT = "image-to-video"
API_KEY = "sk-live-DO-NOT-LEAK-4f9a2c"
API_SECRET = "secret-key-DO-NOT-LEAK-77d1e0"  # signs tokens where the manifest has auth.token
FAST = RetryPolicy(max_retries=4, initial_delay=0.001, max_delay=0.01)


def lifecycle(provider: str, endpoint: str = ENDPOINT) -> dict[str, Any]:
    """The manifest's lifecycle block of `provider`'s current `endpoint` version."""
    entry = canonical.MANIFESTS[provider]["endpoints"][endpoint]
    block: dict[str, Any] = entry["versions"][entry["current"]]["lifecycle"]
    return block


def status_word(provider: str, common: str) -> str:
    """The provider's word for a common status; failed-inside-succeeded where it has none."""
    statuses = lifecycle(provider).get("statuses", {})
    words = statuses.get(common) or statuses.get("succeeded", [])
    return str(words[0])


PROVIDERS = sorted({t.split("/")[0] for t in canonical.targets(endpoint=ENDPOINT)})
POLLED = [p for p in PROVIDERS if lifecycle(p)["kind"] != "sync"]
CANCELLABLE = [p for p in PROVIDERS if "cancel" in lifecycle(p)]
UNCANCELLABLE = [p for p in POLLED if "cancel" not in lifecycle(p)]
IDEMPOTENT = [p for p in PROVIDERS if "idempotency" in lifecycle(p)]
NOT_IDEMPOTENT = [p for p in PROVIDERS if "idempotency" not in lifecycle(p)]
CALLBACKS = [p for p in PROVIDERS if "callback" in lifecycle(p)]
SIGNED_TOKENS = [p for p in PROVIDERS if "token" in canonical.MANIFESTS[p]["auth"]]
HELD = [p for p in PROVIDERS if "submit_wait" in lifecycle(p)]
ONE_PER_KIND = sorted({lifecycle(p)["kind"]: p for p in reversed(POLLED)}.values())


def request_for(provider: str, index: int = 0) -> Any:
    """A valid image-to-video request for `provider`, made distinct by `index`: the
    canonical layer's translation of one canonical request."""
    request = {"prompt": f"a cat surfing #{index}", "start_image": "https://x.test/cat.png"}
    payload, _warnings = canonical.translate(request, to=f"{provider}/{ENDPOINT}")
    return payload


def client_options(url: str, **overrides: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "api_key": API_KEY,
        "api_secret": API_SECRET,
        "base_url": url,
        "retry": FAST,
        "poll_interval": 0.005,
        "timeout": 5.0,
    }
    options.update(overrides)
    return options


def make_client(provider: str, url: str, **overrides: Any) -> Any:
    return importlib.import_module(f"kling_gateways.{provider.replace('-', '_')}").Client(
        **client_options(url, **overrides)
    )


def make_async_client(provider: str, url: str, **overrides: Any) -> Any:
    return importlib.import_module(f"kling_gateways.{provider.replace('-', '_')}").AsyncClient(
        **client_options(url, **overrides)
    )


@pytest.fixture
def fake() -> Iterator[Callable[..., FakeGateway]]:
    """`fake("runflow", **FakeConfig options)` -> a started FakeGateway, stopped after."""
    started: list[FakeGateway] = []

    def start(provider: str, **options: Any) -> FakeGateway:
        options.setdefault("api_secret", API_SECRET)
        gateway = FakeGateway(provider, **options).start()
        started.append(gateway)
        return gateway

    yield start
    for gateway in started:
        gateway.stop()


class Receiver:
    """A callback receiver on 127.0.0.1 that records each POST (raw body + headers)."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, dict[str, str]]] = []

        async def hook(request: Request) -> JSONResponse:
            self.received.append((await request.body(), dict(request.headers)))
            return JSONResponse({"ok": True})

        app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/hook"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def wait_for(self, count: int, *, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.received) >= count, f"got {len(self.received)} callbacks, wanted {count}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r

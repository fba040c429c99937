"""Fake gateways on real loopback servers (127.0.0.1, free port), and clients for them."""

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
from kling_gateways._runtime.retry import RetryPolicy

PROVIDERS = ["runflow", "runcomfy", "runware"]
API_KEY = "sk-live-DO-NOT-LEAK-4f9a2c"
FAST = RetryPolicy(max_retries=4, initial_delay=0.001, max_delay=0.01)

REQUESTS: dict[str, dict[str, Any]] = {
    "runflow": {"input": {"prompt": "a cat surfing", "start_image_url": "https://x.test/cat.png"}},
    "runcomfy": {"prompt": "a cat surfing", "start_image_url": "https://x.test/cat.png"},
    "runware": {
        "positivePrompt": "a cat surfing",
        "inputs": {"frameImages": [{"image": "https://x.test/cat.png"}]},
    },
}


def request_for(provider: str, index: int = 0) -> dict[str, Any]:
    """A valid image-to-video request, made distinct by `index`."""
    body = {k: (dict(v) if isinstance(v, dict) else v) for k, v in REQUESTS[provider].items()}
    target = body["input"] if provider == "runflow" else body
    key = "positivePrompt" if provider == "runware" else "prompt"
    target[key] = f"{target[key]} #{index}"
    return body


def client_options(url: str, **overrides: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "api_key": API_KEY,
        "base_url": url,
        "retry": FAST,
        "poll_interval": 0.005,
        "timeout": 5.0,
    }
    options.update(overrides)
    return options


def make_client(provider: str, url: str, **overrides: Any) -> Any:
    return importlib.import_module(f"kling_gateways.{provider}").Client(
        **client_options(url, **overrides)
    )


def make_async_client(provider: str, url: str, **overrides: Any) -> Any:
    return importlib.import_module(f"kling_gateways.{provider}").AsyncClient(
        **client_options(url, **overrides)
    )


@pytest.fixture
def fake() -> Iterator[Callable[..., FakeGateway]]:
    """`fake("runflow", **FakeConfig options)` -> a started FakeGateway, stopped after."""
    started: list[FakeGateway] = []

    def start(provider: str, **options: Any) -> FakeGateway:
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

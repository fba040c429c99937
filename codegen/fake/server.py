"""A fake gateway on a real uvicorn server (127.0.0.1, free port) in a background thread."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from codegen.fake.app import FakeConfig, Gateway, create_app
from codegen.fake.faults import Fault


class FakeGateway:
    """`with FakeGateway("acme") as fake: fake.url ...`; faults via `fake.set_faults`."""

    def __init__(
        self, provider: str, *, host: str = "127.0.0.1", port: int = 0, **options: Any
    ) -> None:
        self.app = create_app(provider, config=FakeConfig(**options))
        self.gateway: Gateway = self.app.state.gateway
        config = uvicorn.Config(
            self.app, host=host, port=port, log_level="critical", lifespan="off", access_log=False
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self.server.run, name=f"fake-{provider}", daemon=True
        )
        self.url = ""

    @property
    def store(self) -> Any:
        return self.gateway.store

    def set_faults(self, faults: list[Fault | dict[str, Any]]) -> None:
        self.gateway.faults.set(faults)

    def start(self, *, timeout: float = 10.0) -> FakeGateway:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake gateway did not start")
            time.sleep(0.01)
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"
        return self

    def stop(self, *, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self._thread.join(timeout)

    def __enter__(self) -> FakeGateway:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

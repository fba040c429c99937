"""Error and fault responses in a provider's own error shape."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from codegen.fake import shapes
from codegen.fake.faults import Fault


class DroppedConnection(Exception):
    """Raised after the response has started, so the server drops the connection."""


class DropResponse(Response):
    """Sends the status line and headers, promises a body, then drops the connection."""

    def __init__(self) -> None:
        super().__init__(status_code=200, headers={"content-length": "64"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": b'{"partial', "more_body": True})
        raise DroppedConnection("fake gateway: dropped connection (injected fault)")


def error(pointer: str | None, status_code: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse(shapes.error_body(pointer, message, **extra), status_code=status_code)


async def apply_fault(fault: Fault, pointer: str | None) -> Response | None:
    """The response a fault replaces the real one with (None: carry on, e.g. after `slow`)."""
    if fault.kind == "slow":
        await asyncio.sleep(min(fault.delay, 30.0))
        return None
    if fault.kind == "rate_limit":
        response = error(pointer, 429, "rate limit exceeded (injected fault)")
        response.headers["Retry-After"] = fault.retry_after
        return response
    if fault.kind == "drop":
        return DropResponse()
    if fault.kind == "malformed":
        return Response(b'{"id": "tru', status_code=200, media_type="application/json")
    return error(pointer, fault.status_code, "internal error (injected fault)")

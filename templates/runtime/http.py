"""One HTTP call with retries, typed errors and redaction, for sync and async clients.

`Call` says what to send and whether a repeat is safe; `SyncTransport.send` and
`AsyncTransport.send` run the same decisions (`_TransportBase`) around httpx.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from . import errors
from .auth import Authorizer
from .pointer import get_pointer
from .retry import RetryPolicy, parse_retry_after
from .secrets import Secret, redact

logger = logging.getLogger("kling_gateways")

Op = Literal["submit", "status", "result", "cancel"]
_MISSING: Any = object()
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class Call:
    """An HTTP call to make: `safe_to_repeat` allows retries that could re-send it.

    `headers` are added to the client's own (e.g. `Prefer: wait=60`); `hold` is how long
    the provider was asked to hold the response, added to the read timeout.
    """

    op: Op
    method: str
    path: str
    body: Any = None
    safe_to_repeat: bool = True
    headers: Mapping[str, str] = field(default_factory=dict)
    hold: float = 0.0


@dataclass(frozen=True)
class Reply:
    """A successful response: its parsed JSON and the httpx response itself."""

    data: Any
    response: httpx.Response


@dataclass(frozen=True, kw_only=True)
class TransportConfig:
    base_url: str
    api_key: Secret
    auth_header: str
    auth_scheme: str | None
    error_pointer: str | None
    timeout: float
    retry: RetryPolicy
    user_agent: str = "kling-gateways"
    # Seconds one call may take in all, retries included (None: 10 x timeout); a server that
    # drips a byte per `timeout` cannot hold a call longer than this.
    deadline: float | None = None
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    @property
    def total(self) -> float:
        return self.deadline if self.deadline is not None else 10 * self.timeout

    def call_deadline(self) -> float:
        """The monotonic clock time by which a call starting now must be over."""
        return time.monotonic() + self.total

    api_secret: Secret | None = None
    auth_token: Mapping[str, Any] | None = None


class _TransportBase:
    def __init__(self, config: TransportConfig) -> None:
        self.config = config
        self.auth = Authorizer(
            key=config.api_key,
            scheme=config.auth_scheme,
            token=config.auth_token,
            secret=config.api_secret,
        )
        self._headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": config.user_agent,
        }

    def _request_args(self, call: Call) -> dict[str, Any]:
        content = None if call.body is None else json.dumps(call.body, separators=(",", ":"))
        url = self.config.base_url.rstrip("/") + call.path
        headers = {
            **self._headers,
            **call.headers,
            self.config.auth_header: self.auth.header_value(),
        }
        return {"method": call.method, "url": url, "content": content, "headers": headers}

    def _timeout(self, deadline: float, hold: float = 0.0) -> float:
        """The per-read timeout (plus how long the provider was asked to hold the response),
        never past the call's deadline."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise errors.TimeoutError(f"HTTP call took longer than its deadline ({self._total()})")
        return min(self.config.timeout + hold, remaining)

    def _total(self) -> str:
        return f"{self.config.total:g} s"

    def _take(self, body: bytearray, chunk: bytes, deadline: float) -> None:
        """Add a chunk of the body: over the size limit or past the deadline is an error."""
        body += chunk
        if len(body) > self.config.max_response_bytes:
            raise errors.ResponseTooLargeError(
                f"response body exceeds {self.config.max_response_bytes} bytes"
            )
        if time.monotonic() > deadline:
            raise errors.TimeoutError(f"HTTP call took longer than its deadline ({self._total()})")

    def _give_up(self, delay: float, deadline: float) -> bool:
        return time.monotonic() + delay > deadline

    def _interpret(self, call: Call, response: httpx.Response) -> Reply:
        """Turn a response into a Reply, or raise the typed error for it."""
        logger.debug("%s %s %s -> %s", call.op, call.method, call.path, response.status_code)
        if response.is_success:
            try:
                return Reply(response.json() if response.content else None, response)
            except ValueError:
                raise self._api_error(errors.MalformedResponseError, response, "bad JSON") from None
        raise self._api_error(errors.error_class(response.status_code), response, None)

    def _api_error(
        self, cls: type[errors.APIError], response: httpx.Response, note: str | None
    ) -> errors.APIError:
        body: Any
        try:
            body = response.json()
        except ValueError:
            body = response.text[:2000]
        message = note or self._message(body) or response.reason_phrase or "error"
        message = redact(str(message), *self.auth.secrets())
        kw: dict[str, Any] = {"status_code": response.status_code, "body": body}
        if cls is errors.RateLimitError:
            kw["retry_after"] = parse_retry_after(response.headers.get("Retry-After"))
        return cls(message, response=response, **kw)

    def _message(self, body: Any) -> Any:
        if self.config.error_pointer and not isinstance(body, str):
            found = get_pointer(body, self.config.error_pointer, _MISSING)
            if found is not _MISSING:
                return found
        return body if isinstance(body, str) else json.dumps(body)[:500]

    def _retry_delay(self, call: Call, exc: Exception, attempt: int) -> float | None:
        """Seconds to wait before retrying `call` after `exc`, or None to give up."""
        if attempt >= self.config.retry.max_retries or not _retryable(call, exc):
            return None
        retry_after = exc.retry_after if isinstance(exc, errors.RateLimitError) else None
        delay = self.config.retry.delay(attempt, retry_after=retry_after)
        logger.warning(
            "retrying %s %s in %.2fs (attempt %d) after %s",
            call.op,
            call.path,
            delay,
            attempt + 1,
            _describe(exc),
        )
        return delay

    def _final(self, exc: Exception) -> errors.KlingError:
        """The error to raise once retries are over."""
        if isinstance(exc, errors.KlingError):
            return exc
        text = redact(_describe(exc), *self.auth.secrets())
        if isinstance(exc, httpx.TimeoutException):
            return errors.TimeoutError(f"HTTP call timed out: {text}")
        return errors.APIConnectionError(f"connection failed: {text}")


def _retryable(call: Call, exc: Exception) -> bool:
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | errors.RateLimitError):
        return True  # the provider certainly did not take the request
    if not call.safe_to_repeat:
        return False
    if isinstance(exc, httpx.TransportError | errors.MalformedResponseError):
        return True
    return isinstance(exc, errors.ProviderError) and exc.status_code >= 500


def _describe(exc: Exception) -> str:
    if isinstance(exc, errors.APIError):
        return f"HTTP {exc.status_code}"
    return f"{type(exc).__name__}: {exc}"


class SyncTransport(_TransportBase):
    def __init__(self, config: TransportConfig, *, client: httpx.Client | None = None) -> None:
        super().__init__(config)
        self._own = client is None
        self.client = client or httpx.Client(timeout=config.timeout)

    def send(self, call: Call) -> Reply:
        attempt = 0
        deadline = self.config.call_deadline()
        while True:
            try:
                return self._interpret(call, self._fetch(call, deadline))
            except (httpx.TransportError, errors.APIError) as exc:
                delay = self._retry_delay(call, exc, attempt)
                if delay is None or self._give_up(delay, deadline):
                    raise self._final(exc) from None
            attempt += 1
            time.sleep(delay)

    def _fetch(self, call: Call, deadline: float) -> httpx.Response:
        """One attempt, the body read in chunks under the size limit and the deadline."""
        request = self.client.build_request(
            **self._request_args(call), timeout=self._timeout(deadline, call.hold)
        )
        response = self.client.send(request, stream=True)
        try:
            body = bytearray()
            for chunk in response.iter_bytes():
                self._take(body, chunk, deadline)
            response._content = bytes(body)  # what `read()` would have stored
        finally:
            response.close()
        return response

    def close(self) -> None:
        if self._own:
            self.client.close()


class AsyncTransport(_TransportBase):
    def __init__(self, config: TransportConfig, *, client: httpx.AsyncClient | None = None):
        super().__init__(config)
        self._own = client is None
        self.client = client or httpx.AsyncClient(timeout=config.timeout)

    async def send(self, call: Call) -> Reply:
        attempt = 0
        deadline = self.config.call_deadline()
        while True:
            try:
                return self._interpret(call, await self._fetch(call, deadline))
            except (httpx.TransportError, errors.APIError) as exc:
                delay = self._retry_delay(call, exc, attempt)
                if delay is None or self._give_up(delay, deadline):
                    raise self._final(exc) from None
            attempt += 1
            await asyncio.sleep(delay)

    async def _fetch(self, call: Call, deadline: float) -> httpx.Response:
        """One attempt, cut off at the deadline, the body read under the size limit."""
        timeout = self._timeout(deadline, call.hold)
        remaining = deadline - time.monotonic()
        try:
            return await asyncio.wait_for(self._read(call, timeout, deadline), timeout=remaining)
        except TimeoutError:
            raise errors.TimeoutError(
                f"HTTP call took longer than its deadline ({self._total()})"
            ) from None

    async def _read(self, call: Call, timeout: float, deadline: float) -> httpx.Response:
        request = self.client.build_request(**self._request_args(call), timeout=timeout)
        response = await self.client.send(request, stream=True)
        try:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                self._take(body, chunk, deadline)
            response._content = bytes(body)  # what `aread()` would have stored
        finally:
            await response.aclose()
        return response

    async def close(self) -> None:
        if self._own:
            await self.client.aclose()

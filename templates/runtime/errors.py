"""Errors raised by the generated clients.

    KlingError
    ├── ConfigurationError        no API key, bad option (raised before any HTTP call)
    ├── ValidationError           the request fails the provider's schema; no HTTP call made
    ├── FileInputError            a local file where the provider needs a URL, or unreadable
    ├── UnsupportedOperationError the provider's lifecycle has no such call (e.g. cancel)
    ├── APIConnectionError        the connection failed or dropped (after any retries)
    ├── TimeoutError              an HTTP call (or its `deadline`) or `wait` ran out of time
    ├── RunFailedError            the run ended failed or cancelled (`.run`, `.result`)
    ├── ResponseTooLargeError     a response body over `max_response_bytes` (not retried)
    ├── RunNotFinishedError       `.result` asked for a run that is still going
    ├── WebhookVerificationError  a callback's signature is missing, wrong or too old
    └── APIError                  the provider answered with an error (`.status_code`, `.body`)
        ├── BadRequestError       400/422: the provider rejected the request
        ├── AuthenticationError   401/403
        ├── NotFoundError         404
        ├── RateLimitError        429 (`.retry_after` seconds, if sent)
        ├── ProviderError         5xx and anything else unexpected
        └── MalformedResponseError  a 2xx whose body is not the JSON it should be

No error's message, args or repr ever contains the API key.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import httpx

    from .lifecycle import Run


class IssueLike(Protocol):
    """One validation problem: a JSON pointer into the payload and a message."""

    @property
    def pointer(self) -> str: ...

    @property
    def message(self) -> str: ...


@dataclass(frozen=True)
class Issue:
    """A validation problem found by the client (pointer into the payload, message)."""

    pointer: str
    message: str


class KlingError(Exception):
    """Base class of every error the clients raise on purpose."""


class ConfigurationError(KlingError):
    pass


class ValidationError(KlingError):
    """The request does not match the provider's schema; nothing was sent."""

    def __init__(self, issues: Sequence[IssueLike], *, provider: str = "", endpoint: str = ""):
        self.issues = list(issues)
        where = f"{provider}/{endpoint}: " if provider else ""
        lines = [f"{i.pointer or '/'}: {i.message}" for i in self.issues]
        count = f"{len(lines)} problem{'s' if len(lines) != 1 else ''}"
        super().__init__(f"{where}invalid request ({count})\n  " + "\n  ".join(lines))


class FileInputError(KlingError):
    pass


class UnsupportedOperationError(KlingError):
    pass


class APIConnectionError(KlingError):
    pass


class TimeoutError(KlingError, builtins.TimeoutError):
    """An HTTP call timed out, or `wait` gave up on a run (`.run_id`, `.cancelled`)."""

    def __init__(self, message: str, *, run_id: str | None = None, cancelled: bool = False):
        super().__init__(message)
        self.run_id = run_id
        self.cancelled = cancelled


class RunFailedError(KlingError):
    """The run reached `failed` or `cancelled`; `.run` holds its last state."""

    def __init__(self, run: Run) -> None:
        self.run = run
        super().__init__(
            f"run {run.id} ended {run.status} (provider status {run.provider_status!r})"
        )


class ResponseTooLargeError(KlingError):
    """A response body was larger than the client's `max_response_bytes` (it was not read)."""


class RunNotFinishedError(KlingError):
    pass


class WebhookVerificationError(KlingError):
    pass


class APIError(KlingError):
    """The provider answered with an error status; `.body` is its parsed error body."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: Any = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(f"HTTP {status_code}: {message}")
        self.message = message
        self.status_code = status_code
        self.body = body
        self.response = response


class BadRequestError(APIError):
    pass


class AuthenticationError(APIError):
    pass


class NotFoundError(APIError):
    pass


class RateLimitError(APIError):
    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ProviderError(APIError):
    pass


class MalformedResponseError(APIError):
    pass


def error_class(status_code: int) -> type[APIError]:
    """The APIError subclass for an HTTP status code."""
    if status_code in (400, 409, 422):
        return BadRequestError
    if status_code in (401, 403):
        return AuthenticationError
    if status_code == 404:
        return NotFoundError
    if status_code == 429:
        return RateLimitError
    return ProviderError

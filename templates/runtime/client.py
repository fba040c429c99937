"""Client bases: `BaseClient` / `AsyncBaseClient`, their resources, `Run` and `Result`.

A generated provider client subclasses a base, sets `MANIFEST`, and builds one typed
resource per endpoint in `_build_resources`. A resource validates a request before any
HTTP call, then drives the endpoint's lifecycle engine (`lifecycle.py`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar, cast, get_args, get_origin

import httpx
import pydantic

from . import errors, files, webhooks
from .errors import Issue
from .http import (
    DEFAULT_MAX_RESPONSE_BYTES,
    AsyncTransport,
    Reply,
    SyncTransport,
    TransportConfig,
)
from .lifecycle import Lifecycle, Result, Run, State, engine, video_url_at
from .retry import RetryPolicy
from .secrets import Secret, header_secret
from .unknown import UnknownField

logger = logging.getLogger("kling_gateways")

RequestT = TypeVar("RequestT", bound=pydantic.BaseModel)
CallbackT = TypeVar("CallbackT")
Validator = Callable[[Any], Sequence[errors.IssueLike]]

DEFAULT_TIMEOUT = 60.0
DEFAULT_WAIT = 900.0
DEFAULT_POLL = 2.0


@dataclass(frozen=True, kw_only=True)
class EndpointSpec:
    """What a resource needs to know about one endpoint version."""

    endpoint: str
    version: str
    lifecycle: dict[str, Any]
    validate: Validator | None = None
    unknown: Callable[[Any], Sequence[UnknownField]] | None = None
    request_model: type[pydantic.BaseModel] | None = None
    response_model: type[pydantic.BaseModel] | None = None
    callback_model: type[pydantic.BaseModel] | None = None


class _ClientCore:
    MANIFEST: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        api_key: str | Secret | None = None,
        *,
        api_secret: str | Secret | None = None,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_retries: int = 3,
        retry: RetryPolicy | None = None,
        poll_interval: float = DEFAULT_POLL,
        file_inputs: files.FileMode | None = None,
        manifest: dict[str, Any] | None = None,
        strict: bool = False,
    ) -> None:
        self.manifest = manifest if manifest is not None else self.MANIFEST
        self.provider = str(self.manifest.get("id", "provider"))
        auth = self.manifest.get("auth", {"header": "Authorization", "scheme": "Bearer"})
        self._config = TransportConfig(
            base_url=base_url or self.manifest.get("base_url", ""),
            api_key=self._api_key(api_key, auth.get("env")),
            auth_header=auth["header"],
            auth_scheme=auth.get("scheme"),
            error_pointer=self.manifest.get("errors", {}).get("message"),
            timeout=timeout,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            retry=retry or RetryPolicy(max_retries=max_retries),
            api_secret=self._api_secret(api_secret, auth.get("token")),
            auth_token=auth.get("token"),
        )
        self.poll_interval = poll_interval
        self.strict = strict  # fields the schema does not define: error (True) or warning
        self._submitted: set[tuple[str, str]] = set()  # (endpoint, idempotency id) sent
        self.file_inputs: files.FileMode = file_inputs or self.manifest.get("file_inputs", "url")

    @property
    def base_url(self) -> str:
        return self._config.base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self.provider!r}, base_url={self.base_url!r})"

    def _api_key(self, api_key: str | Secret | None, env: str | None) -> Secret:
        value = api_key if api_key is not None else (os.environ.get(env) if env else None)
        if not value:
            where = f" or set {env}" if env else ""
            raise errors.ConfigurationError(f"no API key for {self.provider}: pass api_key={where}")
        try:
            return header_secret(value)
        except (TypeError, ValueError) as exc:
            raise errors.ConfigurationError(f"bad API key for {self.provider}: {exc}") from None

    def _api_secret(
        self, api_secret: str | Secret | None, token: Mapping[str, Any] | None
    ) -> Secret | None:
        """The signing secret of a token-signing provider (`auth.token`), or None."""
        if token is None:
            return None
        env = token.get("secret_env")
        value = api_secret if api_secret is not None else (os.environ.get(env) if env else None)
        return header_secret(value) if value else None

    def endpoint_spec(
        self, endpoint: str, *, version: str | None = None, **models: Any
    ) -> EndpointSpec:
        """The spec of `endpoint` (current version unless told) from the manifest."""
        entry = self.manifest["endpoints"][endpoint]
        version = version or entry["current"]
        lifecycle = entry["versions"][version]["lifecycle"]
        return EndpointSpec(endpoint=endpoint, version=version, lifecycle=lifecycle, **models)


class _ResourceCore(Generic[RequestT, CallbackT]):
    """Request preparation, state conversion and callbacks, shared by sync and async."""

    def __init__(self, client: _ClientCore, spec: EndpointSpec) -> None:
        self._client = client
        self.spec = spec
        self.engine: Lifecycle = engine(spec.lifecycle)

    def __repr__(self) -> str:
        where = f"{self._client.provider}/{self.spec.endpoint}@{self.spec.version}"
        return f"<{type(self).__name__} {where}>"

    def prepare(
        self, request: RequestT | Mapping[str, Any], *, callback_url: str | None = None
    ) -> Any:
        """The body to send: files inlined, lifecycle fields filled, validated (no HTTP)."""
        payload = _as_payload(request)
        payload = files.resolve_files(
            payload, mode=self._client.file_inputs, provider=self._client.provider
        )
        _fill_constants(self.spec.request_model, payload)
        body = self.engine.prepare(payload, callback_url=callback_url)
        issues = list(self.spec.validate(body)) if self.spec.validate else []
        issues += self._unknown(body)
        if issues:
            raise errors.ValidationError(
                issues, provider=self._client.provider, endpoint=self.spec.endpoint
            )
        return body

    def _unknown(self, body: Any) -> list[Issue]:
        """Fields the schema does not define: Issues when strict, else logged warnings."""
        found = list(self.spec.unknown(body)) if self.spec.unknown else []
        target = f"{self._client.provider}/{self.spec.endpoint}"
        if self._client.strict:
            return [Issue(f.pointer, f.message(target)) for f in found]
        for field in found:
            logger.warning("%s (pass strict=True to refuse it)", field.message(target))
        return []

    def parse_callback(
        self,
        body: bytes | str,
        *,
        headers: Mapping[str, str],
        secret: str | Secret | None,
        now: float | None = None,
    ) -> CallbackT:
        """Verify (where the provider signs) and parse a callback body into its model."""
        callback = self.spec.lifecycle.get("callback") or {}
        if secret is not None:
            if not callback.get("signature_header"):
                provider = self._client.provider
                raise errors.ConfigurationError(f"{provider} documents no callback signature")
            webhooks.verify_headers(secret, body, headers, callback=callback, now=now)
        return cast(CallbackT, self._parse_model(self.spec.callback_model, body))

    def _parse_model(self, model: type[pydantic.BaseModel] | None, body: bytes | str) -> Any:
        try:
            data = json.loads(body)
        except ValueError:
            raise errors.ValidationError([Issue("", "callback body is not JSON")]) from None
        if model is None:
            return data
        try:
            return model.model_validate(data)
        except pydantic.ValidationError as exc:
            raise errors.ValidationError(_issues(exc), provider=self._client.provider) from None

    def _run(self, state: State) -> Run:
        return Run(
            id=state.run_id,
            status=state.status,
            provider_status=state.provider_status,
            provider=self._client.provider,
            endpoint=self.spec.endpoint,
            raw=state.data,
            envelope=state.reply.data if state.reply else state.data,
            response=state.reply.response if state.reply else None,
            video_pointer=self.engine.video_pointer,
        )

    def _claim(self, body: Any) -> Any:
        """Refuse to submit an idempotency id (the manifest's idempotency field) already sent.

        The id is the caller's idempotency key: sent again, the gateway answers with the old
        task (or none), not a new video. Leave it out and the client makes a fresh one per run.
        """
        found = self.engine.idempotency_key(body)
        if found is None:
            return body
        where, value = found
        if (self.spec.endpoint, value) in self._client._submitted:
            message = f"{value!r} was already submitted by this client; leave it out for a new one"
            raise errors.ValidationError(
                [errors.Issue(where, message)],
                provider=self._client.provider,
                endpoint=self.spec.endpoint,
            )
        self._client._submitted.add((self.spec.endpoint, value))
        return body

    def _result(self, run: Run) -> Result:
        if run.status in ("failed", "cancelled"):
            raise errors.RunFailedError(run)
        if run.status != "succeeded":
            raise errors.RunNotFinishedError(f"run {run.id} is {run.status}, not finished")
        video_url = video_url_at(run.raw, run.video_pointer)
        if video_url is None:
            raise errors.MalformedResponseError(
                f"run {run.id} succeeded but its result holds no video URL"
                " (a reused idempotency id such as a copied taskUUID answers this way)",
                status_code=run.response.status_code if run.response is not None else 200,
                body=run.raw,
                response=run.response,
            )
        return Result(
            run_id=run.id,
            video_url=video_url,
            raw=run.raw,
            parsed=self._parse_response(run.envelope if run.envelope is not None else run.raw),
            response=run.response,
        )

    def _parse_response(self, data: Any) -> pydantic.BaseModel | None:
        model = self.spec.response_model
        if model is None:
            return None
        try:
            return model.model_validate(data)
        except pydantic.ValidationError as exc:
            logger.warning(
                "%s result does not match its schema: %s", self._client.provider, exc.error_count()
            )
            return None

    def _known_result(self, run: Run | str) -> Result | None:
        if isinstance(run, Run) and (
            self.engine.kind == "sync" or not self.engine.supports("result")
        ):
            return self._result(run) if run.done else None
        return None

    def _timed_out(self, run_id: str, timeout: float, cancelled: bool) -> errors.TimeoutError:
        note = "cancelled it" if cancelled else "left it running"
        return errors.TimeoutError(
            f"run {run_id} not finished after {timeout:g} s; {note}",
            run_id=run_id,
            cancelled=cancelled,
        )

    def _can_cancel(self, cancel_on_timeout: bool) -> bool:
        return cancel_on_timeout and self.engine.supports("cancel")


def _run_id(run: Run | str) -> str:
    return run.id if isinstance(run, Run) else run


def _as_payload(request: Any) -> Any:
    if isinstance(request, pydantic.BaseModel):
        return request.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(request, Mapping):
        return dict(request)
    if isinstance(request, list):  # a whole body, e.g. an array of tasks
        return [dict(item) if isinstance(item, Mapping) else item for item in request]
    raise TypeError(f"request must be a model, a mapping or a list, not {type(request).__name__}")


def _fill_constants(model: type[pydantic.BaseModel] | None, payload: Any) -> None:
    """Fill required single-value fields (e.g. taskType, model) the caller left out."""
    if model is None:
        return
    in_list, constants = _constants(model)
    if not constants:
        return
    entries = (payload if in_list else []) if isinstance(payload, list) else [payload]
    for entry in entries:
        if isinstance(entry, dict):
            for key, value in constants:
                if key not in entry:
                    entry[key] = value


_CONSTANTS: dict[type[pydantic.BaseModel], tuple[bool, tuple[tuple[str, Any], ...]]] = {}


def _constants(model: type[pydantic.BaseModel]) -> tuple[bool, tuple[tuple[str, Any], ...]]:
    """(is a task array, the required single-value fields as (wire name, value)), once per
    model class: the fields are scanned on first use, never per call."""
    found = _CONSTANTS.get(model)
    if found is None:
        item = _list_item_model(model)
        fields = (item or model).model_fields
        pairs = tuple(
            (info.alias or name, get_args(info.annotation)[0])
            for name, info in fields.items()
            if info.is_required()
            and get_origin(info.annotation) is Literal
            and len(get_args(info.annotation)) == 1
        )
        found = _CONSTANTS.setdefault(model, (item is not None, pairs))
    return found


def _list_item_model(model: type[pydantic.BaseModel]) -> type[pydantic.BaseModel] | None:
    """For a RootModel[list[Item]] (a task array), the Item model."""
    root = model.model_fields.get("root")
    args = get_args(root.annotation) if root is not None else ()
    if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], pydantic.BaseModel):
        return args[0]
    return None


def _issues(exc: pydantic.ValidationError) -> list[Issue]:
    return [
        Issue("".join(f"/{p}" for p in e["loc"]), e["msg"]) for e in exc.errors(include_url=False)
    ]


class Resource(_ResourceCore[RequestT, CallbackT]):
    """One endpoint version, sync: submit, status, result, cancel, wait, run."""

    _client: BaseClient

    def submit(
        self, request: RequestT | Mapping[str, Any], *, callback_url: str | None = None
    ) -> Run:
        """Validate and send the request; return the new run (no retry that could pay twice)."""
        body = self._claim(self.prepare(request, callback_url=callback_url))
        call = self.engine.submit_call(body, callback_url=callback_url)
        reply = self._client._transport.send(call)
        return self._run(self.engine.parse_submit(reply, body))

    def status(self, run: Run | str) -> Run:
        run_id = _run_id(run)
        reply = self._client._transport.send(self.engine.status_call(run_id))
        return self._run(self.engine.parse_status(reply, run_id))

    def result(self, run: Run | str) -> Result:
        """The output of a succeeded run (RunFailedError / RunNotFinishedError otherwise)."""
        known = self._known_result(run)
        if known is not None:
            return known
        run_id = _run_id(run)
        reply = self._client._transport.send(self.engine.result_call(run_id))
        return self._result(self._run(self.engine.parse_result(reply, run_id)))

    def cancel(self, run: Run | str) -> Run:
        run_id = _run_id(run)
        reply = self._client._transport.send(self.engine.cancel_call(run_id))
        return self._run(self.engine.parse_cancel(reply, run_id))

    def wait(
        self,
        run: Run | str,
        *,
        timeout: float = DEFAULT_WAIT,
        poll_interval: float | None = None,
        cancel_on_timeout: bool = True,
    ) -> Run:
        """Poll until the run is terminal; on timeout cancel it (unless told not to), raise."""
        if isinstance(run, Run) and run.done:
            return run
        interval = self._client.poll_interval if poll_interval is None else poll_interval
        deadline = time.monotonic() + timeout
        while True:
            current = self.status(run)
            remaining = deadline - time.monotonic()
            if current.done:
                return current
            if remaining <= 0:
                raise self._give_up(current.id, timeout, cancel_on_timeout)
            time.sleep(min(interval, remaining))

    def run(
        self,
        request: RequestT | Mapping[str, Any],
        *,
        callback_url: str | None = None,
        timeout: float = DEFAULT_WAIT,
        poll_interval: float | None = None,
        cancel_on_timeout: bool = True,
    ) -> Result:
        """Submit, wait, and return the result (RunFailedError if it did not succeed)."""
        submitted = self.submit(request, callback_url=callback_url)
        done = self.wait(
            submitted,
            timeout=timeout,
            poll_interval=poll_interval,
            cancel_on_timeout=cancel_on_timeout,
        )
        return self.result(done)

    def _give_up(self, run_id: str, timeout: float, cancel_on_timeout: bool) -> errors.TimeoutError:
        cancelled = False
        if self._can_cancel(cancel_on_timeout):
            try:
                cancelled = self.cancel(run_id).status == "cancelled"
            except errors.KlingError as exc:
                logger.warning("could not cancel run %s after timeout: %s", run_id, exc)
        return self._timed_out(run_id, timeout, cancelled)


class AsyncResource(_ResourceCore[RequestT, CallbackT]):
    """One endpoint version, async: the same calls as `Resource`, awaited."""

    _client: AsyncBaseClient

    async def submit(
        self, request: RequestT | Mapping[str, Any], *, callback_url: str | None = None
    ) -> Run:
        body = self._claim(self.prepare(request, callback_url=callback_url))
        call = self.engine.submit_call(body, callback_url=callback_url)
        reply = await self._client._transport.send(call)
        return self._run(self.engine.parse_submit(reply, body))

    async def status(self, run: Run | str) -> Run:
        run_id = _run_id(run)
        reply = await self._client._transport.send(self.engine.status_call(run_id))
        return self._run(self.engine.parse_status(reply, run_id))

    async def result(self, run: Run | str) -> Result:
        known = self._known_result(run)
        if known is not None:
            return known
        run_id = _run_id(run)
        reply = await self._client._transport.send(self.engine.result_call(run_id))
        return self._result(self._run(self.engine.parse_result(reply, run_id)))

    async def cancel(self, run: Run | str) -> Run:
        run_id = _run_id(run)
        reply = await self._client._transport.send(self.engine.cancel_call(run_id))
        return self._run(self.engine.parse_cancel(reply, run_id))

    async def wait(
        self,
        run: Run | str,
        *,
        timeout: float = DEFAULT_WAIT,
        poll_interval: float | None = None,
        cancel_on_timeout: bool = True,
    ) -> Run:
        if isinstance(run, Run) and run.done:
            return run
        interval = self._client.poll_interval if poll_interval is None else poll_interval
        deadline = time.monotonic() + timeout
        while True:
            current = await self.status(run)
            remaining = deadline - time.monotonic()
            if current.done:
                return current
            if remaining <= 0:
                raise await self._give_up(current.id, timeout, cancel_on_timeout)
            await asyncio.sleep(min(interval, remaining))

    async def run(
        self,
        request: RequestT | Mapping[str, Any],
        *,
        callback_url: str | None = None,
        timeout: float = DEFAULT_WAIT,
        poll_interval: float | None = None,
        cancel_on_timeout: bool = True,
    ) -> Result:
        submitted = await self.submit(request, callback_url=callback_url)
        done = await self.wait(
            submitted,
            timeout=timeout,
            poll_interval=poll_interval,
            cancel_on_timeout=cancel_on_timeout,
        )
        return await self.result(done)

    async def _give_up(
        self, run_id: str, timeout: float, cancel_on_timeout: bool
    ) -> errors.TimeoutError:
        cancelled = False
        if self._can_cancel(cancel_on_timeout):
            try:
                cancelled = (await self.cancel(run_id)).status == "cancelled"
            except errors.KlingError as exc:
                logger.warning("could not cancel run %s after timeout: %s", run_id, exc)
        return self._timed_out(run_id, timeout, cancelled)


class BaseClient(_ClientCore):
    """Sync client base; generated clients add one resource attribute per endpoint."""

    def __init__(
        self,
        api_key: str | Secret | None = None,
        *,
        http_client: httpx.Client | None = None,
        **options: Any,
    ) -> None:
        super().__init__(api_key, **options)
        self._transport = SyncTransport(self._config, client=http_client)
        self._build_resources()

    def _build_resources(self) -> None:
        """Generated subclasses create their typed resources here."""

    def resource(
        self, endpoint: str, *, version: str | None = None, **models: Any
    ) -> Resource[Any, Any]:
        """An untyped resource for any endpoint in the manifest."""
        return Resource(self, self.endpoint_spec(endpoint, version=version, **models))

    def close(self) -> None:
        self._transport.close()

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncBaseClient(_ClientCore):
    """Async client base; use `async with` or `await client.close()`."""

    def __init__(
        self,
        api_key: str | Secret | None = None,
        *,
        http_client: httpx.AsyncClient | None = None,
        **options: Any,
    ) -> None:
        super().__init__(api_key, **options)
        self._transport = AsyncTransport(self._config, client=http_client)
        self._build_resources()

    def _build_resources(self) -> None:
        """Generated subclasses create their typed resources here."""

    def resource(
        self, endpoint: str, *, version: str | None = None, **models: Any
    ) -> AsyncResource[Any, Any]:
        return AsyncResource(self, self.endpoint_spec(endpoint, version=version, **models))

    async def close(self) -> None:
        await self._transport.close()

    async def __aenter__(self: _A) -> _A:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


_C = TypeVar("_C", bound=BaseClient)
_A = TypeVar("_A", bound=AsyncBaseClient)

__all__ = [
    "AsyncBaseClient",
    "AsyncResource",
    "BaseClient",
    "EndpointSpec",
    "Issue",
    "Reply",
    "Resource",
    "Result",
    "Run",
]

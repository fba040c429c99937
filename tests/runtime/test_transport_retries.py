"""Retry decisions of the transport, counted on a real loopback server.

Each test scripts what a server on 127.0.0.1 answers and counts the requests it got: how
many attempts a policy makes (max_retries=0 sends once), what is never re-sent (a submit
that could pay twice), and which typed error comes out of the sync and the async transport.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from kling_gateways import ENDPOINTS
from kling_gateways._runtime import errors
from kling_gateways._runtime.http import (
    AsyncTransport,
    Call,
    Reply,
    SyncTransport,
    TransportConfig,
)
from kling_gateways._runtime.lifecycle import engine
from kling_gateways._runtime.pointer import get_pointer, set_pointer
from kling_gateways._runtime.retry import NO_RETRIES, RetryPolicy, parse_retry_after
from kling_gateways._runtime.secrets import Secret

KEY = "sk-test-secret-key"


@dataclass
class Script:
    """What the server answers, in order (the last answer repeats), and what it received."""

    answers: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    received: list[tuple[str, str, bytes]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    delay: float = 0.0  # seconds each answer waits, unless `release` is set
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self) -> tuple[int, dict[str, str], bytes]:
        if self.delay:
            self.release.wait(self.delay)
        index = min(len(self.received), len(self.answers)) - 1
        return self.answers[index]


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            script.received.append((self.command, self.path, self.rfile.read(length)))
            script.headers.append({k.lower(): v for k, v in self.headers.items()})
            status, headers, body = script.answer()
            try:
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    finally:
        httpd.shutdown()
        httpd.server_close()


def _json(status: int, data: Any, **headers: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(data).encode()


def _policy(max_retries: int) -> RetryPolicy:
    return RetryPolicy(max_retries=max_retries, initial_delay=0, jitter=False)


def _config(url: str, policy: RetryPolicy, **overrides: Any) -> TransportConfig:
    options: dict[str, Any] = {
        "base_url": url,
        "api_key": Secret(KEY),
        "auth_header": "Authorization",
        "auth_scheme": "Bearer",
        "error_pointer": "/error/message",
        "timeout": 5.0,
        "retry": policy,
    }
    return TransportConfig(**{**options, **overrides})


POLL = Call(op="status", method="GET", path="/runs/1")
SUBMIT = Call(op="submit", method="POST", path="/runs", body={"prompt": "p"}, safe_to_repeat=False)


def _send(url: str, call: Call, policy: RetryPolicy, *, use_async: bool) -> Any:
    if use_async:

        async def go() -> Any:
            transport = AsyncTransport(_config(url, policy))
            try:
                return await transport.send(call)
            finally:
                await transport.close()

        return asyncio.run(go())
    transport = SyncTransport(_config(url, policy))
    try:
        return transport.send(call)
    finally:
        transport.close()


BOTH = pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])


@BOTH
@pytest.mark.parametrize(("retries", "status"), [(0, 503), (1, 500), (3, 503), (2, 504)])
def test_polls_are_sent_once_plus_max_retries(
    server: Any, retries: int, status: int, use_async: bool
) -> None:
    url, script = server
    script.answers = [_json(status, {"error": {"message": "busy"}})]
    with pytest.raises(errors.ProviderError, match="busy") as info:
        _send(url, POLL, _policy(retries), use_async=use_async)
    assert type(info.value) is errors.ProviderError and info.value.status_code == status
    assert info.value.body == {"error": {"message": "busy"}}
    assert len(script.received) == retries + 1


@BOTH
def test_a_poll_recovers_after_transient_failures(server: Any, use_async: bool) -> None:
    url, script = server
    script.answers = [_json(502, {}), (200, {}, b"not json"), _json(200, {"status": "ok"})]
    reply = _send(url, POLL, _policy(2), use_async=use_async)
    assert reply.data == {"status": "ok"} and len(script.received) == 3
    script.received.clear()
    empty = [(204, {}, b"")]
    script.answers = empty
    assert _send(url, POLL, _policy(2), use_async=use_async).data is None


@BOTH
@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_submit_that_could_pay_twice_is_sent_once(
    server: Any, status: int, use_async: bool
) -> None:
    url, script = server
    script.answers = [_json(status, {"error": {"message": "oops"}})]
    with pytest.raises(errors.ProviderError):
        _send(url, SUBMIT, _policy(3), use_async=use_async)
    assert len(script.received) == 1
    script.received.clear()
    script.answers = [(200, {}, b"{broken")]
    with pytest.raises(errors.MalformedResponseError, match="bad JSON"):
        _send(url, SUBMIT, _policy(3), use_async=use_async)
    assert len(script.received) == 1


@BOTH
@pytest.mark.parametrize("retries", [0, 2])
def test_a_refused_submit_429_is_retried_max_retries_times(
    server: Any, retries: int, use_async: bool
) -> None:
    url, script = server
    script.answers = [_json(429, {"error": {"message": "slow down"}}, **{"Retry-After": "0"})]
    with pytest.raises(errors.RateLimitError, match="slow down") as info:
        _send(url, SUBMIT, _policy(retries), use_async=use_async)
    assert info.value.retry_after == 0.0 and info.value.status_code == 429
    assert len(script.received) == retries + 1


@BOTH
@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, errors.BadRequestError),
        (409, errors.BadRequestError),
        (422, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.AuthenticationError),
        (404, errors.NotFoundError),
        (418, errors.ProviderError),
    ],
)
def test_client_errors_are_typed_and_never_retried(
    server: Any, status: int, error: type[errors.APIError], use_async: bool
) -> None:
    url, script = server
    script.answers = [_json(status, {"error": {"message": f"no {KEY}"}})]
    with pytest.raises(errors.APIError) as info:
        _send(url, POLL, _policy(3), use_async=use_async)
    assert type(info.value) is error and info.value.status_code == status
    assert KEY not in str(info.value) and "no " in str(info.value)
    assert len(script.received) == 1


@BOTH
def test_the_request_carries_key_body_and_path(server: Any, use_async: bool) -> None:
    url, script = server
    script.answers = [_json(200, {"id": "r1"})]
    _send(url + "/", SUBMIT, NO_RETRIES, use_async=use_async)
    _send(url, POLL, NO_RETRIES, use_async=use_async)
    assert script.received == [("POST", "/runs", b'{"prompt":"p"}'), ("GET", "/runs/1", b"")]
    sent = script.headers[0]
    assert sent["authorization"] == f"Bearer {KEY}"
    assert sent["content-type"] == sent["accept"] == "application/json"
    assert sent["user-agent"] == "kling-gateways"


def test_a_key_without_a_scheme_is_sent_as_is(server: Any) -> None:
    url, script = server
    script.answers = [_json(200, {})]
    config = _config(url, NO_RETRIES, auth_header="X-Api-Key", auth_scheme=None)
    SyncTransport(config).send(POLL)
    assert script.headers[0]["x-api-key"] == KEY and "authorization" not in script.headers[0]


@pytest.mark.parametrize(
    ("answer", "pointer", "message"),
    [
        (_json(400, {"error": {"message": "bad prompt"}}), "/error/message", "bad prompt"),
        (_json(400, {"detail": "bad"}), "/error/message", '{"detail": "bad"}'),
        (_json(400, {"detail": "bad"}), None, '{"detail": "bad"}'),
        ((400, {}, b"plain text failure"), "/error/message", "plain text failure"),
        ((400, {}, b""), "/error/message", "Bad Request"),
        (_json(400, {"error": {"message": ""}}), "/error/message", "Bad Request"),
    ],
)
def test_error_messages_come_from_the_pointer_or_the_body(
    server: Any, answer: Any, pointer: str | None, message: str
) -> None:
    url, script = server
    script.answers = [answer]
    with pytest.raises(errors.BadRequestError) as info:
        SyncTransport(_config(url, NO_RETRIES, error_pointer=pointer)).send(POLL)
    assert str(info.value) == f"HTTP 400: {message}"


def test_long_error_bodies_are_cut(server: Any) -> None:
    url, script = server
    script.answers = [(400, {}, b"x" * 2500)]
    transport = SyncTransport(_config(url, NO_RETRIES, error_pointer=None))
    with pytest.raises(errors.BadRequestError) as info:
        transport.send(POLL)
    assert info.value.body == "x" * 2000
    script.answers = [_json(400, {"detail": "y" * 900})]
    with pytest.raises(errors.BadRequestError) as info:
        transport.send(POLL)
    assert str(info.value) == "HTTP 400: " + json.dumps({"detail": "y" * 900})[:500]


def test_policies_and_calls_are_immutable_and_keyword_only() -> None:
    import dataclasses

    policy = RetryPolicy()
    assert (policy.max_retries, policy.initial_delay, policy.max_delay) == (3, 0.5, 8.0)
    assert (policy.max_retry_after, policy.jitter) == (60.0, True)
    assert "rng" not in repr(policy) and policy == RetryPolicy()
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.max_retries = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        POLL.safe_to_repeat = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        Call("status", "GET", "/")  # type: ignore[misc]
    with pytest.raises(TypeError):
        RetryPolicy(3)  # type: ignore[misc]
    config = _config("http://x.test", policy)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.timeout = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        TransportConfig("http://x.test", Secret(KEY), "A", None, None, 1.0, policy)  # type: ignore[misc]
    reply = Reply(None, httpx.Response(200))
    with pytest.raises(dataclasses.FrozenInstanceError):
        reply.data = 1  # type: ignore[misc]


def test_rate_limits_pass_retry_after_to_the_policy_and_log_each_retry(
    server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    url, script = server
    script.answers = [_json(429, {}, **{"Retry-After": "7"}), _json(503, {}), _json(200, {})]
    policy = CountingPolicy(max_retries=3)
    with caplog.at_level("WARNING", logger="kling_gateways"):
        SyncTransport(_config(url, policy)).send(POLL)
    assert policy.asked == [0, 1] and policy.retry_after == [7.0, None]
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("retrying status /runs/1 in 0.00s (attempt 1) after HTTP 429")
    assert lines[1].startswith("retrying status /runs/1 in 0.00s (attempt 2) after HTTP 503")


@dataclass(frozen=True, kw_only=True)
class CountingPolicy(RetryPolicy):
    """A policy that records each delay it is asked for (one per retry)."""

    asked: list[int] = field(default_factory=list, compare=False)
    retry_after: list[float | None] = field(default_factory=list, compare=False)

    def delay(self, attempt: int, *, retry_after: float | None = None) -> float:
        self.asked.append(attempt)
        self.retry_after.append(retry_after)
        return 0.0


def _closed_port() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@BOTH
@pytest.mark.parametrize("call", [POLL, SUBMIT], ids=["poll", "submit"])
def test_a_connection_never_opened_is_retried_then_a_connection_error(
    call: Call, use_async: bool
) -> None:
    policy = CountingPolicy(max_retries=2)
    with pytest.raises(errors.APIConnectionError) as info:
        _send(_closed_port(), call, policy, use_async=use_async)
    assert type(info.value) is errors.APIConnectionError
    assert policy.asked == [0, 1]


@BOTH
def test_a_timeout_is_retried_for_polls_only(server: Any, use_async: bool) -> None:
    url, script = server
    script.answers, script.delay = [_json(200, {})], 0.5
    for call, attempts in ((POLL, 2), (SUBMIT, 1)):
        script.received.clear()
        policy = _policy(1)
        config = _config(url, policy, timeout=0.1)
        with pytest.raises(errors.TimeoutError, match="timed out"):
            if use_async:
                asyncio.run(AsyncTransport(config).send(call))
            else:
                SyncTransport(config).send(call)
        assert len(script.received) == attempts
    script.release.set()


def test_pointers_follow_rfc_6901() -> None:
    doc = {"a/b": {"m~n": [10, {"x": None}]}, "": 1}
    assert get_pointer(doc, "") is doc and get_pointer(doc, "/") is doc
    assert get_pointer(doc, "/a~1b/m~0n/0") == 10
    assert get_pointer(doc, "/a~1b/m~0n/1/x", "d") is None
    for missing in ("/a~1b/m~0n/2", "/a~1b/m~0n/-1", "/a~1b/m~0n/x", "/nope", "/a~1b/m~0n/0/y"):
        assert get_pointer(doc, missing, "d") == "d"
    target: dict[str, Any] = {"keep": 1}
    set_pointer(target, "/a~1b/c~0d", 2)
    set_pointer(target, "/a~1b/e", 3)
    assert target == {"keep": 1, "a/b": {"c~d": 2, "e": 3}}


def test_retry_after_header_forms() -> None:
    assert parse_retry_after(" 3 ") == 3.0 and parse_retry_after("0.5") == 0.5
    assert parse_retry_after("-4") == 0.0 and parse_retry_after("nan") is None
    assert parse_retry_after("") is None and parse_retry_after("in a while") is None
    when = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert parse_retry_after(when, now=1445412480 + 100) == 0.0
    assert parse_retry_after(when, now=1445412480 - 30) == 30.0
    assert 0 < parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT") > 1e9  # type: ignore[operator]


def test_jitter_draws_between_zero_and_the_ceiling() -> None:
    import random

    policy = RetryPolicy(initial_delay=1.0, max_delay=5.0, rng=random.Random(7))
    expected = random.Random(7)
    assert [policy.delay(n) for n in range(4)] == [expected.uniform(0, c) for c in (1, 2, 4, 5)]


def test_backoff_doubles_from_the_initial_delay_up_to_the_cap() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=4.0, jitter=False)
    assert [policy.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert policy.delay(0, retry_after=3) == 3
    assert policy.delay(3, retry_after=1) == 4.0  # the longer of backoff and Retry-After
    assert policy.delay(0, retry_after=600) == 60.0  # Retry-After is capped
    assert RetryPolicy().max_retries == 3 and NO_RETRIES.max_retries == 0


# -- the caller's policy reaches the transport ---------------------------------------------


def _client_class(*, use_async: bool) -> tuple[type[Any], str]:
    """The first endpoint in the catalog whose client needs nothing but an API key."""
    for key in ENDPOINTS:
        provider, endpoint = key.split("/")
        module = importlib.import_module(f"kling_gateways.{provider.replace('-', '_')}")
        try:
            module.Client(KEY, base_url="http://127.0.0.1:9").close()
        except errors.ConfigurationError:
            continue  # e.g. a signed token that needs a second secret
        return (module.AsyncClient if use_async else module.Client), endpoint
    raise AssertionError("no endpoint in the catalog takes a plain API key")


@BOTH
@pytest.mark.parametrize("retries", [0, 2])
def test_a_callers_retry_policy_is_the_one_used(server: Any, retries: int, use_async: bool) -> None:
    url, script = server
    script.answers = [_json(503, {})]
    client_class, endpoint = _client_class(use_async=use_async)
    options: dict[str, Any] = {"base_url": url, "retry": _policy(retries), "max_retries": 5}

    async def poll_async() -> None:
        async with client_class(KEY, **options) as client:
            await client.resource(endpoint).status("r1")

    with pytest.raises(errors.ProviderError):
        if use_async:
            asyncio.run(poll_async())
        else:
            with client_class(KEY, **options) as client:
                client.resource(endpoint).status("r1")
    assert len(script.received) == retries + 1


@pytest.mark.parametrize("retries", [0, 1])
def test_max_retries_builds_the_default_policy(server: Any, retries: int) -> None:
    url, script = server
    script.answers = [_json(503, {})]
    client_class, endpoint = _client_class(use_async=False)
    with client_class(KEY, base_url=url, max_retries=retries) as client:
        with pytest.raises(errors.ProviderError):
            client.resource(endpoint).status("r1")
        assert client._config.retry == RetryPolicy(max_retries=retries)
    assert len(script.received) == retries + 1


# -- what a submit may repeat ----------------------------------------------------------------


def test_submits_are_repeatable_only_with_an_idempotency_key() -> None:
    plain = engine({"kind": "runs", "submit": {"method": "POST", "path": "/runs"}})
    keyed = engine(
        {
            "kind": "task-array",
            "submit": {"method": "POST", "path": "/tasks"},
            "idempotency": {"field": "/taskUUID"},
        }
    )
    assert not plain.idempotent and keyed.idempotent
    assert plain.submit_call({"a": 1}) == Call(
        op="submit", method="POST", path="/runs", body={"a": 1}, safe_to_repeat=False
    )
    assert keyed.submit_call([]).safe_to_repeat is True
    assert Call(op="status", method="GET", path="/").safe_to_repeat is True


def test_prepare_fills_the_callback_on_a_copy() -> None:
    life = engine(
        {"kind": "runs", "submit": {"method": "POST", "path": "/"}, "callback": {"field": "hook"}}
    )
    body = {"a": 1}
    assert life.prepare(body, callback_url="https://me.test/h") == {
        "a": 1,
        "hook": "https://me.test/h",
    }
    assert life.prepare(body) == {"a": 1} and body == {"a": 1}
    silent = engine({"kind": "runs", "submit": {"method": "POST", "path": "/"}})
    with pytest.raises(errors.UnsupportedOperationError, match="takes no callback URL"):
        silent.prepare(body, callback_url="https://me.test/h")


def test_a_query_callback_joins_the_submit_path_and_stays_out_of_the_body() -> None:
    spec = {
        "kind": "runs",
        "submit": {"method": "POST", "path": "/runs"},
        "callback": {"field": "hook", "in": "query"},
    }
    life = engine(spec)
    body = life.prepare({"a": 1}, callback_url="https://me.test/h?x=1")
    assert body == {"a": 1}
    call = life.submit_call(body, callback_url="https://me.test/h?x=1")
    assert call.path == "/runs?hook=https%3A%2F%2Fme.test%2Fh%3Fx%3D1"
    assert life.submit_call(body).path == "/runs"
    queried = engine({**spec, "submit": {"method": "POST", "path": "/runs?v=2"}})
    assert queried.submit_call(body, callback_url="u").path == "/runs?v=2&hook=u"
    in_body = engine({**spec, "callback": {"field": "hook"}})
    assert in_body.submit_call(body, callback_url="u").path == "/runs"


def test_task_array_prepare_fills_the_id_once_and_keeps_the_callers() -> None:
    spec = {
        "kind": "task-array",
        "submit": {"method": "POST", "path": "/"},
        "idempotency": {"field": "/taskUUID"},
        "callback": {"field": "webhookURL"},
    }
    life = engine(spec)
    (task,) = life.prepare({"taskType": "video"})
    assert len(task["taskUUID"]) == 36 and task["deliveryMethod"] == "async"
    (mine,) = life.prepare(
        [{"taskUUID": "u-1", "deliveryMethod": "sync"}], callback_url="https://h"
    )
    assert mine == {"taskUUID": "u-1", "deliveryMethod": "sync", "webhookURL": "https://h"}
    for bad in ([], [{}, {}], ["task"]):
        with pytest.raises(errors.ValidationError, match="exactly one task"):
            life.prepare(bad)
    other = engine({**spec, "idempotency": {"field": "/id"}, "run_id": "/id"})
    assert "id" in other.prepare({})[0]
    fallback = engine({k: v for k, v in spec.items() if k != "idempotency"})
    assert "taskUUID" in fallback.prepare({})[0]


def test_transport_errors_are_reported_without_the_key() -> None:
    config = _config(_closed_port(), NO_RETRIES)
    transport = SyncTransport(config)
    with pytest.raises(errors.APIConnectionError) as info:
        transport.send(POLL)
    assert KEY not in str(info.value) and "connection failed" in str(info.value)
    transport.close()
    shared = httpx.Client()
    SyncTransport(config, client=shared).close()
    assert not shared.is_closed
    shared.close()


def test_async_transports_close_only_their_own_client() -> None:
    config = _config(_closed_port(), NO_RETRIES)

    async def go() -> tuple[bool, bool]:
        own = AsyncTransport(config)
        await own.close()
        shared = httpx.AsyncClient()
        await AsyncTransport(config, client=shared).close()
        kept = not shared.is_closed
        await shared.aclose()
        return own.client.is_closed, kept

    assert asyncio.run(go()) == (True, True)


def test_client_options_reach_the_transport(server: Any) -> None:
    url, script = server
    script.answers = [_json(200, {"status": "queued"})]
    client_class, endpoint = _client_class(use_async=False)
    manifest = client_class.MANIFEST
    with client_class(KEY) as client:
        assert client.base_url == manifest["base_url"] and client.provider == manifest["id"]
        assert client._config.timeout > 0 and client._config.retry == RetryPolicy()
        assert client.file_inputs == manifest.get("file_inputs", "url")
    options: dict[str, Any] = {"base_url": url, "timeout": 7.5, "poll_interval": 0.25}
    with client_class(KEY, file_inputs="data-uri", **options) as client:
        assert client._config.timeout == 7.5 and client.poll_interval == 0.25
        assert client.file_inputs == "data-uri" and client.base_url == url
        client.resource(endpoint).status("r1")
    auth = manifest.get("auth", {"header": "Authorization", "scheme": "Bearer"})
    scheme = auth.get("scheme")
    assert script.headers[0][auth["header"].lower()] == (f"{scheme} {KEY}" if scheme else KEY)
    other = {**manifest, "id": "other", "base_url": "https://other.test"}
    with client_class(KEY, manifest=other) as client:
        assert client.provider == "other" and client.base_url == "https://other.test"


def test_a_call_ends_at_its_deadline_and_a_body_at_its_size_cap(server: Any) -> None:
    import time

    from kling_gateways._runtime import http

    assert http.DEFAULT_MAX_RESPONSE_BYTES == 16 * 1024 * 1024  # docs/clients.md
    assert _config("http://x.test", NO_RETRIES, timeout=3.0).total == 30.0
    assert _config("http://x.test", NO_RETRIES, deadline=2.0).total == 2.0
    url, script = server
    script.answers, script.delay = [_json(200, {})], 2.0
    start = time.monotonic()
    with pytest.raises(errors.TimeoutError):
        SyncTransport(_config(url, _policy(3), timeout=5.0, deadline=0.3)).send(POLL)
    assert time.monotonic() - start < 1.5
    script.release.set()
    script.answers = [(200, {}, b'"' + b"x" * 3000 + b'"')]
    with pytest.raises(errors.ResponseTooLargeError):
        SyncTransport(_config(url, NO_RETRIES, max_response_bytes=1024)).send(POLL)
    assert SyncTransport(_config(url, NO_RETRIES, max_response_bytes=3002)).send(POLL).data

"""Round two on the generated clients: keys with line ends, slow or huge responses,
reused idempotency ids, results without a video, malformed webhook signatures.

Servers are real HTTP servers on 127.0.0.1 started here; providers come from the catalog.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import importlib
import json
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from codegen.catalog import load_catalog
from kling_gateways._runtime import errors, webhooks
from kling_gateways._runtime.retry import RetryPolicy

REPO = Path(__file__).resolve().parents[2]
CATALOG = load_catalog(REPO / "schemas")
PROVIDERS = sorted(CATALOG.providers)
KEY = "sk-live-DO-NOT-LEAK-77c1"
SECRET = "test-signing-secret"  # for gateways that sign tokens (auth.token in the manifest)
NO_RETRY = RetryPolicy(max_retries=0)


def _lifecycles(provider: str) -> list[dict[str, Any]]:
    endpoints = CATALOG.providers[provider].manifest.data["endpoints"]
    return [v["lifecycle"] for e in endpoints.values() for v in e["versions"].values()]


IDEMPOTENT = [p for p in PROVIDERS if any("idempotency" in lc for lc in _lifecycles(p))]
ENDPOINT = "image-to-video"

Handler = Callable[[BaseHTTPRequestHandler, bytes], None]


@pytest.fixture
def server() -> Iterator[Callable[[Handler], str]]:
    """`server(handler)` -> base URL of a loopback HTTP server answering every request."""
    started: list[ThreadingHTTPServer] = []

    def start(handler: Handler) -> str:
        class Answer(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                handler(self, self.rfile.read(length))

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    yield start
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def _client(provider: str, url: str, **options: Any) -> Any:
    module = importlib.import_module(f"kling_gateways.{provider.replace('-', '_')}")
    defaults: dict[str, Any] = {
        "api_key": KEY,
        "api_secret": SECRET,
        "base_url": url,
        "retry": NO_RETRY,
    }
    return module.Client(**{**defaults, **options})


def _async_client(provider: str, url: str, **options: Any) -> Any:
    module = importlib.import_module(f"kling_gateways.{provider.replace('-', '_')}")
    defaults: dict[str, Any] = {
        "api_key": KEY,
        "api_secret": SECRET,
        "base_url": url,
        "retry": NO_RETRY,
    }
    return module.AsyncClient(**{**defaults, **options})


def _drip(seconds: int) -> Handler:
    """A 200 whose JSON body arrives one byte every 0.25 s, for `seconds` seconds."""

    def handle(req: BaseHTTPRequestHandler, body: bytes) -> None:
        payload = b'{"pad": "' + b"x" * (seconds * 4) + b'"}'
        req.send_response(200)
        req.send_header("Content-Type", "application/json")
        req.send_header("Content-Length", str(len(payload)))
        req.end_headers()
        try:
            for index in range(len(payload)):
                req.wfile.write(payload[index : index + 1])
                req.wfile.flush()
                time.sleep(0.25)
        except OSError:
            pass  # the client hung up: what the deadline is for

    return handle


def _huge(size: int) -> Handler:
    def handle(req: BaseHTTPRequestHandler, body: bytes) -> None:
        payload = b'{"pad": "' + b"x" * size + b'"}'
        req.send_response(200)
        req.send_header("Content-Type", "application/json")
        req.send_header("Content-Length", str(len(payload)))
        req.end_headers()
        with contextlib.suppress(OSError):
            req.wfile.write(payload)

    return handle


def _tasks_without_video(req: BaseHTTPRequestHandler, body: bytes) -> None:
    """A task-array gateway that says every task succeeded, with no video in it."""
    tasks = json.loads(body or b"[]")
    data = [
        {"taskUUID": t.get("taskUUID"), "taskType": t.get("taskType"), "status": "success"}
        for t in tasks
    ]
    payload = json.dumps({"data": data}).encode()
    req.send_response(200)
    req.send_header("Content-Type", "application/json")
    req.send_header("Content-Length", str(len(payload)))
    req.end_headers()
    req.wfile.write(payload)


# --- item 13: API keys as read from files ---------------------------------------------


def _sent_key(header: str) -> str:
    """The key an auth header carries: as is, or the `iss` claim of a signed token (JWT)."""
    token = header.split()[-1]
    parts = token.split(".")
    if len(parts) != 3:
        return header
    claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    return str(claims.get("iss", ""))


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\x00", " \n", "\r"])
def test_key_with_a_line_end_is_stripped_and_never_leaks(server, provider, ending, caplog):
    seen: list[str] = []

    def record(req: BaseHTTPRequestHandler, body: bytes) -> None:
        seen.append(str(req.headers.get(_auth_header(provider))))
        req.send_response(500)
        req.end_headers()

    url = server(record)
    texts: list[str] = []
    with (
        _client(provider, url, api_key=KEY + ending) as client,
        pytest.raises(errors.KlingError) as info,
    ):
        client.resource(ENDPOINT).status("run-1")
    texts += [str(info.value), repr(info.value), "".join(traceback.format_exception(info.value))]
    texts += [r.getMessage() for r in caplog.records]
    assert seen and all(_sent_key(v).endswith(KEY) for v in seen), seen  # sent stripped
    assert not [t for t in texts if KEY in t or repr(KEY + ending)[1:-1] in t]


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("inner", ["\n", "\x00", "\x1b", "é"])
def test_key_with_an_inner_control_character_is_refused_unquoted(provider, inner):
    key = KEY[:6] + inner + KEY[6:]
    with pytest.raises(errors.ConfigurationError) as info:
        _client(provider, "http://127.0.0.1:9", api_key=key)
    text = str(info.value) + repr(info.value)
    assert KEY[:6] not in text and KEY[6:] not in text


def _auth_header(provider: str) -> str:
    auth = CATALOG.providers[provider].manifest.data.get("auth") or {}
    return str(auth.get("header", "Authorization"))


# --- item 14: a total deadline and a size cap ------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_dripping_server_cannot_hold_a_call_past_its_deadline(server, provider):
    url = server(_drip(seconds=12))
    with (
        _client(provider, url, timeout=1.0, deadline=2.0) as client,
        pytest.raises(errors.TimeoutError, match="deadline"),
    ):
        client.resource(ENDPOINT).status("run-1")


def test_a_dripping_server_cannot_hold_an_async_call_past_its_deadline(server):
    url = server(_drip(seconds=12))

    async def call() -> None:
        async with _async_client(PROVIDERS[0], url, timeout=1.0, deadline=2.0) as client:
            await client.resource(ENDPOINT).status("run-1")

    with pytest.raises(errors.TimeoutError, match="deadline"):
        asyncio.run(call())


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_huge_response_is_refused_past_the_size_limit(server, provider):
    url = server(_huge(3 * 1024 * 1024))
    with (
        _client(provider, url, max_response_bytes=1024 * 1024) as client,
        pytest.raises(errors.ResponseTooLargeError),
    ):
        client.resource(ENDPOINT).status("run-1")


def test_a_huge_response_is_refused_by_the_async_client(server):
    url = server(_huge(3 * 1024 * 1024))

    async def call() -> None:
        async with _async_client(PROVIDERS[0], url, max_response_bytes=1024 * 1024) as client:
            await client.resource(ENDPOINT).status("run-1")

    with pytest.raises(errors.ResponseTooLargeError):
        asyncio.run(call())


def test_a_response_under_the_limit_still_parses(server):
    url = server(_huge(1000))
    for provider in IDEMPOTENT:
        with (
            _client(provider, url, max_response_bytes=4096) as client,
            pytest.raises(errors.MalformedResponseError, match="task"),
        ):
            client.resource(ENDPOINT).status("run-1")  # parsed: no task list in it


# --- item 15: reused idempotency ids, results without a video ---------------------------


def _task_request(provider: str) -> dict[str, Any]:
    examples = CATALOG.endpoint(f"{provider}/{ENDPOINT}").current_version().examples
    request = next(s.data for name, s in sorted(examples.items()) if "request" in name)
    return dict(request[0] if isinstance(request, list) else request)


@pytest.mark.parametrize("provider", IDEMPOTENT)
def test_a_reused_idempotency_id_is_refused_before_any_http(server, provider):
    calls: list[bytes] = []

    def handle(req: BaseHTTPRequestHandler, body: bytes) -> None:
        calls.append(body)
        _tasks_without_video(req, body)

    url = server(handle)
    request = _task_request(provider)
    request["taskUUID"] = "9f1f1d1e-6a1c-4c38-9b8e-1a2b3c4d5e6f"
    with _client(provider, url) as client:
        client.resource(ENDPOINT).submit(request)
        with pytest.raises(errors.ValidationError, match="already submitted"):
            client.resource(ENDPOINT).submit(request)
        first = client.resource(ENDPOINT).submit(
            {k: v for k, v in request.items() if k != "taskUUID"}
        )
        second = client.resource(ENDPOINT).submit(
            {k: v for k, v in request.items() if k != "taskUUID"}
        )
    assert len(calls) == 3 and first.id != second.id  # a fresh id per run when left out


@pytest.mark.parametrize("provider", IDEMPOTENT)
def test_a_succeeded_result_without_a_video_is_an_error(server, provider):
    url = server(_tasks_without_video)
    request = {k: v for k, v in _task_request(provider).items() if k != "taskUUID"}
    with (
        _client(provider, url, poll_interval=0.01) as client,
        pytest.raises(errors.MalformedResponseError, match="no video"),
    ):
        client.resource(ENDPOINT).run(request, timeout=5)


# --- item 16: malformed signature headers ----------------------------------------------

MALFORMED: list[Any] = [
    "t=\u00b2,v1=ab",
    "t=1,v1=\u00e9\u00e9",
    b"t=1,v1=ab",
    "t=" + "9" * 5000 + ",v1=ab",
    "t=1e9,v1=ab",
    5,
    ["t=1,v1=ab"],
    {"t": 1},
    "t=1,v1=ab\x00",
    "\ud800",
    "t=-1,v1=ab",
    ",,,,=,=",
]


@pytest.mark.parametrize("header", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_signature_headers_are_verification_errors(header):
    with pytest.raises(errors.WebhookVerificationError):
        webhooks.verify("secret", b"{}", header, now=1)


@pytest.mark.parametrize("body", [5, None, ["x"], "\ud800"], ids=range(4))
def test_malformed_bodies_are_verification_errors(body):
    header = webhooks.sign("secret", b"{}", timestamp=1)
    with pytest.raises(errors.WebhookVerificationError):
        webhooks.verify("secret", body, header, now=1)

"""Fake gateways on real loopback servers (127.0.0.1, free port), and clients for them.

Which providers to run, and what each can do (lifecycle kind, cancel, idempotent submits,
callbacks and how they are signed, signed tokens, held submits, local files, the request
envelope), come from the catalog as generated (`kling_gateways.canonical`): no test lists
the providers, and every provider-specific fact a test checks (a path, a header, a status
word, a pointer) is read from its manifest or mapping here. Requests are the canonical
layer's translation of one canonical request."""

from __future__ import annotations

import copy
import importlib
import json
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
from codegen.fake.catalog import SCHEMAS_DIR
from kling_gateways import canonical
from kling_gateways._runtime.retry import RetryPolicy

ENDPOINT = "image-to-video"
API_KEY = "sk-live-DO-NOT-LEAK-4f9a2c"
API_SECRET = "secret-key-DO-NOT-LEAK-77d1e0"  # signs tokens where the manifest has auth.token
FAST = RetryPolicy(max_retries=4, initial_delay=0.001, max_delay=0.01)
START_IMAGE = "https://x.test/cat.png"
# One canonical request per canonical endpoint; `request_for` translates it for a gateway.
CANONICAL = {
    "image-to-video": {"prompt": "a cat surfing", "start_image": START_IMAGE},
    "text-to-video": {"prompt": "waves at dawn"},
}


def manifest(provider: str) -> dict[str, Any]:
    """The provider's manifest, as the generated package carries it."""
    found: dict[str, Any] = canonical.MANIFESTS[provider]
    return found


def current(provider: str, endpoint: str = ENDPOINT) -> str:
    return str(manifest(provider)["endpoints"][endpoint]["current"])


def lifecycle(
    provider: str, endpoint: str = ENDPOINT, version: str | None = None
) -> dict[str, Any]:
    """The manifest's lifecycle block of `provider`'s `endpoint` (current version unless told)."""
    entry = manifest(provider)["endpoints"][endpoint]
    block: dict[str, Any] = entry["versions"][version or entry["current"]]["lifecycle"]
    return block


def status_word(provider: str, common: str) -> str:
    """The provider's word for a common status; failed-inside-succeeded where it has none."""
    statuses = lifecycle(provider).get("statuses", {})
    words = statuses.get(common) or statuses.get("succeeded", [])
    return str(words[0])


def callback_pointers(provider: str) -> dict[str, str]:
    """Where the callback body carries the run id, the status and the video: the callback
    block's own pointers, else the lifecycle's (the callback is then the status body)."""
    spec = lifecycle(provider)
    callback = spec["callback"]
    return {
        name: str(callback.get(name, spec[name]))
        for name in ("run_id", "status_field", "video_url")
    }


def error_pointer(provider: str) -> str | None:
    """Where the provider's error bodies carry the message (manifest `errors.message`)."""
    pointer = manifest(provider).get("errors", {}).get("message")
    return str(pointer) if pointer is not None else None


def file_inputs(provider: str) -> str:
    """How the provider takes image inputs (manifest `file_inputs`, default `url`)."""
    return str(manifest(provider).get("file_inputs", "url"))


def envelope_steps(provider: str, endpoint: str = ENDPOINT) -> list[str]:
    """The steps of the mapping's request envelope (`nest`, `array`, ...), in order."""
    request = canonical.MAPPINGS[f"{provider}/{endpoint}"]["request"]
    return [str(step["step"]) for step in request.get("envelope", [])]


def task_of(provider: str, body: Any, endpoint: str = ENDPOINT) -> Any:
    """The task inside a request body: the first item where the envelope makes an array."""
    return body[0] if "array" in envelope_steps(provider, endpoint) else body


def own_path(provider: str, op: str, run_id: str) -> str | None:
    """The path of the lifecycle's `op` call for `run_id`, where no other call of the
    lifecycle shares it (the fake counts requests by path); None where one does."""
    spec = lifecycle(provider)
    path = spec[op]["path"]
    others = [
        spec[o]["path"] for o in ("submit", "status", "result", "cancel") if o != op and o in spec
    ]
    return None if path in others else str(path).replace("{run_id}", run_id)


def module(provider: str) -> Any:
    return importlib.import_module(f"kling_gateways.{provider.replace('-', '_')}")


def resource(client: Any, endpoint: str = ENDPOINT, version: str | None = None) -> Any:
    """The client's resource for `endpoint` (its current version, or `version`)."""
    current_resource = getattr(client, endpoint.replace("-", "_"))
    if version is None:
        return current_resource
    return getattr(current_resource, "v" + version.replace("-", "_"))


PROVIDERS = sorted({t.split("/")[0] for t in canonical.targets(endpoint=ENDPOINT)})
POLLED = [p for p in PROVIDERS if lifecycle(p)["kind"] != "sync"]
CANCELLABLE = [p for p in PROVIDERS if "cancel" in lifecycle(p)]
UNCANCELLABLE = [p for p in POLLED if "cancel" not in lifecycle(p)]
IDEMPOTENT = [p for p in PROVIDERS if "idempotency" in lifecycle(p)]
NOT_IDEMPOTENT = [p for p in PROVIDERS if "idempotency" not in lifecycle(p)]
CALLBACKS = [p for p in PROVIDERS if "callback" in lifecycle(p)]
SIGNED_CALLBACKS = [p for p in CALLBACKS if "signature_header" in lifecycle(p)["callback"]]
UNSIGNED_CALLBACKS = [p for p in CALLBACKS if p not in SIGNED_CALLBACKS]
SIGNED_TOKENS = [p for p in PROVIDERS if "token" in manifest(p)["auth"]]
HELD = [p for p in PROVIDERS if "submit_wait" in lifecycle(p)]
INLINES_FILES = [p for p in PROVIDERS if file_inputs(p) != "url"]
URLS_ONLY = [p for p in PROVIDERS if file_inputs(p) == "url"]
ONE_PER_KIND = sorted({lifecycle(p)["kind"]: p for p in reversed(POLLED)}.values())
# Every (provider, endpoint, version) of the catalog, old versions included.
ENDPOINT_VERSIONS = sorted(
    (provider, endpoint, version)
    for provider, spec in canonical.MANIFESTS.items()
    for endpoint, entry in spec["endpoints"].items()
    for version in entry["versions"]
)
SYNC_VERSIONS = [v for v in ENDPOINT_VERSIONS if lifecycle(*v)["kind"] == "sync"]


def version_params(triples: list[tuple[str, str, str]]) -> list[Any]:
    """(provider, endpoint, version) parameters with ids `provider/endpoint@version`."""
    return [pytest.param(*t, id=f"{t[0]}/{t[1]}@{t[2]}") for t in triples]


def request_for(
    provider: str, index: int = 0, *, endpoint: str = ENDPOINT, version: str | None = None
) -> Any:
    """A valid `endpoint` request for `provider`, made distinct by `index`: the canonical
    layer's translation of one canonical request (for `version` when given). Where the
    mapping covers no such target, the version's first request example from the catalog."""
    mapping = canonical.MAPPINGS.get(f"{provider}/{endpoint}")
    covered = mapping is not None and (
        version in (None, mapping["version"]) or version in mapping.get("versions", {})
    )
    if not covered or endpoint not in CANONICAL:
        return example_request(provider, endpoint, version or current(provider, endpoint))
    request = dict(CANONICAL[endpoint])
    request["prompt"] = f"{request['prompt']} #{index}"
    target = f"{provider}/{endpoint}" + (f"@{version}" if version else "")
    payload, _warnings = canonical.translate(request, to=target)
    return payload


def example_request(provider: str, endpoint: str, version: str) -> Any:
    """The version's first `examples/request-*.json`, without a callback URL (a callback
    must never leave 127.0.0.1)."""
    folder = SCHEMAS_DIR / provider / endpoint / version / "examples"
    examples = sorted(folder.glob("request-*.json"))
    assert examples, f"{provider}/{endpoint}@{version}: no mapping and no request example"
    body = json.loads(examples[0].read_text(encoding="utf-8"))
    field = lifecycle(provider, endpoint, version).get("callback", {}).get("field")
    for task in body if isinstance(body, list) else [body]:
        if isinstance(task, dict):
            task.pop(field, None)
    return body


def locate(document: Any, value: Any, at: str = "") -> list[str]:
    """The JSON pointers at which `document` holds `value`."""
    if document == value:
        return [at]
    if isinstance(document, dict):
        items = [(str(k).replace("~", "~0").replace("/", "~1"), v) for k, v in document.items()]
    elif isinstance(document, list):
        items = [(str(i), v) for i, v in enumerate(document)]
    else:
        return []
    return [found for key, child in items for found in locate(child, value, f"{at}/{key}")]


def start_image_at(provider: str) -> str | None:
    """Where the provider's image-to-video payload carries the canonical start image (read
    off the mapping's translation), or None where the mapping does not send it."""
    found = locate(request_for(provider), START_IMAGE)
    return found[0] if found else None


def replaced(document: Any, pointer: str, value: Any) -> Any:
    """A deep copy of `document` with `value` at `pointer` (which must exist)."""
    out = copy.deepcopy(document)
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("/").split("/")]
    *parents, last = tokens
    node = out
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


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
    return module(provider).Client(**client_options(url, **overrides))


def make_async_client(provider: str, url: str, **overrides: Any) -> Any:
    return module(provider).AsyncClient(**client_options(url, **overrides))


@pytest.fixture
def fake() -> Iterator[Callable[..., FakeGateway]]:
    """`fake(provider, **FakeConfig options)` -> a started FakeGateway, stopped after."""
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

"""The fake gateway app: the provider's routes from its manifest, one lifecycle per kind.

Runs advance one step per status poll (`queued_polls`, `running_polls`), and also on a
timer when `complete_after` is set (so callbacks arrive without polling). A submit held with
`Prefer: wait` (manifest `submit_wait`) answers with the finished run when that timer ends
within the hold, else with the run as it stands. Credentials are checked
as the manifest's `auth` says: the key, or a jwt-hs256 token signed with `api_secret`. Control routes
under /__fake__/ (faults, stats, reset) let a test steer a running server.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from codegen.fake import shapes
from codegen.fake.callbacks import deliver
from codegen.fake.catalog import SCHEMAS_DIR, EndpointVersion, endpoint_versions, load_manifest
from codegen.fake.faults import Fault, FaultPlan
from codegen.fake.respond import apply_fault, error
from codegen.fake.state import TERMINAL, Common, Job, Store, body_key

Handler = Callable[[Request], Awaitable[Response]]
HOLD_PAUSE = 0.05  # how long a held submit of a never-completing run waits before answering


@dataclass(kw_only=True)
class FakeConfig:
    api_key: str | None = None
    api_secret: str | None = None
    queued_polls: int = 1
    running_polls: int = 1
    complete_after: float | None = None
    callback_secret: str | None = None
    faults: Sequence[Fault] = field(default_factory=list)
    schemas_dir: Path = SCHEMAS_DIR


class Gateway:
    """State and behaviour behind the routes of one provider's fake."""

    def __init__(self, provider: str, config: FakeConfig) -> None:
        self.config = config
        self.manifest = load_manifest(provider, schemas_dir=config.schemas_dir)
        self.versions = endpoint_versions(self.manifest, schemas_dir=config.schemas_dir)
        self.store = Store()
        self.faults = FaultPlan(config.faults)
        self.error_pointer: str | None = self.manifest.get("errors", {}).get("message")
        self._tasks: set[asyncio.Task[None]] = set()

    # -- lifecycle ---------------------------------------------------------------------
    def common(self, job: Job) -> Common:
        if job.final is not None:
            return job.final
        if job.lifecycle["kind"] == "sync":
            return "succeeded"
        steps = self.config.queued_polls + self.config.running_polls
        timed = self.config.complete_after is not None and (
            time.time() - job.created >= self.config.complete_after
        )
        if job.never_completes:
            return "queued" if job.polls < self.config.queued_polls else "running"
        if job.polls >= steps or timed:
            return self.finish(job, "failed" if job.fails else "succeeded")
        return "queued" if job.polls < self.config.queued_polls else "running"

    async def hold(self, job: Job, seconds: int) -> Common:
        """Answer a submit that asked to be held (`Prefer: wait=seconds`): when the run
        finishes on a timer (`complete_after`) within the hold, answer once it has; else
        (runs that advance by polls, or never finish) answer with its state after a pause."""
        finish_in = self.config.complete_after
        if finish_in is not None and finish_in <= seconds and not job.never_completes:
            await asyncio.sleep(finish_in)
        else:
            await asyncio.sleep(min(HOLD_PAUSE, seconds))
        return self.common(job)

    def finish(self, job: Job, common: Common) -> Common:
        if job.final is None:
            job.final, job.completed = common, time.time()
            if job.callback_url:
                self._spawn(deliver(self, job, common))
        return common

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _timer(self, job: Job) -> None:
        assert self.config.complete_after is not None
        await asyncio.sleep(self.config.complete_after)
        self.common(job)

    # -- operations --------------------------------------------------------------------
    def create(
        self, candidate: EndpointVersion, body: Any, key: str, *, query: Mapping[str, str]
    ) -> Job:
        existing = self.store.existing(key)
        if existing is not None and "idempotency" in candidate.lifecycle:
            return existing
        run_id = key if "idempotency" in candidate.lifecycle else self.store.new_id()
        job = Job(
            id=run_id,
            endpoint=candidate.endpoint,
            version=candidate.version,
            lifecycle=candidate.lifecycle,
            body=body,
            key=key,
            callback_url=callback_url(candidate.lifecycle, body, query),
            templates=candidate.templates,
            video_pointer=candidate.video_pointer,
        )
        self._run_faults(job)
        self.store.add(job)
        if job.callback_url and self.config.complete_after is not None:
            self._spawn(self._timer(job))
        return job

    def _run_faults(self, job: Job) -> None:
        fault = self.faults.take("submit", run_faults=True)
        if fault is not None:
            job.never_completes = fault.kind == "never_complete"
            job.fails = fault.kind == "fail_run"

    def key_for(self, candidate: EndpointVersion, body: Any) -> str:
        pointer = candidate.lifecycle.get("idempotency", {}).get("field")
        task = body[0] if isinstance(body, list) and body else body
        if pointer and isinstance(task, dict):
            value = task.get(pointer.lstrip("/"))
            if isinstance(value, str):
                return value
        return body_key(body)


def callback_url(lifecycle: dict[str, Any], body: Any, query: Mapping[str, str]) -> str | None:
    """The callback URL of a submit, from the body field or query parameter the manifest names."""
    spec = lifecycle.get("callback", {})
    name = spec.get("field")
    if not name:
        return None
    if spec.get("in", "body") == "query":
        return query.get(name)
    task = body[0] if isinstance(body, list) and body else body
    value = task.get(name) if isinstance(task, dict) else None
    return value if isinstance(value, str) else None


def create_app(provider: str, *, config: FakeConfig | None = None) -> Starlette:
    """A starlette app playing `provider`'s documented lifecycle (see module docstring)."""
    from codegen.fake.routes import routes

    gateway = Gateway(provider, config or FakeConfig())
    app = Starlette(routes=[*routes(gateway), *_control_routes(gateway)])
    app.state.gateway = gateway
    return app


def _control_routes(gateway: Gateway) -> list[Route]:
    async def faults(request: Request) -> Response:
        try:
            gateway.faults.set(json.loads(await request.body()))
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"ok": True})

    async def stats(request: Request) -> Response:
        store = gateway.store
        return JSONResponse(
            {
                "jobs": len(store.jobs),
                "attempts": sum(store.attempts.values()),
                "duplicates": store.duplicates(),
                "faults": gateway.faults.fired(),
                "callbacks": len(store.deliveries),
            }
        )

    async def reset(request: Request) -> Response:
        gateway.store.reset()
        gateway.faults.clear()
        return JSONResponse({"ok": True})

    return [
        Route("/__fake__/faults", faults, methods=["PUT", "POST"]),
        Route("/__fake__/stats", stats, methods=["GET"]),
        Route("/__fake__/reset", reset, methods=["POST"]),
    ]


__all__ = ["TERMINAL", "FakeConfig", "Gateway", "apply_fault", "create_app", "error", "shapes"]

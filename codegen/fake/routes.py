"""Routes of a fake gateway, built from the manifest's calls (submit/status/result/cancel)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from codegen.fake import shapes, tokens
from codegen.fake.catalog import EndpointVersion
from codegen.fake.respond import apply_fault, error

if TYPE_CHECKING:
    from codegen.fake.app import Gateway

POLL_TASK = "getResponse"
DEFAULT_HOLD = 60  # `Prefer: wait` without a number


def routes(gateway: Gateway) -> list[Route]:
    """One route per distinct (method, path) in the manifest; ops sharing one are merged."""
    table: dict[tuple[str, str], dict[str, list[EndpointVersion]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for candidate in gateway.versions:
        for op in ("submit", "status", "result", "cancel"):
            call = candidate.lifecycle.get(op)
            if call:
                table[(call["path"], call["method"])][op].append(candidate)
    return [
        Route(path, _endpoint(gateway, dict(ops)), methods=[method])
        for (path, method), ops in sorted(table.items())
    ]


def _endpoint(gateway: Gateway, ops: dict[str, list[EndpointVersion]]) -> Any:
    async def handle(request: Request) -> Response:
        gateway.store.requests[request.url.path] += 1
        if not _authorized(gateway, request):
            return error(gateway.error_pointer, 401, "invalid or missing API key")
        body, bad = await _json_body(gateway, request)
        if bad is not None:
            return bad
        op = _op(ops, body)
        fault = gateway.faults.take(op)
        if fault is not None and not fault.after:
            replaced = await apply_fault(fault, gateway.error_pointer)
            if replaced is not None:
                return replaced
        response = await _dispatch(gateway, op, ops, request, body)
        if fault is not None and fault.after and response.status_code < 400:
            return await apply_fault(fault, gateway.error_pointer) or response
        return response

    return handle


def _op(ops: dict[str, list[EndpointVersion]], body: Any) -> str:
    if "status" in ops and "submit" in ops:  # task arrays: one path for both
        task = body[0] if isinstance(body, list) and body else {}
        polling = isinstance(task, dict) and task.get("taskType") == POLL_TASK
        return "status" if polling else "submit"
    return next(iter(ops))


def _authorized(gateway: Gateway, request: Request) -> bool:
    auth = gateway.manifest["auth"]
    value = request.headers.get(auth["header"], "")
    scheme = auth.get("scheme")
    if scheme:
        prefix = f"{scheme} "
        if not value.startswith(prefix):
            return False
        value = value[len(prefix) :]
    config = gateway.config
    return tokens.accepted(value, auth=auth, key=config.api_key, secret=config.api_secret)


async def _json_body(gateway: Gateway, request: Request) -> tuple[Any, Response | None]:
    raw = await request.body()
    if not raw:
        return None, None
    try:
        return json.loads(raw), None
    except ValueError:
        return None, error(gateway.error_pointer, 400, "request body is not JSON")


async def _dispatch(
    gateway: Gateway, op: str, ops: dict[str, list[EndpointVersion]], request: Request, body: Any
) -> Response:
    if op == "submit":
        hold = hold_seconds(request.headers.get("Prefer"))
        return await _submit(gateway, ops["submit"], body, query=request.query_params, hold=hold)
    run_id = request.path_params.get("run_id")
    if run_id is None:  # task array poll: ids are in the body
        return _poll_tasks(gateway, body)
    job = gateway.store.jobs.get(run_id)
    if job is None:
        return error(gateway.error_pointer, 404, f"no run {run_id}")
    return _on_job(gateway, op, job)


async def _submit(
    gateway: Gateway,
    candidates: list[EndpointVersion],
    body: Any,
    *,
    query: Mapping[str, str],
    hold: int | None,
) -> Response:
    problems: list[tuple[str, str]] = []
    for candidate in candidates:
        issues = candidate.issues(body)
        if not issues:
            refused = _refused_hold(gateway, candidate, hold)
            if refused is not None:
                return refused
            key = gateway.key_for(candidate, body)
            gateway.store.attempts[key] += 1
            job = gateway.create(candidate, body, key, query=query)
            common = await gateway.hold(job, hold) if hold else gateway.common(job)
            return JSONResponse(shapes.submitted(job, common))
        problems = problems or issues
    message = "; ".join(f"{p or '/'}: {m}" for p, m in problems[:5])
    issues_out = [{"pointer": p, "message": m} for p, m in problems]
    return error(gateway.error_pointer, 422, f"invalid request: {message}", issues=issues_out)


def hold_seconds(prefer: str | None) -> int | None:
    """The hold a `Prefer: wait` / `Prefer: wait=N` header asks for (RFC 7240), else None."""
    for preference in (prefer or "").split(","):
        name, _, value = preference.strip().partition("=")
        if name.strip().lower() == "wait":
            value = value.strip().strip('"')
            return int(value) if value.isdigit() else (0 if value else DEFAULT_HOLD)
    return None


def _refused_hold(
    gateway: Gateway, candidate: EndpointVersion, hold: int | None
) -> Response | None:
    """A 400 for a hold the manifest's `submit_wait` does not allow (None: go ahead)."""
    if hold is None:
        return None
    wait = candidate.lifecycle.get("submit_wait") or {}
    longest = int(wait.get("max_seconds", wait.get("seconds", 0)))
    if 1 <= hold <= longest:
        return None
    return error(gateway.error_pointer, 400, f"Prefer: wait={hold} is not accepted (1..{longest})")


def _on_job(gateway: Gateway, op: str, job: Any) -> Response:
    if op == "cancel":
        if gateway.common(job) not in ("succeeded", "failed", "cancelled"):
            gateway.finish(job, "cancelled")
        return JSONResponse(shapes.cancelled(job, gateway.common(job)))
    job.polls += 1
    common = gateway.common(job)
    if op == "result":
        return JSONResponse(shapes.result(job, common))
    return JSONResponse(shapes.status(job, common))


def _poll_tasks(gateway: Gateway, body: Any) -> Response:
    data = []
    for task in body if isinstance(body, list) else []:
        job = gateway.store.jobs.get(str(task.get("taskUUID")))
        if job is None:
            return error(gateway.error_pointer, 404, f"no task {task.get('taskUUID')}")
        job.polls += 1
        data.append(shapes.status(job, gateway.common(job)))
    return JSONResponse({"data": data})

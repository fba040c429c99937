"""Lifecycle engines, one per manifest `kind`, free of I/O.

An engine turns the manifest's lifecycle block into `Call`s (what to send) and turns
replies into `State`s (run id, provider status, common status). The clients in
`client.py` run the calls, sync or async. Kinds:

    sync        the submit response is the result
    runs        submit returns a run; poll its status; the result comes with it (with
                `submit_wait`, the provider may hold the submit answer until the run is
                done, and the client polls only when it is not)
    queue       submit, then separate status / result / cancel calls
    task-array  the body is a JSON array of tasks with a client-chosen id (the
                idempotency field); the status is polled with a `getResponse` task
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote, urlencode

import httpx
import pydantic

from . import errors
from .http import Call, Reply
from .pointer import get_pointer, set_pointer

Status = Literal["queued", "running", "succeeded", "failed", "cancelled"]
STATUSES: tuple[Status, ...] = ("queued", "running", "succeeded", "failed", "cancelled")
TERMINAL: frozenset[str] = frozenset({"succeeded", "failed", "cancelled"})


@dataclass(frozen=True, kw_only=True)
class State:
    """What one reply says about a run."""

    run_id: str
    status: Status
    provider_status: str | None
    data: Any
    reply: Reply | None = None


@dataclass(frozen=True, kw_only=True)
class Run:
    """A run's state: `.status` in the common vocabulary, `.provider_status` as sent."""

    id: str
    status: Status
    provider_status: str | None
    provider: str
    endpoint: str
    raw: Any = field(repr=False)
    envelope: Any = field(default=None, repr=False, compare=False)
    response: httpx.Response | None = field(default=None, repr=False, compare=False)
    video_pointer: str | None = field(default=None, repr=False, compare=False)

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    @property
    def video_url(self) -> str | None:
        if self.status != "succeeded":
            return None
        return video_url_at(self.raw, self.video_pointer)


@dataclass(frozen=True, kw_only=True)
class Result:
    """A finished run's output: `.video_url`, the raw JSON, the parsed model if any."""

    run_id: str
    video_url: str | None
    raw: Any = field(repr=False)
    parsed: pydantic.BaseModel | None = field(default=None, repr=False)
    response: httpx.Response | None = field(default=None, repr=False, compare=False)


def video_url_at(data: Any, pointer: str | None) -> str | None:
    """The video URL at the manifest's `video_url` pointer, or found by `find_video_url`."""
    if pointer is None:
        return find_video_url(data)
    value = get_pointer(data, pointer)
    return value if isinstance(value, str) else None


def find_video_url(data: Any) -> str | None:
    """The first URL under a key naming a video (video, videoURL, url, ...), depth first."""
    if isinstance(data, dict):
        ranked = sorted(data.items(), key=lambda kv: "video" not in str(kv[0]).lower())
        for key, value in ranked:
            name = str(key).lower()
            if isinstance(value, str) and ("video" in name or name == "url") and _is_url(value):
                return value
            found = find_video_url(value) if isinstance(value, dict | list) else None
            if found:
                return found
    elif isinstance(data, list):
        for item in data:
            found = find_video_url(item)
            if found:
                return found
    return None


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "data:"))


class Lifecycle:
    """Base engine: the parts every kind shares."""

    kind = "runs"

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._vocabulary = {
            value: common
            for common in STATUSES
            for value in spec.get("statuses", {}).get(common, [])
        }

    @property
    def idempotent(self) -> bool:
        return "idempotency" in self.spec

    def supports(self, op: str) -> bool:
        return op in self.spec

    @property
    def video_pointer(self) -> str | None:
        """The manifest's `video_url` pointer into the result body (None: search for it)."""
        pointer = self.spec.get("video_url")
        return str(pointer) if pointer is not None else None

    def idempotency_key(self, body: Any) -> tuple[str, str] | None:
        """(pointer, value) of the caller-visible idempotency id in a prepared body, if any."""
        return None

    def prepare(self, body: Any, *, callback_url: str | None = None) -> Any:
        """Fill what the lifecycle owns (callback field, ids) into a copy of the body."""
        body = dict(body)
        if callback_url is not None:
            name = self._callback_field()
            if self._callback_in() == "body":
                body[name] = callback_url
        return body

    def submit_call(self, body: Any, *, callback_url: str | None = None) -> Call:
        """The submit call; a callback URL the manifest takes `in: query` joins the path."""
        call = self.spec["submit"]
        headers, hold = self._submit_wait()
        path = call["path"]
        if callback_url is not None and self._callback_in() == "query":
            separator = "&" if "?" in path else "?"
            path += separator + urlencode({self._callback_field(): callback_url})
        return Call(
            op="submit",
            method=call["method"],
            path=path,
            body=body,
            safe_to_repeat=self.idempotent,
            headers=headers,
            hold=hold,
        )

    def _submit_wait(self) -> tuple[dict[str, str], float]:
        """`submit_wait` prefer-wait: ask the provider to hold the answer (RFC 7240)."""
        wait = self.spec.get("submit_wait")
        if not wait:
            return {}, 0.0
        if wait.get("scheme") != "prefer-wait":
            raise errors.ConfigurationError(f"unknown submit_wait scheme {wait.get('scheme')!r}")
        seconds = int(wait["seconds"])
        return {"Prefer": f"wait={seconds}"}, float(seconds)

    def parse_submit(self, reply: Reply, body: Any) -> State:
        return self._state(reply, self._run_id(reply))

    def status_call(self, run_id: str) -> Call:
        return self._call("status", run_id)

    def parse_status(self, reply: Reply, run_id: str) -> State:
        return self._state(reply, run_id)

    def result_call(self, run_id: str) -> Call:
        return self._call("result" if self.supports("result") else "status", run_id)

    def parse_result(self, reply: Reply, run_id: str) -> State:
        return self._state(reply, run_id)

    def cancel_call(self, run_id: str) -> Call:
        return self._call("cancel", run_id)

    def parse_cancel(self, reply: Reply, run_id: str) -> State:
        return self._state(reply, run_id, default="cancelled")

    def common_status(self, provider_status: str | None, *, default: Status) -> Status:
        """The common status for a provider status (unknown values count as running)."""
        if provider_status is None:
            return default
        return self._vocabulary.get(provider_status, "running")

    def body_status(self, data: Any, provider_status: str | None, *, default: Status) -> Status:
        """`common_status`, except that a succeeded body carrying an error (at the manifest's
        `error_field`) is failed: some gateways end a failed job as COMPLETED."""
        status = self.common_status(provider_status, default=default)
        pointer = self.spec.get("error_field")
        if status == "succeeded" and pointer is not None:
            error = get_pointer(data, str(pointer))
            if error not in (None, "", {}, []):
                return "failed"
        return status

    def _callback_field(self) -> str:
        callback = self.spec.get("callback")
        if not callback:
            raise errors.UnsupportedOperationError(f"{self.kind} lifecycle takes no callback URL")
        return str(callback["field"])

    def _callback_in(self) -> str:
        return str(self.spec.get("callback", {}).get("in", "body"))

    def _call(self, op: Literal["status", "result", "cancel"], run_id: str) -> Call:
        if op not in self.spec:
            raise errors.UnsupportedOperationError(f"this {self.kind} lifecycle has no {op} call")
        call = self.spec[op]
        path = call["path"].replace("{run_id}", quote(run_id, safe=""))
        return Call(op=op, method=call["method"], path=path)

    def _run_id(self, reply: Reply) -> str:
        run_id = get_pointer(reply.data, self.spec.get("run_id", "/id"))
        if not isinstance(run_id, str | int) or isinstance(run_id, bool):
            raise _malformed(reply, f"no run id at {self.spec.get('run_id', '/id')}")
        return str(run_id)

    def _state(self, reply: Reply, run_id: str, *, default: Status = "queued") -> State:
        raw = get_pointer(reply.data, self.spec.get("status_field", "/status"))
        provider_status = raw if isinstance(raw, str) else None
        status = self.body_status(reply.data, provider_status, default=default)
        return State(
            run_id=run_id,
            status=status,
            provider_status=provider_status,
            data=reply.data,
            reply=reply,
        )


class SyncLifecycle(Lifecycle):
    kind = "sync"

    def parse_submit(self, reply: Reply, body: Any) -> State:
        run_id = f"sync-{uuid.uuid4()}"
        return State(
            run_id=run_id, status="succeeded", provider_status=None, data=reply.data, reply=reply
        )


class RunsLifecycle(Lifecycle):
    kind = "runs"


class QueueLifecycle(Lifecycle):
    kind = "queue"

    def parse_result(self, reply: Reply, run_id: str) -> State:
        return self._state(reply, run_id, default="succeeded")


class TaskArrayLifecycle(Lifecycle):
    kind = "task-array"
    poll_task_type = "getResponse"

    def prepare(self, body: Any, *, callback_url: str | None = None) -> Any:
        """The JSON array to send: one task, with its id and deliveryMethod filled."""
        tasks = body if isinstance(body, list) else [body]
        if len(tasks) != 1 or not isinstance(tasks[0], dict):
            raise errors.ValidationError(
                [errors.Issue("", "submit exactly one task object per run")]
            )
        task = super().prepare(tasks[0], callback_url=callback_url)
        field = self.spec.get("idempotency", {}).get("field", self.spec.get("run_id", "/taskUUID"))
        if get_pointer(task, field) is None:
            set_pointer(task, field, str(uuid.uuid4()))
        task.setdefault("deliveryMethod", "async")
        return [task]

    def idempotency_key(self, body: Any) -> tuple[str, str] | None:
        field = self.spec.get("idempotency", {}).get("field")
        value = get_pointer(body, "/0" + field) if field else None
        return (f"/0{field}", str(value)) if value is not None else None

    def parse_submit(self, reply: Reply, body: Any) -> State:
        run_id = str(get_pointer(body, "/0" + self.spec.get("run_id", "/taskUUID")))
        return self._task_state(reply, run_id)

    def status_call(self, run_id: str) -> Call:
        call = self.spec.get("status") or self.spec["submit"]
        task = {"taskType": self.poll_task_type, "taskUUID": run_id}
        return Call(op="status", method=call["method"], path=call["path"], body=[task])

    def parse_status(self, reply: Reply, run_id: str) -> State:
        return self._task_state(reply, run_id)

    def result_call(self, run_id: str) -> Call:
        call = self.status_call(run_id)
        return Call(op="result", method=call.method, path=call.path, body=call.body)

    def parse_result(self, reply: Reply, run_id: str) -> State:
        return self._task_state(reply, run_id)

    def _task_state(self, reply: Reply, run_id: str) -> State:
        task = self._find_task(reply, run_id)
        raw = get_pointer(task, self.spec.get("status_field", "/status"))
        provider_status = raw if isinstance(raw, str) else None
        status = self.body_status(task, provider_status, default="queued")
        return State(
            run_id=run_id, status=status, provider_status=provider_status, data=task, reply=reply
        )

    def _find_task(self, reply: Reply, run_id: str) -> Any:
        tasks = get_pointer(reply.data, "/data")
        if not isinstance(tasks, list):
            raise _malformed(reply, "no task list at /data")
        id_pointer = self.spec.get("run_id", "/taskUUID")
        for task in tasks:
            if str(get_pointer(task, id_pointer)) == run_id:
                return task
        raise _malformed(reply, f"no task with {id_pointer} {run_id!r} in /data")


ENGINES: dict[str, type[Lifecycle]] = {
    "sync": SyncLifecycle,
    "runs": RunsLifecycle,
    "queue": QueueLifecycle,
    "task-array": TaskArrayLifecycle,
}


def engine(spec: dict[str, Any]) -> Lifecycle:
    """The engine for a manifest lifecycle block."""
    try:
        return ENGINES[spec["kind"]](spec)
    except KeyError:
        raise errors.ConfigurationError(f"unknown lifecycle kind {spec.get('kind')!r}") from None


def _malformed(reply: Reply, message: str) -> errors.MalformedResponseError:
    return errors.MalformedResponseError(
        message, status_code=reply.response.status_code, body=reply.data, response=reply.response
    )

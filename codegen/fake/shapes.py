"""Response bodies a fake gateway sends: the catalog's body templates (`bodies`), with the
run's id, status word, video URL and error written at the pointers its manifest names."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from codegen.fake.bodies import TASK_LIST
from codegen.fake.state import Common, Job

FAILURE = "generation failed (fake gateway)"
MAX_INDEX = 100  # a pointer into a list never grows it past this


def provider_status(lifecycle: dict[str, Any], common: Common) -> str | None:
    """The provider's word for a common status (None if it has none, e.g. no word for queued).
    A failed run of a provider that has no failed word but an `error_field` ends with its
    succeeded word and the error inside (failed inside COMPLETED)."""
    statuses = lifecycle.get("statuses", {})
    values = statuses.get(common, [])
    if not values and common == "failed" and "error_field" in lifecycle:
        values = statuses.get("succeeded", [])
    return values[0] if values else None


def video_url(job: Job) -> str:
    return f"https://fake.invalid/videos/{job.id}.mp4"


def error_body(pointer: str | None, message: str, **extra: Any) -> Any:
    """An error body with `message` at the manifest's JSON pointer (/error, /errors/0/message)."""
    tokens = (pointer or "/error").lstrip("/").split("/")
    node: Any = message
    for token in reversed(tokens):
        node = [node] if token.isdigit() else {token: node}
    if isinstance(node, dict):
        node.update(extra)
    return node


def submitted(job: Job, common: Common) -> Any:
    kind = job.lifecycle["kind"]
    if kind == "task-array":
        return {TASK_LIST: [_task(job, common, op="task")]}
    # a runs submit carries the video when it answers finished (a held `Prefer: wait`)
    return _document(job, "submit", common, video=kind in ("sync", "runs"))


def status(job: Job, common: Common) -> Any:
    kind = job.lifecycle["kind"]
    if kind == "task-array":
        return _task(job, common, op="task")
    return _document(job, "status", common, video=kind == "runs")


def result(job: Job, common: Common) -> Any:
    return _document(job, "result", common, video=True)


def cancelled(job: Job, common: Common) -> Any:
    return _document(job, "status", common, video=False)


def callback(job: Job, common: Common) -> Any:
    """The callback body, run id, status and video where the manifest's `callback` block
    says (default: where the status body has them)."""
    spec = job.lifecycle.get("callback", {})
    body = job.templates.base("callback")
    _fill(
        job,
        body,
        common,
        video=True,
        run_id=spec.get("run_id"),
        status=spec.get("status_field"),
        video_at=spec.get("video_url"),
    )
    return body


def _task(job: Job, common: Common, *, op: str) -> Any:
    return _document(job, op, common, video=True)


def _document(job: Job, op: str, common: Common, *, video: bool) -> Any:
    body = job.templates.base(op)
    _fill(job, body, common, video=video)
    return body


def _fill(
    job: Job,
    body: Any,
    common: Common,
    *,
    video: bool,
    run_id: str | None = None,
    status: str | None = None,
    video_at: str | None = None,
) -> None:
    lifecycle = job.lifecycle
    if not isinstance(body, dict):
        return
    if job.lifecycle["kind"] != "sync":
        set_pointer(body, run_id or lifecycle.get("run_id", "/id"), job.id)
        word = provider_status(lifecycle, common)
        if word is not None:
            set_pointer(body, status or lifecycle.get("status_field", "/status"), word)
    pointer = video_at or job.video_pointer
    if video and common == "succeeded":
        set_pointer(body, pointer, video_url(job))
    else:
        remove_pointer(body, pointer)
    if common == "failed" and "error_field" in lifecycle:
        set_pointer(body, lifecycle["error_field"], FAILURE)


def _tokens(pointer: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def set_pointer(doc: Any, pointer: str, value: Any) -> None:
    """Set `value` at a JSON pointer, creating objects (or lists, for numeric tokens)."""
    tokens = _tokens(pointer)
    if not tokens:
        return
    node = doc
    for token, following in pairwise(tokens):
        if not _fits(node, token):
            return
        fresh: Any = [] if following.isdigit() else {}
        node = _child(node, token, fresh)
    if _fits(node, tokens[-1]):
        _put(node, tokens[-1], value)


def _fits(node: Any, token: str) -> bool:
    """Whether `token` can address into `node` (a list takes only small indexes)."""
    if isinstance(node, list):
        return token.isdigit() and int(token) <= MAX_INDEX
    return isinstance(node, dict)


def _child(node: Any, token: str, fresh: Any) -> Any:
    if isinstance(node, list):
        index = int(token)
        while len(node) <= index:
            node.append(None)
        if not isinstance(node[index], dict | list):
            node[index] = fresh
        return node[index]
    if not isinstance(node.get(token), dict | list):
        node[token] = fresh
    return node[token]


def _put(node: Any, token: str, value: Any) -> None:
    if isinstance(node, list):
        index = int(token)
        while len(node) <= index:
            node.append(None)
        node[index] = value
    else:
        node[token] = value


def remove_pointer(doc: Any, pointer: str) -> None:
    """Remove the value at a JSON pointer, if there is one."""
    tokens = _tokens(pointer)
    if not tokens:
        return
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return
    if isinstance(node, dict):
        node.pop(tokens[-1], None)

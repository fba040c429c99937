"""Response bodies a fake gateway sends, per lifecycle kind, from the manifest's pointers."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from codegen.fake.state import Common, Job


def provider_status(lifecycle: dict[str, Any], common: Common) -> str | None:
    """The provider's word for a common status (None if it has none, e.g. Runware queued)."""
    values = lifecycle.get("statuses", {}).get(common, [])
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
    if kind == "sync":
        return {"video": {"url": video_url(job)}}
    if kind == "task-array":
        return {"data": [_task(job, common, with_output=False)]}
    return run_document(job, common, with_output=False)


def status(job: Job, common: Common) -> Any:
    if job.lifecycle["kind"] == "task-array":
        return _task(job, common, with_output=common == "succeeded")
    return run_document(job, common, with_output=job.lifecycle["kind"] == "runs")


def result(job: Job, common: Common) -> Any:
    doc = run_document(job, common, with_output=False)
    if common == "succeeded":
        doc["output"] = {"video": video_url(job)}
    return doc


def run_document(job: Job, common: Common, *, with_output: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    _set(doc, job.lifecycle.get("run_id", "/id"), job.id)
    _set(doc, job.lifecycle.get("status_field", "/status"), provider_status(job.lifecycle, common))
    if with_output:
        doc["output"] = runs_output(job) if common == "succeeded" else None
        doc["error"] = "generation failed" if common == "failed" else None
    return doc


def runs_output(job: Job) -> dict[str, Any]:
    return {
        "outputs": [{"url": video_url(job), "type": "video", "width": 1920, "height": 1080}],
        "nsfw_detected": False,
        "seed": 42,
        "timing": {"inference_ms": 1234},
    }


def callback(job: Job, common: Common) -> Any:
    """The callback body: Runflow's run event for `runs`, the task result for task arrays."""
    if job.lifecycle["kind"] == "task-array":
        return _task(job, common, with_output=common == "succeeded")
    event = {"succeeded": "run.completed", "failed": "run.failed"}.get(common, "run.cancelled")
    metadata = job.body.get("metadata") if isinstance(job.body, dict) else None
    return {
        "event": event,
        "run_id": job.id,
        "status": common,
        "output": runs_output(job) if common == "succeeded" else None,
        "duration_ms": round(((job.completed or time.time()) - job.created) * 1000, 3),
        "created_at": _iso(job.created),
        "completed_at": _iso(job.completed or time.time()),
        "metadata": metadata,
    }


def _task(job: Job, common: Common, *, with_output: bool) -> dict[str, Any]:
    task: dict[str, Any] = {"taskType": _task_type(job), "taskUUID": job.id}
    status_value = provider_status(job.lifecycle, common)
    if status_value is not None:
        _set(task, job.lifecycle.get("status_field", "/status"), status_value)
    if with_output:
        task["videoUUID"] = job.id
        task["videoURL"] = video_url(job)
        task["cost"] = 0.896
    return task


def _task_type(job: Job) -> str:
    body = job.body[0] if isinstance(job.body, list) and job.body else job.body
    return str(body.get("taskType", "videoInference")) if isinstance(body, dict) else "task"


def _set(doc: dict[str, Any], pointer: str, value: Any) -> None:
    if value is not None:
        doc[pointer.lstrip("/").split("/")[0]] = value


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")

"""Render many models at once: cache first, then the misses on every core.

datamodel-code-generator costs ~20-50 ms a schema, so a catalog of hundreds of schemas is
spread over worker processes. They are forked after the library is imported and warmed in
the parent, so no worker pays for the import again. Small batches stay in-process (forking
costs more than it saves). KLING_CODEGEN_JOBS=1 turns parallelism off.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from codegen.render.models import render_models
from codegen.render.output import Context

MIN_PARALLEL = 24  # below this many cache misses, one process is faster


@dataclass(frozen=True)
class ModelJob:
    schema: dict[str, Any]
    class_name: str
    file: str


def render_pending(ctx: Context) -> None:
    """Fill ctx.memo["model_code"] for every planned model job (ctx.memo["model_jobs"])."""
    jobs: dict[str, ModelJob] = ctx.memo.get("model_jobs", {})
    codes: dict[str, str] = ctx.memo.setdefault("model_code", {})
    misses: dict[str, ModelJob] = {}
    for key, job in jobs.items():
        hit = ctx.cache.get("models", key)
        if hit is None:
            misses[key] = job
        else:
            codes[key] = hit
    for key, code in render_many(misses).items():
        codes[key] = code
        ctx.cache.put("models", key, code)


def render_many(jobs: dict[str, ModelJob]) -> dict[str, str]:
    keys = sorted(jobs)
    workers = _workers(len(keys))
    if workers <= 1:
        return {key: _render(jobs[key]) for key in keys}
    _render(ModelJob({"type": "object"}, "Warm", "(warm-up)"))  # import before forking
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        chunk = max(1, len(keys) // (workers * 4))
        return dict(
            zip(keys, pool.map(_render, [jobs[k] for k in keys], chunksize=chunk), strict=True)
        )


def _render(job: ModelJob) -> str:
    return render_models(job.schema, class_name=job.class_name, file=job.file)


def _workers(count: int) -> int:
    configured = os.environ.get("KLING_CODEGEN_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return min(int(configured), count)
    if count < MIN_PARALLEL or not hasattr(os, "fork"):
        return 1
    return min(len(os.sched_getaffinity(0)), count)

"""Render models: cache first, then the misses in batches, beside the rest of the run.

Only cache misses are rendered (a model's cache key is its schema's content, see
package.py), so editing one schema re-renders that one. Misses go to
datamodel-code-generator in batches, one parser run per batch
(models.render_model_batch), which makes its fixed cost per run small.

Importing the library is most of a small run (~0.3 s), so `ModelWorkers` forks worker
processes when a run starts: each imports the library while the parent loads, normalizes
and plans the catalog, then renders one batch while the parent renders every other file.
The parent itself never imports datamodel-code-generator; workers that get no model to
render are stopped. Without fork (or with KLING_CODEGEN_JOBS=0) everything renders
in-process. KLING_CODEGEN_JOBS=N caps the number of workers.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen.children import die_with_parent
from codegen.render.models import render_model_batch, render_models

if TYPE_CHECKING:
    from codegen.render.output import Context

MIN_PARALLEL = 24  # below this many cache misses, one worker is faster than several
WARM_MODULE = "datamodel_code_generator.parser.jsonschema"  # loaded by the first model


@dataclass(frozen=True)
class ModelJob:
    schema: dict[str, Any]
    class_name: str
    file: str


class ModelWorkers:
    """Forked worker processes, importing datamodel-code-generator until given a batch."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("fork")
        sys.stdout.flush()  # nothing buffered may be written twice
        sys.stderr.flush()
        self._pipes: list[Connection] = []
        self._procs: list[Any] = []
        for _ in range(count):
            parent, child = context.Pipe()
            proc = context.Process(target=_serve, args=(child, os.getpid()), daemon=True)
            proc.start()
            child.close()
            self._pipes.append(parent)
            self._procs.append(proc)

    @classmethod
    def start(cls, schemas: Path) -> ModelWorkers | None:
        """Workers for a run over `schemas` (their number from a quick count of schema
        files), or None where fork is missing, KLING_CODEGEN_JOBS=0, or this process has
        the library loaded already (`generate --watch`): then a few models render here at
        once, for less than a fork costs, and many over workers forked when they are known
        (`render_many`)."""
        if not hasattr(os, "fork") or os.environ.get("KLING_CODEGEN_JOBS") == "0":
            return None
        if WARM_MODULE in sys.modules:
            return None
        count = len(list(Path(schemas).glob("*/*/*/*.json"))) + 4
        return cls(_workers(count))

    def render(self, jobs: dict[str, ModelJob]) -> Callable[[], dict[str, str]]:
        """Send the jobs (one batch per worker in use) and return what collects the codes."""
        keys = sorted(jobs)
        used = min(_workers(len(keys)), len(self._pipes)) if keys else 0
        batches = [keys[i::used] for i in range(used)]
        for pipe, batch in zip(self._pipes, batches, strict=False):
            payload = [jobs[k] for k in batch]
            threading.Thread(target=_send, args=(pipe, payload), daemon=True).start()
        self.stop(skip=used)

        def collect() -> dict[str, str]:
            codes: dict[str, str] = {}
            for pipe, batch in zip(self._pipes, batches, strict=False):
                status, value = _receive(pipe)
                if status != "ok":
                    raise value
                codes.update(zip(batch, value, strict=True))
            self.stop()
            return codes

        return collect

    def stop(self, *, skip: int = 0) -> None:
        """Stop the workers past the first `skip` (all by default); never waits on imports."""
        for proc, pipe in zip(self._procs[skip:], self._pipes[skip:], strict=True):
            pipe.close()
            if proc.is_alive():
                proc.terminate()
            proc.join()


def _serve(conn: Connection, parent: int) -> None:
    """A worker: import and warm the library, render the batch it is sent, send the codes."""
    die_with_parent(parent)
    try:
        render_models({"type": "object"}, class_name="Warm", file="(warm-up)")
        jobs: list[ModelJob] = conn.recv()
        reply: tuple[str, Any] = ("ok", _render_batch(jobs))
    except EOFError:
        return  # no batch for this worker
    except Exception as exc:  # SchemaError and friends are re-raised by the parent
        reply = ("error", exc)
    try:
        conn.send(reply)
    except Exception as exc:  # an exception that cannot be pickled
        conn.send(("error", RuntimeError(f"model worker failed: {exc}")))


def _send(pipe: Connection, payload: Any) -> None:
    """Send from a thread, so the parent goes on rendering while a big batch is read."""
    with contextlib.suppress(OSError):  # the worker is gone: its collection reports it
        pipe.send(payload)


def _receive(pipe: Connection) -> tuple[str, Any]:
    try:
        reply: tuple[str, Any] = pipe.recv()
    except EOFError:
        return "error", RuntimeError("a model worker died without an answer")
    return reply


def render_pending(ctx: Context, workers: ModelWorkers | None = None) -> Callable[[], None]:
    """Start rendering every planned model job (ctx.memo["model_jobs"]) that the cache does
    not have; the returned function waits for them and fills ctx.memo["model_code"]."""
    jobs: dict[str, ModelJob] = ctx.memo.get("model_jobs", {})
    codes: dict[str, str] = ctx.memo.setdefault("model_code", {})
    misses: dict[str, ModelJob] = {}
    for key, job in jobs.items():
        hit = ctx.cache.get("models", key)
        if hit is None:
            misses[key] = job
        else:
            codes[key] = hit
    if workers is None:
        rendered = render_many(misses)
        collect: Callable[[], dict[str, str]] = lambda: rendered  # noqa: E731
    else:
        collect = workers.render(misses)

    def finish() -> None:
        for key, code in collect().items():
            codes[key] = code
            ctx.cache.put("models", key, code)

    return finish


def render_many(jobs: dict[str, ModelJob]) -> dict[str, str]:
    """Render `jobs` now: in-process, or over forked workers when there are many."""
    forked = os.environ.get("KLING_CODEGEN_JOBS") != "0" and hasattr(os, "fork")
    if forked and len(jobs) >= MIN_PARALLEL and _workers(len(jobs)) > 1:
        workers = ModelWorkers(_workers(len(jobs)))
        return workers.render(jobs)()
    keys = sorted(jobs)
    return dict(zip(keys, _render_batch([jobs[k] for k in keys]), strict=True))


def _render_batch(jobs: list[ModelJob]) -> list[str]:
    return render_model_batch([(job.schema, job.class_name, job.file) for job in jobs])


def _workers(count: int) -> int:
    configured = os.environ.get("KLING_CODEGEN_JOBS", "")
    if configured.isdigit():  # 0: no worker process at all, 1: one batch
        return min(int(configured), max(count, 1)) or 1
    if count < MIN_PARALLEL or not hasattr(os, "fork"):
        return 1
    return min(len(os.sched_getaffinity(0)), count)

"""Runs a fake gateway holds, and the counters tests assert on."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from codegen.fake.bodies import Templates

Common = Literal["queued", "running", "succeeded", "failed", "cancelled"]
TERMINAL = frozenset({"succeeded", "failed", "cancelled"})


@dataclass(kw_only=True)
class Job:
    id: str
    endpoint: str
    version: str
    lifecycle: dict[str, Any]
    body: Any
    key: str
    templates: Templates = field(default_factory=lambda: Templates(bodies={}))
    video_pointer: str = "/video_url"
    created: float = field(default_factory=time.time)
    polls: int = 0
    final: Common | None = None
    never_completes: bool = False
    fails: bool = False
    callback_url: str | None = None
    completed: float | None = None


@dataclass(frozen=True, kw_only=True)
class Delivery:
    url: str
    status_code: int | None
    body: bytes
    headers: dict[str, str]


def body_key(body: Any) -> str:
    """A stable key for a request body (used when the provider has no idempotency id)."""
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]


class Store:
    """Jobs by id, submit attempts and jobs created per key, callbacks delivered."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: dict[str, Job] = {}
        self.by_key: dict[str, str] = {}
        self.attempts: Counter[str] = Counter()
        self.created: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.deliveries: list[Delivery] = []

    def new_id(self) -> str:
        return str(uuid.uuid4())

    def add(self, job: Job) -> Job:
        with self.lock:
            self.jobs[job.id] = job
            self.by_key[job.key] = job.id
            self.created[job.key] += 1
        return job

    def existing(self, key: str) -> Job | None:
        with self.lock:
            job_id = self.by_key.get(key)
            return self.jobs.get(job_id) if job_id else None

    def duplicates(self) -> dict[str, int]:
        """Keys for which more than one job was created (should be empty)."""
        return {k: n for k, n in self.created.items() if n > 1}

    def reset(self) -> None:
        with self.lock:
            self.__init__()  # type: ignore[misc]

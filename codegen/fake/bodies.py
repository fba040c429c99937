"""Body templates a fake gateway answers with, built from one version folder of the catalog.

For each body (submit, status, result, callback, task) the template is the version's first
example of that kind (`examples/<kind>-*.json`) when there is one, otherwise an instance
synthesized from the schema (`response.json`, `status.json`, `callback.json`): its required
properties, filled with the schema's own const/default/examples/enum or a placeholder of the
right type. `shapes` then writes the run's id, status word, video URL and error into a copy
at the pointers the manifest (and the mapping) name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.catalog.checks import resolve_local

MAX_DEPTH = 12
FORMATS = {
    "uri": "https://fake.invalid/value",
    "url": "https://fake.invalid/value",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "email": "fake@fake.invalid",
}
# Which schema file describes each body, per lifecycle kind (first that exists wins).
SOURCES: dict[str, dict[str, tuple[str, ...]]] = {
    "sync": {"submit": ("response",)},
    "runs": {
        "submit": ("response", "status"),
        "status": ("response", "status"),
        "callback": ("callback", "response", "status"),
    },
    "queue": {
        "submit": ("status",),
        "status": ("status",),
        "result": ("response",),
        "callback": ("callback", "response"),
    },
    "task-array": {"task": ("response", "status"), "callback": ("callback",)},
}
TASK_LIST = "data"  # task-array replies: {"data": [task, ...]} (see lifecycle.TaskArrayLifecycle)


@dataclass(frozen=True, kw_only=True)
class Templates:
    """One base body per operation ({} where the catalog says nothing)."""

    bodies: dict[str, Any]

    def base(self, op: str) -> Any:
        return json.loads(json.dumps(self.bodies.get(op, {})))


def templates(version_dir: Path, kind: str) -> Templates:
    """The base bodies of one endpoint version (see module docstring)."""
    bodies: dict[str, Any] = {}
    for op, names in SOURCES.get(kind, {}).items():
        for name in names:
            body = _example(version_dir, name)
            if body is None:
                body = _synthesized(version_dir / f"{name}.json", task=op == "task")
            if body is not None:
                bodies[op] = _task_of(body) if op == "task" else body
                break
    if kind == "task-array":
        bodies.setdefault("callback", bodies.get("task", {}))
    return Templates(bodies=bodies)


def _task_of(body: Any) -> Any:
    """The first task of a task-array reply (the body itself if it is not a task list)."""
    if isinstance(body, dict) and isinstance(body.get(TASK_LIST), list):
        tasks = body[TASK_LIST]
        return tasks[0] if tasks and isinstance(tasks[0], dict) else {}
    return body


def _example(version_dir: Path, kind: str) -> Any:
    found = sorted((version_dir / "examples").glob(f"{kind}-*.json"))
    return json.loads(found[0].read_text(encoding="utf-8")) if found else None


def _synthesized(path: Path, *, task: bool) -> Any:
    if not path.is_file():
        return None
    schema = json.loads(path.read_text(encoding="utf-8"))
    tasks = schema.get("properties", {}).get(TASK_LIST) if task else None
    if isinstance(tasks, dict) and "items" in tasks:
        return instance(tasks["items"], root=schema)
    return instance(schema, root=schema)


def instance(schema: Any, *, root: Any, depth: int = 0) -> Any:
    """A small value valid against `schema`: required properties only, the schema's own
    values (const, default, examples, enum) where it gives them."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return None
    if isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#"):
        return instance(resolve_local(root, schema["$ref"]), root=root, depth=depth + 1)
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    for key in ("examples", "enum"):
        if isinstance(schema.get(key), list) and schema[key]:
            return schema[key][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = [o for o in schema.get(key, []) if not _is_null(o)]
        if options:
            return instance(options[0], root=root, depth=depth + 1)
    return _typed(schema, root=root, depth=depth)


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def _typed(schema: dict[str, Any], *, root: Any, depth: int) -> Any:
    kind = schema.get("type", "object" if "properties" in schema else None)
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            name: instance(properties.get(name, {}), root=root, depth=depth + 1)
            for name in schema.get("required", [])
        }
    if kind == "array":
        item = instance(schema.get("items", {}), root=root, depth=depth + 1)
        return [item] * int(schema.get("minItems", 0))
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    if kind == "string":
        return FORMATS.get(str(schema.get("format")), "fake")
    return None

"""Throwaway catalogs in the real layout (schemas/README.md), and the generator run on them.

Every generation runs `kling-codegen generate` in a subprocess, as a user would; every import of
the generated package runs in a fresh interpreter with the output folder first on PYTHONPATH
(`kling_gateways` is also installed from the repository, so the probe checks `__file__`).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
META = REPO / "schemas" / "meta"
CLI = [sys.executable, "-m", "codegen"]
PROBE = Path(__file__).resolve().parent / "probe.py"
PROVIDER = "hostile"
ENDPOINT = "image-to-video"
VERSION = "2026-01-01"

LIFECYCLE: dict[str, Any] = {
    "kind": "queue",
    "submit": {"method": "POST", "path": "/v1/submit"},
    "status": {"method": "GET", "path": "/v1/requests/{run_id}/status"},
    "result": {"method": "GET", "path": "/v1/requests/{run_id}/result"},
    "cancel": {"method": "POST", "path": "/v1/requests/{run_id}/cancel"},
    "run_id": "/request_id",
    "status_field": "/status",
    "statuses": {
        "queued": ["in_queue"],
        "running": ["in_progress"],
        "succeeded": ["completed"],
        "failed": ["failed"],
        "cancelled": ["cancelled"],
    },
}


def manifest(
    *, provider: str = PROVIDER, name: str = "Hostile", versions: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """A minimal valid manifest: a queue lifecycle with every call (schemas/README.md)."""
    versions = versions or {ENDPOINT: [VERSION]}
    endpoints = {
        endpoint: {
            "current": max(dates),
            "versions": {
                date: {
                    "model": "hostile/model",
                    "lifecycle": copy.deepcopy(LIFECYCLE),
                    "pricing": {"currency": "USD", "rates": [], "source": "none"},
                }
                for date in dates
            },
        }
        for endpoint, dates in versions.items()
    }
    return {
        "id": provider,
        "name": name,
        "base_url": "https://example.invalid",
        "auth": {"header": "Authorization", "scheme": "Bearer", "env": "HOSTILE_API_KEY"},
        "endpoints": endpoints,
    }


def write_catalog(
    root: Path,
    schemas: dict[str, Any],
    *,
    provider: str = PROVIDER,
    name: str = "Hostile",
    endpoint: str = ENDPOINT,
    version: str = VERSION,
) -> Path:
    """`root/schemas` with meta/ and one provider, endpoint and version holding `schemas`.

    `schemas` maps a kind (request, response, status, callback) to a JSON value, or to `str`
    for raw file text (written as is, for malformed-file cases).
    """
    return write_endpoints(root, {endpoint: schemas}, provider=provider, name=name, version=version)


def write_endpoints(
    root: Path,
    endpoints: dict[str, dict[str, Any]],
    *,
    provider: str = PROVIDER,
    name: str = "Hostile",
    version: str = VERSION,
) -> Path:
    """Like write_catalog, with several endpoints (endpoint id -> kind -> schema)."""
    folder = root / "schemas"
    shutil.copytree(META, folder / "meta")
    data = manifest(provider=provider, name=name, versions={e: [version] for e in endpoints})
    write_json(folder / provider / "manifest.yaml", data)  # JSON is YAML
    for endpoint, schemas in endpoints.items():
        for kind, schema in schemas.items():
            target = folder / provider / endpoint / version / f"{kind}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(schema, str):
                target.write_text(schema, encoding="utf-8")
            else:
                write_json(target, schema)
    return folder


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        path.write_bytes(text.encode("utf-8"))
    except UnicodeEncodeError:  # lone surrogates: only expressible as \\u escapes
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def run_cli(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> Result:
    """`kling-codegen ARGS` in a fresh interpreter; never raises on a non-zero exit."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    full_env.pop("KLING_CODEGEN_DEBUG", None)
    done = subprocess.run(
        [*CLI, *map(str, args)], cwd=cwd, env=full_env, capture_output=True, text=True, check=False
    )
    return Result(done.returncode, done.stdout, done.stderr)


def generate(schemas: Path, out: Path, *, cwd: Path, check: bool = False) -> Result:
    extra = ["--check"] if check else []
    return run_cli("generate", "--schemas", schemas, "--out", out, *extra, cwd=cwd)


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.code}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"


def probe(out: Path, spec: dict[str, Any], *, cwd: Path) -> dict[str, Any]:
    """Run probe.py on the generated package in `out`; its JSON report."""
    env = {**os.environ, "PYTHONPATH": str(out), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, str(PROBE)],
        input=json.dumps(spec),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"probe exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    report: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return report


def snapshot(root: Path) -> dict[str, str]:
    """Every file below `root` (relative POSIX path -> sha256), caches excluded."""
    if not root.exists():
        return {}
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def all_paths(root: Path) -> set[str]:
    """Every file, folder and link below `root`, for "nothing escaped" checks (cache excluded)."""
    return {str(p) for p in root.rglob("*")}

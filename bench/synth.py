"""Synthetic schema catalogs for the scale benchmarks, deterministic from a seed.

`write_catalog(dest, n_schemas=N, seed=S)` lays out a catalog exactly as schemas/README.md
describes: `meta/` and `canonical/` copied from the real catalog, then providers
`synth-000`, `synth-001`, ... each with a `manifest.yaml` (valid against
meta/manifest.schema.json) and up to two endpoints x two versions, each version holding a
`request.json` and a `response.json`. N counts provider schema files (request + response),
so N=500 is 250 endpoint versions; the 4 canonical schemas come on top.

Sizes follow the real ones: requests have 10-40 properties with enums, ranges, formats,
nested objects, arrays of objects and `$defs`; responses 5-15 properties.

    python -m bench.synth DEST N [--seed S]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
REAL_SCHEMAS = REPO / "schemas"
ENDPOINTS = ("image-to-video", "text-to-video")
VERSIONS = ("2026-01-15", "2026-06-30")
SCHEMAS_PER_PROVIDER = len(ENDPOINTS) * len(VERSIONS) * 2

WORDS = (
    "prompt",
    "negative",
    "seed",
    "duration",
    "ratio",
    "scale",
    "guidance",
    "motion",
    "camera",
    "shot",
    "style",
    "audio",
    "voice",
    "frame",
    "image",
    "video",
    "mask",
    "strength",
    "steps",
    "quality",
    "format",
    "width",
    "height",
    "fps",
    "loop",
    "tag",
    "element",
    "reference",
    "subject",
    "scene",
    "light",
    "lens",
    "color",
    "tone",
    "mood",
    "speed",
    "zoom",
    "pan",
    "tilt",
    "orbit",
    "depth",
    "region",
    "layer",
    "effect",
    "preset",
    "model",
    "priority",
    "webhook",
    "callback",
    "metadata",
    "label",
    "budget",
)
ENUM_WORDS = (
    "auto",
    "low",
    "medium",
    "high",
    "fast",
    "full",
    "none",
    "first",
    "last",
    "left",
    "right",
    "wide",
    "close",
)
Schema = dict[str, Any]


def write_catalog(dest: Path, *, n_schemas: int, seed: int = 7) -> Path:
    """Write a catalog of `n_schemas` provider schema files below `dest`; return `dest`."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    for shared in ("meta", "canonical"):
        shutil.copytree(REAL_SCHEMAS / shared, dest / shared, dirs_exist_ok=True)
    remaining, index = n_schemas, 0
    while remaining > 0:
        remaining -= _provider(dest, rng, index, budget=remaining)
        index += 1
    return dest


def _provider(dest: Path, rng: random.Random, index: int, *, budget: int) -> int:
    """Write one provider with at most `budget` schema files; return how many it wrote."""
    pid = f"synth-{index:03d}"
    camel = rng.random() < 0.4
    written = 0
    endpoints: dict[str, Any] = {}
    for endpoint in ENDPOINTS:
        versions: dict[str, Any] = {}
        for version in VERSIONS:
            if written >= budget:
                break
            folder = dest / pid / endpoint / version
            folder.mkdir(parents=True, exist_ok=True)
            _dump_json(folder / "request.json", request_schema(rng, camel=camel))
            written += 1
            if written < budget:
                _dump_json(folder / "response.json", response_schema(rng, camel=camel))
                written += 1
            versions[version] = _manifest_version(rng, pid, endpoint)
        if versions:
            endpoints[endpoint] = {"current": max(versions), "versions": versions}
    manifest = {
        "id": pid,
        "name": f"Synthetic gateway {index}",
        "base_url": f"https://api.{pid}.example",
        "auth": {"header": "Authorization", "scheme": "Bearer", "env": f"SYNTH_{index:03d}_KEY"},
        "endpoints": endpoints,
    }
    (dest / pid / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), "utf-8")
    return written


def _manifest_version(rng: random.Random, pid: str, endpoint: str) -> dict[str, Any]:
    model = f"kling/v3/pro/{endpoint}"
    submit = {"method": "POST", "path": f"/v1/{model}"}
    lifecycle: dict[str, Any] = {"kind": "sync", "submit": submit}
    if rng.random() < 0.5:
        lifecycle = {
            "kind": "runs",
            "submit": submit,
            "status": {"method": "GET", "path": "/v1/runs/{run_id}"},
            "run_id": "/id",
            "status_field": "/status",
            "statuses": {"queued": ["queued"], "running": ["running"], "succeeded": ["done"]},
        }
    rate = round(rng.uniform(0.05, 0.2), 3)
    return {
        "model": model,
        "lifecycle": lifecycle,
        "pricing": {"currency": "USD", "rates": [{"per_second": rate}], "note": f"{pid} list"},
    }


def _dump_json(path: Path, data: Schema) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _names(rng: random.Random, count: int, *, camel: bool) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        first, second = rng.sample(WORDS, 2)
        name = first + second.capitalize() if camel else f"{first}_{second}"
        if name not in names:
            names.append(name)
    return names


def _scalar(rng: random.Random) -> Schema:
    kind = rng.choice(("string", "string", "integer", "number", "boolean", "enum", "uri"))
    desc = {"description": " ".join(rng.choices(WORDS, k=rng.randint(4, 14))).capitalize() + "."}
    if kind == "string":
        return {"type": "string", "minLength": 1, "maxLength": rng.choice((64, 512, 2500)), **desc}
    if kind == "uri":
        return {"type": "string", "format": "uri", **desc}
    if kind == "integer":
        low = rng.randint(0, 5)
        return {"type": "integer", "minimum": low, "maximum": low + rng.randint(5, 100), **desc}
    if kind == "number":
        return {"type": "number", "minimum": 0, "maximum": rng.choice((1, 10, 100)), **desc}
    if kind == "boolean":
        return {"type": "boolean", "default": rng.random() < 0.5, **desc}
    values = rng.sample(ENUM_WORDS, rng.randint(2, 6))
    return {"type": "string", "enum": values, "default": values[0], **desc}


def _object(rng: random.Random, count: int, *, camel: bool, title: str | None = None) -> Schema:
    names = _names(rng, count, camel=camel)
    schema: Schema = {"type": "object"}
    if title:
        schema["title"] = title
    schema["properties"] = {name: _scalar(rng) for name in names}
    schema["required"] = sorted(rng.sample(names, max(1, count // 4)))
    schema["additionalProperties"] = False
    return schema


def request_schema(rng: random.Random, *, camel: bool) -> Schema:
    """A request body: 10-40 properties, nested objects and arrays of objects, $defs."""
    schema = _object(rng, rng.randint(10, 40), camel=camel, title="Request")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    props = schema["properties"]
    item = _object(rng, rng.randint(2, 6), camel=camel)
    schema["$defs"] = {"Element": item}
    props["elements"] = {
        "type": "array",
        "items": {"$ref": "#/$defs/Element"},
        "minItems": 1,
        "maxItems": rng.randint(2, 5),
        "description": "Reference elements.",
    }
    props["settings"] = _object(rng, rng.randint(3, 8), camel=camel)
    props["tags"] = {"type": "array", "items": {"type": "string"}, "maxItems": 10}
    return schema


def response_schema(rng: random.Random, *, camel: bool) -> Schema:
    """A result body: 5-15 properties with a nested output object and a status enum."""
    schema = _object(rng, rng.randint(5, 15), camel=camel, title="Response")
    schema["properties"]["status"] = {"type": "string", "enum": ["queued", "running", "done"]}
    schema["properties"]["output"] = {
        "type": "object",
        "properties": {
            "video": {"type": "string", "format": "uri"},
            "seconds": {"type": "number", "minimum": 0},
        },
        "required": ["video"],
    }
    schema["required"] = sorted({*schema["required"], "status"})
    return schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_catalog(args.dest, n_schemas=args.n, seed=args.seed)
    print(f"wrote {args.n} provider schemas below {args.dest}")


if __name__ == "__main__":
    main()

"""`kling-codegen validate` on one payload vs a jsonschema-rs script doing the same.

The baseline is the shortest honest script: load a ready JSON Schema (the normalized
validator schema of the same version, written to a file beforehand, so the script does not
even normalize), load the payload, print every error, exit 1 when there are some. Both run
as fresh interpreters of the same venv, interleaved, on one valid and one invalid example of
the first endpoint in the catalog.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bench.run import CLI, REPO, median, record, repeats, run_cmd, spread

SCRIPT = """
import json, sys
import jsonschema_rs
schema = json.load(open(sys.argv[1], encoding="utf-8"))
payload = json.load(open(sys.argv[2], encoding="utf-8"))
errors = sorted((e.instance_path, e.message) for e in jsonschema_rs.validator_for(schema).iter_errors(payload))
for path, message in errors: print(path, message)
sys.exit(1 if errors else 0)
"""


def _target() -> tuple[str, Path, Path, Path]:
    """(target, normalized request schema file, valid example, invalid example)."""
    from codegen.catalog import load_catalog
    from codegen.normalize import normalize_schema

    catalog = load_catalog(REPO / "schemas")
    for endpoint in catalog.endpoints():
        version = endpoint.current_version()
        examples = sorted(
            (REPO / "schemas" / version.schemas["request"].path).parent.glob("examples/*.json")
        )
        valid = [p for p in examples if p.name.startswith("request-")]
        invalid = [p for p in examples if p.name.startswith("invalid-request-")]
        if valid and invalid:
            schema = normalize_schema(version.schemas["request"]).validator
            file = Path(tempfile.mkdtemp(prefix="bench-validate-")) / "schema.json"
            file.write_text(json.dumps(schema), encoding="utf-8")
            return endpoint.key, file, valid[0], invalid[0]
    raise RuntimeError("no endpoint with a valid and an invalid request example")


def run() -> str:
    target, schema, valid, invalid = _target()
    n = repeats(15, 5)
    ours: dict[str, list[float]] = {"valid": [], "invalid": []}
    theirs: dict[str, list[float]] = {"valid": [], "invalid": []}
    for _ in range(n):
        for label, payload in (("valid", valid), ("invalid", invalid)):
            wall, done = run_cmd([CLI, "validate", target, str(payload)])
            if done.returncode != (0 if label == "valid" else 1):
                raise RuntimeError(f"validate {payload.name}: exit {done.returncode} {done.stderr}")
            ours[label].append(wall)
            theirs[label].append(
                run_cmd([sys.executable, "-c", SCRIPT, str(schema), str(payload)])[0]
            )
    rows = [
        "## `kling-codegen validate` on one payload",
        "",
        f"`kling-codegen validate {target} FILE` vs a jsonschema-rs script (load the schema"
        " and the payload, print every error); fresh interpreters, interleaved, median of"
        f" {n} (seconds; min..max). Payloads: `{valid.name}`, `{invalid.name}`.",
        "",
        "| payload | jsonschema-rs script (baseline) | `kling-codegen validate` | ratio |",
        "|---|---|---|---|",
    ]
    for label in ("valid", "invalid"):
        ratio = median(ours[label]) / median(theirs[label])
        rows.append(
            f"| {label} | {spread(theirs[label])} | {spread(ours[label])} | **{ratio:.2f}x** |"
        )
        record(
            f"`kling-codegen validate` one {label} payload vs a jsonschema-rs script",
            ratio,
            1.5,
            "x",
            note=f"{median(ours[label]) * 1000:.0f} vs {median(theirs[label]) * 1000:.0f} ms",
        )
    return "\n".join(rows) + "\n"

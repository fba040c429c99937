"""Scale: full regeneration of synthetic catalogs of 10, 100 and 1000 provider schemas.

Catalogs come from bench/synth.py (seed 7). Each run is the real CLI in a subprocess into a
new output folder with a new XDG_CACHE_HOME (cold), with the default worker count. The
largest catalog is also given, interleaved, to ONE `datamodel-codegen --input DIR` call over
the same schema files (its fastest mode): the baseline of the scale target. Growth is judged
by the marginal cost per schema: between 100 and 1000 schemas it should be no more than
between 10 and 100.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from functools import partial
from pathlib import Path

from bench.generate_bench import (
    cli_generate,
    dir_baseline,
    env_with_cache,
    model_schemas,
    with_cpu,
)
from bench.run import median, quick, record, run_cmd, spread
from bench.synth import write_catalog

STAGES_PROBE = """
import json, sys, time
from pathlib import Path
from codegen.catalog import load_catalog
from codegen.generate import generate
from codegen.normalize.schema import normalize_schema
from codegen.render.models import render_model_batch
root = Path(sys.argv[1])
generate(root)  # imports and first-call costs out of the way
t0 = time.perf_counter(); generate(root); t1 = time.perf_counter()
catalog = load_catalog(root); t2 = time.perf_counter()
sources = [s for p in catalog.providers.values() for e in p.endpoints.values()
           for v in e.versions.values() for s in v.schemas.values()]
normalized = [normalize_schema(s) for s in sources]; t3 = time.perf_counter()
render_model_batch([(n.model, "Request", s.path) for s, n in zip(sources, normalized)])
t4 = time.perf_counter()
print(json.dumps({"total": t1 - t0, "load": t2 - t1, "normalize": t3 - t2,
                  "render_models": t4 - t3, "schemas": len(sources)}))
"""
SIZES_FULL = ((10, 3), (100, 3), (1000, 2))  # (schemas, runs)
SIZES_QUICK = ((10, 2), (50, 1))


def run() -> str:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp_name:
        return _run(Path(tmp_name))


def stages(schemas: Path) -> list[str]:
    """Where the per-schema time goes: warm in-process stages on one synthetic catalog."""
    _, done = run_cmd([sys.executable, "-c", STAGES_PROBE, str(schemas)])
    if done.returncode != 0:
        return [f"Stage split unavailable: {done.stderr.strip().splitlines()[-1:]}"]
    t = json.loads(done.stdout.strip().splitlines()[-1])
    n, total = t["schemas"], t["total"]
    rest = total - t["load"] - t["normalize"] - t["render_models"]
    parts = [
        ("load the catalog (JSON, YAML manifests, meta checks)", t["load"]),
        (
            "normalize (includes the JSON Schema meta-schema check)",
            t["normalize"],
        ),
        ("models (datamodel-code-generator, one batch, in-process)", t["render_models"]),
        ("everything else, by difference (templates, headers, ruff check + format)", rest),
    ]
    lines = [
        f"Where the time goes: warm in-process `generate()` on the {n}-schema catalog"
        f" (one run, imports excluded): {total:.2f} s, {total / n * 1000:.1f} ms per schema.",
        "",
        "| stage | seconds | ms per schema | share |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b:.2f} | {b / n * 1000:.1f} | {b / total:.0%} |" for a, b in parts]
    return lines


def _run(tmp: Path) -> str:
    sizes = SIZES_QUICK if quick() else SIZES_FULL
    results: dict[int, list[float]] = {}
    files: dict[int, int] = {}
    peer: list[float] = []
    peer_cpu: list[float] = []
    ours_cpu: list[float] = []
    for n, runs in sizes:
        schemas = write_catalog(tmp / f"catalog-{n}", n_schemas=n, seed=7)
        times = []
        for i in range(runs):
            out = tmp / f"out-{n}-{i}"
            run = partial(cli_generate, schemas, out, env=env_with_cache(tmp))
            if n != sizes[-1][0]:
                times.append(run())
                continue
            # the largest catalog: the baseline interleaved with ours, CPU of both counted
            peer.append(with_cpu(partial(dir_baseline, model_schemas(schemas), tmp), peer_cpu))
            times.append(with_cpu(run, ours_cpu))
        files[n] = sum(1 for p in out.rglob("*") if p.is_file())
        results[n] = times

    rows = [
        "## Scale: synthetic catalogs",
        "",
        "Synthetic catalogs from `bench/synth.py` (N provider schema files = N/2 endpoint"
        " versions with request.json + response.json, 10-40 request properties, enums, ranges,"
        " nested objects, arrays of `$ref` objects; plus the 4 canonical schemas). Cold CLI"
        " runs, median seconds (min..max, n).",
        "",
        "| schemas | files written | seconds | per schema | vs 10 schemas |",
        "|---|---|---|---|---|",
    ]
    first, last = sizes[0][0], sizes[-1][0]
    for n, times in results.items():
        mid = median(times)
        rows.append(
            f"| {n} | {files[n]} | {spread(times)} | {mid / n * 1000:.0f} ms |"
            f" {mid / median(results[first]):.1f}x |"
        )
    ratio = median(results[last]) / median(peer)
    cores = len(os.sched_getaffinity(0))
    floor = median(ours_cpu) / cores / median(peer)
    rows += [
        "",
        f"Baseline: ONE `datamodel-codegen --input DIR` call over the same {last + 4} schema"
        f" files (`--formatters ruff-format`), interleaved: {spread(peer)}. Ours at {last}"
        f" schemas: **{ratio:.2f}x** of it, while writing {files[last]} files (models,"
        " validators, clients, docs) where it writes one module per schema.",
        "",
        f"CPU seconds (user + system, every process of the run): baseline {spread(peer_cpu)},"
        f" ours {spread(ours_cpu)} ({median(ours_cpu) / median(peer_cpu):.2f}x). Spread over"
        f" this machine's {cores} cores, ours cannot take less than {floor:.2f}x the"
        " baseline's wall time.",
    ]
    record(
        f"Scale: {last} synthetic schemas vs ONE datamodel-codegen directory call",
        ratio,
        0.8,
        "x",
        note=f"{median(results[last]):.2f} vs {median(peer):.2f} s, default worker count; CPU"
        f" {median(ours_cpu):.1f} vs {median(peer_cpu):.1f} s, so on {cores} cores no less"
        f" than {floor:.2f}x",
    )
    rows += ["", *stages(tmp / f"catalog-{sizes[1][0]}")]
    ns = [n for n, _ in sizes]
    t = {n: median(results[n]) for n in ns}
    low = (t[ns[1]] - t[ns[0]]) / (ns[1] - ns[0])
    rows += [
        "",
        f"- Marginal cost per schema {ns[0]}->{ns[1]}: **{low * 1000:.0f} ms**.",
    ]
    if len(ns) > 2:
        high = (t[ns[2]] - t[ns[1]]) / (ns[2] - ns[1])
        exponent = math.log(t[ns[2]] / t[ns[1]]) / math.log(ns[2] / ns[1])
        fixed = t[ns[0]] - low * ns[0]
        rows += [
            f"- Marginal cost per schema {ns[1]}->{ns[2]}: **{high * 1000:.0f} ms**"
            f" ({high / low:.2f}x the {ns[0]}->{ns[1]} figure; 1.00x is exactly linear).",
            f"- Growth exponent {ns[1]}->{ns[2]} (t ~ N^k): k = {exponent:.2f}.",
            f"- Fixed cost (intercept): ~{fixed:.2f} s.",
        ]
        record(
            f"Scale: linear growth (marginal cost per schema {ns[1]}->{ns[2]} / {ns[0]}->{ns[1]})",
            high / low,
            1.25,
            "x",
            note=f"{high * 1000:.0f} vs {low * 1000:.0f} ms per schema",
        )
    else:
        rows.append("- `--quick`: 1000 schemas not run; see a full run for the 1000 target.")
    return "\n".join(rows) + "\n"

"""Regeneration of the real catalog: full, no-op, incremental and `--check`.

Every generation goes through a subprocess of the real CLI (start-up counted), on a copy
of `schemas/` in a temp folder, into a temp output folder (`generated/` is never touched).
In-process timings of `codegen.generate.generate()` give the split between start-up, lazy
imports and work. Two external baselines, timed in the same run, interleaved with ours: the
peer's fastest mode, ONE `datamodel-codegen --input DIR` call over a folder holding the same
schema files (every figure is given as a ratio against it), and what a user would script by
hand, `datamodel-codegen` once per schema file. Both with `--formatters ruff-format`.
"""

from __future__ import annotations

import json
import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import IO

from bench.run import CLI, REPO, VENV_BIN, median, quick, record, repeats, run_cmd, spread

SPLIT_PROBE = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from codegen.generate import generate
t1 = time.perf_counter()
files = generate(Path(sys.argv[1]))
t2 = time.perf_counter()
generate(Path(sys.argv[1]))
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "warm": t3 - t2, "files": len(files)}))
"""
PROFILE_PROBE = """
import cProfile, pstats, sys
from pathlib import Path
from codegen.generate import generate
profile = cProfile.Profile()
profile.enable()
generate(Path(sys.argv[1]))
profile.disable()
pstats.Stats(profile).sort_stats("cumulative").print_stats(int(sys.argv[2]))
"""


def edited_schema(schemas: Path) -> Path:
    """The schema the incremental case edits: the first provider request.json of the catalog
    (any gateway will do; none is named here)."""
    found = sorted(p for p in schemas.glob("*/*/*/request.json") if p.parts[-4] != "canonical")
    if not found:
        raise RuntimeError(f"no provider request.json below {schemas}")
    return found[0]


def env_with_cache(tmp: Path) -> dict[str, str]:
    """The user's environment with a new, empty generator cache (KLING_CODEGEN_CACHE) and
    cache home: by default the cache sits beside the output folder, shared by all of ours."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=tmp))
    return {**os.environ, "XDG_CACHE_HOME": str(cache), "KLING_CODEGEN_CACHE": str(cache)}


def cli_generate(
    schemas: Path, out: Path, *, check: bool = False, env: dict[str, str] | None = None
) -> float:
    args = [CLI, "generate", "--schemas", str(schemas), "--out", str(out)]
    wall, done = run_cmd([*args, "--check"] if check else args, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return wall


def model_schemas(schemas: Path) -> list[Path]:
    """The schema files the generator turns into models (provider and canonical)."""
    kinds = ("request", "response", "status", "callback")
    found = [p for k in kinds for p in schemas.glob(f"*/*/*/{k}.json")]
    return sorted(found + list(schemas.glob("canonical/*/*.json")))


def baseline_pass(files: list[Path], out: Path) -> tuple[float, int]:
    """One run of datamodel-codegen per file; (total wall, number of failures).

    Under `--quick` only every third file runs and the total is scaled to all files.
    """
    chosen = files[::3] if quick() else files
    total, failures = 0.0, 0
    exe = str(VENV_BIN / "datamodel-codegen")
    for index, path in enumerate(chosen):
        args = [exe, "--input", str(path), "--input-file-type", "jsonschema"]
        args += ["--output-model-type", "pydantic_v2.BaseModel"]
        args += ["--output", str(out / f"m{index}.py"), "--formatters", "ruff-format"]
        wall, done = run_cmd(args)
        total += wall
        failures += done.returncode != 0
    return total * len(files) / len(chosen), failures


def dir_baseline(files: list[Path], tmp: Path) -> float:
    """One `datamodel-codegen --input DIR` call over copies of `files`; wall seconds."""
    folder = Path(tempfile.mkdtemp(prefix="dir-in-", dir=tmp))
    for index, path in enumerate(files):
        shutil.copyfile(path, folder / f"s{index:04d}_{path.name}")
    out = Path(tempfile.mkdtemp(prefix="dir-out-", dir=tmp)) / "models"
    args = [str(VENV_BIN / "datamodel-codegen"), "--input", str(folder)]
    args += ["--input-file-type", "jsonschema", "--output-model-type", "pydantic_v2.BaseModel"]
    args += ["--output", str(out), "--formatters", "ruff-format"]
    wall, done = run_cmd(args)
    if done.returncode != 0:
        raise RuntimeError(f"datamodel-codegen directory mode failed: {done.stderr[-2000:]}")
    return wall


def cpu_seconds() -> float:
    """User + system CPU of every finished child of this process, their own children
    included (a run's model workers, import check and ruff are reaped by the run)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def with_cpu(run: Callable[[], float], cpu: list[float]) -> float:
    """`run()`'s wall seconds; the CPU seconds its processes used are appended to `cpu`."""
    before = cpu_seconds()
    wall = run()
    cpu.append(cpu_seconds() - before)
    return wall


def split_probe(schemas: Path) -> dict[str, float]:
    _, done = run_cmd([sys.executable, "-c", SPLIT_PROBE, str(schemas)])
    if done.returncode != 0:
        raise RuntimeError(f"in-process generate() failed: {done.stderr.strip()[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def profile_top(schemas: Path, lines: int = 30) -> str:
    _, done = run_cmd([sys.executable, "-c", PROFILE_PROBE, str(schemas), str(lines)])
    text = done.stdout.strip().splitlines()
    start = next((i for i, line in enumerate(text) if "function calls" in line), 0)
    return "\n".join(text[start : start + lines + 6])


def edit_schema(path: Path, counter: int) -> None:
    """A real change: the root description of one request schema."""
    data = json.loads(path.read_text("utf-8"))
    data["description"] = f"Benchmark edit number {counter}."
    path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")


def watch_latencies(schemas: Path, out: Path, env: dict[str, str], n: int) -> list[float]:
    """Seconds from an edit being saved to `generate --watch` printing that it wrote the
    output folder, for `n` edits, one at a time."""
    args = [CLI, "generate", "--watch", "--schemas", str(schemas), "--out", str(out)]
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines: queue.Queue[tuple[str, str]] = queue.Queue()
    for name, stream in (("out", proc.stdout), ("err", proc.stderr)):
        threading.Thread(target=_pump, args=(name, stream, lines), daemon=True).start()
    try:
        _until(lines, "err", "watching")
        times = []
        for i in range(n):
            edit_schema(edited_schema(schemas), 1000 + i)
            started = time.perf_counter()
            _until(lines, "out", "files in")
            times.append(time.perf_counter() - started)
            time.sleep(0.3)
        return times
    finally:
        proc.send_signal(signal.SIGTERM)  # SIGINT may be ignored (a background shell job)
        proc.wait(timeout=60)


def _pump(name: str, stream: IO[str] | None, lines: queue.Queue[tuple[str, str]]) -> None:
    for line in stream or ():
        lines.put((name, line))


def _until(lines: queue.Queue[tuple[str, str]], stream: str, text: str) -> None:
    while True:
        name, line = lines.get(timeout=120)
        if name == stream and text in line:
            return
        if "error" in line:
            raise RuntimeError(f"generate --watch: {line.strip()}")


def run() -> str:
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp_name:
        return _run(Path(tmp_name))


def _run(tmp: Path) -> str:
    schemas = tmp / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    files = model_schemas(schemas)
    n = repeats(5, 2)

    cold: list[float] = []
    peer: list[float] = []
    cold_cpu: list[float] = []
    peer_cpu: list[float] = []
    for i in range(n):  # interleaved: the machine's load hits both alike
        peer.append(with_cpu(lambda: dir_baseline(files, tmp), peer_cpu))
        cold.append(
            with_cpu(
                partial(cli_generate, schemas, tmp / f"cold-{i}", env=env_with_cache(tmp)), cold_cpu
            )
        )
    help_wall = median([run_cmd([CLI, "--help"])[0] for _ in range(repeats(9, 5))])
    splits = [split_probe(schemas) for _ in range(repeats(3, 2))]
    first = median([s["first"] for s in splits])
    warm = median([s["warm"] for s in splits])
    imports = median([s["import"] for s in splits])

    base_dir = tmp / "baseline"
    base_dir.mkdir()
    passes = [baseline_pass(files, base_dir) for _ in range(repeats(3, 1))]
    base = median([p[0] for p in passes])
    failures = passes[0][1]

    out = tmp / "out"
    env = env_with_cache(tmp)
    cli_generate(schemas, out, env=env)
    noop: list[float] = []
    check: list[float] = []
    incremental: list[float] = []
    incremental_cpu: list[float] = []
    for i in range(n):
        peer.append(with_cpu(lambda: dir_baseline(files, tmp), peer_cpu))
        noop.append(cli_generate(schemas, out, env=env))
        check.append(cli_generate(schemas, out, check=True, env=env))
        edit_schema(edited_schema(schemas), i)
        incremental.append(with_cpu(lambda: cli_generate(schemas, out, env=env), incremental_cpu))
    watched = watch_latencies(schemas, out, env, repeats(9, 3))
    profile = "(skipped under --quick)" if quick() else profile_top(schemas)

    ours, dir_call = median(cold), median(peer)
    cores = len(os.sched_getaffinity(0))
    floor = median(cold_cpu) / cores  # no run is faster than its CPU spread over every core
    speedup = base / ours
    record(
        "Cold regeneration of the catalog vs ONE datamodel-codegen directory call",
        ours / dir_call,
        1.0,
        "x",
        note=f"{ours:.3f} vs {dir_call:.3f} s; {len(files)} schema files; CPU"
        f" {median(cold_cpu):.2f} vs {median(peer_cpu):.2f} s, so on {cores} cores no less"
        f" than {floor / dir_call:.2f}x",
    )
    record(
        "Full regeneration vs datamodel-codegen once per schema",
        speedup,
        10.0,
        "x",
        higher_is_better=True,
        note=f"baseline {base:.2f} s for {len(files)} schema files",
    )
    for name, times, limit in (
        ("No-op `generate` (nothing changed)", noop, 0.25),
        ("Incremental `generate` (one schema edited)", incremental, 0.4),
        ("`generate --check` (up to date)", check, 0.25),
        ("Incremental `generate --watch` (one schema edited: save to files written)", watched, 0.4),
    ):
        note = f"{median(times) / dir_call:.2f}x the directory call"
        if times is incremental:
            cpu = median(incremental_cpu)
            note += f"; CPU {cpu:.2f} s, so on {cores} cores no less than {cpu / cores:.3f} s"
        record(name, median(times), limit, "s", note=note)

    rest = ours - help_wall - imports - first
    lines = [
        "## Regeneration of the catalog",
        "",
        f"Real catalog (`schemas/`, {len(files)} schema files rendered to models), copied to a"
        " temp folder; every figure is the CLI in a subprocess (start-up included), median"
        " seconds (min..max, n). Cold runs use a new output folder and a new, empty content-hash"
        " cache (KLING_CODEGEN_CACHE); no-op, incremental and `--check` share one warm cache."
        " The in-process split and profile call `generate()` without a cache.",
        "",
        "| run | seconds | vs ONE directory call | vs once per file |",
        "|---|---|---|---|",
        f"| baseline: ONE `datamodel-codegen --input DIR` over the {len(files)} files,"
        f" `--formatters ruff-format` | {spread(peer)} | **1.00x** | {dir_call / base:.3f}x |",
        f"| baseline: `datamodel-codegen` x {len(files)} files, `--formatters ruff-format`"
        f" ({failures} of them failed{', every third file, scaled' if quick() else ''})"
        f" | {spread([p[0] for p in passes])} | {base / dir_call:.2f}x | 1.00x |",
        *[
            f"| `kling-codegen generate`, {label} | {spread(times)} |"
            f" **{median(times) / dir_call:.2f}x** | {median(times) / base:.3f}x |"
            for label, times in (
                ("cold (empty output folder and cache)", cold),
                ("no-op (nothing changed)", noop),
                ("incremental (one request.json edited)", incremental),
                ("`--check` (up to date)", check),
                ("`--watch`, one request.json edited: from the save to the files written", watched),
            )
        ],
        "",
        "Ratios below 1.00x are faster than the baseline. The directory-call runs are"
        " interleaved with ours (one before each cold run, one before each no-op/check/"
        "incremental round) and their median is the baseline of every row.",
        "",
        f"CPU seconds of every process of a run (user + system, the run's workers, import"
        f" check and ruff included), medians; a run cannot take less wall time than its CPU"
        f" spread over the machine's {cores} cores:",
        "",
        "| run | CPU seconds | vs the directory call's CPU | floor on this machine |",
        "|---|---|---|---|",
        *[
            f"| {label} | {spread(cpu)} | {median(cpu) / median(peer_cpu):.2f}x |"
            f" {median(cpu) / cores:.3f} s ({median(cpu) / cores / dir_call:.2f}x its wall) |"
            for label, cpu in (
                ("baseline: ONE directory call", peer_cpu),
                ("`kling-codegen generate`, cold", cold_cpu),
                ("`kling-codegen generate`, incremental", incremental_cpu),
            )
        ],
        "",
        "Split of a cold CLI run (medians; in-process figures from a fresh interpreter that"
        " calls `codegen.generate.generate()` twice):",
        "",
        "| part | seconds | share |",
        "|---|---|---|",
        f"| start-up: interpreter + CLI (`kling-codegen --help`) | {help_wall:.3f} |"
        f" {help_wall / ours:.0%} |",
        f"| `import codegen.generate` | {imports:.3f} | {imports / ours:.0%} |",
        f"| first `generate()` (lazy imports + work) | {first:.3f} | {first / ours:.0%} |",
        f"| of which lazy imports (first - warm call) | {first - warm:.3f} |"
        f" {(first - warm) / ours:.0%} |",
        f"| of which work (second, warm call in the same process) | {warm:.3f} |"
        f" {warm / ours:.0%} |",
        f"| the rest (write, click, exit) | {rest:.3f} | {rest / ours:.0%} |",
        "",
        "The baseline's per-file cost is mostly its own start-up: each run imports"
        " datamodel-code-generator and pydantic again and starts ruff once per file.",
        "",
        "Profile of one in-process `generate()` on the catalog (fresh interpreter, sorted by"
        " cumulative time):",
        "",
        "```",
        profile,
        "```",
    ]
    return "\n".join(lines) + "\n"

"""Run every benchmark and write bench/RESULTS.md: `python -m bench.run [--quick]`.

Each bench module's `run() -> str` returns a Markdown section. Modules written by others
(client_bench, diff_bench) are included when present; a module that fails to import or
run is recorded in RESULTS.md with its error, and the others still run.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import platform
import sys
import time
import traceback
from pathlib import Path

import bench
from bench import TARGETS, Target, fmt

MODULES = (
    "bench.startup_bench",
    "bench.generate_bench",
    "bench.scale_bench",
    "bench.validation_bench",
    "bench.client_bench",
    "bench.diff_bench",
)
PACKAGES = (
    "kling-codegen",
    "datamodel-code-generator",
    "ruff",
    "pydantic",
    "pydantic-core",
    "jsonschema",
    "jsonschema-rs",
    "fastjsonschema",
    "click",
    "httpx",
)
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return "\n".join(
        [
            "## Machine",
            "",
            f"- CPU cores: {os.cpu_count()} ({platform.machine()}, {platform.processor() or '?'})",
            f"- Python {platform.python_version()} ({platform.python_implementation()}),"
            f" {platform.system()} {platform.release()}",
            f"- Load average at start: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
            " (other engineers run tests on the same machine: absolute figures are noisy,"
            " ratios against a baseline measured in the same run are the comparable ones)",
            f"- Packages: {', '.join(versions)}",
            "",
        ]
    )


def run_module(name: str) -> tuple[str, float]:
    """(section, seconds). A missing module gives an empty section; a failing one its error."""
    start = time.perf_counter()
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return "", 0.0
        return failure(name, "import"), time.perf_counter() - start
    except Exception:
        return failure(name, "import"), time.perf_counter() - start
    try:
        section = module.run()
        if not isinstance(section, str):
            raise TypeError(f"run() returned {type(section).__name__}, not str")
    except Exception:
        return failure(name, "run()"), time.perf_counter() - start
    return section.rstrip() + "\n", time.perf_counter() - start


def failure(name: str, stage: str) -> str:
    text = traceback.format_exc().strip().splitlines()
    lines = [f"## {name}: FAILED", "", f"`{name}` failed in {stage}:", ""]
    return "\n".join([*lines, "```", *text[-25:], "```", ""])


def summary(targets: list[Target]) -> str:
    rows = [
        "## Summary of targets",
        "",
        "| target | measured | limit | result | note |",
        "|---|---|---|---|---|",
    ]
    for t in targets:
        sign = ">=" if t.higher_is_better else "<="
        verdict = "**met**" if t.met else f"**{t.verdict}**"
        rows.append(
            f"| {t.name} | {fmt(t.measured, t.unit)} | {sign} {fmt(t.limit, t.unit)} |"
            f" {verdict} | {t.note} |"
        )
    met = sum(t.met for t in targets)
    rows += ["", f"{met} of {len(targets)} targets met.", ""]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the kling-codegen benchmarks.")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller catalogs")
    parser.add_argument("--only", action="append", help="run only these modules (repeatable)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        os.environ["BENCH_QUICK"] = "1"
    started = time.perf_counter()
    sections, timings = [], []
    head = machine()
    for name in MODULES:
        if args.only and name.rsplit(".", 1)[-1] not in args.only and name not in args.only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        section, seconds = run_module(name)
        if section:
            sections.append(section)
            timings.append(f"{name} {seconds:.0f} s")
    mode = "quick" if bench.quick() else "full"
    total = time.perf_counter() - started
    title = [
        "# Benchmark results",
        "",
        f"Written by `python -m bench.run{' --quick' if bench.quick() else ''}` ({mode} run,"
        f" {total:.0f} s: {', '.join(timings)}). Regenerate with `bash scripts/bench`;"
        " not part of the test run. Times are medians of repeated runs; ratios are against"
        " a baseline measured in the same run.",
        "",
    ]
    text = "\n".join([*title, summary(TARGETS), head, *sections])
    args.output.write_text(text.rstrip() + "\n", "utf-8")
    print(f"wrote {args.output} in {total:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run every benchmark and write bench/RESULTS.md: `python -m bench.run [--quick]`.

Also the harness the bench modules share: the `quick` switch, timing helpers (medians of
repeated runs) and the target registry (`record`) that becomes the summary table. Modules
that do not call `record` still run; their sections just add no rows to the table.

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
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CLI = str(VENV_BIN / "kling-codegen")


def quick() -> bool:
    """True under `--quick` (fewer repeats, smaller catalogs)."""
    return os.environ.get("BENCH_QUICK") == "1"


def repeats(full: int, fast: int) -> int:
    return fast if quick() else full


@dataclass(frozen=True)
class Target:
    name: str
    measured: float
    limit: float
    unit: str  # "s", "ms", "x" (a ratio; lower is better unless higher_is_better)
    higher_is_better: bool = False
    note: str = ""

    @property
    def met(self) -> bool:
        return self.measured >= self.limit if self.higher_is_better else self.measured <= self.limit

    @property
    def verdict(self) -> str:
        if self.higher_is_better:
            factor = self.measured / self.limit if self.limit else float("inf")
            return "met" if self.met else f"missed: {factor:.2f} of the target"
        factor = self.measured / self.limit if self.limit else float("inf")
        return "met" if self.met else f"missed by {factor:.2f}x"


TARGETS: list[Target] = []


def record(
    name: str,
    measured: float,
    limit: float,
    unit: str,
    *,
    higher_is_better: bool = False,
    note: str = "",
) -> Target:
    """Register a target for the summary table of RESULTS.md."""
    target = Target(name, measured, limit, unit, higher_is_better, note)
    TARGETS.append(target)
    return target


def fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "us":
        return f"{value:.1f} µs"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:.3f} s"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def timed(fn: Callable[[], object], *, runs: int) -> list[float]:
    """Wall times in seconds of `runs` calls of `fn`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def run_cmd(
    args: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run a command to completion; return (wall seconds, completed process)."""
    start = time.perf_counter()
    done = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def spread(values: Sequence[float], unit: str = "s") -> str:
    """`median (min..max, n=N)` for a results table."""
    scale = 1000.0 if unit == "ms" else 1.0
    lo, hi, mid = min(values) * scale, max(values) * scale, median(values) * scale
    digits = 1 if unit == "ms" else 3
    return f"{mid:.{digits}f} ({lo:.{digits}f}..{hi:.{digits}f}, n={len(values)})"


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
    mode = "quick" if quick() else "full"
    total = time.perf_counter() - started
    title = [
        "# Benchmark results",
        "",
        f"Written by `python -m bench.run{' --quick' if quick() else ''}` ({mode} run,"
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
    # Run the importable `bench.run`, whose TARGETS the bench modules record into.
    from bench.run import main as _main

    sys.exit(_main())

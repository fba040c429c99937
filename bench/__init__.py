"""Benchmarks for kling-codegen (not part of the test run): `python -m bench.run [--quick]`.

Each bench module exposes `run() -> str` (a Markdown section). Shared here: the `quick`
switch, timing helpers (medians of repeated runs) and the target registry that
`bench.run` turns into the summary table. Modules that do not call `record` still run;
their sections simply add no rows to the table.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
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

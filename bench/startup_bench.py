"""CLI start-up: import time of the click CLI (`codegen.commands.group`, what every command
but `validate`'s fast path loads) and wall time of `kling-codegen --help`.

Baseline in the same run: `python -c pass` (the interpreter alone). Also lists which heavy
modules are loaded by `--help`: none should be (they load lazily, per command).
"""

from __future__ import annotations

import json
import re
import sys

from bench.run import CLI, median, record, repeats, run_cmd, spread

HEAVY = (
    "datamodel_code_generator",
    "pydantic",
    "jsonschema",
    "jsonschema_rs",
    "httpx",
    "jinja2",
    "yaml",
    "ruff",
)
PROBE = """
import sys
from codegen.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
heavy = %r
print("@@" + repr(sorted(h for h in heavy if h in sys.modules)))
"""


def importtime(module: str) -> tuple[float, list[tuple[int, str]]]:
    """(cumulative µs of importing `module`, top-level self times) from -X importtime."""
    _, done = run_cmd([sys.executable, "-X", "importtime", "-c", f"import {module}"])
    rows: list[tuple[int, int, str]] = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            rows.append((int(match[1]), int(match[2]), match[3] + match[4]))
    total = next((cum for _, cum, name in rows if name.strip() == module), 0)
    heaviest = sorted(((cum, name.rstrip()) for _, cum, name in rows), reverse=True)[:12]
    return float(total), heaviest


def run() -> str:
    n = repeats(21, 9)
    baseline = [run_cmd([sys.executable, "-c", "pass"])[0] for _ in range(n)]
    help_times = []
    for _ in range(n):
        wall, done = run_cmd([CLI, "--help"])
        if done.returncode != 0:
            raise RuntimeError(f"kling-codegen --help failed: {done.stderr.strip()}")
        help_times.append(wall)
    imports = [importtime("codegen.commands.group") for _ in range(repeats(9, 5))]
    import_us = median([total for total, _ in imports])
    _, heaviest = imports[0]
    _, probe = run_cmd([sys.executable, "-c", PROBE % (HEAVY,)])
    loaded = re.findall(r"@@(.*)", probe.stdout)
    heavy_loaded: list[str] = json.loads(loaded[0].replace("'", '"')) if loaded else ["?"]

    over = median(help_times) - median(baseline)
    ratio = median(help_times) / median(baseline)
    record("CLI start-up: imports of the click CLI (-X importtime)", import_us / 1000, 150, "ms")
    record(
        "CLI start-up: `kling-codegen --help` wall minus `python -c pass`",
        over * 1000,
        150,
        "ms",
        note=f"{ratio:.2f}x the bare interpreter",
    )
    lines = [
        "## CLI start-up",
        "",
        f"Median of {n} runs each (ms; min..max). Baseline: `python -c pass`.",
        "",
        "| command | wall ms | vs baseline |",
        "|---|---|---|",
        f"| `python -c pass` (baseline) | {spread(baseline, 'ms')} | 1.00x |",
        f"| `kling-codegen --help` | {spread(help_times, 'ms')} | {ratio:.2f}x |",
        "",
        f"- Start-up over the bare interpreter: **{over * 1000:.1f} ms**.",
        f"- `python -X importtime -c 'import codegen.commands.group'`: **{import_us / 1000:.1f} ms**"
        f" cumulative for `codegen.commands.group` (median of {len(imports)}).",
        f"- Heavy modules loaded by `--help`: {', '.join(heavy_loaded) or 'none'}"
        f" (checked: {', '.join(HEAVY)}).",
        "",
        "Heaviest imports under `import codegen.commands.group` (cumulative µs, one run):",
        "",
        "```",
        *(f"{cum:>8} {name}" for cum, name in heaviest),
        "```",
    ]
    return "\n".join(lines) + "\n"

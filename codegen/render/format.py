"""Format every generated Python file in one ruff run (fixable lint, then format).

One process for the whole tree is what makes regeneration fast; ruff is pinned in
pyproject.toml, so the bytes do not change under us.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from codegen import scratch
from codegen.cache import NO_CACHE, Cache, digest, generator_fingerprint
from codegen.errors import OutputError

RUFF_ARGS = [
    "--isolated",
    "--line-length=100",
    "--target-version=py311",
]
FIX_RULES = "I,F401,UP,RUF022,RUF100"
FIRST_PARTY = "--config=lint.isort.known-first-party=['kling_gateways']"


def ruff_bin() -> str:
    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

    return str(find_ruff_bin())


def format_python(files: dict[str, str], *, cache: Cache = NO_CACHE) -> dict[str, str]:
    """Return `files` with every `.py` entry fixed and formatted by ruff (cached per content)."""
    keys = {p: digest(generator_fingerprint(), c) for p, c in files.items() if p.endswith(".py")}
    done = {p: hit for p, key in keys.items() if (hit := cache.get("format", key)) is not None}
    todo = {p: files[p] for p in keys if p not in done}
    formatted = _run_ruff(todo) if todo else {}
    for path, text in formatted.items():
        cache.put("format", keys[path], text)
    return {**files, **done, **formatted}


def _run_ruff(python: dict[str, str]) -> dict[str, str]:
    with scratch.folder("fmt") as tmp:
        root = Path(tmp)
        for rel, content in python.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(content, encoding="utf-8")
        _ruff(root, "check", "--fix-only", "--exit-zero", f"--select={FIX_RULES}", FIRST_PARTY)
        _ruff(root, "format")
        return {rel: (root / rel).read_text(encoding="utf-8") for rel in python}


def _ruff(root: Path, command: str, *extra: str) -> None:
    args = [ruff_bin(), command, *RUFF_ARGS, *extra, "--no-cache", "--quiet", "."]
    done = subprocess.run(args, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[:5]
        print("\n".join(detail), file=sys.stderr)
        raise OutputError(f"ruff {command} failed on generated code (a generator bug)")

"""Golden records: each case's whole generated tree, byte for byte.

Regenerate with `bash scripts/update-golden` after an intended change, and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.generate import generate

from .conftest import GOLDEN, read_tree

CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "schemas").is_dir())


RUNTIME = "kling_gateways/_runtime/"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "runtime"


def _without_runtime(files: dict[str, str]) -> dict[str, bytes]:
    """The tree minus _runtime/, after checking each runtime module is its template verbatim
    under the generated header (the golden record keeps no third copy of the runtime)."""
    runtime = {p: t for p, t in files.items() if p.startswith(RUNTIME)}
    assert sorted(p.removeprefix(RUNTIME) for p in runtime) == sorted(
        p.name for p in TEMPLATES.glob("*.py")
    )
    for path, text in runtime.items():
        template = (TEMPLATES / path.removeprefix(RUNTIME)).read_text("utf-8")
        header = text[: -len(template)]
        assert text.endswith(template), f"{path} is not templates/runtime/ verbatim"
        assert all(line.startswith("# ") for line in header.splitlines()), path
    return {p: t.encode("utf-8") for p, t in files.items() if p not in runtime}


@pytest.mark.parametrize("case", CASES)
def test_generated_tree_matches_golden(case: str) -> None:
    produced = _without_runtime(generate(GOLDEN / case / "schemas"))
    expected = read_tree(GOLDEN / case / "expected")
    assert sorted(produced) == sorted(expected), (
        "file lists differ: run `bash scripts/update-golden`"
    )
    changed = [path for path in produced if produced[path] != expected[path]]
    assert changed == [], (
        f"files differ from golden (run `bash scripts/update-golden` and review): {changed}"
    )


def test_there_are_golden_cases() -> None:
    assert "minimal" in CASES


def test_committed_generated_tree_is_the_catalogs_golden_record() -> None:
    """`generated/` itself is the golden record of the real catalog."""
    root = Path(__file__).resolve().parents[2]
    produced = {path: text.encode("utf-8") for path, text in generate(root / "schemas").items()}
    on_disk = read_tree(root / "generated")
    assert sorted(produced) == sorted(on_disk)
    assert [p for p in produced if produced[p] != on_disk[p]] == []

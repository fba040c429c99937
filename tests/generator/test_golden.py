"""Golden records: each case's whole generated tree, byte for byte.

Regenerate with `bash scripts/update-golden` after an intended change, and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.generate import generate

from .conftest import GOLDEN, read_tree

CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "schemas").is_dir())


@pytest.mark.parametrize("case", CASES)
def test_generated_tree_matches_golden(case: str) -> None:
    produced = {
        path: text.encode("utf-8") for path, text in generate(GOLDEN / case / "schemas").items()
    }
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

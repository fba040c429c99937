"""Same inputs, same bytes: whatever the hash seed, whatever the output folder's name."""

from __future__ import annotations

from pathlib import Path

from .conftest import SCHEMAS, read_tree, run_cli


def test_two_runs_with_different_hash_seeds_are_identical(tmp_path: Path) -> None:
    trees = []
    for seed in ("0", "4242"):
        out = tmp_path / f"out-{seed}"
        done = run_cli(
            "generate", "--schemas", str(SCHEMAS), "--out", str(out), env={"PYTHONHASHSEED": seed}
        )
        assert done.returncode == 0, done.stderr
        trees.append(read_tree(out))
    assert trees[0] == trees[1]
    assert len(trees[0]) > 50


def test_no_machine_paths_in_output(tmp_path: Path) -> None:
    """Timestamps are ruled out by test_golden (bytes equal to a tree made earlier)."""
    out = tmp_path / "out"
    assert run_cli("generate", "--schemas", str(SCHEMAS), "--out", str(out)).returncode == 0
    for path, data in read_tree(out).items():
        text = data.decode("utf-8")
        assert str(tmp_path) not in text, path
        assert str(SCHEMAS) not in text, path

"""Same inputs, same bytes: whatever the hash seed, whatever the output folder's name."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_cache_never_changes_the_output(tmp_path: Path) -> None:
    from codegen.cache import Cache
    from codegen.generate import generate

    from .conftest import GOLDEN

    schemas = GOLDEN / "minimal" / "schemas"
    fresh = generate(schemas)
    cache = Cache(tmp_path / "cache")
    cold = generate(schemas, cache=cache)
    warm = generate(schemas, cache=cache)
    assert fresh == cold == warm
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [
        "format",
        "models",
        "templates",
        "tree",
        "verified",
    ]


def test_a_changed_schema_misses_the_tree_cache(tmp_path: Path) -> None:
    import shutil

    from codegen.cache import Cache
    from codegen.generate import generate

    from .conftest import GOLDEN

    schemas = tmp_path / "schemas"
    shutil.copytree(GOLDEN / "minimal" / "schemas", schemas)
    cache = Cache(tmp_path / "cache")
    before = generate(schemas, cache=cache)
    request = schemas / "acme/image-to-video/2026-02-01/request.json"
    request.write_text(request.read_text().replace('"maximum": 15', '"maximum": 12'))
    after = generate(schemas, cache=cache)
    assert after == generate(schemas)
    path = "kling_gateways/acme/image_to_video/v2026_02_01/request.py"
    assert "le=12" in after[path] and "le=15" in before[path]


def test_parallel_and_serial_rendering_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    from codegen.render import parallel
    from codegen.render.parallel import ModelJob, render_many

    jobs = {
        f"k{i:02d}": ModelJob(
            {"type": "object", "properties": {f"f{i}": {"type": "integer"}}}, "M", "x"
        )
        for i in range(parallel.MIN_PARALLEL + 2)
    }
    monkeypatch.setenv("KLING_CODEGEN_JOBS", "1")
    serial = render_many(jobs)
    monkeypatch.setenv("KLING_CODEGEN_JOBS", "2")
    assert parallel._workers(len(jobs)) == 2
    assert render_many(jobs) == serial
    assert "f7: int | None = None" in serial["k07"]


def test_the_tree_cache_sees_folders_and_links(tmp_path: Path) -> None:
    import shutil

    from codegen.cache import tree_key

    from .conftest import GOLDEN

    schemas = tmp_path / "schemas"
    shutil.copytree(GOLDEN / "minimal" / "schemas", schemas)
    before = tree_key(schemas)
    (schemas / "acme/image-to-video/2027-01-01").mkdir()
    with_folder = tree_key(schemas)
    (schemas / "acme/link.json").symlink_to(schemas / "acme/manifest.yaml")
    assert len({before, with_folder, tree_key(schemas)}) == 3

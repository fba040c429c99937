"""A generation killed with SIGKILL at any point leaves the old tree or the new one, never a mix.

Two catalogs, OLD and NEW, give two known trees (NEW drops an endpoint and changes a
description, so owned files are removed and changed). A child process regenerates OLD -> NEW
and is killed (1) at each step of the writer, through its test hook KLING_CODEGEN_PAUSE_AT,
and (2) after a short random delay, a bounded number of times. After every kill the output
folder must be exactly OLD or exactly NEW (or, killed between the two renames, absent with
OLD complete in `<out>.previous`), and the next run must recover and produce NEW with no
staging or `.previous` folder left behind. A file the generator does not own survives it all.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from codegen.write import write
from tests.hardening import catalog

pytestmark = pytest.mark.slow

USER_FILES = {"NOTES.md": "mine\n", "kling_gateways/local_helper.py": "X = 1\n"}


def schema(description: str) -> dict[str, Any]:
    prop = {"type": "string", "description": description}
    return {"title": "Request", "type": "object", "properties": {"p": prop}}


def build(root: Path, description: str, endpoints: list[str]) -> Path:
    return catalog.write_endpoints(root, {e: {"request": schema(description)} for e in endpoints})


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("atomic")
    old = build(root / "old", "old text", ["image-to-video", "text-to-video"])
    new = build(root / "new", 'new """ text', ["image-to-video"])
    found: dict[str, Any] = {"root": root, "old": old, "new": new}
    for name, schemas in (("old", old), ("new", new)):
        out = root / f"ref-{name}"
        seed_user_files(out)
        assert catalog.generate(schemas, out, cwd=root).code == 0
        found[f"{name}_tree"] = catalog.snapshot(out)
    assert found["old_tree"] != found["new_tree"]
    assert set(found["old_tree"]) - set(found["new_tree"]), "NEW must drop some owned files"
    return found


def seed_user_files(out: Path) -> None:
    for rel, text in USER_FILES.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")


def fresh_old(trees: dict[str, Any], work: Path) -> Path:
    out = work / "out"
    seed_user_files(out)
    result = catalog.generate(trees["old"], out, cwd=work)
    assert result.code == 0, str(result)
    assert catalog.snapshot(out) == trees["old_tree"]
    return out


def start(trees: dict[str, Any], out: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    args = ["generate", "--schemas", str(trees["new"]), "--out", str(out)]
    full_env = {**os.environ, "PYTHONPATH": str(catalog.REPO), **env}
    return subprocess.Popen(
        [*catalog.CLI, *args],
        cwd=out.parent,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def kill(child: subprocess.Popen[str]) -> None:
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)


def state(trees: dict[str, Any], out: Path) -> str:
    """'old' or 'new' (the folder is one complete tree), or 'cut' (between the renames)."""
    previous = out.with_name(f"{out.name}.previous")
    if not out.exists():
        assert catalog.snapshot(previous) == trees["old_tree"], "neither tree is whole"
        return "cut"
    tree = catalog.snapshot(out)
    for name in ("old", "new"):
        if tree == trees[f"{name}_tree"]:
            return name
    mixed = set(tree) ^ set(trees["new_tree"])
    raise AssertionError(f"output folder is a mix of trees: {sorted(mixed)[:10]}")


def recover_and_finish(trees: dict[str, Any], out: Path) -> None:
    result = catalog.generate(trees["new"], out, cwd=out.parent)
    assert result.code == 0, str(result)
    assert catalog.snapshot(out) == trees["new_tree"]
    leftovers = sorted(p.name for p in out.parent.iterdir() if p.name != out.name)
    assert leftovers == [], leftovers


@pytest.mark.parametrize(
    ("step", "expected"),
    [("staging", "old"), ("assembled", "old"), ("renamed", "cut"), ("swapped", "new")],
)
def test_kill_at_each_writer_step(
    trees: dict[str, Any], tmp_path: Path, step: str, expected: str
) -> None:
    out = fresh_old(trees, tmp_path)
    marker = tmp_path.parent / f"{tmp_path.name}-paused"
    child = start(trees, out, {"KLING_CODEGEN_PAUSE_AT": f"{step}:{marker}"})
    try:
        for _ in range(600):
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), f"the writer never reached {step!r}"
    finally:
        kill(child)
    assert state(trees, out) == expected
    recover_and_finish(trees, out)


def test_kill_after_random_delays(trees: dict[str, Any], tmp_path: Path) -> None:
    rng = random.Random(20261122)
    seen = set()
    for attempt in range(3):
        work = tmp_path / f"run{attempt}"
        work.mkdir()
        out = fresh_old(trees, work)
        child = start(trees, out, {})
        time.sleep(rng.uniform(0.3, 2.5))
        kill(child)
        seen.add(state(trees, out))
        recover_and_finish(trees, out)
    assert seen <= {"old", "new", "cut"}


def test_hook_is_inert_without_the_variable() -> None:
    code = "from codegen.write import _checkpoint; _checkpoint('staging'); print('ok')"
    env = {k: v for k, v in os.environ.items() if k != "KLING_CODEGEN_PAUSE_AT"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
    )
    assert done.stdout.strip() == "ok"


def owned(files: dict[str, str]) -> dict[str, str]:
    """What generate() returns: the files plus the generator's list of the files it owns."""
    from codegen.generate import OWNED_LIST, owned_list

    return {**files, OWNED_LIST: owned_list(files)}


def test_files_it_does_not_own_survive_as_they_were(tmp_path: Path) -> None:
    """Symbolic links (to files and folders) and empty folders the user made are kept as is."""
    out = tmp_path / "out"
    write(out, owned({"pkg/a.py": "A = 1\n", "pkg/b.py": "B = 1\n"}))
    (tmp_path / "elsewhere").mkdir()
    (out / "linked-dir").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (out / "pkg" / "link.py").symlink_to(out / "pkg" / "a.py")
    (out / "empty" / "nested").mkdir(parents=True)
    write(out, owned({"pkg/a.py": "A = 2\n"}))
    assert (out / "linked-dir").is_symlink()
    assert (out / "linked-dir").resolve() == (tmp_path / "elsewhere").resolve()
    assert (out / "pkg" / "link.py").is_symlink()
    assert (out / "empty" / "nested").is_dir()
    assert not (out / "pkg" / "b.py").exists()
    assert (out / "pkg" / "a.py").read_text() == "A = 2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "out"]


def test_stale_staging_of_a_dead_run_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, owned({"a.txt": "1\n"}))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stale = tmp_path / f".out.staging-{dead}"
    (stale / "half").mkdir(parents=True)
    write(out, owned({"a.txt": "1\n"}))  # nothing to change, still cleans up
    assert not stale.exists()

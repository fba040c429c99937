"""write(): atomic swap, owned files removed when no longer produced, others kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.errors import OutputError
from codegen.generate import OWNED_LIST, owned_list
from codegen.write import compare, write


def _files(**extra: str) -> dict[str, str]:
    files = {"pkg/a.py": "A = 1\n", "docs/x.md": "x\n", **extra}
    files[OWNED_LIST] = owned_list(files)
    return files


def test_write_then_nothing_to_change(tmp_path: Path) -> None:
    out = tmp_path / "out"
    changes = write(out, _files())
    assert sorted(changes.missing) == sorted(_files())
    assert not write(out, _files())
    assert (out / "pkg/a.py").read_text() == "A = 1\n"


def test_owned_files_no_longer_produced_are_removed_others_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, _files(**{"pkg/old.py": "OLD = 1\n"}))
    (out / "pkg/handwritten.py").write_text("KEEP = 1\n")
    (out / "notes.txt").write_text("mine\n")

    changes = write(out, _files())

    assert changes.extra == ["pkg/old.py"]
    assert not (out / "pkg/old.py").exists()
    assert (out / "pkg/handwritten.py").read_text() == "KEEP = 1\n"
    assert (out / "notes.txt").read_text() == "mine\n"
    assert not compare(out, _files())


@pytest.mark.parametrize("bad", ["../escape.py", "/abs.py", "a/../../b.py", "a\\b.py", "a\x00.py"])
def test_paths_outside_the_output_folder_are_refused(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(OutputError):
        write(out, {bad: "x"})
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_interrupted_swap_is_recovered(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, _files())
    out.rename(tmp_path / "out.previous")  # as if killed between the two renames
    assert not write(out, _files()), "the previous tree is put back, and it is already current"
    assert (out / "pkg/a.py").exists() and not (tmp_path / "out.previous").exists()


def test_unchanged_files_are_linked_from_the_old_tree_changed_ones_written(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    write(out, _files())
    before = (out / "docs/x.md").stat().st_ino

    changes = write(out, {**_files(), "pkg/a.py": "A = 2\n"})

    assert changes.stale == ["pkg/a.py"]
    assert (out / "docs/x.md").stat().st_ino == before, "same bytes: linked, not rewritten"
    assert (out / "docs/x.md").stat().st_nlink == 1, "the old tree's name is gone"
    assert (out / "pkg/a.py").read_text() == "A = 2\n"
    assert not compare(out, {**_files(), "pkg/a.py": "A = 2\n"})


def test_where_links_are_refused_every_file_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write(out, _files())
    (out / "docs/x.md").unlink()
    (out / "docs/x.md").symlink_to(tmp_path / "elsewhere.md")  # never linked through
    (tmp_path / "elsewhere.md").write_text("x\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("os.link", refuse)
    changes = write(out, {**_files(), "pkg/a.py": "A = 2\n"})

    assert changes.stale == ["pkg/a.py"]
    assert not (out / "docs/x.md").is_symlink()
    assert (out / "docs/x.md").read_text() == "x\n"
    assert not compare(out, {**_files(), "pkg/a.py": "A = 2\n"})

"""WRITE: the only stage that touches the disk. The output folder is replaced atomically.

The new tree is assembled in a sibling staging folder (new files, plus every file in the
old folder the generator does not own), then swapped in with two renames. A run killed at
any point leaves the previous tree in place (or, in the instant between the two renames,
in `<out>.previous`, which the next run puts back).

A file whose bytes did not change is hard-linked from the old tree into the staging folder
instead of written again: the old tree is removed after the swap, so the file ends with one
name, as if written. Creating a file costs far more than a link on some file systems (up to
0.35 ms against 0.01 ms here), and a regeneration after one edit leaves most files as they
were. Where links are refused (some network or FAT file systems) the file is written.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from codegen import scratch
from codegen.errors import OutputError
from codegen.generate import OWNED_LIST

LOCK_WAIT = float(os.environ.get("KLING_CODEGEN_LOCK_WAIT", "120"))

SKIP_DIRS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


@dataclass(frozen=True)
class Changes:
    stale: list[str]  # produced, present, different
    missing: list[str]  # produced, absent
    extra: list[str]  # owned by a previous run, no longer produced

    def __bool__(self) -> bool:
        return bool(self.stale or self.missing or self.extra)


def check_path(rel: str) -> None:
    """Refuse any path that could land outside the output folder."""
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or "\\" in rel or not path.parts or "\x00" in rel:
        raise OutputError(f"refusing to write {rel!r}: outside the output folder")


def compare(out: Path, files: dict[str, str]) -> Changes:
    """What writing `files` to `out` would change."""
    stale, missing = [], []
    for rel, content in files.items():
        target = out / rel
        if not target.is_file():
            missing.append(rel)
        elif target.read_bytes() != content.encode("utf-8"):
            stale.append(rel)
    extra = sorted(set(owned(out)) - set(files))
    return Changes(stale=stale, missing=missing, extra=extra)


def owned(out: Path) -> list[str]:
    """Files the last run wrote (from its bookkeeping list), that still exist."""
    listing = out / OWNED_LIST
    if not listing.is_file():
        return []
    names = [
        line
        for line in listing.read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    return [*sorted(n for n in names if _safe(n) and (out / n).is_file()), OWNED_LIST]


def _safe(rel: str) -> bool:
    try:
        check_path(rel)
    except OutputError:
        return False
    return True


def write(out: Path, files: dict[str, str]) -> Changes:
    """Make `out` hold exactly `files` plus the files it does not own; atomic swap."""
    for rel in files:
        check_path(rel)
    out = _resolve(out)
    with _locked(out.parent, out.name):
        _recover(out)
        _remove_stale_staging(out)
        scratch.clean_stale()
        _refuse_special(out)
        changes = compare(out, files) if out.exists() else Changes([], sorted(files), [])
        if not changes:
            return changes
        staging = out.with_name(f".{out.name}.staging-{os.getpid()}")
        same = set(files) - set(changes.stale) - set(changes.missing)
        try:
            _assemble(staging, out, files, same)
            _checkpoint("assembled")
            _swap(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return changes


def _resolve(out: Path) -> Path:
    try:
        resolved = out.resolve(strict=False)
    except (OSError, RuntimeError) as exc:
        raise OutputError(f"{out}: cannot resolve the output folder ({exc})") from None
    if resolved.exists() and (resolved.is_symlink() or not resolved.is_dir()):
        raise OutputError(f"{out}: exists and is not a folder; refusing to replace it")
    return resolved


@contextlib.contextmanager
def _locked(parent: Path, name: str) -> Iterator[None]:
    """One writer at a time per folder holding the output: a second run waits, then gives up
    with "busy" (exit 2). The lock is on the folder itself (flock), so no file is left."""
    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OutputError(
                        f"{parent / name}: busy, another generate is writing it"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def _refuse_special(out: Path) -> None:
    """FIFOs, sockets, devices and symbolic-link loops in the output are refused by name:
    copying them would block or fail halfway."""
    if not out.exists():
        return
    for path in _all_files(out):
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue
        if stat.S_ISLNK(mode):
            try:
                path.resolve(strict=False)
            except (OSError, RuntimeError):
                raise OutputError(f"{path}: a symbolic link loop in the output folder") from None
        elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise OutputError(
                f"{path}: a special file (FIFO, socket or device) in the output folder"
            )


def _assemble(staging: Path, out: Path, files: dict[str, str], same: set[str]) -> None:
    """The new tree in `staging`; `same`: the files whose bytes in `out` are already right."""
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    keep = set(owned(out)) if out.exists() else set()
    if out.exists():
        for path in _all_files(out):
            rel = path.relative_to(out).as_posix()
            if rel not in keep and rel not in files:
                _copy(path, staging / rel)
    made: set[Path] = set()  # folders checked and created in this staging tree
    for index, (rel, content) in enumerate(files.items()):
        if index == len(files) // 2:
            _checkpoint("staging")
        _folders_inside(staging, out, rel, made)
        if rel not in same or not _linked(out / rel, staging / rel):
            _write_new(staging / rel, content)


def _folders_inside(staging: Path, out: Path, rel: str, made: set[Path]) -> None:
    """Make the folders of `rel` below `staging`, never through a symbolic link kept from the
    old tree (`generated/docs -> elsewhere` would put the file elsewhere)."""
    folder = staging
    for part in PurePosixPath(rel).parts[:-1]:
        folder = folder / part
        if folder in made:
            continue
        if folder.is_symlink():
            shown = out / folder.relative_to(staging)
            raise OutputError(f"{shown}: a symbolic link where generate writes {rel}; remove it")
        folder.mkdir(exist_ok=True)
        made.add(folder)


def _linked(old: Path, new: Path) -> bool:
    """Hard-link the old tree's regular file `old` as `new`; False where that is refused."""
    try:
        if not stat.S_ISREG(old.lstat().st_mode):
            return False
        os.link(old, new, follow_symlinks=False)
    except OSError:
        return False
    return True


def _write_new(path: Path, content: str) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    with os.fdopen(os.open(path, flags, 0o644), "wb") as handle:
        handle.write(content.encode("utf-8"))


def _all_files(root: Path) -> list[Path]:
    """Files, symbolic links (to files or folders) and empty folders below `root`."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        links = [d for d in dirnames if (here / d).is_symlink()]
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and d not in links)
        found.extend(here / f for f in sorted([*filenames, *links]))
        if here != root and not filenames and not dirnames and not links:
            found.append(here)
    return found


def _copy(src: Path, dst: Path) -> None:
    if src.is_dir() and not src.is_symlink():
        dst.mkdir(parents=True, exist_ok=True)
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst, follow_symlinks=False)


def _swap(staging: Path, out: Path) -> None:
    previous = out.with_name(f"{out.name}.previous")
    shutil.rmtree(previous, ignore_errors=True)
    if out.exists():
        os.rename(out, previous)
    _checkpoint("renamed")
    os.rename(staging, out)
    _checkpoint("swapped")
    shutil.rmtree(previous, ignore_errors=True)


def _remove_stale_staging(out: Path) -> None:
    """Staging folders left by runs that were killed (their process is gone)."""
    for staging in out.parent.glob(f".{out.name}.staging-*"):
        pid = staging.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not scratch.alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)


def _checkpoint(step: str) -> None:
    """Test hook: with KLING_CODEGEN_PAUSE_AT="<step>:<file>", create <file> and wait there.

    tests/hardening sends SIGKILL at each step to prove the swap is atomic. Unset in normal use.
    """
    hook = os.environ.get("KLING_CODEGEN_PAUSE_AT", "")
    wanted, _, marker = hook.partition(":")
    if wanted != step or not marker:
        return
    Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(60)


def _recover(out: Path) -> None:
    """Finish a swap that was cut: between the renames (put the old tree back), or after."""
    previous = out.with_name(f"{out.name}.previous")
    if previous.exists() and not out.exists():
        os.rename(previous, out)
    elif previous.exists():  # cut after the second rename: `out` is the new tree, whole
        shutil.rmtree(previous, ignore_errors=True)

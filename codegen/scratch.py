"""Scratch folders of a run, named by its process id, and the cleanup of dead runs' ones.

The formatter and the import check work in `kling-codegen-<kind>-<pid>-*` folders (in
/dev/shm when it is writable: memory, no disk churn; else the temp folder). A run killed
before its cleanup leaves its folder behind; the next run removes the folders of every pid
that is gone, or a zombie (killed, never reaped by its parent).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "kling-codegen-"
_OWNED = re.compile(r"kling-codegen-[a-z]+-([0-9]+)-")


def place() -> str | None:
    """Where scratch folders go: /dev/shm if writable, else the system temp folder."""
    return "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


def folder(kind: str) -> tempfile.TemporaryDirectory[str]:
    """A scratch folder for this run (a context manager that removes it)."""
    return tempfile.TemporaryDirectory(prefix=f"{PREFIX}{kind}-{os.getpid()}-", dir=place())


def clean_stale() -> None:
    """Remove scratch folders left by runs whose process is gone (or a zombie)."""
    for base in {place() or tempfile.gettempdir(), tempfile.gettempdir()}:
        try:
            entries = list(Path(base).iterdir())
        except OSError:
            continue
        for entry in entries:
            owner = _OWNED.match(entry.name)
            if owner and not alive(int(owner.group(1))) and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)


def alive(pid: int) -> bool:
    """Whether `pid` is a running process other than this one (a zombie counts as gone)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text("ascii", errors="replace")
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :][:1] == "Z"

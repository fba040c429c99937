"""A killed `generate` takes its helper processes with it (the import checker and the
model workers block on pipes other helpers also hold, so they used to outlive the run)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codegen import scratch
from tests.hardening import catalog

REPO = Path(__file__).resolve().parents[2]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rfind(")") + 2 :].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _gone(pids: set[int], within: float) -> set[int]:
    """The pids of `pids` still running after `within` seconds (zombies count as gone)."""
    deadline = time.monotonic() + within
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        alive = {p for p in alive if scratch.alive(p)}
        time.sleep(0.05)
    return alive


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_helpers_of_a_killed_run_end_with_it(tmp_path: Path) -> None:
    schema = {"title": "Request", "type": "object", "properties": {"p": {"type": "string"}}}
    schemas = catalog.write_catalog(tmp_path, {"request": schema})
    command = [*catalog.CLI, "generate", "--no-cache", "--schemas", str(schemas), "--out"]
    run = subprocess.Popen(
        [*command, str(tmp_path / "out")],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    helpers: set[int] = set()
    deadline = time.monotonic() + 30
    while len(helpers) < 2 and run.poll() is None and time.monotonic() < deadline:
        helpers |= _children(run.pid)
        time.sleep(0.01)
    assert helpers, "the run forked no helper before it ended"
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert _gone(helpers, within=10) == set()


def test_without_pdeathsig_a_watcher_ends_the_child(tmp_path: Path) -> None:
    """The fallback where Linux' parent-death signal is missing: a thread watches the pid."""
    ready = tmp_path / "grandchild"
    script = f"""
import os, time
from codegen import children
children._pdeathsig = lambda: False
children.WATCH_EVERY = 0.05
parent = os.getpid()
if os.fork() == 0:
    children.die_with_parent(parent)
    open({str(ready)!r}, "w").write(str(os.getpid()))
    time.sleep(60)
    os._exit(0)
while not os.path.exists({str(ready)!r}):
    time.sleep(0.01)
os._exit(0)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=30
    )
    assert done.returncode == 0
    grandchild = int(ready.read_text())
    assert _gone({grandchild}, within=10) == set()

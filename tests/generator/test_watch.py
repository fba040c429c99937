"""`kling-codegen generate --watch`: a real process on a copy of the minimal catalog, real
file edits, real Ctrl-C (SIGINT). Each step waits for the line the process prints."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import pytest

from .conftest import ROOT, read_tree, run_cli

WAIT = 120  # seconds; generous, the machine is shared


class Watcher:
    """`generate --watch` in a subprocess, its stdout and stderr lines in one queue."""

    def __init__(self, schemas: Path, out: Path, cache: Path, **env_vars: str) -> None:
        env = {k: v for k, v in os.environ.items() if k != "KLING_CODEGEN_DEBUG"}
        env.update(env_vars)
        where = ["--schemas", str(schemas), "--out", str(out), "--cache-dir", str(cache)]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "codegen", "generate", "--watch", *where],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=as_in_a_terminal,
        )
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.pumps = [
            threading.Thread(target=self._pump, args=(name, stream), daemon=True)
            for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr))
        ]
        for pump in self.pumps:
            pump.start()

    def _pump(self, name: str, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def until(self, stream: str, text: str) -> list[tuple[str, str]]:
        """Every line up to and including the first `stream` line containing `text`."""
        seen = []
        while True:
            item = self.lines.get(timeout=WAIT)
            seen.append(item)
            if item[0] == stream and text in item[1]:
                return seen

    def until_both(self, out: str, err: str) -> list[tuple[str, str]]:
        """Lines until a stdout line with `out` and a stderr line with `err` have both come
        (two pipes, two reader threads: their order in the queue is not the write order)."""
        seen: list[tuple[str, str]] = []
        while not (
            any(s == "out" and out in line for s, line in seen)
            and any(s == "err" and err in line for s, line in seen)
        ):
            seen.append(self.lines.get(timeout=WAIT))
        return seen

    def stop(self, number: int = signal.SIGINT) -> int:
        self.proc.send_signal(number)
        try:
            return self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise

    def rest(self) -> list[tuple[str, str]]:
        """Once the process has ended: every line not read yet."""
        for pump in self.pumps:
            pump.join(timeout=WAIT)
        found = []
        while not self.lines.empty():
            found.append(self.lines.get())
        return found


def as_in_a_terminal() -> None:
    """In the child: Ctrl-C as a foreground process in a terminal gets it. A test run started
    in the background by a shell without job control (CI) inherits SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _edit_description(schemas: Path, text: str) -> None:
    request = sorted(schemas.glob("*/*/*/request.json"))[-1]
    data = json.loads(request.read_text(encoding="utf-8"))
    data["description"] = text
    request.write_text(json.dumps(data, indent=2), encoding="utf-8")


def test_regenerates_on_change_reports_errors_and_stops_on_ctrl_c(
    minimal_catalog: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "gen", tmp_path / "cache"
    # Two model workers for one model: the idle one is stopped (SIGTERM) on every run, and
    # must end quietly although the watching process handles SIGTERM itself.
    watcher = Watcher(minimal_catalog, out, cache, KLING_CODEGEN_JOBS="2")
    seen: list[tuple[str, str]] = []
    try:
        first = watcher.until_both("files in", "watching")
        assert any(s == "out" and "new, 0 changed" in line for s, line in first), first
        before = read_tree(out)

        _edit_description(minimal_catalog, "Edited while watching: <b>not markup</b>")
        changed = watcher.until("out", "files in")
        seen += changed
        assert "0 new" in changed[-1][1] and " 0 changed" not in changed[-1][1], changed
        after = read_tree(out)
        assert after != before
        assert any(b"Edited while watching" in data for data in after.values())

        broken = sorted(minimal_catalog.glob("*/*/*/request.json"))[0]
        good = broken.read_bytes()
        broken.write_text('{"type": "object", ', encoding="utf-8")
        failed = watcher.until("err", "nothing was written")
        seen += failed
        assert any(broken.name in line and "#" in line for _, line in failed), failed
        assert read_tree(out) == after  # a failed run writes nothing

        broken.write_bytes(good)
        fixed = watcher.until("out", "files in")
        seen += fixed
        assert read_tree(out) == after, fixed  # back to the same inputs: the same bytes
    finally:
        code = watcher.stop()
    assert code == 0
    rest = watcher.rest()
    assert ("err", "stopped watching") in rest
    assert not any("Traceback" in line for _, line in seen + rest), seen + rest


def test_watch_and_check_are_refused_together(minimal_catalog: Path, tmp_path: Path) -> None:
    done = run_cli(
        "generate", "--watch", "--check", "--schemas", str(minimal_catalog), "--out", str(tmp_path)
    )
    assert done.returncode == 2 and "--check and --watch" in done.stderr


def test_falls_back_to_polling_when_the_os_refuses_watches(
    minimal_catalog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """inotify's watch limit (common in containers) makes watchfiles raise OSError when it
    starts; watching goes on by polling. The OS refusal is simulated: no test can lower the
    machine's limit."""
    import watchfiles

    from codegen import watch as watching

    polled: list[bool] = []

    def fake_watch(*paths: Any, force_polling: bool | None = None, **options: Any) -> Any:
        polled.append(bool(force_polling))
        if not force_polling:
            raise OSError('OS file watch limit reached. about ["/schemas"]')
        yield {("modified", str(paths[0]))}
        raise KeyboardInterrupt

    monkeypatch.setattr(watchfiles, "watch", fake_watch)
    monkeypatch.setattr(watching, "warm", lambda: None)
    runs: list[int] = []
    code = watching.watch(minimal_catalog, lambda: f"run {runs.append(1) or len(runs)}")
    said = capsys.readouterr()
    assert code == 0 and polled == [False, True] and len(runs) == 2, (polled, runs)
    assert "polling instead" in said.err and "OS file watch limit reached" in said.err
    assert said.out.splitlines() == ["run 1", "run 2"]


def test_sigterm_stops_it_too(minimal_catalog: Path, tmp_path: Path) -> None:
    watcher = Watcher(minimal_catalog, tmp_path / "gen", tmp_path / "cache")
    watcher.until("err", "watching")
    assert watcher.stop(signal.SIGTERM) == 0
    rest = watcher.rest()
    assert ("err", "stopped watching") in rest, rest


def test_a_change_saved_as_watching_is_said_is_not_missed(
    minimal_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "watching" is said once the OS watch is in place: a file saved at that very moment
    starts a run. The periodic re-check is pushed past the test's alarm, so only the OS
    event can start the second run. (watchfiles turns the alarm's exception into
    KeyboardInterrupt, which ends watching: so the runs are counted.)"""
    from codegen import watch as watching

    manifest = next(minimal_catalog.glob("*/manifest.yaml"))
    runs: list[str] = []

    def status(*lines: str) -> None:
        if any(line.startswith("watching ") for line in lines):
            manifest.write_text(manifest.read_text() + "\n# saved as watching was said\n")

    def regenerate() -> str:
        runs.append("run")
        if len(runs) == 2:
            raise KeyboardInterrupt  # the save was seen: stop watching
        return "run"

    def too_late(number: int, frame: Any) -> None:
        raise TimeoutError("the save made as `watching` was printed was missed")

    monkeypatch.setattr(watching, "warm", lambda: None)
    monkeypatch.setattr(watching, "_status", status)
    monkeypatch.setattr(watching, "RECHECK_MS", 600_000)
    previous = signal.signal(signal.SIGALRM, too_late)
    signal.alarm(WAIT)
    try:
        assert watching.watch(minimal_catalog, regenerate) == 0
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert len(runs) == 2, "the save was missed"

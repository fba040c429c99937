"""The child process that imports the generated package before the swap (see verify.py).

`ImportChecker.start()` forks it when a run starts, before anything else is forked: while
the parent loads, renders and formats, the child imports the libraries every generated
module needs (pydantic, with its schema builder warmed, httpx, jsonschema-rs). When the
files are ready the parent sends it the scratch folder and the module names; it imports
them and answers with the failures. Its effects end with it: it works with stdin, stdout
and stderr on /dev/null, in the scratch folder, without writing bytecode.

Messages are length-prefixed (the pipes' ends are inherited by processes forked later, so
end-of-file cannot mark the end of a request). Where fork is missing or the parent already
runs threads, `start()` returns None and `run_fresh` imports in a new isolated interpreter.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from codegen.children import die_with_parent

IMPORT_TIMEOUT = 300.0
Failures = list[tuple[str, str]]  # (module name, "ExceptionType: message")
# The fresh interpreter runs the same `import_all` as the forked child (-I ignores the
# environment, so the folder holding `codegen` is put on its path by hand).
_IMPORT_ALL = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from codegen.importcheck import import_all
print(json.dumps(import_all(Path(sys.argv[2]), json.loads(sys.stdin.read()))))
"""
CODEGEN_HOME = str(Path(__file__).resolve().parents[1])


class ImportChecker:
    """A forked child, warming the generated code's libraries until it is sent modules."""

    def __init__(self) -> None:
        request_read, self._request = os.pipe()
        self._reply, reply_write = os.pipe()
        sys.stdout.flush()  # nothing buffered may be written twice
        sys.stderr.flush()
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            die_with_parent(parent)
            os.close(self._request)
            os.close(self._reply)
            _serve(request_read, reply_write)
        os.close(request_read)
        os.close(reply_write)

    @classmethod
    def start(cls) -> ImportChecker | None:
        if not hasattr(os, "fork") or threading.active_count() != 1:
            return None
        return cls()

    def check(self, root: Path, names: list[str]) -> Failures | None:
        """Import `names` from `root`; the failures, or None if the child is gone."""
        return self.answer(names) if self.send(root, names) else None

    def send(self, root: Path, names: list[str]) -> bool:
        """Ask the child to import `names` from `root`; False if it is gone."""
        message = json.dumps([str(root), names]).encode("utf-8")
        try:
            os.write(self._request, len(message).to_bytes(8, "big"))
            _write_all(self._request, message)
        except OSError:
            return False
        return True

    def answer(self, names: list[str]) -> Failures:
        """The failures among `names` (sent before), once the child is done; then it ends."""
        output = _read_until(self._reply, time.monotonic() + IMPORT_TIMEOUT)
        self.stop()
        if output is None:
            return [(names[0], f"importing took longer than {IMPORT_TIMEOUT:g} s")]
        return parse(output.decode("utf-8", "replace"), names, "the checker exited")

    def stop(self) -> None:
        """End the child (at once: it may still be importing) and reap it."""
        if self.pid <= 0:
            return
        for fd in (self._request, self._reply):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.pid = 0


def _serve(request: int, reply: int) -> None:
    code = 0
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        warm_libraries()
        size = int.from_bytes(_read_exactly(request, 8), "big")
        root, names = json.loads(_read_exactly(request, size))
        os.write(reply, json.dumps(import_all(Path(root), names)).encode("utf-8"))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def warm_libraries() -> None:
    """Import what every generated package imports, and build one model (pydantic loads
    its schema builder on the first class)."""
    with contextlib.suppress(Exception):
        import httpx  # noqa: F401
        import jsonschema_rs  # noqa: F401
        import pydantic

        pydantic.create_model("Warm", value=(int, 0))


def import_all(root: Path, names: list[str]) -> list[list[str]]:
    """In the child: import each module from `root`; [[name, error], ...] for failures."""
    os.chdir(root)
    for name in [
        n for n in sys.modules if n == "kling_gateways" or n.startswith("kling_gateways.")
    ]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    sys.dont_write_bytecode = True
    importlib.invalidate_caches()
    failed = []
    for name in names:
        try:
            module = importlib.import_module(name)
            if not str(getattr(module, "__file__", "")).startswith(str(root)):
                raise ImportError(f"imported {module.__file__} instead of the generated one")
        except BaseException as exc:  # every failure is reported, none escapes
            failed.append([name, f"{type(exc).__name__}: {exc}"[:400]])
    return failed


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the parent went away")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it exits, or None past the deadline."""
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_fresh(root: Path, names: list[str]) -> Failures:
    """Import `names` from `root` in a new isolated interpreter."""
    command = [sys.executable, "-I", "-B", "-c", _IMPORT_ALL, CODEGEN_HOME, str(root)]
    try:
        done = subprocess.run(
            command,
            input=json.dumps(names),
            capture_output=True,
            text=True,
            timeout=IMPORT_TIMEOUT,
            cwd=root,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [(names[0], f"importing took longer than {IMPORT_TIMEOUT:g} s")]
    return parse(done.stdout, names, f"exit {done.returncode}: {done.stderr}")


def parse(output: str, names: list[str], detail: str) -> Failures:
    try:
        failed: Any = json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        last = (detail.strip().splitlines() or ["no output"])[-1]
        return [(names[0], f"the import check crashed ({last[:300]})")]
    return [(str(name), str(error)) for name, error in failed]

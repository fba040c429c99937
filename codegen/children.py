"""Child processes of a run end with it, even when the run is killed (SIGKILL included).

A forked helper (the import checker, a model worker) blocks on a pipe whose other end
other helpers also hold, so the parent's death does not always reach it as end-of-file.
`die_with_parent` asks Linux to send the child SIGKILL when its parent goes
(PR_SET_PDEATHSIG); elsewhere a thread watches the parent's pid instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
WATCH_EVERY = 0.5  # seconds, where PR_SET_PDEATHSIG is not available


def die_with_parent(parent: int) -> None:
    """Call first thing in a forked child: it ends when process `parent` does, and it
    ignores Ctrl-C (the terminal sends it to every process of the group; the parent stops its
    children itself, and a child's KeyboardInterrupt would print in the parent's name).
    SIGTERM, which the parent sends a worker it has no work for, ends the child whatever
    handler it inherited (`generate --watch` turns SIGTERM into KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux") and _pdeathsig():
        if os.getppid() != parent:  # the parent went before the request took effect
            os._exit(1)
        return
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _pdeathsig() -> bool:
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_EVERY)
    os._exit(1)

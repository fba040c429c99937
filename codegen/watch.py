"""WATCH: `generate --watch` regenerates whenever a file under the catalog changes.

One process stays up, so what a fresh `generate` pays on every run is paid once: the CLI's
imports, datamodel-code-generator (the model workers are forked from this process, warm),
and pydantic and httpx (so is the import check's child). Each change then costs the work
the change reaches, with the same content-hash cache as any run.

Changes come from the operating system (inotify, FSEvents, ReadDirectoryChangesW) through
watchfiles; $WATCHFILES_FORCE_POLLING=1 polls instead (network file systems, some containers).
A burst of changes (an editor's save, a `git checkout`) is handled once, when no new change
has come for STEP_MS. Editor swap and backup files are ignored. A run that fails prints its
problems, writes nothing and keeps watching.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from codegen.cache import tree_key
from codegen.errors import KlingCodegenError, printable

STEP_MS = 30  # a burst of changes is over when none has come for this long
RECHECK_MS = 5000  # with no event for this long, compare the catalog's hash anyway


def watch(root: Path, regenerate: Callable[[], str], *, skip: tuple[Path, ...] = ()) -> int:
    """Run `regenerate` now and after every change below `root`, until Ctrl-C or SIGTERM
    (exit 0; a shell that starts it in the background without job control ignores Ctrl-C
    for it, as for any background job).
    `regenerate` returns the line to print; our errors are printed and watching goes on.

    Events can be missed (a change made during the first run, before the watcher starts; an
    event queue that overflows): when none has come for RECHECK_MS, the catalog's hash is
    compared with the last one taken (before the first run, then at each quiet spell)."""
    previous = signal.signal(signal.SIGTERM, _stop)  # `kill`, a service manager: as Ctrl-C
    try:
        warm()
        seen: str | None = tree_key(root)
        _run(regenerate)
        armed = Armed(lambda: _status(f"watching {root.as_posix()} for changes (Ctrl-C stops)"))
        for batch in _changes(root, skip, armed):
            if batch:
                seen = None  # taken at the next quiet spell, not on the way of this run
                _run(regenerate)
                continue
            now = tree_key(root)
            if seen is not None and now != seen:
                _run(regenerate)
            seen = now
    except KeyboardInterrupt:
        _status("stopped watching")
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def _stop(number: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Armed:
    """Says "watching" once the OS watch is in place, not before: a change saved right after
    the message is then never missed (it would wait for the next RECHECK_MS otherwise).

    watchfiles creates its watcher when iteration starts and only then asks its stop event
    `is_set()`, on every step; the first call is the moment the watch is armed."""

    def __init__(self, announce: Callable[[], None]) -> None:
        self._announce: Callable[[], None] | None = announce

    def is_set(self) -> bool:
        if self._announce is not None:
            announce, self._announce = self._announce, None
            announce()
        return False  # never stops watching: Ctrl-C and SIGTERM do


def _changes(root: Path, skip: tuple[Path, ...], armed: Armed) -> Iterator[set[Any]]:
    """Batches of changes below `root` (empty when RECHECK_MS passed without one). When the
    OS refuses more watches (inotify's limit, common in containers), polls instead."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes

    ignored = DefaultFilter(ignore_paths=[str(p.resolve()) for p in skip])
    options: dict[str, Any] = {"watch_filter": ignored, "step": STEP_MS, "debounce": 1600}
    options.update(rust_timeout=RECHECK_MS, yield_on_timeout=True, stop_event=armed)
    try:
        yield from changes(root, **options)
    except OSError as exc:
        _status(f"cannot watch with OS events ({printable(str(exc))}); polling instead")
        yield from changes(root, force_polling=True, **options)


def _run(regenerate: Callable[[], str]) -> None:
    """Regenerate and say how it went."""
    started = time.perf_counter()
    try:
        line = regenerate()
    except KlingCodegenError as exc:  # the catalog's problems: printed, watching goes on
        _status(*exc.report())
        return
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    _status(f"regenerated in {time.perf_counter() - started:.2f} s")


def warm() -> None:
    """Import, once, what every run's children would import: datamodel-code-generator (the
    model workers) and what the generated package imports (the import check)."""
    from codegen.importcheck import warm_libraries
    from codegen.render.models import render_models

    render_models({"type": "object"}, class_name="Warm", file="(warm-up)")
    warm_libraries()


def _status(*lines: str) -> None:
    sys.stderr.write("".join(line + "\n" for line in lines))
    sys.stderr.flush()

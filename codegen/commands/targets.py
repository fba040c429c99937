"""Target arguments, `PROVIDER/ENDPOINT[@VERSION]`, split the same way by every command.

Kept free of click, so that the fast path of `validate` can use it.
"""

from __future__ import annotations

from codegen.errors import UsageError


def split_target(target: str, version: str | None, *, option: str) -> tuple[str, str | None]:
    """`provider/endpoint[@version]` plus `--version` -> (key, version or None)."""
    key, at, pinned = target.partition("@")
    if "/" not in key or not key.split("/")[0] or not key.split("/")[1]:
        raise UsageError(f"{option} {target!r}: expected PROVIDER/ENDPOINT[@YYYY-MM-DD]")
    if at and not pinned:
        raise UsageError(f"{option} {target!r}: nothing after '@' (expected @YYYY-MM-DD)")
    if pinned and version and pinned != version:
        raise UsageError(f"{option} {target!r} and --version {version!r} disagree; give one")
    return key, pinned or version

"""Where the schema catalog is: `--schemas`, $KLING_CODEGEN_SCHEMAS, or walking up.

Like git finding `.git`, commands look for a `schemas/` folder holding at least one
provider manifest in the current folder and each parent. `validate`, `translate` and `quote`
fall back to the catalog carried by the installed `kling_gateways` package when none is
found; the others say where they looked and what to pass.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from codegen.errors import UsageError

ENV_VAR = "KLING_CODEGEN_SCHEMAS"


class Found(NamedTuple):
    """A catalog folder and how it was found (shown in messages)."""

    path: Path
    how: str  # "--schemas", "$KLING_CODEGEN_SCHEMAS" or "found by walking up"


def looks_like_catalog(folder: Path) -> bool:
    """A `schemas/` folder with at least one provider manifest (not any folder by that name)."""
    return folder.is_dir() and any(folder.glob("*/manifest.yaml"))


def find_schemas(explicit: Path | None, *, start: Path | None = None) -> Found | None:
    """The catalog to use, or None when nothing was given and walking up found nothing."""
    if explicit is not None:
        return Found(explicit, "--schemas")
    if os.environ.get(ENV_VAR):
        return Found(Path(os.environ[ENV_VAR]), f"${ENV_VAR}")
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if looks_like_catalog(folder / "schemas"):
            return Found(_shown(folder / "schemas"), "found by walking up")
    return None


def _shown(path: Path) -> Path:
    """The path relative to the current folder when it is below it (shorter messages)."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def not_found(*, fallback: bool) -> UsageError:
    """The error when no catalog is found: where we looked and what to pass."""
    here = Path.cwd().resolve()
    looked = [
        "--schemas: not given",
        f"${ENV_VAR}: not set",
        f"a schemas/ folder with provider manifests in {here} and each parent up to {here.anchor}",
    ]
    if fallback:
        looked.append("the installed kling_gateways package: not importable")
    hint = "pass --schemas DIR or set " + ENV_VAR
    if fallback:
        hint += ", or install the generated package (pip install ./generated)"
    return UsageError(
        "no schema catalog found; looked at: " + "; ".join(looked) + f". To fix: {hint}"
    )


def require_schemas(explicit: Path | None) -> Path:
    """The catalog folder for commands that need one (generate, drift, diff --catalog)."""
    found = find_schemas(explicit)
    if found is None:
        raise not_found(fallback=False)
    return found.path

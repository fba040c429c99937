"""PLAN: decide every output file from the catalog, with the sources it is made from.

Nothing is rendered here: each Output carries a `build` closure, called by `generate`.
"""

from __future__ import annotations

from codegen.render import docs, package, release
from codegen.render.output import Context, Output


def plan(ctx: Context) -> list[Output]:
    """Every file `generate` produces, sorted by path."""
    outputs = [*package.outputs(ctx), *docs.outputs(ctx), *release.outputs(ctx)]
    paths = [o.path for o in outputs]
    clashes = sorted({p for p in paths if paths.count(p) > 1})
    if clashes:
        raise AssertionError(f"two outputs share a path: {clashes}")
    return sorted(outputs, key=lambda o: o.path)

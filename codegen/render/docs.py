"""Outputs under docs/: one page per provider endpoint and an index."""

from __future__ import annotations

from codegen.render.output import Context, Output


def outputs(ctx: Context) -> list[Output]:
    return []

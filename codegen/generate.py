"""generate(): the whole pipeline minus the disk. Returns {relative path: contents}."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from codegen.cache import NO_CACHE, Cache, tree_key
from codegen.importcheck import ImportChecker
from codegen.render.parallel import ModelWorkers

if TYPE_CHECKING:
    from codegen.catalog import Catalog, SourceFile
    from codegen.render.output import Context, Output

OWNED_LIST = ".kling-codegen-files"


def generate(schemas: Path, *, cache: Cache = NO_CACHE) -> dict[str, str]:
    """Load, normalize, plan and render the catalog at `schemas`; nothing is written.

    With a cache, an unchanged catalog returns the stored result of the last run (keyed on
    every input byte and the generator itself), and a changed one re-renders only what its
    changes reach.
    """
    key = tree_key(schemas) if cache.root is not None and Path(schemas).is_dir() else None
    stored = cache.get_json("tree", key) if key else None
    if stored is not None and all(isinstance(v, str) for v in stored.values()):
        return stored
    files = _generate(schemas, cache)
    if key:
        cache.put("tree", key, json.dumps(files, ensure_ascii=False))
    return files


def _generate(schemas: Path, cache: Cache) -> dict[str, str]:
    # Fork first: the import checker warms the generated code's libraries and the workers
    # import the model library while this process loads, normalizes and plans the catalog.
    checker = ImportChecker.start()
    workers = ModelWorkers.start(schemas)
    try:
        from codegen.catalog import load_catalog
        from codegen.plan import plan
        from codegen.render.env import cache_templates
        from codegen.render.output import Context, with_header
        from codegen.render.parallel import render_pending

        cache_templates(cache.root / "templates" if cache.root is not None else None)
        catalog = load_catalog(schemas)
        ctx = Context(catalog, cache=cache)
        normalize_all(ctx)
        outputs = plan(ctx)
        models_done = render_pending(ctx, workers)
        files = {o.path: with_header(o) for o in outputs if not o.needs_models}
        models_done()
        files.update({o.path: with_header(o) for o in outputs if o.needs_models})
        files = _checked(files, ctx, outputs, checker)
    finally:
        if workers is not None:
            workers.stop()
        if checker is not None:
            checker.stop()
    files[OWNED_LIST] = owned_list(files)
    return dict(sorted(files.items()))


def _checked(
    files: dict[str, str], ctx: Context, outputs: list[Output], checker: ImportChecker | None
) -> dict[str, str]:
    """The files formatted, once they compile and import (SchemaError if they do not)."""
    from codegen.render.format import format_python
    from codegen.verify import check_package

    files = format_python(files, cache=ctx.cache)
    root = ctx.catalog.root.as_posix()
    sources = {o.path: [f"{root}/{s.path}" for s in o.sources] for o in outputs}
    check_package(files, sources, cache=ctx.cache, checker=checker)
    return files


def normalize_all(ctx: Context) -> None:
    """Normalize every schema up front, so that all problems are reported in one go."""
    from codegen.errors import SchemaError

    problems: list[tuple[str, str, str]] = []
    for source in schema_files(ctx.catalog):
        try:
            ctx.normalized(source)
        except SchemaError as exc:
            problems.extend(exc.problems)
    if problems:
        root = ctx.catalog.root.as_posix()
        raise SchemaError([(f"{root}/{file}", ptr, msg) for file, ptr, msg in problems])


def schema_files(catalog: Catalog) -> list[SourceFile]:
    found = [s for files in catalog.canonical.values() for s in files.values()]
    for endpoint in catalog.endpoints():
        for version in endpoint.versions.values():
            found.extend(version.schemas.values())
    return found


def owned_list(files: dict[str, str]) -> str:
    """The bookkeeping file: which files in the output folder belong to the generator."""
    lines = ["# Files written by kling-codegen; it removes them when no longer produced."]
    return "\n".join([*lines, *sorted(p for p in files if p != OWNED_LIST)]) + "\n"

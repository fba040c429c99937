"""`diff --catalog --base REF`: what a pull request changes, against the catalog at a git ref.

The schemas folder at REF is read with `git archive` into a temporary folder (never a
checkout of the user's tree). A comparison is reported when the pull request introduces it:
a consecutive version pair that is new or whose files changed, and every published version
file edited in place (compared with itself at REF). Pairs that are identical at REF were
already accepted and are left out, so the check fails only on breaking changes the pull
request brings.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from codegen.diff.catalog import (
    ROLES,
    Step,
    catalog_steps,
    file_kinds,
    role_direction,
    schema_file,
    version_folders,
)
from codegen.diff.compare import diff_files
from codegen.diff.model import Change
from codegen.errors import InputError


def introduced_steps(schemas_dir: Path, ref: str) -> list[Step]:
    """The comparisons a pull request introduces, relative to `ref`."""
    root, inside = _repository(schemas_dir)
    with _checkout(root, inside, ref) as base_dir:
        known = _pairs(base_dir) if base_dir else {}
        steps = [s for s in catalog_steps(schemas_dir) if known.get(_key(s)) != _digest(s)]
        edited = list(_edited(base_dir, schemas_dir, ref)) if base_dir else []
    return edited + steps


def _repository(schemas_dir: Path) -> tuple[Path, str]:
    done = _git(schemas_dir, "rev-parse", "--show-toplevel")
    root = Path(done.strip())
    inside = schemas_dir.resolve().relative_to(root.resolve()).as_posix()
    return root, inside


def _git(where: Path, *args: str, binary: bool = False) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(where), *args], capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise InputError(f"--base: cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"--base: git {args[0]}: {message[-1] if message else 'failed'}")
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")  # type: ignore[return-value]


@contextmanager
def _checkout(root: Path, inside: str, ref: str) -> Iterator[Path | None]:
    """The schemas folder as it is at `ref`, in a temporary folder (None if it is absent)."""
    if ref.startswith("-"):
        raise InputError(f"--base: {ref!r} is not a git ref")
    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    listed = _git(root, "ls-tree", "-d", "--name-only", ref, "--", inside).strip()
    if not listed:
        yield None
        return
    archive = _git(root, "archive", "--format=tar", ref, "--", inside, binary=True)
    with tempfile.TemporaryDirectory(prefix="kling-codegen-base-") as tmp:
        try:
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:  # type: ignore[arg-type]
                tar.extractall(tmp, filter="data")  # no links or paths out of `tmp`
        except (tarfile.TarError, OSError) as exc:
            raise InputError(f"--base: {inside} at {ref}: cannot be read: {exc}") from None
        yield Path(tmp) / inside


def _pairs(schemas_dir: Path) -> dict[tuple[str, str, str, str], tuple[str, str]]:
    """Every consecutive version pair and file kind -> the hashes of its two files."""
    found = {}
    for endpoint, versions in version_folders(schemas_dir):
        for old, new in itertools.pairwise(versions):
            for kind in file_kinds(old, new):
                files = (schema_file(old, kind), schema_file(new, kind))
                if any(files):
                    found[(endpoint, old.name, new.name, kind)] = (_hash(files[0]), _hash(files[1]))
    return found


def _key(step: Step) -> tuple[str, str, str, str]:
    return (step.endpoint, step.old_version, step.new_version, step.kind)


def _digest(step: Step) -> tuple[str, str]:
    return (_hash(step.old_file), _hash(step.new_file))


def _hash(file: str) -> str:
    return hashlib.sha256(Path(file).read_bytes()).hexdigest() if file else ""


def _edited(base_dir: Path, work_dir: Path, ref: str) -> Iterator[Step]:
    """A published version file whose bytes differ from REF: compared with its old self."""
    for before in sorted(base_dir.glob("*/*/*/*.json")):
        rel = before.relative_to(base_dir)
        after = work_dir / rel
        if not after.is_file() or _hash(str(before)) == _hash(str(after)):
            continue
        endpoint = f"{rel.parts[0]}/{rel.parts[1]}"
        direction, why = role_direction(after)
        changes = [
            _label_base(c, str(before)) for c in diff_files(before, after, direction=direction)
        ]
        note = f"{rel.name} of {rel.parts[2]} edited in place (compared with {ref})"
        if rel.stem not in ROLES:
            note += f"; {why}"
        yield Step(
            endpoint, rel.parts[2], rel.parts[2], rel.stem, tuple(changes), note, direction,
            str(after), str(after),
        )  # fmt: skip


def _label_base(change: Change, base_file: str) -> Change:
    """A finding located in the REF copy: no line in the working tree to point at."""
    return replace(change, file="", line=None) if change.file == base_file else change

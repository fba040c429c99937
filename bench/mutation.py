"""Mutation testing of the core rules with cosmic-ray: `bash scripts/mutation`.

Each target (a module, or the functions of a module that make one decision) is mutated in
its own scratch copy of the repository, one mutant at a time, and only the tests of its
area run against it. Runtime modules live in `templates/runtime/` and reach users as
generated copies: for them each mutant is followed by `kling-codegen generate` in the copy,
so the tests import what the generator made from the mutated template.

What counts: a mutant is killed when the area's tests fail (or time out). Mutants inside
type annotations (strings under `from __future__ import annotations`) and in `def` lines
(`*` -> `/` turns the keyword-only marker into the positional-only one) are skipped, and the
mutants listed in `bench/mutation-equivalents.yaml` (no behaviour change, each with its
reason) are reported apart, not counted. Which mutants run is fixed by a seed: the sample
(when a target has more mutants than `--max-per-target`) and the hypothesis seed.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.mutation_report import Outcome, report

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "bench" / "mutation-equivalents.yaml"
RESULTS = ROOT / "bench" / "MUTATION.md"
STORED = ROOT / "bench" / "mutation-results.json"  # per target, so --target updates one row
SEED = 19
MIN_TIMEOUT = 30.0  # seconds a mutant's tests may take at least (see _baseline)
TOOL = "cosmic-ray==8.7.0"

# One operator per mistake people make: a flipped or off-by-one comparison, a wrong
# arithmetic operator, a negated or inverted condition, swapped booleans, a changed
# constant, a loop that never runs, a caught exception that changed.
OPERATORS = frozenset(
    f"core/{name}"
    for name in (
        "ReplaceComparisonOperator_Eq_NotEq",
        "ReplaceComparisonOperator_NotEq_Eq",
        "ReplaceComparisonOperator_Lt_LtE",
        "ReplaceComparisonOperator_Lt_GtE",
        "ReplaceComparisonOperator_LtE_Lt",
        "ReplaceComparisonOperator_LtE_Gt",
        "ReplaceComparisonOperator_Gt_GtE",
        "ReplaceComparisonOperator_Gt_LtE",
        "ReplaceComparisonOperator_GtE_Gt",
        "ReplaceComparisonOperator_GtE_Lt",
        "ReplaceComparisonOperator_Is_IsNot",
        "ReplaceComparisonOperator_IsNot_Is",
        "ReplaceBinaryOperator_Add_Sub",
        "ReplaceBinaryOperator_Sub_Add",
        "ReplaceBinaryOperator_Mul_Div",
        "ReplaceBinaryOperator_Div_Mul",
        "ReplaceBinaryOperator_Pow_Mul",
        "ReplaceBinaryOperator_Mod_FloorDiv",
        "ReplaceBinaryOperator_BitOr_BitAnd",
        "ReplaceBinaryOperator_BitAnd_BitOr",
        "ReplaceUnaryOperator_USub_UAdd",
        "ReplaceUnaryOperator_Delete_Not",
        "AddNot",
        "ReplaceTrueWithFalse",
        "ReplaceFalseWithTrue",
        "ReplaceAndWithOr",
        "ReplaceOrWithAnd",
        "ReplaceBreakWithContinue",
        "ReplaceContinueWithBreak",
        "NumberReplacer",
        "ZeroIterationForLoop",
        "ExceptionReplacer",
    )
)


@dataclass(frozen=True)
class Target:
    """A row of the results: files to mutate (optionally only some functions) and tests."""

    name: str
    files: dict[str, tuple[str, ...] | None]  # path -> qualified function names, None = all
    tests: tuple[str, ...]  # run in this order with -x: the focused file first

    @property
    def runtime(self) -> bool:
        return any(path.startswith("templates/runtime/") for path in self.files)


# tests/diff without its CLI-in-a-subprocess tests (seconds each, same rules underneath)
DIFF_TESTS = tuple(
    f"tests/diff/{name}.py"
    for name in (
        "test_rule_table",
        "test_object_rules",
        "test_verdicts",
        "test_diff",
        "test_locations",
        "test_hostile",
    )
)

TARGETS = (
    Target(
        "mapping interpreter",
        {"templates/runtime/mapping.py": None},
        ("tests/runtime/test_mapping_interpreter.py", "tests/canonical/test_canonical_examples.py"),
    ),
    Target("diff rules, scalars", {"codegen/diff/scalars.py": None}, DIFF_TESTS),
    Target("diff rules, objects", {"codegen/diff/objects.py": None}, DIFF_TESTS),
    Target(
        "retry decisions",
        {
            "templates/runtime/http.py": None,
            "templates/runtime/pointer.py": None,
            "templates/runtime/retry.py": None,
            "templates/runtime/lifecycle.py": (
                "Lifecycle.idempotent",
                "Lifecycle.prepare",
                "Lifecycle.submit_call",
                "Lifecycle._callback_field",
                "Lifecycle._callback_in",
                "TaskArrayLifecycle.prepare",
            ),
            "templates/runtime/client.py": ("_ClientCore.__init__",),
        },
        (
            "tests/runtime/test_transport_retries.py",
            "tests/runtime/test_runtime_units.py",
            "tests/e2e/test_faults.py",
        ),
    ),
    Target(
        "webhook verification",
        {"templates/runtime/webhooks.py": None},
        (
            "tests/runtime/test_webhook_verification.py",
            "tests/runtime/test_runtime_units.py",
            "tests/e2e/test_callbacks.py",
        ),
    ),
)


@dataclass
class Mutant:
    job_id: str
    path: str
    line: int
    operator: str
    occurrence: int
    text: str  # the source line before mutation, stripped
    function: str

    @property
    def key(self) -> tuple[str, int, str, int]:
        return (self.path, self.line, self.operator, self.occurrence)


@dataclass
class Run:
    target: Target
    mutants: list[Mutant] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    seconds: float = 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", action="append", help="run only targets whose name has this")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--max-per-target", type=int, default=80)
    parser.add_argument("--jobs", type=int, default=2, help="targets run side by side")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--dry-run", action="store_true", help="count the mutants, run none")
    parser.add_argument(
        "--report", action="store_true", help="rewrite the results file from the stored results"
    )
    args = parser.parse_args(argv)
    if args.report:  # e.g. after listing an equivalent mutant
        summaries = _store([], seed=args.seed, equivalents=_load_equivalents())
        args.out.write_text(report(summaries, tool=TOOL), encoding="utf-8")
        return 0
    chosen = [t for t in TARGETS if not args.target or any(s in t.name for s in args.target)]
    equivalents = _load_equivalents()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        pending = [
            pool.submit(_run_target, t, args.seed, args.max_per_target, args.dry_run)
            for t in chosen
        ]
        for future in as_completed(pending):  # each target is stored as soon as it is done
            run = future.result()
            if args.dry_run:
                print(f"{run.target.name}: {len(run.mutants)} mutants")
                continue
            summaries = _store(
                [_summary(run, equivalents)], seed=args.seed, equivalents=equivalents
            )
            args.out.write_text(report(summaries, tool=TOOL), encoding="utf-8")
    if not args.dry_run:
        print(args.out.read_text(encoding="utf-8"))
    return 0


def _load_equivalents() -> list[dict[str, str]]:
    data = yaml.safe_load(EQUIVALENTS.read_text(encoding="utf-8")) or []
    return [dict(entry) for entry in data]


def _run_target(target: Target, seed: int, limit: int, dry_run: bool) -> Run:
    run = Run(target)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kling-mutation-") as scratch:
        copy = Path(scratch) / "repo"
        _copy_repo(copy)
        env = _env(copy)
        _write_script(copy, target)
        timeout = MIN_TIMEOUT if dry_run else _baseline(copy, env, target)
        config = _write_config(copy, target, timeout)
        session = str(copy / "session.sqlite")
        _cosmic(["init", str(config), session], copy, env)
        run.mutants = _select(copy, session, target, seed, limit, env)
        if dry_run:
            return run
        _cosmic(["exec", str(config), session], copy, env)
        run.outcomes = _outcomes(copy, session, env)
    run.seconds = time.monotonic() - start
    return run


def _copy_repo(copy: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / rel)


def _env(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(copy), str(copy / "generated")])
    env["XDG_CACHE_HOME"] = str(copy / ".cache")
    env["KLING_CODEGEN_TEST_CACHE"] = str(copy / ".cache" / "tests")
    env["PYTHONHASHSEED"] = "0"
    env.pop("KLING_CODEGEN_CACHE", None)
    return env


def _write_script(copy: Path, target: Target) -> None:
    script = copy / "mutation-test.sh"
    steps = ["set -e", f'cd "{copy}"']
    if target.runtime:
        steps.append(f"{sys.executable} -m codegen generate > /dev/null")
    tests = " ".join(target.tests)
    steps.append(
        f"{sys.executable} -m pytest -x -q -p no:cacheprovider -p no:randomly "
        f"--hypothesis-seed={SEED} {tests}"
    )
    script.write_text("\n".join(steps) + "\n", encoding="utf-8")


def _write_config(copy: Path, target: Target, timeout: float) -> Path:
    script = copy / "mutation-test.sh"
    config = copy / "mutation.toml"
    modules = ", ".join(f'"{path}"' for path in target.files)
    config.write_text(
        "[cosmic-ray]\n"
        f"module-path = [{modules}]\n"
        f"timeout = {timeout:.0f}\n"
        "excluded-modules = []\n"
        f'test-command = "bash {script}"\n'
        "[cosmic-ray.distributor]\n"
        'name = "local"\n',
        encoding="utf-8",
    )
    return config


def _baseline(copy: Path, env: dict[str, str], target: Target) -> float:
    """Seconds the area's tests take on the unmutated code, where they must pass (or every
    mutant would look killed). A mutant running 3 times as long is an endless loop: killed."""
    start = time.monotonic()
    done = subprocess.run(
        ["bash", str(copy / "mutation-test.sh")], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"{target.name}: tests fail before any mutation:\n{done.stdout[-3000:]}")
    return max(MIN_TIMEOUT, 3 * (time.monotonic() - start))


def _cosmic(args: list[str], copy: Path, env: dict[str, str]) -> None:
    command = [str(Path(sys.executable).parent / "cosmic-ray"), *args]
    subprocess.run(command, cwd=copy, env=env, check=True, capture_output=True)


def _helper(copy: Path, env: dict[str, str], *args: str) -> str:
    """Run bench.mutation_db (which imports cosmic-ray) in the copy's environment."""
    command = [sys.executable, "-m", "bench.mutation_db", *args]
    return subprocess.run(
        command, cwd=copy, env=env, check=True, capture_output=True, text=True
    ).stdout


def _select(
    copy: Path, session: str, target: Target, seed: int, limit: int, env: dict[str, str]
) -> list[Mutant]:
    """Keep the target's mutants (chosen operators, scoped functions, no annotations)."""
    rows = yaml.safe_load(_helper(copy, env, "list", session)) or []
    keep: list[Mutant] = []
    for row in rows:
        mutant = _mutant(copy, row, target)
        if mutant is not None:
            keep.append(mutant)
    keep.sort(key=lambda m: m.key)
    if len(keep) > limit:
        keep = sorted(random.Random(seed).sample(keep, limit), key=lambda m: m.key)
    chosen = {m.job_id for m in keep}
    skipped = [str(row["job_id"]) for row in rows if row["job_id"] not in chosen]
    (copy / "skipped.txt").write_text("\n".join(skipped), encoding="utf-8")
    _helper(copy, env, "skip", session, str(copy / "skipped.txt"))
    return keep


def _mutant(copy: Path, row: dict[str, Any], target: Target) -> Mutant | None:
    path = str(row["path"])
    if row["operator"] not in OPERATORS:
        return None
    line = int(row["line"])
    source = _Source.load(copy / path)
    if source.in_annotation(line, int(row["column"])):
        return None
    function = source.function_at(line)
    scope = target.files[path]
    if scope is not None and not any(function == f or function.startswith(f + ".") for f in scope):
        return None
    return Mutant(
        job_id=str(row["job_id"]),
        path=path,
        line=line,
        operator=str(row["operator"]),
        occurrence=int(row["occurrence"]),
        text=source.lines[line - 1].strip(),
        function=function,
    )


@dataclass
class _Source:
    lines: list[str]
    functions: list[tuple[int, int, str]]  # first line, last line, qualified name
    annotations: list[tuple[int, int, int, int]]  # start (line, col), end (line, col)

    @classmethod
    def load(cls, path: Path) -> _Source:
        if path not in _SOURCES:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
            _SOURCES[path] = cls(text.splitlines(), list(_functions(tree, "")), list(_notes(tree)))
        return _SOURCES[path]

    def function_at(self, line: int) -> str:
        inside = [
            (last - first, name) for first, last, name in self.functions if first <= line <= last
        ]
        return min(inside)[1] if inside else "<module>"

    def in_annotation(self, line: int, column: int) -> bool:
        point = (line, column)
        return any((a, b) <= point < (c, d) for a, b, c, d in self.annotations)


_SOURCES: dict[Path, _Source] = {}


def _functions(node: ast.AST, prefix: str) -> Iterator[tuple[int, int, str]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                yield first, child.end_lineno or child.lineno, name
            yield from _functions(child, name + ".")


def _notes(tree: ast.AST) -> Iterator[tuple[int, int, int, int]]:
    """Spans no mutant may touch: annotations, and each `def` line up to its body (where a
    `*` is the keyword-only marker, which cosmic-ray would turn into `/`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body[0]
            yield node.lineno, node.col_offset, body.lineno, body.col_offset
        found: list[ast.expr | None] = []
        if isinstance(node, ast.arg):
            found.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
        for note in found:
            if note is not None:
                yield note.lineno, note.col_offset, note.end_lineno or 0, note.end_col_offset or 0


def _outcomes(copy: Path, session: str, env: dict[str, str]) -> dict[str, Outcome]:
    rows = yaml.safe_load(_helper(copy, env, "results", session)) or []
    return {str(r["job_id"]): Outcome(str(r["outcome"]), str(r.get("diff", ""))) for r in rows}


def _summary(run: Run, equivalents: list[dict[str, str]]) -> dict[str, Any]:
    """One target's results as plain data (bench/mutation-results.json)."""
    killed, errors = 0, 0
    survived: list[dict[str, Any]] = []
    equivalent: list[dict[str, Any]] = []
    for mutant in run.mutants:
        outcome = run.outcomes.get(mutant.job_id, Outcome("missing", ""))
        row = {
            "where": f"{mutant.path}:{mutant.line}",
            "function": mutant.function,
            "operator": mutant.operator.removeprefix("core/"),
            "line": mutant.text,
            "mutant": _mutated_line(outcome.diff),
        }
        reason = _equivalent(mutant.path, row, equivalents)
        if outcome.status == "survived" and reason is not None:
            equivalent.append({**row, "why": reason})
        elif outcome.status == "survived":
            survived.append(row)
        elif outcome.status == "killed":
            killed += 1
        else:
            errors += 1
    return {
        "name": run.target.name,
        "files": run.target.files,
        "tests": list(run.target.tests),
        "killed": killed,
        "survived": survived,
        "equivalent": equivalent,
        "errors": errors,
        "minutes": round(run.seconds / 60, 1),
    }


def _reclassify(summary: dict[str, Any], equivalents: list[dict[str, str]]) -> None:
    """Sort the target's survivors again by the current equivalents list (and reasons)."""
    kept = []
    rows = summary["survived"] + [
        {k: v for k, v in row.items() if k != "why"} for row in summary["equivalent"]
    ]
    summary["equivalent"] = []
    for row in rows:
        reason = _equivalent(row["where"].rsplit(":", 1)[0], row, equivalents)
        if reason is None:
            kept.append(row)
        else:
            summary["equivalent"].append({**row, "why": reason})
    summary["survived"] = kept


def _mutated_line(diff: str) -> str:
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+")]
    added = [line for line in added if not line.startswith("++")]
    return added[0] if added else ""


def _equivalent(path: str, row: dict[str, Any], equivalents: list[dict[str, str]]) -> str | None:
    for entry in equivalents:
        if (entry["file"], entry["line"], entry["mutant"]) == (path, row["line"], row["mutant"]):
            return entry["why"]
    return None


def _store(
    summaries: list[dict[str, Any]], *, seed: int, equivalents: list[dict[str, str]]
) -> list[dict[str, Any]]:
    """Merge this run's targets into the stored results; the rest stay as last measured,
    their survivors checked again against the equivalents list."""
    stored: dict[str, Any] = {}
    if STORED.exists():
        stored = json.loads(STORED.read_text(encoding="utf-8"))
    for summary in summaries:
        stored[summary["name"]] = {**summary, "seed": seed}
    for summary in stored.values():
        _reclassify(summary, equivalents)
    order = [t.name for t in TARGETS]
    ordered = {name: stored[name] for name in order if name in stored}
    STORED.write_text(json.dumps(ordered, indent=1) + "\n", encoding="utf-8")
    return list(ordered.values())


if __name__ == "__main__":
    sys.exit(main())

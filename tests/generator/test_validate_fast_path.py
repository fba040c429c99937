"""`kling-codegen validate` has two front doors: the fast path (no click) for the plain
argument shapes, and the click command for everything else. Both must print the same bytes
and exit with the same code; shapes the fast path does not know must reach click.

Targets and payloads come from the catalog's examples (the first endpoint that has a valid
and an invalid request example), so the tests hold for whatever gateways `schemas/` holds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.commands.validate_run import ValidateArgs, parse_fast

from .conftest import ROOT, SCHEMAS, run_cli


def _target() -> tuple[str, str, Path, Path]:
    """(provider/endpoint, its current version, a valid and an invalid request example)."""
    import yaml

    for manifest in sorted(SCHEMAS.glob("*/manifest.yaml")):
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        for endpoint, spec in sorted((data.get("endpoints") or {}).items()):
            folder = manifest.parent / endpoint / spec["current"] / "examples"
            valid = sorted(folder.glob("request-*.json"))
            invalid = sorted(folder.glob("invalid-request-*.json"))
            if valid and invalid:
                return f"{manifest.parent.name}/{endpoint}", spec["current"], valid[0], invalid[0]
    pytest.skip("no endpoint with a valid and an invalid request example")


TARGET, VERSION, VALID, INVALID = _target()


def _shapes(tmp: Path) -> list[list[str]]:
    hostile = tmp / "hostile.json"
    payload = json.loads(VALID.read_text(encoding="utf-8"))
    payload["\x1b[31mred\nline"] = "\x1b]0;title\x07"
    hostile.write_text(json.dumps(payload), encoding="utf-8")
    broken = tmp / "broken.json"
    broken.write_text("{nope", encoding="utf-8")
    valid, invalid = str(VALID), str(INVALID)
    return [
        [TARGET, valid],
        [TARGET, invalid],
        [valid, TARGET],  # swapped: a usage error, the same one from both doors
        [TARGET, invalid, "--format", "json"],
        [TARGET, invalid, "--format=json", "--strict"],
        ["--strict", TARGET, str(hostile)],
        [TARGET, str(hostile)],
        [TARGET, str(hostile), "--format", "json"],
        [TARGET, valid, "--kind", "response"],
        [TARGET, valid, "--version", VERSION],
        [f"{TARGET}@{VERSION}", valid],
        [f"{TARGET}@{VERSION}", valid, "--version", "1999-01-01"],
        [f"{TARGET}@1999-01-01", valid],
        [f"{TARGET}@", valid],
        [TARGET, valid, "--schemas", str(SCHEMAS)],
        [TARGET, valid, f"--schemas={tmp / 'absent'}"],
        ["nobody/none", valid],
        ["no-slash", valid],
        [TARGET, str(tmp / "absent.json")],
        [TARGET, str(broken)],
        [TARGET, str(tmp)],
    ]


def _run(args: list[str], *, fast: bool) -> tuple[int, str, str]:
    env = {} if fast else {"KLING_CODEGEN_NO_FAST_PATH": "1"}
    done = run_cli("validate", *args, env=env)
    return done.returncode, done.stdout, done.stderr


def test_both_doors_print_the_same_bytes(tmp_path: Path) -> None:
    for args in _shapes(tmp_path):
        assert parse_fast(args) is not None, args  # these shapes do take the fast path
        fast, slow = _run(args, fast=True), _run(args, fast=False)
        assert fast == slow, args
        assert fast[0] in (0, 1, 2) and "Traceback" not in fast[2], (args, fast)


def test_text_report_escapes_what_the_payload_says(tmp_path: Path) -> None:
    args = _shapes(tmp_path)[6]
    code, out, _ = _run([*args, "--strict"], fast=True)
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[31mred\\nline" in out
    assert all(line.startswith(args[1]) for line in out.splitlines())


def test_stdin_through_both_doors() -> None:
    body = VALID.read_bytes()
    outputs = []
    for env in ({}, {"KLING_CODEGEN_NO_FAST_PATH": "1"}):
        done = subprocess.run(
            [sys.executable, "-m", "codegen", "validate", TARGET, "-"],
            input=body,
            capture_output=True,
            cwd=ROOT,
            env={**_environ(), **env},
            timeout=120,
        )
        outputs.append((done.returncode, done.stdout, done.stderr))
    assert outputs[0] == outputs[1] and outputs[0][0] == 0


def _environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "KLING_CODEGEN_DEBUG"}


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["T"],
        ["T", "F", "G"],
        ["T", "F", "--help"],
        ["-h"],
        ["T", "F", "--"],
        ["T", "F", "--bogus"],
        ["T", "F", "--format"],
        ["T", "F", "--format", "yaml"],
        ["T", "F", "--kind", "everything"],
        ["T", "F", "--strict", "--strict"],
        ["T", "F", "--strict=yes"],
        ["T", "F", "--version", "1", "--version", "2"],
        ["T", "F", "--version", "--strict"],
        ["T", "F", "--schemas="],
        ["", "F"],
    ],
)
def test_other_shapes_go_to_click(args: list[str]) -> None:
    assert parse_fast(args) is None


def test_plain_shapes_parse_as_click_would() -> None:
    got = parse_fast(
        ["a/b@v", "-", "--kind=status", "--strict", "--schemas", "s", "--format", "json"]
    )
    assert got == ValidateArgs("a/b@v", Path("-"), "json", "status", True, None, Path("s"))


def test_the_fast_path_does_not_import_click() -> None:
    code = (
        "import sys\n"
        "from codegen.cli import _dispatch\n"
        "status = _dispatch(sys.argv[1:])\n"
        "sys.stderr.write('click imported' if 'click' in sys.modules else 'no click')\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "validate", TARGET, str(VALID)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_environ(),
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr.endswith("no click"), done.stderr
    slow = subprocess.run(
        [sys.executable, "-c", code, "validate", TARGET, str(VALID), "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_environ(),
        timeout=120,
    )
    assert slow.returncode == 0 and slow.stderr.endswith("click imported")


def test_a_reader_that_goes_away_is_no_internal_error() -> None:
    """`kling-codegen validate ... | head`: the pipe closes before the report is written. A
    valid payload exits 0 when its report is written, so exit 1 says the write failed."""
    outcomes = []
    for env in ({}, {"KLING_CODEGEN_NO_FAST_PATH": "1"}):
        args = [sys.executable, "-m", "codegen", "validate", TARGET, str(VALID)]
        with subprocess.Popen(
            args,
            cwd=ROOT,
            env={**_environ(), **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            proc.stdout.close()
            err = proc.stderr.read().decode()
            outcomes.append((proc.wait(timeout=120), err))
    assert outcomes[0] == outcomes[1] == (1, ""), outcomes

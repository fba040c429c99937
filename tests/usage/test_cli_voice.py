"""One CLI voice (issue 13, item 6): examples in every --help, -h, --version, exit codes
documented, option errors that name the option and list valid values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen import __version__
from codegen.catalog import load_catalog
from codegen.cli import COMMANDS

from .conftest import ROOT, SCHEMAS, first_valid_request, run


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_help_has_an_example_and_h_is_help(command: str) -> None:
    long = run("kling-codegen", command, "--help", cwd=ROOT)
    short = run("kling-codegen", command, "-h", cwd=ROOT)
    assert long.returncode == short.returncode == 0
    assert long.stdout == short.stdout
    examples = long.stdout.split("Examples:", 1)[1]
    assert f"kling-codegen {command}" in examples


def test_group_help_documents_every_exit_code_and_the_version() -> None:
    done = run("kling-codegen", "-h", cwd=ROOT)
    for code in ("0  ok", "1  a finding", "2  bad input or usage", "3  internal error"):
        assert code in done.stdout
    for flag in ("--version", "-V"):
        version = run("kling-codegen", flag, cwd=ROOT)
        assert version.returncode == 0 and version.stdout.strip().endswith(__version__)


def test_readme_documents_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in ("0 ok", "1 a finding", "2 bad input or usage", "3 an internal"):
        assert code in readme


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["quote", "x.json", "--format", "yaml"], ["'--format'", "'text', 'json'"]),
        (["drift", "--format", "pdf"], ["'--format'", "'text'", "'markdown'"]),
        (["fake-gateway", "p", "--port", "99999"], ["'--port'", "0<=x<=65535"]),
        (["fake-gateway", "p", "--faults", "nope"], ["--faults: invalid JSON"]),
        (["fake-gateway", "p", "--faults", '[{"kind": "boom"}]'], ["--faults", "known: drop"]),
        (["fake-gateway", "p", "--faults", "{}"], ["--faults: expected a JSON list"]),
        (["validate", "no-slash", "x.json"], ["TARGET 'no-slash'", "PROVIDER/ENDPOINT"]),
        (["translate", "--to", "a/b@", "x.json"], ["--to 'a/b@'", "@YYYY-MM-DD"]),
    ],
)
def test_option_errors_name_the_option(
    args: list[str], expected: list[str], tmp_path: Path
) -> None:
    done = run("kling-codegen", *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    for text in expected:
        assert text in done.stderr
    assert "Traceback" not in done.stderr


def test_one_way_to_name_a_version(tmp_path: Path) -> None:
    """`TARGET@V` and `--version V` say the same; giving two different ones is an error."""
    target, payload = first_valid_request()
    (tmp_path / "p.json").write_text(json.dumps(payload))
    current = load_catalog(SCHEMAS).endpoint(target).current
    pinned = run(
        "kling-codegen",
        "validate",
        f"{target}@{current}",
        "p.json",
        "--format",
        "json",
        cwd=tmp_path,
    )
    option = run(
        "kling-codegen",
        "validate",
        target,
        "p.json",
        "--version",
        current,
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert pinned.returncode == option.returncode == 0 and pinned.stdout == option.stdout
    both = run(
        "kling-codegen",
        "validate",
        f"{target}@{current}",
        "p.json",
        "--version",
        "2000-01-01",
        cwd=tmp_path,
    )
    assert both.returncode == 2 and "disagree" in both.stderr


def test_bad_json_is_worded_once_for_every_command(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    target, _ = first_valid_request()
    runs = [
        ["validate", target, "bad.json"],
        ["translate", "--to", target, "bad.json"],
        ["quote", "bad.json"],
        ["diff", "bad.json", "bad.json"],
    ]
    for args in runs:
        done = run("kling-codegen", *args, cwd=tmp_path)
        assert done.returncode == 2
        assert done.stderr.startswith("bad.json#: invalid JSON at line 1 column 2:"), args


def test_a_missing_fake_extra_is_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    from codegen.cli import main
    from codegen.fake import cli

    real = importlib.util.find_spec
    monkeypatch.setattr(
        cli.importlib.util, "find_spec", lambda n, *a: None if n == "uvicorn" else real(n, *a)
    )
    with pytest.raises(SystemExit) as exit_:
        main(["fake-gateway", "any"])
    assert exit_.value.code == 2
    assert "pip install 'kling-codegen[fake]'" in capsys.readouterr().err

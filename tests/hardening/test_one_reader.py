"""One reader for every command's JSON and YAML (issue 20, items 6 and 17).

Each hostile input is given to every command that reads a file: exit 2, `file#: message`,
no traceback, and the same refusal whichever command reads it. Before the one reader,
`diff` had no alias-bomb limit, deep nesting and 5000-digit numbers gave exit 3, and
`validate`, `diff` and `drift` accepted duplicate keys, NaN, Infinity and 1e400.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from codegen.read import MAX_DEPTH
from tests.usage.conftest import SCHEMAS, first_valid_request, run

HOSTILE_JSON = {
    "deep": "[" * 5000 + "]" * 5000,
    "deep-but-parseable": "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5),
    "digits": '{"n": ' + "9" * 5000 + "}",
    "duplicate": '{"a": 1, "a": 2}',
    "nan": '{"a": NaN}',
    "infinity": '{"a": -Infinity}',
    "overflow": '{"a": 1e400}',
    "surrogate": '{"a": "\\ud800"}',
}
MESSAGES = {
    "deep": "nested deeper than",
    "deep-but-parseable": "nested deeper than",
    "digits": "too many digits",
    "duplicate": 'key "a" appears twice',
    "nan": "NaN is not valid JSON",
    "infinity": "-Infinity is not valid JSON",
    "overflow": "out of range for a 64-bit float",
    "surrogate": "lone surrogate U+D800",
}
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)


def _commands(name: str) -> list[list[str]]:
    """Every command that reads the user's file `name`."""
    target, _ = first_valid_request()
    return [
        ["validate", target, name],
        ["translate", "--to", target, name],
        ["quote", name],
        ["diff", name, name],
        ["drift", "--schemas", "schemas", "--baseline", name],
    ]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reader")
    shutil.copytree(SCHEMAS, root / "schemas")
    return root


@pytest.mark.parametrize("case", sorted(HOSTILE_JSON))
def test_every_command_refuses_hostile_json_alike(sandbox: Path, case: str) -> None:
    name = f"{case}.json"
    (sandbox / name).write_text(HOSTILE_JSON[case], encoding="utf-8")
    for command in _commands(name):
        done = run("kling-codegen", *command, cwd=sandbox)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.startswith(f"{name}#"), (command, done.stderr)
        assert MESSAGES[case] in done.stderr, (command, done.stderr)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_the_catalog_refuses_the_same_json(sandbox: Path, tmp_path: Path) -> None:
    """generate reads catalog files through the same reader: same refusals."""
    schemas = tmp_path / "schemas"
    shutil.copytree(sandbox / "schemas", schemas)
    canonical = sorted((schemas / "canonical").glob("*/request.json"))[0]
    for case in ("duplicate", "nan", "overflow", "digits"):
        canonical.write_text(HOSTILE_JSON[case], encoding="utf-8")
        done = run("kling-codegen", "generate", "--check", cwd=tmp_path)
        assert done.returncode == 2 and MESSAGES[case] in done.stderr, done.stderr


def test_diff_refuses_a_yaml_alias_bomb_quickly(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    start = time.monotonic()
    done = run("kling-codegen", "diff", "bomb.yaml", "bomb.yaml", cwd=tmp_path, timeout=60)
    assert done.returncode == 2 and "aliases count per use" in done.stderr, done.stderr
    assert time.monotonic() - start < 60  # the limit, not a timing claim: it used to take 66 s


def test_ignore_files_use_the_same_reader(tmp_path: Path) -> None:
    (tmp_path / "ignore.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({"type": "object"}), encoding="utf-8")
    done = run("kling-codegen", "diff", "s.json", "s.json", "--ignore", "ignore.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "ignore.yaml#: more than" in done.stderr


def test_special_files_are_refused_by_name(tmp_path: Path) -> None:
    target, _ = first_valid_request()
    done = run("kling-codegen", "validate", target, "/dev/zero", cwd=tmp_path, timeout=60)
    assert done.returncode == 2 and "/dev/zero#: cannot read: not a regular file" in done.stderr


def test_fake_gateway_port_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    done = run("kling-codegen", "fake-gateway", "any", "--port", "99999", cwd=tmp_path)
    assert done.returncode == 2 and "Invalid value for '--port'" in done.stderr
    assert "Traceback" not in done.stderr

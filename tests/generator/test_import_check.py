"""The import check before the swap (codegen/verify.py, codegen/importcheck.py).

A module that passed is not imported again while nothing it reaches on import changed; a
change anywhere it reaches (or a new failure) is always checked. The forked checker answers
like a fresh interpreter, and a dead checker falls back to one.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from codegen.cache import Cache
from codegen.errors import SchemaError
from codegen.importcheck import ImportChecker, run_fresh
from codegen.verify import check_package, module_keys
from tests.hardening import catalog

PACKAGE = {
    "kling_gateways/__init__.py": "# Generated\n# header\n",
    "kling_gateways/a/__init__.py": "# Generated\n# header\nfrom . import b\n",
    "kling_gateways/a/b.py": "# Generated\n# header\nVALUE = 1\n",
    "kling_gateways/c.py": "# Generated\n# header\nfrom kling_gateways.a.b import VALUE\n",
    "kling_gateways/d.py": "# Generated\n# header\nOTHER = 2\n",
}


def _keys(files: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return module_keys(files)


def test_a_change_rekeys_exactly_the_modules_that_reach_it(tmp_path: Path) -> None:
    before = _keys(PACKAGE, tmp_path)
    after = _keys(
        {**PACKAGE, "kling_gateways/a/b.py": "# Generated\n# header\nVALUE = 3\n"}, tmp_path
    )
    changed = sorted(rel for rel in PACKAGE if before[rel] != after[rel])
    assert changed == [
        "kling_gateways/a/__init__.py",
        "kling_gateways/a/b.py",
        "kling_gateways/c.py",
    ]


def test_the_provenance_header_does_not_rekey_but_the_first_two_lines_do(tmp_path: Path) -> None:
    before = _keys(PACKAGE, tmp_path)
    header = "# Generated\n# header\n#   schemas/x.json sha256=1234\n"
    moved = _keys({**PACKAGE, "kling_gateways/d.py": header + "OTHER = 2\n"}, tmp_path)
    assert moved == before
    cookie = _keys(
        {**PACKAGE, "kling_gateways/d.py": "# -*- coding: latin-1 -*-\nOTHER = 2\n"}, tmp_path
    )
    assert cookie["kling_gateways/d.py"] != before["kling_gateways/d.py"]


def test_a_module_that_does_not_compile_is_refused_on_every_run(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    broken = {**PACKAGE, "kling_gateways/a/b.py": "VALUE = (\n"}
    for _ in range(2):
        with pytest.raises(SchemaError) as raised:
            check_package(broken, {}, cache=cache)
        assert "does not compile" in str(raised.value.problems)


def test_imports_are_read_in_every_form_ruff_writes(tmp_path: Path) -> None:
    files = {
        "kling_gateways/__init__.py": "",
        "kling_gateways/a.py": "from kling_gateways import (\n    b,\n    c as see,\n)\n",
        "kling_gateways/b.py": "import kling_gateways.d as dee, kling_gateways.e\n",
        "kling_gateways/c.py": "if True:\n    from .f import VALUE  # noqa\n",
        "kling_gateways/d.py": "",
        "kling_gateways/e.py": "",
        "kling_gateways/f.py": "VALUE = 1\n",
        "kling_gateways/g.py": "",
    }
    before = _keys(files, tmp_path)
    for leaf in ("d", "e", "f"):
        after = _keys({**files, f"kling_gateways/{leaf}.py": "CHANGED = 1\n"}, tmp_path)
        assert before["kling_gateways/a.py"] != after["kling_gateways/a.py"], leaf
        assert before["kling_gateways/g.py"] == after["kling_gateways/g.py"], leaf


def _marking(folder: Path) -> dict[str, str]:
    """PACKAGE where importing `d` and `b` leaves a file in `folder` (so imports can be counted)."""

    def mark(name: str, body: str) -> str:
        return f"# Generated\n# header\nopen({str(folder / name)!r}, 'a').close()\n{body}"

    return {
        **PACKAGE,
        "kling_gateways/a/b.py": mark("b", "VALUE = 1\n"),
        "kling_gateways/d.py": mark("d", "OTHER = 2\n"),
    }


def test_a_verified_module_is_not_imported_again_until_something_it_reaches_changes(
    tmp_path: Path,
) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    cache = Cache(tmp_path / "cache")
    files = _marking(marks)
    check_package(files, {}, cache=cache)
    assert sorted(p.name for p in marks.iterdir()) == ["b", "d"]
    for mark in marks.iterdir():
        mark.unlink()
    check_package(files, {}, cache=cache)
    assert list(marks.iterdir()) == []
    check_package(
        {**files, "kling_gateways/c.py": files["kling_gateways/c.py"] + "X = 1\n"}, {}, cache=cache
    )
    assert sorted(p.name for p in marks.iterdir()) == ["b"]  # c reaches b, not d


def test_a_new_failure_is_found_even_when_everything_else_was_verified(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    check_package(PACKAGE, {}, cache=cache)
    broken = {
        **PACKAGE,
        "kling_gateways/a/b.py": "# Generated\n# header\nimport re\nre.compile('[')\n",
    }
    with pytest.raises(SchemaError) as raised:
        check_package(
            broken, {"kling_gateways/a/b.py": ["schemas/p/e/v/request.json"]}, cache=cache
        )
    assert "does not import" in str(raised.value.problems)
    with pytest.raises(SchemaError):  # a failure is never remembered as a pass
        check_package(broken, {}, cache=cache)


def test_the_forked_checker_and_a_fresh_interpreter_agree(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    for rel, text in {**PACKAGE, "kling_gateways/e.py": "raise ValueError('no')\n"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    names = ["kling_gateways.c", "kling_gateways.d", "kling_gateways.e"]
    checker = ImportChecker.start()
    assert checker is not None
    assert (
        checker.check(root, names)
        == run_fresh(root, names)
        == [("kling_gateways.e", "ValueError: no")]
    )


def test_a_dead_checker_is_reported_as_gone_and_reaped(tmp_path: Path) -> None:
    checker = ImportChecker.start()
    assert checker is not None
    pid = checker.pid
    os.kill(pid, signal.SIGKILL)
    answer = checker.check(tmp_path, ["kling_gateways"])
    assert answer is None or "crashed" in json.dumps(answer)
    checker.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_generate_refuses_a_schema_made_unimportable_after_a_cached_run(tmp_path: Path) -> None:
    schema = {"title": "Request", "type": "object", "properties": {"p": {"type": "string"}}}
    schemas = catalog.write_catalog(tmp_path, {"request": schema})
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert (
        catalog.run_cli(
            "generate", "--schemas", schemas, "--out", out, "--cache-dir", cache, cwd=tmp_path
        ).code
        == 0
    )
    request = schemas / catalog.PROVIDER / catalog.ENDPOINT / catalog.VERSION / "request.json"
    schema["properties"]["p"]["pattern"] = "["
    request.write_text(json.dumps(schema), encoding="utf-8")
    before = catalog.snapshot(out)
    result = catalog.run_cli(
        "generate", "--schemas", schemas, "--out", out, "--cache-dir", cache, cwd=tmp_path
    )
    assert result.code == 2 and "does not import" in result.stderr, str(result)
    assert catalog.snapshot(out) == before


def test_many_modules_are_checked_by_several_children_with_whole_providers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import codegen.verify as verify

    files = {"kling_gateways/__init__.py": ""}
    for provider in ("p1", "p2", "p3"):
        files[f"kling_gateways/{provider}/__init__.py"] = "from . import m0\n"
        for index in range(4):
            files[f"kling_gateways/{provider}/m{index}.py"] = f"VALUE = {index}\n"
    files["kling_gateways/p3/m3.py"] = "raise ValueError('broken p3')\n"
    monkeypatch.setattr(verify, "PER_CHILD", 2)
    monkeypatch.setattr(verify.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    groups = verify._groups(sorted(verify._module(r) for r in files), 3)
    assert len(groups) == 3
    for group in groups:
        assert (
            len({".".join(name.split(".")[:2]) for name in group}) == 1 or "kling_gateways" in group
        )
    with pytest.raises(SchemaError) as raised:
        check_package(files, {})
    assert "broken p3" in str(raised.value.problems)
    check_package({**files, "kling_gateways/p3/m3.py": "VALUE = 3\n"}, {})

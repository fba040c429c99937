"""Commands from any folder: walking up to schemas/, --schemas, $KLING_CODEGEN_SCHEMAS, the
installed package's catalog, and an error that says where it looked (issue 13, item 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT, SCHEMAS, first_valid_request, misspelled, run


def _payload(tmp: Path, data: object) -> Path:
    file = tmp / "payload.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    return file


def test_validate_from_an_empty_folder_uses_the_installed_package(tmp_path: Path) -> None:
    """The 'done when' of issue 13: outside the repository, validate works and warns."""
    target, payload, typo, field = misspelled()
    _payload(tmp_path, payload)
    done = run("kling-codegen", "validate", target, "payload.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    expected = f"`{typo}`: not a field of {target}; did you mean `{field}`?"
    assert expected in done.stdout
    assert "warning:" in done.stdout and f"valid request for {target}" in done.stdout
    strict = run("kling-codegen", "validate", target, "payload.json", "--strict", cwd=tmp_path)
    assert strict.returncode == 1 and expected in strict.stdout
    report = json.loads(
        run(
            "kling-codegen", "validate", target, "payload.json", "--format", "json", cwd=tmp_path
        ).stdout
    )
    assert report["valid"] is True and report["errors"] == []
    assert [w["message"] for w in report["warnings"]] == [expected]
    assert report["warnings"][0]["pointer"].endswith(f"/{typo}")


def test_walking_up_finds_the_catalog(tmp_path: Path) -> None:
    """In a copy of the catalog, a folder three levels down finds ../../../schemas."""
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    target, payload = first_valid_request()
    _payload(deep, payload)
    done = run("kling-codegen", "validate", target, "payload.json", cwd=deep)
    assert done.returncode == 0, done.stderr
    drift = run("kling-codegen", "drift", "--format", "json", cwd=deep)
    assert drift.returncode in (0, 1) and json.loads(drift.stdout)["baseline"]


def test_schemas_option_and_environment_variable(tmp_path: Path) -> None:
    catalog = tmp_path / "elsewhere" / "cat"
    shutil.copytree(SCHEMAS, catalog)
    (tmp_path / "here").mkdir()
    target, payload = first_valid_request()
    _payload(tmp_path / "here", payload)
    here = tmp_path / "here"
    by_option = run(
        "kling-codegen", "validate", target, "payload.json", "--schemas", str(catalog), cwd=here
    )
    assert by_option.returncode == 0, by_option.stderr
    by_env = run(
        "kling-codegen", "diff", "--catalog", "--fail-on", "never", cwd=here,
        env={"KLING_CODEGEN_SCHEMAS": str(catalog)},
    )  # fmt: skip
    assert by_env.returncode == 0, by_env.stderr
    broken = run(
        "kling-codegen", "validate", target, "payload.json", cwd=here,
        env={"KLING_CODEGEN_SCHEMAS": str(tmp_path / "nope")},
    )  # fmt: skip
    assert broken.returncode == 2 and "schemas folder not found" in broken.stderr


@pytest.mark.parametrize("command", [["generate", "--check"], ["drift"], ["diff", "--catalog"]])
def test_nothing_found_says_where_it_looked(tmp_path: Path, command: list[str]) -> None:
    done = run("kling-codegen", *command, cwd=tmp_path)
    assert done.returncode == 2
    assert "no schema catalog found; looked at: --schemas: not given" in done.stderr
    assert f"in {tmp_path.resolve()} and each parent up to /" in done.stderr
    assert "pass --schemas DIR or set KLING_CODEGEN_SCHEMAS" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_without_catalog_or_package_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    from codegen.cli import main
    from codegen.commands import schemas

    real = importlib.util.find_spec
    monkeypatch.setattr(
        schemas.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "kling_gateways" else real(name, *a),
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KLING_CODEGEN_SCHEMAS", raising=False)
    target, payload = first_valid_request()
    _payload(tmp_path, payload)
    with pytest.raises(SystemExit) as exit_:
        main(["validate", target, "payload.json"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "the installed kling_gateways package: not importable" in err
    assert "pip install ./generated" in err


def test_generate_writes_next_to_the_schemas_folder_it_found(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests/golden/minimal/schemas", tmp_path / "schemas")
    (tmp_path / "sub").mkdir()
    done = run("kling-codegen", "generate", cwd=tmp_path / "sub")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "generated" / "kling_gateways" / "__init__.py").is_file()
    assert not (tmp_path / "sub" / "generated").exists()

"""`diff --catalog` as a CI gate: one document per format, paths relative to the repository
root with lines, direction from the file's role, and `--base REF` on a real git repository:
a pull request adding a breaking version fails, a compatible one passes, one that changes
no schema passes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.dom.minidom
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
V1 = {"type": "object", "required": ["prompt"],
      "properties": {"prompt": {"type": "string"},
                     "duration": {"type": "integer", "minimum": 3, "maximum": 15}}}  # fmt: skip
RESPONSE = {"type": "object", "properties": {"status": {"enum": ["queued", "done"]}}}


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false",
         *args], cwd=cwd, check=True, capture_output=True,
    )  # fmt: skip


def _version(root: Path, version: str, request: Any, response: Any = RESPONSE) -> None:
    folder = root / "schemas" / "acme" / "image-to-video" / version
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "request.json").write_text(json.dumps(request, indent=2) + "\n")
    (folder / "response.json").write_text(json.dumps(response, indent=2) + "\n")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose main branch has two compatible versions of one endpoint."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _git(tmp_path, "init", "-q", "-b", "main")
    _version(tmp_path, "2026-01-01", V1)
    _version(tmp_path, "2026-02-01", {**V1, "properties": {**V1["properties"], "seed": {}}})
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    _git(tmp_path, "checkout", "-qb", "pr")
    return tmp_path


def test_a_pull_request_without_schema_changes_passes(repo: Path) -> None:
    (repo / "README.md").write_text("docs only\n")
    done = _run(repo, "diff", "--catalog", "--base", "main", "--format", "github")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_a_breaking_new_version_fails_and_points_at_its_line(repo: Path) -> None:
    narrowed = {**V1, "properties": {**V1["properties"],
                                     "duration": {"type": "string", "enum": ["5", "10"]}}}  # fmt: skip
    _version(repo, "2026-03-01", narrowed)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "breaking")
    done = _run(repo, "diff", "--catalog", "--base", "main", "--format", "github")
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    path = "schemas/acme/image-to-video/2026-03-01/request.json"
    assert any(f"file={path},line=" in e and "type-changed" in e for e in errors), errors
    (typed,) = [e for e in errors if "type-changed" in e]
    line = int(typed.split("line=")[1].split(",")[0])
    text = (repo / path).read_text().splitlines()
    assert '"type": "string"' in text[line - 1]
    assert "2026-02-01" not in done.stdout  # the pair already on main is not reported again


def test_a_compatible_new_version_passes(repo: Path) -> None:
    widened = {**V1, "properties": {**V1["properties"],
                                    "duration": {"type": "integer", "minimum": 1, "maximum": 20}}}  # fmt: skip
    _version(repo, "2026-03-01", widened)
    done = _run(repo, "diff", "--catalog", "--base", "main", "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    (pair,) = [p for p in json.loads(done.stdout)["pairs"] if p["kind"] == "request"]
    assert pair["old_version"] == "2026-02-01" and pair["new_version"] == "2026-03-01"
    assert pair["summary"]["breaking"] == 0 and pair["changes"]


def test_a_version_edited_in_place_is_compared_with_itself(repo: Path) -> None:
    edited = {**V1, "properties": {**V1["properties"], "seed": {"type": "integer"},
                                   "duration": {"type": "integer", "minimum": 3, "maximum": 10}}}  # fmt: skip
    _version(repo, "2026-02-01", edited)
    done = _run(repo, "diff", "--catalog", "--base", "main", "--format", "json")
    assert done.returncode == 1
    pairs = json.loads(done.stdout)["pairs"]
    assert any("edited in place" in p["note"] and p["summary"]["breaking"] for p in pairs)


def test_bad_ref_is_a_usage_error(repo: Path) -> None:
    done = _run(repo, "diff", "--catalog", "--base", "no-such-ref")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--base" in done.stderr


def test_machine_formats_are_one_document_each(tmp_path: Path) -> None:
    _version(tmp_path, "2026-01-01", V1)
    _version(tmp_path, "2026-02-01", {**V1, "required": ["prompt", "duration"]},
             {**RESPONSE, "properties": {"status": {"enum": ["queued", "done", "lost"]}}})  # fmt: skip
    folder = tmp_path / "schemas" / "acme" / "image-to-video" / "2026-02-01"
    (folder / "callback.json").write_text(json.dumps(RESPONSE))
    schemas = str(tmp_path / "schemas")
    report = json.loads(_run(tmp_path, "diff", "--catalog", "--schemas", schemas,
                             "--format", "json").stdout)  # fmt: skip
    kinds = {p["kind"]: p for p in report["pairs"]}
    assert set(kinds) == {"request", "response", "callback"}
    assert kinds["callback"]["status"] == "added" and kinds["callback"]["old_version"] is None
    assert kinds["response"]["direction"] == "response"
    (lost,) = kinds["response"]["changes"]
    assert lost["rule"] == "response-property-enum-value-added" and lost["line"] > 0
    assert report["summary"]["breaking"] == 2
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text(
        "ignore:\n  - rule: response-property-enum-value-added\n"
        "    location: '#/properties/status'\n    reason: clients take any status\n"
    )
    accepted = json.loads(_run(tmp_path, "diff", "--catalog", "--schemas", schemas, "--format",
                               "json", "--ignore", str(ignore)).stdout)  # fmt: skip
    response = next(p for p in accepted["pairs"] if p["kind"] == "response")
    assert (
        response["changes"] == [] and response["ignored"][0]["reason"] == "clients take any status"
    )
    assert accepted["summary"]["breaking"] == 1
    junit = _run(tmp_path, "diff", "--catalog", "--schemas", schemas, "--format", "junit")
    suites = xml.dom.minidom.parseString(junit.stdout).getElementsByTagName("testsuite")
    assert len(suites) == 3
    assert all(int(s.getAttribute("tests")) >= 1 for s in suites)


def test_direction_comes_from_the_file_role(tmp_path: Path) -> None:
    old, new = tmp_path / "a" / "response.json", tmp_path / "b" / "response.json"
    for path, values in ((old, ["a"]), (new, ["a", "b"])):
        path.parent.mkdir()
        path.write_text(json.dumps({"enum": values}))
    done = _run(tmp_path, "diff", str(old), str(new), "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 1  # a new value a server may send breaks clients
    assert report["direction"]["side"] == "response"
    other = tmp_path / "b" / "thing.json"
    other.write_text(json.dumps({"enum": ["a"]}))
    text = _run(tmp_path, "diff", str(new), str(other)).stdout
    assert "request assumed" in text


def test_the_pre_commit_hook_fails_a_commit_that_breaks_a_schema(repo: Path) -> None:
    import shlex

    import yaml

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "kling-codegen-breaking-changes"]
    args = shlex.split(hook["entry"])[1:]  # after the console script's name
    assert _run(repo, *args).returncode == 0  # nothing staged yet
    _version(repo, "2026-03-01", {**V1, "required": ["prompt", "duration"]})
    _git(repo, "add", "-A")  # pre-commit runs on what is staged
    done = _run(repo, *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "request-property-became-required" in done.stdout


def test_a_link_out_of_the_catalog_at_the_base_is_refused(repo: Path) -> None:
    _git(repo, "checkout", "-q", "main")
    link = repo / "schemas" / "acme" / "image-to-video" / "2026-02-01" / "status.json"
    link.symlink_to("/etc/passwd")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "a link")
    done = _run(repo, "diff", "--catalog", "--base", "main")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "link" in done.stderr

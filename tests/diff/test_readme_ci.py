"""The README's "In CI" example, run: its workflow's Action step (action.yml at the
repository root) on a pull request that changes no schema passes, and on one that adds a
version breaking a current schema of the catalog fails with an annotation on the line.

GitHub itself is not here: the workflow's `with:` inputs are resolved against action.yml and
the Action's own check step runs in bash, in a clone of a repository holding this catalog,
with the environment a pull_request run has (GITHUB_BASE_REF). Setting up Python and
installing the package (the Action's first two steps) are what the test's own environment
already is.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def _readme_workflow() -> dict[str, Any]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## In CI", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block, "the In CI section shows a workflow"
    workflow: dict[str, Any] = yaml.safe_load(block.group(1))
    return workflow


def _action_step(workflow: dict[str, Any]) -> dict[str, Any]:
    (job,) = workflow["jobs"].values()
    ours = [
        s for s in job["steps"] if str(s.get("uses", "")).split("@")[0].endswith("/kling-codegen")
    ]
    assert len(ours) == 1, "the workflow uses this repository's Action once"
    return ours[0]


def _check_script(inputs: dict[str, str]) -> tuple[str, dict[str, str]]:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    unknown = set(inputs) - set(action["inputs"])
    assert not unknown, f"the README passes inputs action.yml does not declare: {unknown}"
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values.update({k: str(v) for k, v in inputs.items()})
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "check"]

    def resolve(text: str) -> str:
        return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], text)

    env = {k: resolve(str(v)) for k, v in step.get("env", {}).items()}
    return step["run"], env


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false",
         *args], cwd=cwd, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A pull-request branch in a clone of a repository whose main holds this catalog."""
    if shutil.which("git") is None or shutil.which("bash") is None:
        pytest.skip("git and bash are needed")
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main")
    shutil.copytree(REPO / "schemas", origin / "schemas")
    (origin / "README.md").write_text("a project that keeps a schema catalog\n")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-qm", "catalog")
    work = tmp_path / "work"
    _git(tmp_path, "clone", "-q", str(origin), str(work))
    _git(work, "checkout", "-qb", "pr")
    return work


def _run_example(work: Path) -> subprocess.CompletedProcess[str]:
    script, env = _check_script(_action_step(_readme_workflow()).get("with") or {})
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        **env,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(REPO),
        "GITHUB_BASE_REF": "main",
        "GITHUB_STEP_SUMMARY": str(work.parent / "summary.md"),
    }
    return subprocess.run(
        ["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip


def _an_object_request(schemas: Path) -> Path:
    """The newest request.json of the first endpoint (catalog order) whose body is an object
    with properties: no provider is named here."""
    for endpoint in sorted(p for p in schemas.glob("*/*") if p.is_dir()):
        versions = sorted(v for v in endpoint.iterdir() if (v / "request.json").is_file())
        if versions and "properties" in json.loads((versions[-1] / "request.json").read_text()):
            return versions[-1] / "request.json"
    raise AssertionError("no endpoint with an object request in the catalog")


def test_the_readme_example_passes_a_pull_request_that_changes_no_schema(clone: Path) -> None:
    (clone / "README.md").write_text("docs changed, schemas not\n")
    _git(clone, "commit", "-qam", "docs")
    done = _run_example(clone)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::error" not in done.stdout


def test_the_readme_example_fails_a_pull_request_that_breaks_a_schema(clone: Path) -> None:
    current = _an_object_request(clone / "schemas")
    new_version = current.parent.parent / "2099-01-01"
    shutil.copytree(current.parent, new_version)
    schema = json.loads(current.read_text())
    schema["properties"]["new_required_field"] = {"type": "string"}
    schema["required"] = [*schema.get("required", []), "new_required_field"]
    (new_version / "request.json").write_text(json.dumps(schema, indent=2) + "\n")
    _git(clone, "add", "-A")
    _git(clone, "commit", "-qm", "a breaking version")
    done = _run_example(clone)
    assert done.returncode == 1, done.stdout + done.stderr
    rel = (new_version / "request.json").relative_to(clone).as_posix()
    errors = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    assert any(f"file={rel},line=" in e and "became-required" in e for e in errors), errors
    assert "2099-01-01" in (clone.parent / "summary.md").read_text()

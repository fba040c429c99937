"""The README's Python snippet runs, as a user's script outside the repository, against a
fake gateway on 127.0.0.1, and passes `mypy --strict` there (issue 13, items 3 and 5)."""

from __future__ import annotations

import re
from pathlib import Path

from codegen.fake import FakeGateway

from .conftest import ROOT, run


def readme_snippet() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Using the generated package") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README has no Python snippet under 'Using the generated package'"
    return match.group(1)


def _provider(snippet: str) -> str:
    """The provider the snippet's client talks to (its `from kling_gateways.X import Client`)."""
    match = re.search(r"from kling_gateways\.(\w+) import Client", snippet)
    assert match, "the snippet imports no provider Client"
    return match.group(1)


def test_readme_snippet_runs_against_a_fake_gateway(tmp_path: Path) -> None:
    snippet = readme_snippet()
    provider = _provider(snippet)
    script = tmp_path / "snippet.py"
    script.write_text(snippet, encoding="utf-8")
    gateway = FakeGateway(provider, complete_after=0.05).start()
    try:
        env = {
            f"{provider.upper()}_API_KEY": "test-key",
            f"{provider.upper()}_BASE_URL": gateway.url,
        }
        done = run("python", str(script), cwd=tmp_path, env=env, timeout=120)
    finally:
        gateway.stop()
    assert done.returncode == 0, done.stderr
    status, result = done.stdout.splitlines()
    assert status in {"queued", "running", "succeeded"}
    run_id, video_url = result.split(" ")
    assert run_id and video_url.startswith("http")


def test_readme_snippet_passes_mypy_strict_outside_the_repository(tmp_path: Path) -> None:
    """After the README's set-up, type checkers resolve kling_gateways from any folder."""
    (tmp_path / "snippet.py").write_text(readme_snippet(), encoding="utf-8")
    done = run("mypy", "--strict", "--no-incremental", "snippet.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found in 1 source file" in done.stdout


def test_a_typo_in_a_users_script_is_a_type_error(tmp_path: Path) -> None:
    """The types are real, not Any: mypy refuses misuse of what the package returns."""
    script = tmp_path / "typo.py"
    script.write_text(
        "from kling_gateways.canonical import translate\n"
        "payload, warnings = translate({}, to='x')\n"
        "warnings.append(1)\n",
        encoding="utf-8",
    )
    done = run("mypy", "--strict", "--no-incremental", "typo.py", cwd=tmp_path)
    assert done.returncode == 1
    assert 'Argument 1 to "append" of "list" has incompatible type "int"' in done.stdout

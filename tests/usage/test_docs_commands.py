"""Every `kling-codegen` command in README.md and docs/ is run by this test (issue 13,
item 5): concrete commands in a sandbox copy of the catalog, in the order the page gives
them, must exit 0 or 1 (a finding) and never 2 or 3; synopses (with placeholders such as
`[--format ...]` or `OLD NEW`) must name only options the command has. The README's
"In CI" section is run by its own test."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.canonical.test_adding_a_provider import _write_provider
from tests.generator.test_watch import as_in_a_terminal

from .conftest import BIN, ROOT, SCHEMAS, misspelled, run

PAGES = ["README.md", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
SPAN = re.compile(r"`(kling-codegen [^`]+)`")
# Synopses, and commands that fetch a URL (tests never touch the internet: `import` from a
# URL is run against 127.0.0.1 by tests/importer), are checked for their options only.
SYNOPSIS = re.compile(
    r"\[|\||\b(COMMAND|OLD|NEW|DIR|FILE|JSON|S|V|CANONICAL\.json)\b|PROVIDER/ENDPOINT|https?://"
)
CANONICAL = {"prompt": "a cat turns", "start_image": "https://x.test/cat.png", "duration": 5}


def _text(page: str) -> str:
    text = (ROOT / page).read_text(encoding="utf-8")
    if page == "README.md":  # the CI section has its own test (diff --catalog --base)
        start = text.index("## In CI")
        end = text.index("\n## ", start + 1)
        text = text[:start] + text[end:]
    return text


def commands(page: str) -> list[str]:
    """The page's kling-codegen commands in order: lines of sh blocks, spans in prose."""
    text = _text(page)
    found: list[tuple[int, str]] = []
    for block in FENCE.finditer(text):
        if block.group(1) in ("sh", "bash", ""):
            joined = block.group(2).replace("\\\n", " ")  # continuation lines
            for offset, line in enumerate(joined.splitlines()):
                if line.startswith("kling-codegen "):
                    found.append(
                        (block.start() + offset, shlex.join(shlex.split(line, comments=True)))
                    )
    prose = FENCE.sub(lambda m: " " * len(m.group(0)), text)
    prose = re.sub(r"^#.*$", lambda m: " " * len(m.group(0)), prose, flags=re.M)  # titles
    found += [(m.start(), " ".join(m.group(1).split())) for m in SPAN.finditer(prose)]
    return [command for _, command in sorted(found)]


def test_the_pages_have_commands() -> None:
    every = {page: commands(page) for page in PAGES}
    assert len(every["README.md"]) >= 10
    assert sum(map(len, every.values())) >= 25


@pytest.mark.parametrize("page", PAGES)
def test_synopses_name_only_real_options(page: str) -> None:
    for command in [c for c in commands(page) if SYNOPSIS.search(c)]:
        name = command.split()[1]
        words = [name] if name.islower() else []  # COMMAND: the group's own options
        help_text = run("kling-codegen", *words, "--help", cwd=ROOT).stdout
        for option in re.findall(r"(?<![\w-])--?[a-zA-Z][a-z-]*", command):
            assert option in help_text, f"{page}: `{command}`: {name} has no {option}"


def _sandbox(root: Path, page: str) -> dict[str, str]:
    """The files a page's commands name, and the environment (generated package first)."""
    if page == "docs/adding-a-provider.md":
        _write_provider(root)
    else:
        shutil.copytree(SCHEMAS, root / "schemas")
    _target, payload, _typo, _field = misspelled()
    (root / "payload.json").write_text(json.dumps(payload), encoding="utf-8")
    for name in ("canonical.json", "request.json"):
        (root / name).write_text(json.dumps(CANONICAL), encoding="utf-8")
    return {"PYTHONPATH": str(root / "generated")}


def _serve(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Start a fake gateway (on a free port, not the page's), see it listen, stop it."""
    args = [a if not a.isdigit() else "0" for a in command]
    args += [] if "--port" in args else ["--port", "0"]
    full = {**dict(__import__("os").environ), **env}
    with subprocess.Popen(
        [str(BIN / args[0]), *args[1:]], cwd=cwd, env=full, stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            return process.stdout.readline()
        finally:
            process.terminate()


def _watch(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Start `generate --watch`, wait until it watches, stop it with Ctrl-C (SIGINT)."""
    full = {**dict(__import__("os").environ), **env}
    with subprocess.Popen(
        [str(BIN / command[0]), *command[1:]],
        cwd=cwd,
        env=full,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_in_a_terminal,
    ) as process:
        assert process.stderr is not None
        lines = [process.stderr.readline()]
        while lines[-1] and "watching" not in lines[-1]:
            lines.append(process.stderr.readline())
        process.send_signal(__import__("signal").SIGINT)
        try:
            _, rest = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        return process.returncode, "".join(lines) + rest


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_concrete_commands_run(page: str, tmp_path: Path) -> None:
    concrete = [c for c in commands(page) if not SYNOPSIS.search(c)]
    env = _sandbox(tmp_path, page)
    if any(c.split()[1] in ("translate", "quote") for c in concrete):
        assert run("kling-codegen", "generate", cwd=tmp_path).returncode == 0
    for command in concrete:
        words = shlex.split(command)
        if words[1] == "fake-gateway":
            assert "gateway on http://" in _serve(words, tmp_path, env), command
            continue
        if "--watch" in words:
            code, said = _watch(words, tmp_path, env)
            assert code == 0 and "stopped watching" in said and "Traceback" not in said, said
            continue
        done = run(*words, cwd=tmp_path, env=env)
        assert done.returncode in (0, 1), f"{page}: `{command}`: {done.stderr}"
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr

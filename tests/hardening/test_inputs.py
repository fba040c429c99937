"""Round two: commands that read or write paths they were handed.

`translate` and `quote` read a local image only with --allow-local-files, only a regular file
under the size limit, and never for a gateway that takes URLs only; `drift --update-baseline`
never writes through a symbolic link.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.catalog import load_catalog
from tests.hardening import catalog

CATALOG = load_catalog(catalog.REPO / "schemas")
CANARY = "kling-canary-8d1f0b6e"
TARGETS = sorted(
    e.key for e in CATALOG.endpoints() if e.mapping is not None and e.id == "image-to-video"
)


def _file_inputs(target: str) -> str:
    provider = CATALOG.providers[target.split("/")[0]]
    return str(provider.manifest.data.get("file_inputs", "url"))


URL_ONLY = [t for t in TARGETS if _file_inputs(t) == "url"]
INLINES = [t for t in TARGETS if _file_inputs(t) != "url"]


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(catalog.REPO / "generated"), str(catalog.REPO)])
    env = {**os.environ, "PYTHONPATH": path, "KLING_CANARY": CANARY}
    env.pop("KLING_CODEGEN_DEBUG", None)
    return subprocess.run(
        [*catalog.CLI, *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _inlined(text: str) -> str:
    """Every base64 data URI in `text`, decoded."""
    found = re.findall(r"data:[^;\"]*;base64,([A-Za-z0-9+/=]*)", text)
    return "".join(base64.b64decode(b + "=" * (-len(b) % 4)).decode("latin-1") for b in found)


def _request(tmp_path: Path, image: str | Path) -> Path:
    path = tmp_path / "request.json"
    path.write_text(json.dumps({"prompt": "a cat turns", "start_image": str(image)}), "utf-8")
    return path


def _commands(target: str, request: Path, *extra: str) -> list[list[str | Path]]:
    return [
        ["translate", "--to", target, *extra, request],
        ["quote", "--format", "json", *extra, request],
    ]


SPECIAL = ["/proc/self/environ", "/dev/zero", "fifo", "folder"]


def _special(tmp_path: Path, name: str) -> Path:
    if name == "fifo":
        os.mkfifo(tmp_path / "pipe.png")
        return tmp_path / "pipe.png"
    if name == "folder":
        (tmp_path / "dir.png").mkdir()
        return tmp_path / "dir.png"
    return Path(name)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", SPECIAL)
@pytest.mark.parametrize("allow", [False, True])
def test_special_files_never_reach_a_payload(tmp_path: Path, target: str, name: str, allow: bool):
    request = _request(tmp_path, _special(tmp_path, name))
    extra = ["--allow-local-files"] if allow else []
    for command in _commands(target, request, *extra):
        done = _run(*command, cwd=tmp_path)
        assert done.returncode in (1, 2), (command, done.returncode, done.stderr)
        assert CANARY not in done.stdout + done.stderr + _inlined(done.stdout)
        assert "Traceback" not in done.stderr
        assert "AAAAAAAA" not in done.stdout  # no base64 of /dev/zero


@pytest.mark.parametrize("target", TARGETS)
def test_a_local_file_needs_the_opt_in(tmp_path: Path, target: str):
    image = tmp_path / "frame.png"
    image.write_bytes(b"\x89PNG" + CANARY.encode())
    done = _run("translate", "--to", target, _request(tmp_path, image), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "allow" in done.stderr or "URLs only" in done.stderr
    assert "data:" not in done.stdout


@pytest.mark.parametrize("target", URL_ONLY)
def test_a_url_only_gateway_never_gets_a_local_file(tmp_path: Path, target: str):
    image = tmp_path / "frame.png"
    image.write_bytes(b"\x89PNG")
    command = ["translate", "--to", target, "--allow-local-files", _request(tmp_path, image)]
    done = _run(*command, cwd=tmp_path)
    assert done.returncode == 1 and "URLs only" in done.stderr, done.stderr


@pytest.mark.parametrize("target", INLINES)
def test_an_opted_in_regular_file_is_inlined(tmp_path: Path, target: str):
    image = tmp_path / "frame.png"
    image.write_bytes(b"\x89PNG")
    command = ["translate", "--to", target, "--allow-local-files", _request(tmp_path, image)]
    done = _run(*command, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "iVBORw==" in done.stdout  # a data URI, or bare base64 (mapping `as: base64`)


def test_update_baseline_never_writes_through_a_symlink(tmp_path: Path):
    schemas = tmp_path / "schemas"
    shutil.copytree(catalog.REPO / "schemas", schemas)
    victim = tmp_path / "outside.txt"
    victim.write_text("precious\n", "utf-8")
    baseline = schemas / "drift-baseline.json"
    baseline.unlink()
    baseline.symlink_to(victim)
    done = _run("drift", "--schemas", schemas, "--update-baseline", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "symbolic link" in done.stderr and "Traceback" not in done.stderr
    assert victim.read_text("utf-8") == "precious\n"
    assert baseline.is_symlink()


def test_update_baseline_replaces_a_regular_file(tmp_path: Path):
    schemas = tmp_path / "schemas"
    shutil.copytree(catalog.REPO / "schemas", schemas)
    (schemas / "drift-baseline.json").write_text("[]\n", "utf-8")
    done = _run("drift", "--schemas", schemas, "--update-baseline", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = (schemas / "drift-baseline.json").read_text("utf-8")
    assert written == (catalog.REPO / "schemas" / "drift-baseline.json").read_text("utf-8")
    assert sorted(p.name for p in schemas.iterdir() if p.name.startswith(".")) == []


if sys.platform != "linux":  # /proc and mkfifo as the tests use them
    pytestmark = pytest.mark.skip("Linux only")

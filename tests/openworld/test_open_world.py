"""Open world (issue 12): providers added as files only keep the repository green.

In a temporary copy of the repository, the providers in `providers/` (one per lifecycle
kind: sync, runs, queue, task-array; results at other JSON pointers, upper-case status
words, other auth schemes, a webhook as a query parameter, a failure inside COMPLETED) are
copied into `schemas/`. Then, exactly as docs/adding-a-provider.md says: `generate`,
`drift --update-baseline`, and the contract (drift), canonical and end-to-end suites run
against the grown catalog, `canonical.Client` included, on each provider's fake gateway.
Nothing outside `schemas/` and `generated/` may change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PROVIDERS = Path(__file__).resolve().parent / "providers"
SUITES = ("tests/drift", "tests/canonical", "tests/e2e", "tests/catalog", "tests/runtime")
# The nested run in two processes at once (the outer one only waits): about half the time.
HALVES = (("tests/e2e", "tests/catalog"), ("tests/drift", "tests/canonical", "tests/runtime"))
SKIPPED = shutil.ignore_patterns(".venv", ".git", "__pycache__", ".kling-cache", "*.egg-info")
EXAMPLES = "10"  # hypothesis examples per property in the nested run (the outer run does 200)
BASELINE = Path("schemas") / "drift-baseline.json"


@dataclass(frozen=True)
class World:
    root: Path
    env: dict[str, str]
    baseline_before: str


def _run(args: list[str], world: World, *, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=world.root,
        env=world.env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """The repository copy with the new providers, generated and baselined."""
    root = tmp_path_factory.mktemp("open-world") / "repo"
    shutil.copytree(ROOT, root, ignore=SKIPPED)
    for provider in sorted(p for p in PROVIDERS.iterdir() if p.is_dir()):
        shutil.copytree(provider, root / "schemas" / provider.name)
    path = os.pathsep.join([str(root), str(root / "generated")])
    env = {**os.environ, "PYTHONPATH": path, "KLING_TEST_EXAMPLES": EXAMPLES}
    made = World(root=root, env=env, baseline_before=(ROOT / BASELINE).read_text("utf-8"))
    for command in (["generate"], ["drift", "--update-baseline"], ["generate", "--check"]):
        done = _run(["-m", "codegen", *command], made, timeout=300)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return made


def new_providers() -> list[str]:
    return sorted(p.name for p in PROVIDERS.iterdir() if (p / "manifest.yaml").is_file())


def test_new_providers_cover_every_lifecycle_kind() -> None:
    import yaml

    meta = json.loads((ROOT / "schemas/meta/manifest.schema.json").read_text("utf-8"))
    kinds = set(meta["$defs"]["lifecycle"]["properties"]["kind"]["enum"])
    found = set()
    for provider in new_providers():
        manifest = yaml.safe_load((PROVIDERS / provider / "manifest.yaml").read_text("utf-8"))
        for entry in manifest["endpoints"].values():
            found |= {v["lifecycle"]["kind"] for v in entry["versions"].values()}
    assert found == kinds


def test_only_schemas_and_generated_change(world: World) -> None:
    """Files only: no line of Python (or anything else) outside schemas/ and generated/."""
    changed = []
    for path in sorted(world.root.rglob("*")):
        relative = path.relative_to(world.root)
        if not path.is_file() or relative.parts[0] in ("schemas", "generated"):
            continue
        original = ROOT / relative
        if not original.is_file() or original.read_bytes() != path.read_bytes():
            changed.append(str(relative))
    assert changed == []
    for provider in new_providers():
        assert (world.root / "generated/kling_gateways" / provider.replace("-", "_")).is_dir()


def _pytest_halves(world: World) -> list[tuple[int, str, str]]:
    """Run the HALVES (together: every suite in SUITES) at once; (exit code, out, err) each."""
    assert sorted(s for half in HALVES for s in half) == sorted(SUITES)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pytest", *half, "-rA", "-p", "no:cacheprovider"],
            cwd=world.root,
            env=world.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in HALVES
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        results.append((proc.returncode, out, err))
    return results


def test_suites_pass_with_the_new_providers(world: World) -> None:
    results = _pytest_halves(world)
    for code, out, err in results:
        assert code == 0, out[-6000:] + err[-2000:]
    passed = [
        line for _, out, _ in results for line in out.splitlines() if line.startswith("PASSED ")
    ]
    for provider in new_providers():
        for test in (
            f"test_canonical_client.py::test_canonical_client_runs_on_every_gateway[{provider}]",
            f"test_canonical_client.py::test_canonical_async_client_runs_on_every_gateway[{provider}]",
            f"test_happy_path.py::test_sync_run_returns_a_video_url[{provider}]",
            "test_canonical_properties.py::test_expressible_requests_translate_to_valid_payloads"
            f"[{provider}/image-to-video]",
        ):
            assert any(line.endswith(test) for line in passed), test


def test_no_existing_baseline_line_changed(world: World) -> None:
    """Adding providers only adds baseline entries: every existing one stays byte-identical."""
    after = (world.root / BASELINE).read_text("utf-8").splitlines()
    before = world.baseline_before.splitlines()
    missing = [line for line in before if line not in after]
    assert missing == []

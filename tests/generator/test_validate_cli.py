"""`kling-codegen validate`: exit 0 valid, 1 invalid with every error, 2 bad usage."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import SCHEMAS, run_cli

RUNWARE = SCHEMAS / "runware/image-to-video/2026-11-30/examples"


def test_valid_payload_exits_0() -> None:
    done = run_cli(
        "validate",
        "runware/image-to-video",
        str(RUNWARE / "request-lantern-regatta-at-daybreak.json"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid request for runware/image-to-video" in done.stdout


def test_invalid_payload_lists_every_error_as_json(tmp_path: Path) -> None:
    payload = [{"taskType": "videoInference", "taskUUID": "3f1c2a9e-7b4d-4e8a-9c61-0d2b5e7f8a13", "model": "klingai:kling-video@3-pro",
                "positivePrompt": "a", "duration": 20, "inputs": {"frameImages": [{"image": "u"}]}}]  # fmt: skip
    file = tmp_path / "p.json"
    file.write_text(json.dumps(payload))
    done = run_cli("validate", "runware/image-to-video", str(file), "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["valid"] is False and report["version"] == "2026-11-30"
    pointers = sorted(e["pointer"] for e in report["errors"])
    assert pointers == ["/0/duration", "/0/positivePrompt"]


def test_unknown_target_and_unreadable_file_exit_2(tmp_path: Path) -> None:
    unknown = run_cli(
        "validate",
        "nobody/image-to-video",
        str(RUNWARE / "request-lantern-regatta-at-daybreak.json"),
    )
    assert (
        unknown.returncode == 2
        and "TARGET 'nobody/image-to-video': no such provider/endpoint" in unknown.stderr
    )
    missing = run_cli("validate", "runware/image-to-video", str(tmp_path / "absent.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    bad_json = run_cli("validate", "runware/image-to-video", str(broken))
    assert (
        bad_json.returncode == 2
        and "broken.json#: invalid JSON at line 1 column 2" in bad_json.stderr
    )
    for done in (unknown, missing, bad_json):
        assert "Traceback" not in done.stderr


def test_other_kinds_and_versions() -> None:
    old = SCHEMAS / "runflow/image-to-video/2026-04-05/examples/request-multi-prompt.json"
    assert (
        run_cli(
            "validate", "runflow/image-to-video", str(old), "--version", "2026-04-05"
        ).returncode
        == 0
    )
    assert run_cli("validate", "runflow/image-to-video", str(old)).returncode == 1
    response = RUNWARE / "response-lantern-regatta-at-daybreak.json"
    assert (
        run_cli(
            "validate", "runware/image-to-video", str(response), "--kind", "response"
        ).returncode
        == 0
    )
    none = run_cli("validate", "runware/image-to-video", str(response), "--kind", "callback")
    assert none.returncode == 2 and "has no callback schema" in none.stderr

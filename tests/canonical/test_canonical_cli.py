"""`kling-codegen translate` and `quote` over a freshly generated kling_gateways."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import SCHEMAS, load_mappings

KLING = Path(sys.executable).with_name("kling-codegen")
I2V = {
    "prompt": "@Element1 rides at dusk",
    "start_image": "https://x.test/a.png",
    "duration": 10,
    "cfg_scale": 0.4,
    "elements": [{"frontal_image": "https://x.test/f.png"}],
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    cmd = [str(KLING), "generate", "--schemas", str(SCHEMAS), "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return out


def _run(
    generated: Path, tmp_path: Path, *args: str, request: Any = None
) -> subprocess.CompletedProcess[str]:
    files = []
    if request is not None:
        path = tmp_path / "request.json"
        path.write_text(request if isinstance(request, str) else json.dumps(request))
        files.append(str(path))
    env = {**os.environ, "PYTHONPATH": str(generated)}
    return subprocess.run(
        [str(KLING), *args, *files], capture_output=True, text=True, check=False, env=env
    )


@pytest.mark.slow
def test_translate_prints_the_payload_and_warnings(generated: Path, tmp_path: Path) -> None:
    done = _run(generated, tmp_path, "translate", "--to", "runware/image-to-video", request=I2V)
    assert done.returncode == 0, done.stderr
    task = json.loads(done.stdout)[0]
    assert task["positivePrompt"] == "<<<element_1>>> rides at dusk"
    assert task["inputs"]["frameImages"] == [{"image": "https://x.test/a.png", "frame": "first"}]
    assert done.stderr.startswith("warning: cfg_scale: dropped")


@pytest.mark.slow
def test_translate_exit_codes(generated: Path, tmp_path: Path) -> None:
    shots = {"start_image": "https://x.test/a.png", "multi_prompt": [{"prompt": "x"}]}
    refused = _run(
        generated, tmp_path, "translate", "--to", "runware/image-to-video", request=shots
    )
    assert (
        refused.returncode == 1
        and "multi_prompt: runware/image-to-video cannot express it" in refused.stderr
    )
    too_many = {**I2V, "elements": [{"frontal_image": "https://x.test/f.png"}] * 4}
    rejected = _run(
        generated, tmp_path, "translate", "--to", "runware/image-to-video", request=too_many
    )
    assert (
        rejected.returncode == 1
        and "elements: runware/image-to-video cannot express it" in rejected.stderr
    )
    assert _run(generated, tmp_path, "translate", "--to", "nope/x", request=I2V).returncode == 2
    assert (
        _run(
            generated, tmp_path, "translate", "--to", "runware/image-to-video", request="{oops"
        ).returncode
        == 2
    )
    assert (
        _run(
            generated, tmp_path, "translate", "--to", "runware/image-to-video", "/nonexistent.json"
        ).returncode
        == 2
    )


@pytest.mark.slow
def test_quote_json_lists_acceptance_and_price(generated: Path, tmp_path: Path) -> None:
    done = _run(
        generated, tmp_path, "quote", "--format", "json", request={**I2V, "generate_audio": False}
    )
    assert done.returncode == 0, done.stderr
    quotes = {q["target"]: q for q in json.loads(done.stdout)["quotes"]}
    assert set(quotes) == {
        k for k, m in load_mappings().items() if m["canonical"] == "image-to-video"
    }
    assert quotes["runflow/image-to-video"]["price"]["total"] == pytest.approx(1.12)
    runcomfy = quotes["runcomfy/image-to-video"]["price"]
    assert runcomfy["total"] == pytest.approx(1.12) and runcomfy["third_party"] is True
    runware = quotes["runware/image-to-video"]
    assert runware["accepts"] is True and runware["price"]["total"] == pytest.approx(1.12)
    with_audio = _run(generated, tmp_path, "quote", "--format", "json", request=I2V)
    audio = {q["target"]: q for q in json.loads(with_audio.stdout)["quotes"]}
    assert audio["runware/image-to-video"]["price"]["per_second"] == pytest.approx(0.168)


@pytest.mark.slow
def test_quote_text(generated: Path, tmp_path: Path) -> None:
    done = _run(generated, tmp_path, "quote", request={"prompt": "a storm", "duration": 5})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "text-to-video, 5 s, audio on"
    assert any(
        "runflow/text-to-video" in ln and "price unknown (no price documented with audio on)" in ln
        for ln in lines
    )
    assert any("runware/text-to-video" in ln and "$0.840" in ln for ln in lines)


CLIENT_SCRIPT = """
import json, httpx
from kling_gateways import canonical
seen = []
def handler(req):
    seen.append({"path": req.url.path, "body": json.loads(req.content)})
    return httpx.Response(200, json={"video": {"url": "https://cdn.test/v.mp4"}})
http = httpx.Client(transport=httpx.MockTransport(handler))
request = {"prompt": "a cat", "start_image": "https://x.test/a.png", "duration": 10}
with canonical.Client(provider="runflow", api_key="k", http_client=http) as client:
    result, warnings = client.run(request, version="2026-04-05")
    try:
        element = {"frontal_image": "https://x.test/e.png", "voice": "v"}
        client.run({**request, "elements": [element]})
    except canonical.TranslationError as exc:
        refused = exc.field
print(json.dumps({"result": result, "warnings": warnings, "seen": seen, "refused": refused}))
"""


@pytest.mark.slow
def test_client_runs_a_canonical_request_through_the_generated_client(generated: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(generated)}
    done = subprocess.run(
        [sys.executable, "-c", CLIENT_SCRIPT], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["seen"] == [
        {
            "path": "/v1/run/kuaishou/kling-video/v3/pro/image-to-video",
            "body": {
                "prompt": "a cat",
                "start_image_url": "https://x.test/a.png",
                "duration": "10",
            },
        }
    ]
    assert report["result"]["video_url"] == "https://cdn.test/v.mp4"
    assert report["refused"] == "elements[0].voice"  # refused before any HTTP call

"""docs/adding-a-provider.md, proved: a provider made only of files under schemas/ gets a
working translator from `kling-codegen generate`, with no Python written for it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SCHEMAS

KLING = Path(sys.executable).with_name("kling-codegen")

MANIFEST = """\
id: acme
name: Acme Video
base_url: https://api.acme.test
auth: {header: X-Api-Key, scheme: null, env: ACME_API_KEY}
endpoints:
  image-to-video:
    current: "2026-01-01"
    versions:
      "2026-01-01":
        model: acme/kling-3-pro
        lifecycle:
          kind: sync
          submit: {method: POST, path: /v2/generate}
        pricing:
          currency: USD
          rates: [{per_second: 0.1}]
          source: "throwaway test provider"
"""

REQUEST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Request",
    "type": "object",
    "additionalProperties": False,
    "required": ["job"],
    "properties": {
        "job": {
            "type": "object",
            "additionalProperties": False,
            "required": ["text", "first_frame"],
            "properties": {
                "text": {"type": "string", "minLength": 1},
                "first_frame": {"type": "string"},
                "seconds": {"type": "string", "enum": ["5", "10"]},
                "refs": {"type": "array", "items": {"type": "object"}},
            },
        },
        "kind": {"const": "i2v"},
    },
}

MAPPING = """\
provider: acme
endpoint: image-to-video
canonical: image-to-video
version: "2026-01-01"
request:
  fields:
    prompt: {to: text, transforms: [{name: element_refs, format: "[ref{n}]"}]}
    negative_prompt: {unsupported: drop, reason: Acme has no negative prompt.}
    start_image: {to: first_frame, transforms: [{name: inline_file}]}
    end_image: {unsupported: error, reason: Acme takes only a first frame.}
    duration: {to: seconds, transforms: [{name: to_string}]}
    cfg_scale: {unsupported: drop, reason: Acme has no guidance scale.}
    generate_audio: {unsupported: drop, only: [true], reason: Acme always makes audio.}
    multi_prompt: {unsupported: error, reason: Acme has no multi-shot.}
    shot_type: {unsupported: drop, only: [customize], reason: Acme has no multi-shot.}
    elements:
      to: refs
      transforms:
        - name: each
          transforms:
            - name: object
              fields:
                frontal_image: {to: image}
                reference_images: {unsupported: error}
                video: {unsupported: error}
                voice: {unsupported: error}
  envelope:
    - {step: nest, key: job}
    - {step: set, values: {kind: i2v}}
result:
  fields:
    video_url: {from: [result.mp4]}
"""

PROVENANCE = """\
source: 000_48803592e5125896.txt
sha256: "{sha}"
captured: "2026-01-01"
document_date: null
url: null
public_sources:
  - url: https://acme.test/docs/kling
readings: []
"""

SCRIPT = """
import json, sys
from kling_gateways import canonical
request = {"prompt": "@Element1 waves", "start_image": "https://x.test/a.png", "duration": 10,
           "cfg_scale": 0.5, "elements": [{"frontal_image": "https://x.test/e.png"}]}
payload, warnings = canonical.translate(request, to="acme/image-to-video")
try:
    canonical.translate({**request, "end_image": "https://x.test/b.png"}, to="acme/image-to-video")
except canonical.TranslationError as exc:
    refused = str(exc)
try:
    canonical.translate({**request, "duration": 7}, to="acme/image-to-video")
except canonical.TranslationError as exc:
    rejected = exc.field
done = {"result": {"mp4": "https://cdn.test/v.mp4"}}
result = canonical.translate_result(done, source="acme/image-to-video")
quotes = [q.as_dict() for q in canonical.quote(request) if q.target == "acme/image-to-video"]
print(json.dumps({"payload": payload, "warnings": warnings, "refused": refused,
                  "rejected": rejected, "video": result["video_url"], "quote": quotes[0]}))
"""


def _write_provider(root: Path) -> None:
    schemas = root / "schemas"
    for name in ("meta", "canonical"):
        shutil.copytree(SCHEMAS / name, schemas / name)
    version = schemas / "acme" / "image-to-video" / "2026-01-01"
    version.mkdir(parents=True)
    (schemas / "acme" / "manifest.yaml").write_text(MANIFEST)
    (schemas / "acme" / "image-to-video" / "mapping.yaml").write_text(MAPPING)
    (version / "request.json").write_text(json.dumps(REQUEST_SCHEMA, indent=2))
    sha = _seed_sha(root)
    (version / "provenance.yaml").write_text(PROVENANCE.format(sha=sha))


def _seed_sha(root: Path) -> str:
    seeds = SCHEMAS.parent.parent / "shared" / "seeds"
    name = "000_48803592e5125896.txt"
    if (seeds / name).is_file():
        (root / "shared" / "seeds").mkdir(parents=True)
        shutil.copy(seeds / name, root / "shared" / "seeds" / name)
        return hashlib.sha256((seeds / name).read_bytes()).hexdigest()
    return "0" * 64


@pytest.mark.slow
def test_a_throwaway_provider_needs_only_files_and_generate(tmp_path: Path) -> None:
    _write_provider(tmp_path)
    out = tmp_path / "out"
    generate = [str(KLING), "generate", "--schemas", str(tmp_path / "schemas"), "--out", str(out)]
    done = subprocess.run(generate, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    env = {**os.environ, "PYTHONPATH": str(out)}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["payload"] == {
        "kind": "i2v",
        "job": {
            "text": "[ref1] waves",
            "first_frame": "https://x.test/a.png",
            "seconds": "10",
            "refs": [{"image": "https://x.test/e.png"}],
        },
    }
    assert [w.split(":")[0] for w in report["warnings"]] == ["cfg_scale"]
    assert report["refused"].startswith("end_image: acme/image-to-video cannot express it")
    assert report["rejected"] == "duration"  # "7" is not in Acme's enum: the validator says so
    assert report["video"] == "https://cdn.test/v.mp4"
    assert report["quote"]["accepts"] is True and report["quote"]["price"]["total"] == 1.0

"""Mappings as data, worked examples, results from the seeds, describe/locate, pricing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
import yaml

from .conftest import FIXED_ID, SCHEMAS, canonical_validator, load_mappings

MAPPINGS = load_mappings()
META = json.loads((SCHEMAS / "meta" / "mapping.schema.json").read_text())


@pytest.mark.parametrize("key", sorted(MAPPINGS))
def test_mapping_matches_meta_schema_manifest_and_canonical_fields(key: str) -> None:
    mapping = MAPPINGS[key]
    assert not list(jsonschema.Draft202012Validator(META).iter_errors(mapping))
    provider, endpoint = key.split("/")
    manifest = yaml.safe_load((SCHEMAS / provider / "manifest.yaml").read_text())
    versions = manifest["endpoints"][endpoint]["versions"]
    assert mapping["version"] == manifest["endpoints"][endpoint]["current"]
    assert set(mapping.get("versions", {})) <= set(versions) - {mapping["version"]}
    canonical = json.loads(
        (SCHEMAS / "canonical" / mapping["canonical"] / "request.json").read_text()
    )
    # every canonical field has an explicit mapping or policy
    assert list(mapping["request"]["fields"]) == list(canonical["properties"])


def test_meta_schema_names_exactly_the_runtime_transforms(runtime: ModuleType) -> None:
    names = META["$defs"]["transform"]["properties"]["name"]["enum"]
    assert sorted(names) == sorted(runtime.TRANSFORMS)
    for function in runtime.TRANSFORMS.values():
        assert function.__doc__ and len(function.__doc__.strip()) > 20


def test_runware_spells_frames_elements_and_envelope(translate: Callable[..., Any]) -> None:
    request = {
        "prompt": "@Element1 meets @Element2",
        "start_image": "https://x.test/a.png",
        "end_image": "https://x.test/b.png",
        "duration": 8,
        "elements": [
            {
                "frontal_image": "https://x.test/f.png",
                "reference_images": ["https://x.test/r.png"],
                "voice": "https://x.test/v.mp3",
            },
            {"video": "https://x.test/e.mp4"},
        ],
    }
    payload, warnings = translate(request, "runware/image-to-video")
    assert warnings == []
    assert payload == [
        {
            "taskUUID": FIXED_ID,
            "taskType": "videoInference",
            "model": "klingai:kling-video@3-pro",
            "positivePrompt": "<<<element_1>>> meets <<<element_2>>>",
            "inputs": {
                "frameImages": [
                    {"image": "https://x.test/a.png", "frame": "first"},
                    {"image": "https://x.test/b.png", "frame": "last"},
                ],
                "elements": [
                    {
                        "id": "element_1",
                        "frontalImage": "https://x.test/f.png",
                        "images": ["https://x.test/r.png"],
                        "voices": ["https://x.test/v.mp3"],
                    },
                    {"id": "element_2", "videos": ["https://x.test/e.mp4"]},
                ],
            },
            "duration": 8,
        }
    ]


def test_runflow_current_nests_in_input_and_legacy_is_flat(translate: Callable[..., Any]) -> None:
    request = {"prompt": "a cat", "start_image": "https://x.test/a.png", "duration": 7}
    current, _ = translate(request, "runflow/image-to-video")
    assert current == {
        "input": {
            "prompt": "a cat",
            "start_image_url": "https://x.test/a.png",
            "duration": "7",
            "generate_audio": True,
            "shot_type": "customize",
        }
    }
    legacy, _ = translate(request, "runflow/image-to-video", "2026-04-05")
    assert legacy == {"prompt": "a cat", "start_image_url": "https://x.test/a.png", "duration": "7"}


def test_runcomfy_gets_the_canonical_default_duration(translate: Callable[..., Any]) -> None:
    payload, _ = translate(
        {"prompt": "a cat", "start_image": "https://x.test/a.png"}, "runcomfy/image-to-video"
    )
    assert payload["duration"] == 5  # RunComfy's own default is 10


def test_policies_error_drop_and_only(runtime: ModuleType, translate: Callable[..., Any]) -> None:
    base = {"prompt": "a cat", "start_image": "https://x.test/a.png"}
    payload, warnings = translate({**base, "cfg_scale": 0.7}, "runware/image-to-video")
    assert "cfg_scale" not in json.dumps(payload) and warnings[0].startswith("cfg_scale: dropped")
    old = "2026-11-22"  # Runware's provider page had no audio switch: drop true, refuse false
    _, warnings = translate({**base, "generate_audio": True}, "runware/image-to-video", old)
    assert warnings[0].startswith("generate_audio: dropped")
    with pytest.raises(runtime.TranslationError) as caught:
        translate({**base, "generate_audio": False}, "runware/image-to-video", old)
    assert caught.value.field == "generate_audio" and "only true" in caught.value.reason
    shots = {"start_image": "https://x.test/a.png", "multi_prompt": [{"prompt": "x"}]}
    with pytest.raises(runtime.TranslationError, match=r"^multi_prompt: runware"):
        translate(shots, "runware/image-to-video")
    element = {**base, "elements": [{"frontal_image": "https://x.test/f.png", "voice": "v"}]}
    with pytest.raises(runtime.TranslationError) as caught:
        translate(element, "runcomfy/image-to-video")
    assert caught.value.field == "elements[0].voice"
    with pytest.raises(runtime.TranslationError, match=r"^seed: not a field"):
        translate({**base, "seed": 3}, "runcomfy/image-to-video")


def test_pass_policy_sends_the_canonical_name_with_a_warning(runtime: ModuleType) -> None:
    mapping = {**MAPPINGS["runcomfy/image-to-video"]}
    fields = {
        **mapping["request"]["fields"],
        "cfg_scale": {"unsupported": "pass", "reason": "undocumented"},
    }
    mapping["request"] = {**mapping["request"], "fields": fields}
    payload, warnings = runtime.translate_request(
        {"start_image": "https://x.test/u.png", "prompt": "p", "cfg_scale": 0.2}, mapping=mapping
    )
    assert payload["cfg_scale"] == 0.2 and warnings[0].startswith("cfg_scale: passed through")


def test_local_files_are_read_only_when_allowed_and_the_provider_takes_them(
    tmp_path: Path, runtime: ModuleType
) -> None:
    image = tmp_path / "frame.png"
    image.write_bytes(b"\x89PNG")

    def run(path: Path, **options: Any) -> Any:
        request = {"prompt": "p", "start_image": str(path)}
        mapping = MAPPINGS["runcomfy/image-to-video"]
        return runtime.translate_request(request, mapping=mapping, **options)

    payload, _ = run(image, local_files=True, file_inputs="data-uri")
    assert payload["start_image_url"] == "data:image/png;base64,iVBORw=="
    with pytest.raises(runtime.TranslationError, match="read only when allowed"):
        run(image, file_inputs="data-uri")
    with pytest.raises(runtime.TranslationError, match="takes URLs only"):
        run(image, local_files=True, file_inputs="url")
    with pytest.raises(runtime.TranslationError, match=r"^start_image: cannot read local file"):
        run(tmp_path / "nope.png", local_files=True, file_inputs="data-uri")


def test_runware_audio_switch_is_provider_settings_sound(translate: Callable[..., Any]) -> None:
    base = {"prompt": "a cat", "start_image": "https://x.test/a.png"}
    for audio in (True, False):
        payload, warnings = translate({**base, "generate_audio": audio}, "runware/image-to-video")
        assert payload[0]["providerSettings"] == {"klingai": {"sound": audio}} and not warnings


def test_aspect_ratio_becomes_runware_width_and_height(
    runtime: ModuleType, translate: Callable[..., Any]
) -> None:
    payload, _ = translate({"prompt": "a cat", "aspect_ratio": "9:16"}, "runware/text-to-video")
    assert (payload[0]["width"], payload[0]["height"]) == (1080, 1920)
    payload, _ = translate({"prompt": "a cat", "aspect_ratio": "1:1"}, "runware/text-to-video")
    assert (payload[0]["width"], payload[0]["height"]) == (1440, 1440)
    payload, _ = translate({"prompt": "a cat"}, "runware/text-to-video")  # size is required
    assert (payload[0]["width"], payload[0]["height"]) == (1920, 1080)
    assert runtime.locate(MAPPINGS["runware/text-to-video"], "/0/width") == "aspect_ratio"


def test_locate_and_describe(runtime: ModuleType) -> None:
    runware = MAPPINGS["runware/image-to-video"]
    assert runtime.locate(runware, "/0/positivePrompt") == "prompt"
    assert runtime.locate(runware, "/0/inputs/frameImages/1/image") == "start_image"
    assert runtime.locate(MAPPINGS["runflow/image-to-video"], "/input/duration") == "duration"
    assert runtime.locate(MAPPINGS["runflow/image-to-video"], "/duration") is None
    rows = {r["canonical"]: r for r in runtime.describe(runware)}
    assert rows["start_image"]["provider"] == "inputs.frameImages[]"
    assert (
        rows["start_image"]["transform"] == "inline_file, wrap(key=image, with={'frame': 'first'})"
    )
    assert rows["elements[].frontal_image"]["provider"] == "inputs.elements[].frontalImage"
    assert rows["cfg_scale"]["policy"].startswith("drop:")
    assert runtime.describe_envelope(runware)[-1] == "wrap in a one-task array"


SEED_REQUESTS = {
    # seed 004 examples, in canonical form
    "request-lantern-regatta-at-daybreak.json": ("image-to-video", ["start_image"]),
    "request-copper-aviary-dawn-tableau.json": ("image-to-video", ["start_image", "end_image"]),
    "request-volcanic-glass-violin-recital.json": ("text-to-video", []),
    "request-amber-observatory-ice-plain.json": ("text-to-video", []),
}


@pytest.mark.parametrize("name", sorted(SEED_REQUESTS))
def test_seed_runware_requests_are_reproduced_from_canonical(
    runtime: ModuleType, name: str
) -> None:
    endpoint, frames = SEED_REQUESTS[name]
    expected = json.loads(
        (SCHEMAS / "runware" / endpoint / "2026-11-22" / "examples" / name).read_text()
    )
    task = expected[0]
    request: dict[str, Any] = {
        "prompt": task["positivePrompt"],
        "negative_prompt": task["negativePrompt"],
        "duration": task["duration"],
    }
    for canonical, frame in zip(frames, task.get("inputs", {}).get("frameImages", []), strict=True):
        request[canonical] = frame["image"]
    if "width" in task:
        request["aspect_ratio"] = "16:9"
    assert not list(canonical_validator(endpoint).iter_errors(request))
    payload, warnings = runtime.translate_request(
        request, mapping=MAPPINGS[f"runware/{endpoint}"], make_id=lambda: task["taskUUID"]
    )
    assert payload == expected and warnings == []


def _responses() -> list[tuple[str, str | None, Path]]:
    found = []
    for key, mapping in sorted(MAPPINGS.items()):
        for version in [mapping["version"], *mapping.get("versions", {})]:
            for path in sorted((SCHEMAS / key / version / "examples").glob("response-*.json")):
                found.append((key, None if version == mapping["version"] else version, path))
    return found


@pytest.mark.parametrize(
    ("key", "version", "path"), _responses(), ids=lambda v: getattr(v, "name", v)
)
def test_seed_results_translate_to_the_canonical_result(
    runtime: ModuleType, key: str, version: str | None, path: Path
) -> None:
    payload = json.loads(path.read_text())
    result = runtime.translate_result(payload, mapping=MAPPINGS[key], version=version)
    assert not list(canonical_validator(MAPPINGS[key]["canonical"], "result").iter_errors(result))
    assert result["video_url"].startswith("https://") and result["raw"] == payload
    if key.startswith("runware/"):
        assert result["cost"] in (1.12, 0.896)


RESULTS_FROM_SEED_SCHEMAS = [
    # seed 000 output schema, as a finished run (callback `output` / run body)
    (
        "runflow/image-to-video",
        None,
        {
            "id": "r1",
            "status": "succeeded",
            "output": {
                "outputs": [{"url": "https://cdn.test/v.mp4", "type": "video", "duration": 5.0}],
                "nsfw_detected": False,
                "seed": 42,
                "timing": None,
            },
        },
        {
            "video_url": "https://cdn.test/v.mp4",
            "duration": 5.0,
            "seed": 42,
            "nsfw_detected": False,
        },
    ),
    (
        "runflow/image-to-video",
        "2026-04-05",
        {"video": {"url": "https://cdn.test/legacy.mp4"}},
        {"video_url": "https://cdn.test/legacy.mp4"},
    ),
    (
        "runcomfy/image-to-video",
        None,
        {"output": {"video": "https://cdn.test/c.mp4"}},
        {"video_url": "https://cdn.test/c.mp4"},
    ),
    (
        "runware/text-to-video",
        None,
        [
            {
                "taskType": "videoInference",
                "taskUUID": FIXED_ID,
                "videoURL": "https://cdn.test/w.mp4",
                "cost": 0.56,
            }
        ],
        {"video_url": "https://cdn.test/w.mp4", "cost": 0.56},
    ),
]


@pytest.mark.parametrize(("key", "version", "payload", "expected"), RESULTS_FROM_SEED_SCHEMAS)
def test_results_in_each_documented_shape(
    runtime: ModuleType, key: str, version: str | None, payload: Any, expected: dict[str, Any]
) -> None:
    result = runtime.translate_result(payload, mapping=MAPPINGS[key], version=version)
    assert {k: v for k, v in result.items() if v is not None and k != "raw"} == expected


def test_a_result_without_video_is_refused(runtime: ModuleType) -> None:
    with pytest.raises(
        runtime.TranslationError,
        match=r"^video_url: runcomfy/image-to-video result has no video URL",
    ):
        runtime.translate_result({"output": {}}, mapping=MAPPINGS["runcomfy/image-to-video"])


def test_pricing_by_feature(pricing: ModuleType) -> None:
    rates = {"currency": "USD", "rates": [
        {"per_second": 0.112, "generate_audio": False},
        {"per_second": 0.168, "generate_audio": True},
        {"per_second": 0.2, "generate_audio": True, "voice_control": True},
    ]}  # fmt: skip

    def per_second(audio: bool, voice: bool) -> Any:
        return pricing.price(rates, seconds=5, generate_audio=audio, voice_control=voice)[
            "per_second"
        ]

    assert per_second(False, False) == 0.112 and per_second(True, False) == 0.168
    assert per_second(True, True) == 0.2  # the rate naming more conditions wins
    assert per_second(False, True) == 0.112  # a rate without voice_control applies either way
    only_voice = {"currency": "USD", "rates": [{"per_second": 0.2, "voice_control": True}]}
    quote = pricing.price(only_voice, seconds=5, generate_audio=True, voice_control=False)
    assert quote["reason"] == "no price documented with audio on"
    assert pricing.request_voice_control({"elements": [{"frontal_image": "f", "voice": "v"}]})
    assert not pricing.request_voice_control({"elements": [{"frontal_image": "f"}]})


def test_pricing(pricing: ModuleType) -> None:
    runflow = {"currency": "USD", "rates": [{"per_second": 0.112, "generate_audio": False}]}
    assert pricing.price(runflow, seconds=10, generate_audio=False)["total"] == pytest.approx(1.12)
    unknown = pricing.price(runflow, seconds=10, generate_audio=True)
    assert unknown["known"] is False and unknown["reason"] == "no price documented with audio on"
    assert (
        pricing.price({"currency": "USD", "rates": []}, seconds=5, generate_audio=True)["reason"]
        == "no price documented"
    )
    assert (
        pricing.request_seconds(
            {"multi_prompt": [{"prompt": "a", "duration": 4}, {"prompt": "b", "duration": 6}]}
        )
        == 10
    )
    assert pricing.request_seconds({}) == 5 and pricing.request_audio({}) is True

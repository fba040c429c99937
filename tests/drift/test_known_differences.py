"""The seeds' known differences (DESIGN.md's table, issue 6 item 4), each found with the
right kind on the real catalog, restricted to the providers the table is about (so a
provider added later does not change what these three disagree on)."""

from __future__ import annotations

from typing import Any

import pytest

from codegen.catalog import load_catalog
from codegen.drift import analyze, drift_items

from .conftest import catalog_of, find

I2V, T2V = "image-to-video", "text-to-video"
RUNFLOW, RUNCOMFY, RUNWARE = (
    "runflow/image-to-video",
    "runcomfy/image-to-video",
    "runware/image-to-video",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    named = {target.split("/")[0] for target in (RUNFLOW, RUNCOMFY, RUNWARE)}
    schemas = catalog_of(named, tmp_path_factory.mktemp("seeds") / "schemas")
    return analyze(load_catalog(schemas))


@pytest.fixture(scope="module")
def items(report: dict[str, Any]) -> list[dict[str, Any]]:
    return drift_items(report)


def one(items: list[dict[str, Any]], field: str, kind: str, endpoint: str = I2V) -> dict[str, Any]:
    found = find(items, field, kind, endpoint)
    assert len(found) == 1, f"expected one {kind} item for {field} ({endpoint}), found {found}"
    return found[0]


def test_duration_is_a_string_on_runflow_but_the_values_agree(
    items: list[dict[str, Any]], report: dict[str, Any]
) -> None:
    item = one(items, "duration", "type")
    assert item["providers"] == [RUNCOMFY, RUNFLOW, RUNWARE]
    assert f"{RUNFLOW}: string" in item["detail"] and f"{RUNWARE}: integer" in item["detail"]
    assert "values agree after the mapping's transforms: 3..15" in item["detail"]
    assert not find(items, "duration", "range", I2V) and not find(items, "duration", "enum", I2V)
    cell = report["fields"]["duration"]["providers"][RUNFLOW]
    assert cell["enum"] == list(range(3, 16)) and cell["wire_enum"][0] == "3"
    assert one(items, "duration", "type", T2V)["providers"] == [
        "runflow/text-to-video",
        "runware/text-to-video",
    ]


def test_duration_default_5_vs_10(items: list[dict[str, Any]]) -> None:
    detail = one(items, "duration", "default")["detail"]
    assert f"{RUNCOMFY}: 10 (translators send 5)" in detail
    assert f"{RUNWARE}: 5" in detail and f"{RUNFLOW}: none" in detail


def test_cfg_scale_range_present_absent_or_not_a_field(items: list[dict[str, Any]]) -> None:
    rng = one(items, "cfg_scale", "range")
    assert rng["providers"] == [RUNCOMFY, RUNFLOW]
    assert f"{RUNCOMFY}: 0..1" in rng["detail"] and f"{RUNFLOW}: any" in rng["detail"]
    assert one(items, "cfg_scale", "missing")["providers"] == [RUNWARE]
    assert one(items, "cfg_scale", "missing", T2V)["providers"] == ["runware/text-to-video"]


def test_element_limits(items: list[dict[str, Any]]) -> None:
    detail = one(items, "elements", "items")["detail"]
    assert (
        f"{RUNCOMFY}: 0..3" in detail
        and f"{RUNWARE}: 1..3" in detail
        and f"{RUNFLOW}: any" in detail
    )
    assert f"{RUNWARE}: 1..3" in one(items, "elements.reference_images", "items")["detail"]
    assert one(items, "elements.reference_images", "name")["detail"].endswith(f"{RUNWARE}: images")
    assert one(items, "elements.voice", "missing")["providers"] == [RUNCOMFY, RUNFLOW]
    # Runware takes elements only with frame images, which text-to-video has not.
    assert one(items, "elements", "missing", T2V)["providers"] == [
        "runflow/text-to-video",
        "runware/text-to-video",
    ]


def test_prompt_required_and_length(items: list[dict[str, Any]]) -> None:
    required = one(items, "prompt", "required")["detail"]
    assert f"{RUNFLOW}: conditional" in required and f"{RUNCOMFY}: yes" in required
    assert f"{RUNWARE}: 2..2500" in one(items, "prompt", "length")["detail"]
    assert f"{RUNWARE}: positivePrompt" in one(items, "prompt", "name")["detail"]


@pytest.mark.parametrize(("field", "frame"), [("start_image", "first"), ("end_image", "last")])
def test_start_and_end_image_spelling(items: list[dict[str, Any]], field: str, frame: str) -> None:
    detail = one(items, field, "name")["detail"]
    assert f"{RUNFLOW}: {field}_url" in detail
    assert f'{RUNWARE}: inputs.frameImages[].image (frame="{frame}")' in detail


def test_element_reference_syntax(items: list[dict[str, Any]]) -> None:
    for endpoint in (I2V, T2V):
        detail = one(items, "prompt", "semantics", endpoint)["detail"]
        assert "references elements as <<<element_{n}>>>" in detail
    assert "id=element_{n}" in one(items, "elements", "semantics")["detail"]


def test_audio_default(items: list[dict[str, Any]]) -> None:
    detail = one(items, "generate_audio", "default")["detail"]
    assert f"{RUNCOMFY}: true" in detail and f"{RUNFLOW}: none (translators send true)" in detail
    assert f"{RUNWARE}: none" in detail  # Runware's switch has no published default
    assert one(items, "generate_audio", "name")["detail"].endswith(
        f"{RUNWARE}: providerSettings.klingai.sound"
    )
    assert not find(items, "generate_audio", "missing", I2V)


def test_output_shapes(items: list[dict[str, Any]]) -> None:
    detail = one(items, "result.video_url", "name")["detail"]
    assert f"{RUNCOMFY}: output.video" in detail
    assert f"{RUNFLOW}: output.outputs.0.url" in detail and f"{RUNWARE}: data.0.videoURL" in detail
    assert one(items, "result.cost", "missing")["providers"] == [RUNCOMFY, RUNFLOW]
    assert one(items, "result.seed", "missing")["providers"] == [RUNCOMFY, RUNWARE]


def test_price_per_second(items: list[dict[str, Any]], report: dict[str, Any]) -> None:
    assert not find(items, "(price)", "missing", I2V)  # every gateway now states a price
    semantics = one(items, "(price)", "semantics")["detail"]
    assert f"{RUNFLOW}: $0.112/s (generate_audio=false);" in semantics
    both = "$0.112/s (generate_audio=false), $0.168/s (generate_audio=true)"
    assert report["fields"]["prompt"]["providers"][RUNWARE]["price"] == both
    assert report["fields"]["prompt"]["providers"][RUNCOMFY]["price"] == both


def test_shot_type_enum(items: list[dict[str, Any]]) -> None:
    detail = one(items, "shot_type", "enum")["detail"]
    assert f'{RUNCOMFY}: ["customize"]' in detail and f"{RUNFLOW}: any string" in detail


def test_json_shape(report: dict[str, Any]) -> None:
    kinds = {
        "missing",
        "name",
        "type",
        "enum",
        "range",
        "length",
        "items",
        "default",
        "required",
        "semantics",
    }
    for name, entry in report["fields"].items():
        assert set(entry) >= {"providers", "drift"}, name
        for item in entry["drift"]:
            assert item["kind"] in kinds and item["providers"] == sorted(item["providers"])
            assert item["detail"]
    assert report["summary"]["drift"] == sum(report["summary"]["by_kind"].values())

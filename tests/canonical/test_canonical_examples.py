"""Mappings as data, the worked examples each endpoint keeps, results, describe/locate,
pricing.

Facts about one gateway (how it spells a field, what it refuses, what it costs) are worked
examples in `schemas/<provider>/<endpoint>/canonical-examples.yaml` (format: WORKED_FORMAT
in conftest.py), run here through the mapping interpreter; test_canonical_cli.py runs them
through the generated package. The rest is derived from the mappings, the manifests and the
examples/ folders, or uses the open-world test providers (tests/openworld/providers).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
import yaml

from .conftest import (
    SCHEMAS,
    WORKED_FILE,
    WORKED_FORMAT,
    Worked,
    canonical_validator,
    cases,
    load_mappings,
    provider_validator,
    worked,
    worked_files,
)

MAPPINGS = load_mappings()
META = json.loads((SCHEMAS / "meta" / "mapping.schema.json").read_text())
# a throwaway gateway of the open-world test: flat body, start_image -> start_image_url
FIXTURE = Path(__file__).resolve().parents[1] / "openworld" / "providers" / "acme-sync"
FIXTURE_MAPPING = yaml.safe_load((FIXTURE / "image-to-video" / "mapping.yaml").read_text())


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


# ---- the worked examples' files -------------------------------------------------------


@pytest.mark.parametrize("key", cases(sorted(worked_files()), "canonical-examples.yaml"))
def test_worked_example_file_matches_its_format(key: str) -> None:
    data = yaml.safe_load(worked_files()[key].read_text(encoding="utf-8"))
    errors = jsonschema.Draft202012Validator(WORKED_FORMAT).iter_errors(data)
    assert not [f"{e.json_path}: {e.message}" for e in errors]
    assert key in MAPPINGS, f"{key}: worked examples without a mapping.yaml"
    mapping = MAPPINGS[key]
    known = {mapping["version"], *mapping.get("versions", {})}
    for section in ("translate", "results", "quotes"):
        names = [entry["name"] for entry in data.get(section, [])]
        assert len(names) == len(set(names)), f"{key}: {section} names repeat"
    for section in ("translate", "results", "describe"):
        for entry in data.get(section, []):
            assert entry.get("version", mapping["version"]) in known, f"{key}: {entry}"


def test_worked_examples_are_not_misfiled() -> None:
    """A worked example file under another name, or in a version folder, would never run."""
    stray = [
        path.relative_to(SCHEMAS).as_posix()
        for pattern in ("*/*/*example*", "*/*/*/*example*")
        for path in SCHEMAS.glob(pattern)
        if path.is_file() and path.name != WORKED_FILE
    ]
    assert not stray, f"name worked examples {WORKED_FILE}, next to mapping.yaml: {stray}"


def _translate(runtime: ModuleType, case: Worked) -> Any:
    return runtime.translate_request(
        case.entry["request"],
        mapping=MAPPINGS[case.key],
        version=case.version,
        make_id=lambda: case.task_id,
    )


def _schema_issues(case: Worked, payload: Any) -> list[jsonschema.ValidationError]:
    """What the gateway's request schema (at the example's version) says of `payload`."""
    version = case.version or MAPPINGS[case.key]["version"]
    found = provider_validator(case.key, version).iter_errors(payload)
    return sorted(found, key=lambda e: [str(p) for p in e.absolute_path])


def _pointer(error: jsonschema.ValidationError) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in error.absolute_path]
    return "".join(f"/{p}" for p in parts)


@pytest.mark.parametrize("case", cases(worked("translate"), "worked translation examples"))
def test_worked_translation(runtime: ModuleType, case: Worked) -> None:
    """The interpreter gives exactly the payload and warnings the example states (and the
    gateway's schema accepts the payload), or refuses the stated canonical field: the
    mapping itself, or the gateway's schema at the place the mapping puts the field."""
    mapping, entry = MAPPINGS[case.key], case.entry
    canonical_errors = list(canonical_validator(mapping["canonical"]).iter_errors(entry["request"]))
    assert (not canonical_errors) is entry.get("canonical_valid", True), canonical_errors
    error = entry.get("error")
    if error is None:
        payload, warnings = _translate(runtime, case)
        assert payload == case.expected_payload()
        assert warnings == case.warnings()
        assert not [e.message for e in _schema_issues(case, payload)]
    elif error.get("by", "mapping") == "mapping":
        with pytest.raises(runtime.TranslationError) as caught:
            _translate(runtime, case)
        assert caught.value.field == error["field"]
        if "match" in error:
            assert re.search(case.pattern(error["match"]), str(caught.value)), str(caught.value)
    else:
        payload, _ = _translate(runtime, case)
        issues = _schema_issues(case, payload)
        assert issues, "the gateway's schema accepts the payload"
        located = [runtime.locate(mapping, _pointer(i), version=case.version) for i in issues]
        assert next((f for f in located if f), None) == error["field"], located


@pytest.mark.parametrize("case", cases(worked("results"), "worked result examples"))
def test_worked_result(runtime: ModuleType, case: Worked) -> None:
    mapping, entry = MAPPINGS[case.key], case.entry
    payload = case.example(entry["example"]) if "example" in entry else entry["payload"]
    if "error" in entry:
        with pytest.raises(runtime.TranslationError) as caught:
            runtime.translate_result(payload, mapping=mapping, version=case.version)
        assert caught.value.field == entry["error"]["field"]
        if "match" in entry["error"]:
            assert re.search(case.pattern(entry["error"]["match"]), str(caught.value))
        return
    result = runtime.translate_result(payload, mapping=mapping, version=case.version)
    assert not list(canonical_validator(mapping["canonical"], "result").iter_errors(result))
    assert result["raw"] == payload
    assert {k: v for k, v in result.items() if v is not None and k != "raw"} == entry["result"]


def _pricing(key: str) -> dict[str, Any]:
    """The documented pricing of the version the mapping is written for (what quote uses)."""
    mapping = MAPPINGS[key]
    manifest = yaml.safe_load((SCHEMAS / mapping["provider"] / "manifest.yaml").read_text())
    return manifest["endpoints"][mapping["endpoint"]]["versions"][mapping["version"]]["pricing"]


@pytest.mark.parametrize("case", cases(worked("quotes"), "worked quote examples"))
def test_worked_quote(runtime: ModuleType, pricing: ModuleType, case: Worked) -> None:
    request = case.entry["request"]
    assert not list(canonical_validator(MAPPINGS[case.key]["canonical"]).iter_errors(request))
    price = pricing.price(
        _pricing(case.key),
        seconds=pricing.request_seconds(request),
        generate_audio=pricing.request_audio(request),
        voice_control=pricing.request_voice_control(request),
    )
    expected = case.entry.get("price", {})
    assert {k: price.get(k) for k in expected} == pytest.approx(expected), price
    try:
        payload, _ = _translate(runtime, case)
        accepts = not _schema_issues(case, payload)
    except runtime.TranslationError:
        accepts = False
    assert accepts is case.entry["accepts"]


@pytest.mark.parametrize("case", cases(worked("describe"), "worked describe examples"))
def test_worked_describe_envelope_and_locate(runtime: ModuleType, case: Worked) -> None:
    mapping, entry, version = MAPPINGS[case.key], case.entry, case.version
    rows = {row["canonical"]: row for row in runtime.describe(mapping, version=version)}
    for expected in entry.get("fields", []):
        row = rows[expected["canonical"]]
        assert {k: row[k] for k in expected} == expected
    if "envelope" in entry:
        assert runtime.describe_envelope(mapping, version=version) == entry["envelope"]
    for pointer, field in entry.get("locate", {}).items():
        assert runtime.locate(mapping, pointer, version=version) == field, pointer


# ---- generic machinery, on the open-world test provider -------------------------------


def test_pass_policy_sends_the_canonical_name_with_a_warning(runtime: ModuleType) -> None:
    mapping = {**FIXTURE_MAPPING}
    fields = {
        **mapping["request"]["fields"],
        "cfg_scale": {"unsupported": "pass", "reason": "undocumented"},
    }
    mapping["request"] = {**mapping["request"], "fields": fields}
    payload, warnings = runtime.translate_request(
        {"start_image": "https://x.test/u.png", "prompt": "p", "cfg_scale": 0.2}, mapping=mapping
    )
    assert payload["cfg_scale"] == 0.2
    assert warnings == [
        "cfg_scale: passed through undocumented to acme-sync/image-to-video: undocumented"
    ]


def test_local_files_are_read_only_when_allowed_and_the_provider_takes_them(
    tmp_path: Path, runtime: ModuleType
) -> None:
    image = tmp_path / "frame.png"
    image.write_bytes(b"\x89PNG")

    def run(path: Path, **options: Any) -> Any:
        request = {"prompt": "p", "start_image": str(path)}
        return runtime.translate_request(request, mapping=FIXTURE_MAPPING, **options)

    payload, _ = run(image, local_files=True, file_inputs="data-uri")
    assert payload["start_image_url"] == "data:image/png;base64,iVBORw=="
    with pytest.raises(runtime.TranslationError, match="read only when allowed"):
        run(image, file_inputs="data-uri")
    with pytest.raises(runtime.TranslationError, match="takes URLs only"):
        run(image, local_files=True, file_inputs="url")
    with pytest.raises(runtime.TranslationError, match=r"^start_image: cannot read local file"):
        run(tmp_path / "nope.png", local_files=True, file_inputs="data-uri")


# ---- results, derived from the catalog ------------------------------------------------


def _versions(key: str) -> list[str | None]:
    """None (the mapping's own version) and every other version it maps."""
    return [None, *MAPPINGS[key].get("versions", {})]


def _responses() -> list[tuple[str, str | None, Path]]:
    found = []
    for key, mapping in sorted(MAPPINGS.items()):
        for version in _versions(key):
            folder = SCHEMAS / key / (version or mapping["version"])
            for path in sorted((folder / "examples").glob("response-*.json")):
                found.append((key, version, path))
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


def _without_video(path: str) -> Any:
    """A body with everything around `path` (a mapping's dotted result path) but the video."""
    node: Any = {}
    for token in reversed(path.split(".")[:-1]):
        node = [node] if token.isdigit() else {token: node}
    return node


@pytest.mark.parametrize(
    ("key", "version"), [(k, v) for k in sorted(MAPPINGS) for v in _versions(k)]
)
def test_a_result_without_video_is_refused(
    runtime: ModuleType, key: str, version: str | None
) -> None:
    fields = runtime.resolve(MAPPINGS[key], version=version)["result"]["fields"]
    bodies = [{}, *(_without_video(p) for p in fields["video_url"]["from"])]
    for body in bodies:
        with pytest.raises(
            runtime.TranslationError, match=rf"^video_url: {re.escape(key)} result has no video URL"
        ):
            runtime.translate_result(body, mapping=MAPPINGS[key], version=version)


# ---- pricing --------------------------------------------------------------------------


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
    audio_off = {"currency": "USD", "rates": [{"per_second": 0.112, "generate_audio": False}]}
    assert pricing.price(audio_off, seconds=10, generate_audio=False)["total"] == pytest.approx(
        1.12
    )
    unknown = pricing.price(audio_off, seconds=10, generate_audio=True)
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

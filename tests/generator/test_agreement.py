"""Every example payload in the catalog: models and validators give the same verdict.

`request-*`/`response-*`/... must be valid, `invalid-<kind>-*` must fail, both ways.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from .conftest import SCHEMAS

KINDS = ("request", "response", "status", "callback")


def _examples() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(SCHEMAS.glob("*/*/*/examples/*.json")):
        name = path.stem.removeprefix("invalid-")
        kind = next((k for k in KINDS if name.startswith(k)), None)
        assert kind is not None, f"cannot tell which body {path} is"
        found.append((kind, path))
    return found


EXAMPLES = _examples()


def _module(path: Path) -> Any:
    provider, endpoint, version = path.relative_to(SCHEMAS).parts[:3]
    return importlib.import_module(
        f"kling_gateways.{provider}.{endpoint.replace('-', '_')}.v{version.replace('-', '_')}"
    )


def test_catalog_has_examples_of_both_verdicts() -> None:
    names = [p.stem for _k, p in EXAMPLES]
    assert sum(n.startswith("invalid-") for n in names) >= 20
    assert sum(not n.startswith("invalid-") for n in names) >= 10


@pytest.mark.parametrize(
    ("kind", "path"), EXAMPLES, ids=[str(p.relative_to(SCHEMAS)) for _k, p in EXAMPLES]
)
def test_model_and_validator_agree(kind: str, path: Path) -> None:
    module = _module(path)
    payload = json.loads(path.read_text())
    issues = getattr(module, f"validate_{kind}")(payload)
    try:
        getattr(module, kind.capitalize()).model_validate(payload)
        model_ok = True
    except ValidationError:
        model_ok = False
    expected_ok = not path.stem.startswith("invalid-")
    assert (issues == []) is expected_ok, [str(i) for i in issues]
    assert model_ok is expected_ok
    for issue in issues:
        assert issue.pointer == "" or issue.pointer.startswith("/")
        assert issue.message


def test_seed_mistakes_are_named_clearly() -> None:
    from kling_gateways.runcomfy.image_to_video import validate_request as runcomfy
    from kling_gateways.runflow.image_to_video import validate_request as runflow

    base = {"prompt": "a cat", "start_image_url": "https://x.test/a.png"}
    assert [str(i) for i in runcomfy({**base, "duration": 20})] == [
        "/duration: 20 is greater than the maximum of 15"
    ]
    assert [str(i) for i in runcomfy({**base, "cfg_scale": 2})] == [
        "/cfg_scale: 2 is greater than the maximum of 1"
    ]
    four = [{"frontal_image_url": "https://x.test/f.png"}] * 4
    assert any("has more than 3 items" in str(i) for i in runcomfy({**base, "elements": four}))
    assert [str(i) for i in runcomfy({"start_image_url": "u"})] == [
        '/: "prompt" is a required property'
    ]
    wrong_type = runflow({"input": {**base, "duration": 5}})
    assert '/input/duration: 5 is not of type "string"' in [str(i) for i in wrong_type]


NULL_FOR_OPTIONAL = [
    ("runcomfy.image_to_video", {"prompt": "a cat", "start_image_url": "u", "end_image_url": None}),
    ("runflow.image_to_video", {"input": {"prompt": "a cat", "start_image_url": "u", "end_image_url": None}}),
    ("runware.text_to_video", [{"taskType": "videoInference", "model": "klingai:kling-video@3-pro",
                                "taskUUID": "3f1c2a9e-7b4d-4e8a-9c61-0d2b5e7f8a13", "width": 1920,
                                "height": 1080, "positivePrompt": "a cat", "negativePrompt": None}]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("module", "payload"), NULL_FOR_OPTIONAL, ids=[m for m, _p in NULL_FOR_OPTIONAL]
)
def test_null_for_an_optional_field_fails_both(module: str, payload: Any) -> None:
    """`X | None = None` in a model must not let through a null the schema refuses."""
    endpoint = importlib.import_module(f"kling_gateways.{module}")
    assert [i.message for i in endpoint.validate_request(payload)] == [
        'null is not of type "string"'
    ]
    with pytest.raises(ValidationError):
        endpoint.Request.model_validate(payload)

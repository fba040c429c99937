"""Local files: inlined as data URIs where the manifest says the provider takes them
(Runware), refused before any HTTP call where it needs a URL (Runflow)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kling_gateways._runtime.errors import FileInputError

from .conftest import make_client


def test_runware_receives_a_local_image_as_a_data_uri(fake: Any, tmp_path: Path) -> None:
    image = tmp_path / "cat.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n-fake-png-")
    gateway = fake("runware")
    request = {"positivePrompt": "a cat surfing", "inputs": {"frameImages": [{"image": image}]}}
    with make_client("runware", gateway.url) as client:
        result = client.image_to_video.run(request, timeout=10)
    assert result.video_url
    (job,) = gateway.store.jobs.values()
    sent = job.body[0]["inputs"]["frameImages"][0]["image"]
    assert sent.startswith("data:image/png;base64,")


def test_runflow_refuses_a_local_image_before_sending(fake: Any, tmp_path: Path) -> None:
    image = tmp_path / "cat.png"
    image.write_bytes(b"\x89PNG")
    gateway = fake("runflow")
    request = {"input": {"prompt": "a cat surfing", "start_image_url": image}}
    with (
        make_client("runflow", gateway.url) as client,
        pytest.raises(FileInputError, match="needs a URL"),
    ):
        client.image_to_video.submit(request)
    assert gateway.store.jobs == {}

"""Local files: inlined where the manifest says the provider takes inline images
(`file_inputs: data-uri` or `base64`), refused before any HTTP call where it needs a URL.

The file goes where the provider's image-to-video payload carries the start image (found in
the mapping's translation of a canonical request, whatever the request envelope)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from kling_gateways._runtime.errors import FileInputError
from kling_gateways._runtime.pointer import get_pointer

from .conftest import (
    INLINES_FILES,
    URLS_ONLY,
    file_inputs,
    make_client,
    replaced,
    request_for,
    start_image_at,
)

PNG = b"\x89PNG\r\n\x1a\n-fake-png-"


def _with_local_image(provider: str, image: Path) -> tuple[str, Any]:
    where = start_image_at(provider)
    assert where is not None, f"{provider}: the mapping sends no start image"
    return where, replaced(request_for(provider), where, image)


@pytest.mark.parametrize("provider", INLINES_FILES)
def test_a_local_image_is_sent_inline(fake: Any, tmp_path: Path, provider: str) -> None:
    image = tmp_path / "cat.png"
    image.write_bytes(PNG)
    where, request = _with_local_image(provider, image)
    gateway = fake(provider)
    with make_client(provider, gateway.url) as client:
        result = client.image_to_video.run(request, timeout=10)
    assert result.video_url
    (job,) = gateway.store.jobs.values()
    sent = get_pointer(job.body, where)
    encoded = base64.b64encode(PNG).decode("ascii")
    mode = file_inputs(provider)
    if mode == "data-uri":
        assert sent == f"data:image/png;base64,{encoded}"
    elif mode == "base64":
        assert sent == encoded
    else:
        pytest.fail(f"{provider}: no check written for file_inputs {mode!r}")


@pytest.mark.parametrize("provider", URLS_ONLY)
def test_a_local_image_is_refused_before_sending(fake: Any, tmp_path: Path, provider: str) -> None:
    image = tmp_path / "cat.png"
    image.write_bytes(b"\x89PNG")
    where, request = _with_local_image(provider, image)
    gateway = fake(provider)
    with (
        make_client(provider, gateway.url) as client,
        pytest.raises(FileInputError, match="needs a URL") as info,
    ):
        client.image_to_video.submit(request)
    assert str(info.value).startswith(f"{where}: ")
    assert gateway.store.jobs == {}
    assert sum(gateway.store.requests.values()) == 0

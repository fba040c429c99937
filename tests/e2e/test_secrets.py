"""The API key never shows in logs, reprs or exception texts."""

from __future__ import annotations

import logging
import traceback

import pytest

from kling_gateways._runtime import errors

from .conftest import API_KEY, POLLED, make_client, request_for


@pytest.mark.parametrize("provider", POLLED)
def test_api_key_never_leaks(fake, provider, caplog):
    caplog.set_level(logging.DEBUG)
    gateway = fake(provider, api_key=API_KEY)
    texts: list[str] = []
    with make_client(provider, gateway.url) as client:
        texts += [repr(client), str(client), repr(client.image_to_video), repr(client._config)]
        gateway.set_faults([{"kind": "error", "op": "status", "times": 2}])
        result = client.image_to_video.run(request_for(provider), timeout=10)
        texts += [repr(result)]
        for exc in _errors(client, provider, gateway):
            texts += [str(exc), repr(exc), repr(exc.args), "".join(traceback.format_exception(exc))]
    texts += [record.getMessage() for record in caplog.records]
    assert any("retrying" in t for t in texts)  # the logs were captured
    assert not [t for t in texts if API_KEY in t]


def _errors(client, provider, gateway) -> list[BaseException]:
    found: list[BaseException] = []
    gateway.set_faults([{"kind": "error", "op": "*", "times": 50, "status_code": 500}])
    for call in (
        lambda: client.image_to_video.submit(request_for(provider, 1)),
        lambda: client.image_to_video.submit({"bad": True}),
        lambda: make_client(provider, gateway.url, api_key="wrong").image_to_video.status("x"),
        lambda: make_client(provider, "http://127.0.0.1:9").image_to_video.status("x"),
    ):
        with pytest.raises(errors.KlingError) as info:
            call()
        found.append(info.value)
    return found

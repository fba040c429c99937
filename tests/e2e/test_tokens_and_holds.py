"""Signed-token authentication (`auth.token`) and held submits (`submit_wait`) against the
fake gateways of the providers whose manifests declare them (derived from the catalog)."""

from __future__ import annotations

import logging

import httpx
import pytest

from kling_gateways import canonical
from kling_gateways._runtime import errors

from .conftest import API_KEY, API_SECRET, HELD, SIGNED_TOKENS, lifecycle, make_client, request_for


def _submit_path(provider: str) -> str:
    return str(lifecycle(provider)["submit"]["path"])


@pytest.mark.parametrize("provider", SIGNED_TOKENS)
def test_signed_tokens_are_accepted_and_renewed_per_request(fake, provider):
    gateway = fake(provider, api_key=API_KEY, api_secret=API_SECRET)
    with make_client(provider, gateway.url) as client:
        result = client.image_to_video.run(request_for(provider), timeout=5)
    assert result.video_url
    assert sum(gateway.store.requests.values()) >= 2  # submit and polls, each authorized


@pytest.mark.parametrize("provider", SIGNED_TOKENS)
def test_a_token_signed_with_the_wrong_secret_is_refused(fake, provider, caplog):
    gateway = fake(provider, api_key=API_KEY, api_secret=API_SECRET)
    caplog.set_level(logging.DEBUG, logger="kling_gateways")
    client = make_client(provider, gateway.url, api_secret="not-the-secret")
    with client, pytest.raises(errors.AuthenticationError) as caught:
        client.image_to_video.submit(request_for(provider))
    assert gateway.store.jobs == {}
    text = str(caught.value) + repr(caught.value) + caplog.text
    assert API_KEY not in text and "not-the-secret" not in text


@pytest.mark.parametrize("provider", SIGNED_TOKENS)
def test_the_raw_key_is_not_a_token(fake, provider):
    """Sending the access key itself (what a static-key client would do) is refused."""
    gateway = fake(provider, api_key=API_KEY, api_secret=API_SECRET)
    auth = canonical.MANIFESTS[provider]["auth"]
    reply = httpx.post(
        gateway.url + _submit_path(provider),
        json=request_for(provider),
        headers={auth["header"]: f"{auth['scheme']} {API_KEY}"},
    )
    assert reply.status_code == 401


@pytest.mark.parametrize("provider", SIGNED_TOKENS)
def test_a_token_provider_without_a_secret_is_a_configuration_error(provider, monkeypatch):
    monkeypatch.delenv(canonical.MANIFESTS[provider]["auth"]["token"]["secret_env"], raising=False)
    with pytest.raises(errors.ConfigurationError, match="api_secret"):
        make_client(provider, "http://127.0.0.1:9", api_secret=None)


@pytest.mark.parametrize("provider", HELD)
def test_a_held_submit_returns_the_finished_run_without_polling(fake, provider):
    gateway = fake(provider, complete_after=0.05)
    with make_client(provider, gateway.url) as client:
        result = client.image_to_video.run(request_for(provider), timeout=5)
    assert result.video_url
    assert dict(gateway.store.requests) == {_submit_path(provider): 1}


@pytest.mark.parametrize("provider", HELD)
def test_a_held_submit_that_is_not_done_is_polled(fake, provider):
    gateway = fake(provider)  # runs advance only when polled
    with make_client(provider, gateway.url) as client:
        result = client.image_to_video.run(request_for(provider), timeout=5)
    assert result.video_url
    assert sum(gateway.store.requests.values()) > 1


@pytest.mark.parametrize("provider", HELD)
def test_a_hold_longer_than_the_provider_allows_is_refused(fake, provider):
    gateway = fake(provider)
    longest = lifecycle(provider)["submit_wait"].get("max_seconds", 60)
    auth = canonical.MANIFESTS[provider]["auth"]
    with make_client(provider, gateway.url) as client:
        credential = client._transport.auth.header_value()
    reply = httpx.post(
        gateway.url + _submit_path(provider),
        json=request_for(provider),
        headers={auth["header"]: credential, "Prefer": f"wait={longest + 1}"},
    )
    assert reply.status_code == 400
    assert gateway.store.jobs == {}

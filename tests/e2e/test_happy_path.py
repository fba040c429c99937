"""Each provider, sync and async, over real loopback HTTP against its fake gateway."""

from __future__ import annotations

import pytest

from kling_gateways._runtime import errors

from .conftest import (
    CANCELLABLE,
    POLLED,
    PROVIDERS,
    UNCANCELLABLE,
    lifecycle,
    make_async_client,
    make_client,
    request_for,
    status_word,
)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_sync_run_returns_a_video_url(fake, provider):
    gateway = fake(provider)
    with make_client(provider, gateway.url) as client:
        result = client.image_to_video.run(request_for(provider), timeout=10)
    assert result.video_url and result.video_url.endswith(".mp4")
    (job,) = gateway.store.jobs.values()
    assert job.id in result.video_url
    assert result.parsed is not None  # the provider's Response model
    assert result.response is not None and result.response.status_code == 200
    assert gateway.store.duplicates() == {}
    assert len(gateway.store.jobs) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_async_run_returns_a_video_url(fake, provider):
    gateway = fake(provider)
    async with make_async_client(provider, gateway.url) as client:
        result = await client.image_to_video.run(request_for(provider), timeout=10)
    assert result.video_url and result.video_url.endswith(".mp4")
    assert len(gateway.store.jobs) == 1


@pytest.mark.parametrize("provider", POLLED)
def test_status_moves_queued_running_succeeded_with_provider_status(fake, provider):
    gateway = fake(provider, queued_polls=2, running_polls=2)
    with make_client(provider, gateway.url) as client:
        run = client.image_to_video.submit(request_for(provider))
        seen = [run.status]
        for _ in range(10):
            run = client.image_to_video.status(run.id)
            seen.append(run.status)
            if run.done:
                break
        result = client.image_to_video.result(run)
    order = ["queued", "running", "succeeded"]
    assert seen == sorted(seen, key=order.index)
    assert seen[-1] == "succeeded" and "running" in seen
    assert run.provider_status == status_word(provider, "succeeded")
    assert result.video_url is not None and run.raw is not None


@pytest.mark.parametrize("provider", CANCELLABLE)
def test_cancel(fake, provider):
    gateway = fake(provider, queued_polls=50)
    with make_client(provider, gateway.url) as client:
        run = client.image_to_video.submit(request_for(provider))
        cancelled = client.image_to_video.cancel(run)
        assert cancelled.status == "cancelled"
        assert client.image_to_video.status(run.id).status == "cancelled"
        with pytest.raises(errors.RunFailedError) as info:
            client.image_to_video.result(run.id)
    assert info.value.run.status == "cancelled"


@pytest.mark.parametrize("provider", UNCANCELLABLE)
def test_no_cancel_call_is_unsupported(fake, provider):
    gateway = fake(provider)
    with make_client(provider, gateway.url) as client:
        run = client.image_to_video.submit(request_for(provider))
        with pytest.raises(errors.UnsupportedOperationError):
            client.image_to_video.cancel(run)


def test_runflow_legacy_sync_endpoint(fake):
    gateway = fake("runflow")
    with make_client("runflow", gateway.url) as client:
        legacy = client.image_to_video.v2026_04_05
        run = legacy.submit({"prompt": "a cat", "start_image_url": "https://x.test/c.png"})
        assert run.done and run.status == "succeeded"
        result = legacy.run({"prompt": "a cat", "start_image_url": "https://x.test/c.png"})
    assert result.video_url and result.video_url.endswith(".mp4")
    assert gateway.store.requests["/v1/run/kuaishou/kling-video/v3/pro/image-to-video"] == 2


def test_typed_request_model_is_accepted(fake):
    from kling_gateways.runcomfy.image_to_video import Request

    gateway = fake("runcomfy")
    request = Request.model_validate(request_for("runcomfy"))
    with make_client("runcomfy", gateway.url) as client:
        assert client.image_to_video.run(request, timeout=10).video_url


def test_text_to_video_runflow(fake):
    gateway = fake("runflow")
    with make_client("runflow", gateway.url) as client:
        result = client.text_to_video.run({"input": {"prompt": "waves"}}, timeout=10)
    assert result.video_url


@pytest.mark.parametrize("provider", PROVIDERS)
def test_invalid_request_raises_before_any_http_call(fake, provider):
    gateway = fake(provider)
    with (
        make_client(provider, gateway.url) as client,
        pytest.raises(errors.ValidationError) as info,
    ):
        client.image_to_video.submit({"nope": 1})
    assert info.value.issues and all(i.pointer is not None for i in info.value.issues)
    assert sum(gateway.store.requests.values()) == 0


def test_provider_rejection_is_a_bad_request_error_with_body(fake):
    gateway = fake("runcomfy")
    with make_client("runcomfy", gateway.url) as client:
        resource = client.image_to_video
        resource.spec = type(resource.spec)(**{**resource.spec.__dict__, "validate": None})
        with pytest.raises(errors.BadRequestError) as info:
            resource.submit({"prompt": "x"})
    assert info.value.status_code == 422
    assert "start_image_url" in info.value.message
    assert isinstance(info.value.body, dict) and "detail" in info.value.body


def test_wrong_key_is_an_authentication_error(fake):
    gateway = fake("runflow", api_key="the-right-key")
    with (
        make_client("runflow", gateway.url, api_key="wrong") as client,
        pytest.raises(errors.AuthenticationError) as info,
    ):
        client.image_to_video.submit(request_for("runflow"))
    assert info.value.status_code == 401


def test_missing_key_is_a_configuration_error(monkeypatch):
    from kling_gateways import runflow

    monkeypatch.delenv("RUNFLOW_API_KEY", raising=False)
    with pytest.raises(errors.ConfigurationError, match="RUNFLOW_API_KEY"):
        runflow.Client()


def test_key_from_environment(fake, monkeypatch):
    from kling_gateways import runcomfy

    gateway = fake("runcomfy", api_key="env-key")
    monkeypatch.setenv("RUNCOMFY_API_KEY", "env-key")
    with runcomfy.Client(base_url=gateway.url, poll_interval=0.005) as client:
        assert client.image_to_video.run(request_for("runcomfy"), timeout=10).video_url


@pytest.mark.parametrize("provider", POLLED)
def test_failed_run_raises_run_failed(fake, provider):
    """Also where the gateway ends a failed job with its succeeded word and an error inside
    (the manifest's `error_field`)."""
    gateway = fake(provider, faults=[])
    gateway.set_faults([{"kind": "fail_run", "op": "submit"}])
    with (
        make_client(provider, gateway.url) as client,
        pytest.raises(errors.RunFailedError) as info,
    ):
        client.image_to_video.run(request_for(provider), timeout=10)
    assert info.value.run.status == "failed"
    assert info.value.run.provider_status == status_word(provider, "failed")
    if "error_field" in lifecycle(provider):
        assert info.value.run.video_url is None

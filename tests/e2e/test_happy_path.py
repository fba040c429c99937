"""Each provider, sync and async, over real loopback HTTP against its fake gateway.

The providers, their endpoint versions and what each can do come from the catalog (see
conftest); paths, auth variables, status words and error pointers are read from manifests."""

from __future__ import annotations

import importlib

import pytest

from kling_gateways._runtime import errors
from kling_gateways._runtime.pointer import get_pointer

from .conftest import (
    API_SECRET,
    CANCELLABLE,
    ENDPOINT,
    ENDPOINT_VERSIONS,
    POLLED,
    PROVIDERS,
    SYNC_VERSIONS,
    UNCANCELLABLE,
    current,
    error_pointer,
    lifecycle,
    make_async_client,
    make_client,
    manifest,
    module,
    own_path,
    replaced,
    request_for,
    resource,
    start_image_at,
    status_word,
    version_params,
)

IMAGE_TAKERS = [p for p in PROVIDERS if start_image_at(p) is not None]


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


@pytest.mark.parametrize(("provider", "endpoint", "version"), version_params(ENDPOINT_VERSIONS))
def test_every_endpoint_version_runs_at_its_manifest_path(fake, provider, endpoint, version):
    """Old versions included: each is its resource's `v<YYYY_MM_DD>` attribute, the plain
    resource is the manifest's current version, and the submit goes to that version's path."""
    gateway = fake(provider)
    with make_client(provider, gateway.url) as client:
        assert resource(client, endpoint).spec.version == current(provider, endpoint)
        versioned = resource(client, endpoint, version)
        assert (versioned.spec.endpoint, versioned.spec.version) == (endpoint, version)
        request = request_for(provider, endpoint=endpoint, version=version)
        result = versioned.run(request, timeout=10)
    assert result.video_url and result.video_url.endswith(".mp4")
    assert len(gateway.store.jobs) == 1
    assert gateway.store.requests[lifecycle(provider, endpoint, version)["submit"]["path"]] >= 1


@pytest.mark.parametrize(("provider", "endpoint", "version"), version_params(ENDPOINT_VERSIONS))
async def test_every_endpoint_version_runs_async(fake, provider, endpoint, version):
    gateway = fake(provider)
    async with make_async_client(provider, gateway.url) as client:
        versioned = resource(client, endpoint, version)
        request = request_for(provider, endpoint=endpoint, version=version)
        result = await versioned.run(request, timeout=10)
    assert result.video_url and result.video_url.endswith(".mp4")
    assert len(gateway.store.jobs) == 1


@pytest.mark.parametrize(("provider", "endpoint", "version"), version_params(SYNC_VERSIONS))
def test_sync_lifecycle_answers_on_submit(fake, provider, endpoint, version):
    """A `sync` lifecycle: the submit's answer is the result; nothing is polled."""
    gateway = fake(provider)
    with make_client(provider, gateway.url) as client:
        versioned = resource(client, endpoint, version)
        run = versioned.submit(request_for(provider, endpoint=endpoint, version=version))
        assert run.done and run.status == "succeeded"
        result = versioned.run(request_for(provider, 1, endpoint=endpoint, version=version))
    assert result.video_url and result.video_url.endswith(".mp4")
    assert dict(gateway.store.requests) == {
        lifecycle(provider, endpoint, version)["submit"]["path"]: 2
    }


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
    cancel_path = own_path(provider, "cancel", run.id)
    if cancel_path is not None:  # else it is also the status path: counted together
        assert gateway.store.requests[cancel_path] == 1


@pytest.mark.parametrize("provider", UNCANCELLABLE)
def test_no_cancel_call_is_unsupported(fake, provider):
    gateway = fake(provider)
    with make_client(provider, gateway.url) as client:
        run = client.image_to_video.submit(request_for(provider))
        with pytest.raises(errors.UnsupportedOperationError):
            client.image_to_video.cancel(run)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_typed_request_model_is_accepted(fake, provider):
    models = importlib.import_module(f"{module(provider).__name__}.{ENDPOINT.replace('-', '_')}")
    gateway = fake(provider)
    request = models.Request.model_validate(request_for(provider))
    with make_client(provider, gateway.url) as client:
        assert client.image_to_video.run(request, timeout=10).video_url
    assert len(gateway.store.jobs) == 1


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


@pytest.mark.parametrize("provider", IMAGE_TAKERS)
def test_provider_rejection_is_a_bad_request_error_with_body(fake, provider):
    """With the client's own check off, a start image of the wrong type reaches the gateway,
    which refuses it in its error shape: the message is read where the manifest's
    `errors.message` points, and names the field."""
    where = start_image_at(provider)
    bad = replaced(request_for(provider), where, 5)
    gateway = fake(provider)
    with make_client(provider, gateway.url) as client:
        submit = client.image_to_video
        submit.spec = type(submit.spec)(**{**submit.spec.__dict__, "validate": None})
        with pytest.raises(errors.BadRequestError) as info:
            submit.submit(bad)
    assert info.value.status_code == 422
    assert where in info.value.message
    assert isinstance(info.value.body, dict | list)
    pointer = error_pointer(provider)
    if pointer is not None:
        assert get_pointer(info.value.body, pointer) == info.value.message
    assert gateway.store.jobs == {}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_wrong_key_is_an_authentication_error(fake, provider):
    gateway = fake(provider, api_key="the-right-key")
    with (
        make_client(provider, gateway.url, api_key="wrong") as client,
        pytest.raises(errors.AuthenticationError) as info,
    ):
        client.image_to_video.submit(request_for(provider))
    assert info.value.status_code == 401
    assert gateway.store.jobs == {}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_missing_key_is_a_configuration_error(monkeypatch, provider):
    env = manifest(provider)["auth"]["env"]
    monkeypatch.delenv(env, raising=False)
    with pytest.raises(errors.ConfigurationError, match=env):
        module(provider).Client()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_key_from_environment(fake, monkeypatch, provider):
    """The key (and a token provider's signing secret) from the variables the manifest names."""
    auth = manifest(provider)["auth"]
    gateway = fake(provider, api_key="env-key")
    monkeypatch.setenv(auth["env"], "env-key")
    if "token" in auth:
        monkeypatch.setenv(auth["token"]["secret_env"], API_SECRET)
    with module(provider).Client(base_url=gateway.url, poll_interval=0.005) as client:
        assert client.image_to_video.run(request_for(provider), timeout=10).video_url


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

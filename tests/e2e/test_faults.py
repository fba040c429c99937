"""Every injected fault, against the real clients over loopback HTTP.

Providers are chosen by what their manifests say (polled, cancellable, idempotent); the
paths and error shapes asserted on are read from the manifests (see conftest)."""

from __future__ import annotations

import pytest

from kling_gateways._runtime import errors
from kling_gateways._runtime.pointer import get_pointer
from kling_gateways._runtime.retry import RetryPolicy

from .conftest import (
    CANCELLABLE,
    IDEMPOTENT,
    NOT_IDEMPOTENT,
    POLLED,
    PROVIDERS,
    UNCANCELLABLE,
    error_pointer,
    lifecycle,
    make_async_client,
    make_client,
    own_path,
    request_for,
    task_of,
)

POLL_FAULTS = [
    {"kind": "error", "status_code": 500},
    {"kind": "error", "status_code": 503},
    {"kind": "rate_limit", "retry_after": "0.01"},
    {"kind": "drop"},
    {"kind": "malformed"},
    {"kind": "slow", "delay": 0.05},
]


@pytest.mark.parametrize("provider", POLLED)
@pytest.mark.parametrize(
    "fault", POLL_FAULTS, ids=lambda f: f"{f['kind']}-{f.get('status_code', '')}"
)
def test_poll_faults_are_retried(fake, provider, fault):
    gateway = fake(provider)
    gateway.set_faults([{**fault, "op": "status", "times": 2}])
    with make_client(provider, gateway.url) as client:
        result = client.image_to_video.run(request_for(provider), timeout=10)
    assert result.video_url
    assert sum(gateway.gateway.faults.fired().values()) == 2
    assert gateway.store.duplicates() == {}


@pytest.mark.parametrize("provider", NOT_IDEMPOTENT)
@pytest.mark.parametrize("kind", ["error", "drop", "malformed"])
def test_non_idempotent_submit_is_never_resent(fake, provider, kind):
    gateway = fake(provider)
    gateway.set_faults([{"kind": kind, "op": "submit", "times": 1}])
    with (
        make_client(provider, gateway.url) as client,
        pytest.raises((errors.APIError, errors.APIConnectionError)),
    ):
        client.image_to_video.submit(request_for(provider))
    assert gateway.store.requests[lifecycle(provider)["submit"]["path"]] == 1


@pytest.mark.parametrize("provider", NOT_IDEMPOTENT)
def test_submit_after_429_is_retried_once_accepted(fake, provider):
    gateway = fake(provider)
    gateway.set_faults([{"kind": "rate_limit", "op": "submit", "times": 2, "retry_after": "0.01"}])
    with make_client(provider, gateway.url) as client:
        assert client.image_to_video.run(request_for(provider), timeout=10).video_url
    assert len(gateway.store.jobs) == 1 and gateway.store.duplicates() == {}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_rate_limit_error_carries_retry_after_when_retries_run_out(fake, provider):
    gateway = fake(provider)
    gateway.set_faults([{"kind": "rate_limit", "op": "submit", "times": 10, "retry_after": "7"}])
    policy = RetryPolicy(max_retries=0)
    with (
        make_client(provider, gateway.url, retry=policy) as client,
        pytest.raises(errors.RateLimitError) as info,
    ):
        client.image_to_video.submit(request_for(provider))
    assert info.value.retry_after == 7.0 and info.value.status_code == 429
    assert gateway.store.requests[lifecycle(provider)["submit"]["path"]] == 1
    assert gateway.store.jobs == {}


@pytest.mark.parametrize("provider", IDEMPOTENT)
@pytest.mark.parametrize("kind", ["error", "drop", "malformed"])
def test_idempotent_submit_is_retried_with_the_same_idempotency_id(fake, kind, provider):
    """The id sits where the manifest's `idempotency.field` points in the task."""
    gateway = fake(provider)
    gateway.set_faults([{"kind": kind, "op": "submit", "times": 2, "after": True}])
    with make_client(provider, gateway.url) as client:
        result = client.image_to_video.run(request_for(provider), timeout=10)
    assert result.video_url
    (job,) = gateway.store.jobs.values()
    field = lifecycle(provider)["idempotency"]["field"]
    assert get_pointer(task_of(provider, job.body), field) == result.run_id
    assert gateway.store.attempts[result.run_id] == 3  # one job, three deliveries of the task
    assert gateway.store.duplicates() == {}


@pytest.mark.parametrize("provider", POLLED)
def test_slow_response_beyond_http_timeout_raises_timeout(fake, provider):
    gateway = fake(provider)
    gateway.set_faults([{"kind": "slow", "op": "status", "times": 5, "delay": 1.0}])
    policy = RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.01)
    with make_client(provider, gateway.url, timeout=0.2, retry=policy) as client:
        run = client.image_to_video.submit(request_for(provider))
        with pytest.raises(errors.TimeoutError):
            client.image_to_video.status(run)
    assert gateway.gateway.faults.fired() == {"status:slow": 2}  # the first try and one retry


@pytest.mark.parametrize("provider", POLLED)
def test_server_errors_exhaust_retries_into_provider_error_with_body(fake, provider):
    """The error body is in the provider's own shape: the message where the manifest's
    `errors.message` points (an object or an array of errors alike)."""
    gateway = fake(provider)
    gateway.set_faults([{"kind": "error", "op": "status", "times": 100, "status_code": 502}])
    with make_client(provider, gateway.url) as client:
        run = client.image_to_video.submit(request_for(provider))
        with pytest.raises(errors.ProviderError) as info:
            client.image_to_video.status(run)
    message = "internal error (injected fault)"
    assert info.value.status_code == 502
    assert info.value.message == message
    pointer = error_pointer(provider)
    if pointer is not None:
        assert info.value.body == _error_body(pointer, message)


def _error_body(pointer: str, message: str) -> object:
    """The smallest document holding `message` at `pointer` (digits index arrays)."""
    node: object = message
    for token in reversed(pointer.lstrip("/").split("/")):
        node = [node] if token.isdigit() else {token: node}
    assert get_pointer(node, pointer) == message
    return node


@pytest.mark.parametrize("provider", CANCELLABLE)
def test_never_completing_run_times_out_and_is_cancelled(fake, provider):
    gateway = fake(provider)
    gateway.set_faults([{"kind": "never_complete", "op": "submit"}])
    with make_client(provider, gateway.url) as client, pytest.raises(errors.TimeoutError) as info:
        client.image_to_video.run(request_for(provider), timeout=0.2)
    assert info.value.cancelled is True
    (job,) = gateway.store.jobs.values()
    assert job.final == "cancelled" and info.value.run_id == job.id


@pytest.mark.parametrize("provider", POLLED)
def test_wait_timeout_can_leave_the_run_alone(fake, provider):
    gateway = fake(provider)
    gateway.set_faults([{"kind": "never_complete", "op": "submit"}])
    with make_client(provider, gateway.url) as client:
        run = client.image_to_video.submit(request_for(provider))
        with pytest.raises(errors.TimeoutError) as info:
            client.image_to_video.wait(run, timeout=0.1, cancel_on_timeout=False)
    assert info.value.cancelled is False
    assert gateway.store.jobs[run.id].final is None
    cancel_path = own_path(provider, "cancel", run.id) if provider in CANCELLABLE else None
    if cancel_path is not None:  # else it is also the status path: counted together
        assert gateway.store.requests[cancel_path] == 0


@pytest.mark.parametrize("provider", UNCANCELLABLE)
def test_timeout_without_a_cancel_call_leaves_the_run(fake, provider):
    gateway = fake(provider)
    gateway.set_faults([{"kind": "never_complete", "op": "submit"}])
    with make_client(provider, gateway.url) as client, pytest.raises(errors.TimeoutError) as info:
        client.image_to_video.run(request_for(provider), timeout=0.1)
    assert info.value.cancelled is False


@pytest.mark.parametrize("provider", POLLED)
async def test_async_faults_and_timeout(fake, provider):
    gateway = fake(provider)
    gateway.set_faults(
        [
            {"kind": "error", "op": "status", "times": 1},
            {"kind": "drop", "op": "status", "times": 1},
            {"kind": "malformed", "op": "status", "times": 1},
        ]
    )
    async with make_async_client(provider, gateway.url) as client:
        assert (await client.image_to_video.run(request_for(provider), timeout=10)).video_url
        gateway.set_faults([{"kind": "never_complete", "op": "submit"}])
        with pytest.raises(errors.TimeoutError) as info:
            await client.image_to_video.run(request_for(provider, 1), timeout=0.1)
    assert info.value.cancelled is (provider in CANCELLABLE)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_connection_refused_is_a_connection_error(provider):
    """On the submit (never resent) and, where the lifecycle polls, on the retried status."""
    policy = RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.01)
    with make_client(provider, "http://127.0.0.1:9", retry=policy) as client:
        with pytest.raises(errors.APIConnectionError):
            client.image_to_video.submit(request_for(provider))
        if provider in POLLED:
            with pytest.raises(errors.APIConnectionError):
                client.image_to_video.status("some-run")

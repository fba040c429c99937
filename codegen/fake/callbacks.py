"""Posting a run's terminal callback, signed where the manifest says the provider signs."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any

import httpx

from codegen.fake import shapes
from codegen.fake.state import Common, Delivery, Job

if TYPE_CHECKING:
    from codegen.fake.app import Gateway

ATTEMPTS = 3  # seed 000: 3 attempts with exponential backoff, on 5xx / network errors


def signature(secret: str, body: bytes, *, scheme: str, timestamp: int) -> str:
    """The header value under the manifest's scheme (see _runtime/webhooks.py for both)."""
    if scheme == "hmac-sha256":
        return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def standard_headers(
    secret: str, body: bytes, *, spec: dict[str, Any], msg_id: str, timestamp: int
) -> dict[str, str]:
    """standard-webhooks: id and timestamp headers, and `v1,<base64 HMAC-SHA256>` over
    "<id>.<timestamp>.<body>" keyed with the base64 part of a `whsec_` secret."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return {
        spec.get("id_header", "webhook-id"): msg_id,
        spec.get("timestamp_header", "webhook-timestamp"): str(timestamp),
        spec["signature_header"]: "v1," + base64.b64encode(mac).decode("ascii"),
    }


def headers_for(gateway: Gateway, job: Job, body: bytes) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    spec = job.lifecycle.get("callback", {})
    secret = gateway.config.callback_secret
    scheme = spec.get("signature")
    now = int(time.time())
    if secret and scheme in {"hmac-sha256", "hmac-sha256-timestamped"}:
        headers[spec["signature_header"]] = signature(secret, body, scheme=scheme, timestamp=now)
    elif secret and scheme == "standard-webhooks":
        msg_id = f"msg_{job.id}"
        headers.update(standard_headers(secret, body, spec=spec, msg_id=msg_id, timestamp=now))
    return headers


async def deliver(gateway: Gateway, job: Job, common: Common) -> None:
    """POST the callback, retrying 5xx and network errors (1 s, 2 s scaled down 20x)."""
    assert job.callback_url is not None
    body = json.dumps(shapes.callback(job, common)).encode()
    headers = headers_for(gateway, job, body)
    status: int | None = None
    async with httpx.AsyncClient(timeout=5.0) as client:
        for attempt in range(ATTEMPTS):
            try:
                reply = await client.post(job.callback_url, content=body, headers=headers)
                status = reply.status_code
            except httpx.HTTPError:
                status = None
            if status is not None and status < 500:
                break
            await asyncio.sleep(0.05 * 2**attempt)
    gateway.store.deliveries.append(
        Delivery(url=job.callback_url, status_code=status, body=body, headers=headers)
    )

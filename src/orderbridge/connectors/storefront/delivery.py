"""Delivering one storefront webhook message: check the URL, sign, POST, classify.

The client is the hub's (``Hub.http``), whose transport checks the address again at
connect (``ssrf.pinned_transport``): a name that resolved to a public address at the
check and to a private one at connect (DNS rebinding) is refused there, for good.

2xx is delivered. 410 Gone is permanent (the receiver says the endpoint is gone);
everything else — timeouts, 5xx, 429, other 4xx — is transient and retried on the
messaging schedule (Standard Webhooks receivers are expected to recover), until the
job becomes a dead letter an operator can replay.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import anyio
import httpx

from orderbridge.connectors._base import DEFAULT_TIMEOUT_SECONDS
from orderbridge.connectors.storefront import signing
from orderbridge.connectors.storefront.ssrf import UnsafeUrl, check_url, refused_code
from orderbridge.ports import EndpointRecord, PermanentError, TransientError


def body_of(message: Mapping[str, Any]) -> bytes:
    """The exact bytes signed and sent."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


async def deliver(
    http: httpx.AsyncClient,
    endpoint: EndpointRecord,
    *,
    msg_id: str,
    message: Mapping[str, Any],
    now: datetime,
    allow_private: bool,
) -> int:
    """POST one message to ``endpoint``; return the HTTP status on success."""
    try:
        await check_url(endpoint.url, allow_private=allow_private)
    except UnsafeUrl as unsafe:
        raise PermanentError(unsafe.code, str(unsafe)) from None
    body = body_of(message)
    headers = signing.headers(endpoint.secrets, msg_id, int(now.timestamp()), body)
    headers["content-type"] = "application/json"
    # The whole delivery is bounded too, not only each read: a receiver dripping a byte
    # at a time would otherwise hold a worker for ever (as ``_base.send`` does).
    deadline = 2 * (http.timeout.read or DEFAULT_TIMEOUT_SECONDS)
    try:
        with anyio.fail_after(deadline):
            response = await http.post(endpoint.url, content=body, headers=headers)
    except TimeoutError:
        raise TransientError(f"{endpoint.url} did not answer within {deadline:g} s") from None
    except httpx.TimeoutException:
        raise TransientError(f"{endpoint.url} timed out") from None
    except httpx.HTTPError as error:
        refused = refused_code(error)
        if refused is not None:  # resolved to a private address at connect (rebinding)
            raise PermanentError(refused, f"{endpoint.url}: {error}") from None
        raise TransientError(f"{endpoint.url}: {type(error).__name__}") from None
    if 200 <= response.status_code < 300:
        return response.status_code
    if response.status_code == 410:
        raise PermanentError("endpoint_gone", f"{endpoint.url} answered 410 Gone")
    retry_after = response.headers.get("retry-after")
    hint = float(retry_after) if retry_after and retry_after.isdigit() else None
    raise TransientError(f"{endpoint.url} answered {response.status_code}", retry_after=hint)

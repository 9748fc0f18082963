"""The one HTTP client factory and the classification of wire failures."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from orderbridge.connectors._base import (
    USER_AGENT,
    make_http_client,
    retry_after_seconds,
    send,
)
from orderbridge.ports import PermanentError, TransientError


def _client(handler: httpx.MockTransport) -> httpx.AsyncClient:
    return make_http_client(base_url="https://pos.test", timeout=1.0, transport=handler)


@pytest.mark.anyio
async def test_requests_carry_the_user_agent_and_do_not_follow_redirects() -> None:
    """A redirect is a permanent error (a token must not follow it to another host)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"Location": "https://elsewhere.test/"})

    async with _client(httpx.MockTransport(handler)) as client:
        with pytest.raises(PermanentError) as caught:
            await send(client, "GET", "/x", system="POS", deadline=1.0)
    assert caught.value.code == "unexpected_redirect"
    assert len(seen) == 1 and seen[0].headers["User-Agent"] == USER_AGENT


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "headers", "retry_after"),
    [(503, {}, None), (500, {}, None), (429, {"Retry-After": "7"}, 7.0), (408, {}, None)],
)
async def test_5xx_and_429_are_transient_with_retry_after(
    status: int, headers: dict[str, str], retry_after: float | None
) -> None:
    """The remote side's trouble is worth retrying, no sooner than it asks."""
    transport = httpx.MockTransport(lambda request: httpx.Response(status, headers=headers))
    async with _client(transport) as client:
        with pytest.raises(TransientError) as caught:
            await send(client, "GET", "/x", system="POS", deadline=1.0)
    assert caught.value.retry_after == retry_after


@pytest.mark.anyio
@pytest.mark.parametrize(("status", "code"), [(400, "http_error"), (401, "reauth_required")])
async def test_4xx_are_permanent(status: int, code: str) -> None:
    """A request the server refuses will be refused again."""
    transport = httpx.MockTransport(lambda request: httpx.Response(status))
    async with _client(transport) as client:
        with pytest.raises(PermanentError) as caught:
            await send(client, "GET", "/x", system="POS", deadline=1.0)
    assert caught.value.code == code


@pytest.mark.anyio
@pytest.mark.parametrize(
    "error",
    [httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), httpx.RemoteProtocolError("cut")],
)
async def test_timeouts_and_connection_errors_are_transient(error: Exception) -> None:
    """Nothing was answered, so the next attempt may well succeed."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    async with _client(httpx.MockTransport(handler)) as client:
        with pytest.raises(TransientError):
            await send(client, "GET", "/x", system="POS", deadline=1.0)


def test_retry_after_reads_seconds_and_dates_and_caps_them() -> None:
    """Seconds or an HTTP date; nonsense is ignored and a day is capped at an hour."""
    now = datetime(2015, 10, 21, 7, 27, tzinfo=UTC)
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 60.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("86400") == 3600.0
    assert retry_after_seconds(None) is None

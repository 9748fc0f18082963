"""What every connector shares: the one hardened HTTP client and failure classification.

All outbound HTTP goes through :func:`make_http_client` (as in Saleor's webhook code,
one place decides timeouts, connection limits, redirects and the User-Agent) and
:func:`send`, which turns whatever can go wrong on the wire into the two exceptions of
the ports: :class:`~orderbridge.ports.TransientError` for what a later attempt may fix
(timeouts, dropped connections, 5xx, 429 with its ``Retry-After``) and
:class:`~orderbridge.ports.PermanentError` for what it will not (4xx, a redirect). A
connector then only adds what its remote system says in the body.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import anyio
import httpx

from orderbridge import __version__
from orderbridge.ports import PermanentError, TransientError

USER_AGENT = f"orderbridge/{__version__} (+https://github.com/orderbridge/orderbridge)"
DEFAULT_TIMEOUT_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 5.0
MAX_CONNECTIONS = 20
MAX_KEEPALIVE = 10
# Retry-After hints beyond this are treated as this: a remote system asking for a day's
# pause should not park an order for a day without an operator noticing.
MAX_RETRY_AFTER_SECONDS = 3600.0


def make_http_client(
    *,
    base_url: str,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` with the hub's outbound rules.

    Connect timeout at most 5 s, every other phase ``timeout``; at most 20 connections
    per client; redirects never followed (a redirect could lead a token to another host,
    and no API we call redirects on purpose); a User-Agent naming orderbridge; no proxy
    from the environment; no cookies kept. The wire work is aiohttp's
    (``connectors.http_aiohttp``: a fifth of httpcore's CPU per call) unless
    ``transport`` is given: the SSRF-pinned one (``storefront.ssrf.pinned_transport``,
    also on aiohttp), or in tests an ``httpx.ASGITransport``/``httpx.MockTransport``
    instead of patching anything.
    """
    if transport is None:
        from orderbridge.connectors.http_aiohttp import AiohttpTransport  # lazy: idle RSS

        transport = AiohttpTransport(limit=MAX_CONNECTIONS)
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_SECONDS)),
        limits=httpx.Limits(
            max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_KEEPALIVE
        ),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        transport=transport,
        trust_env=False,
        # No cookies kept: an API's Set-Cookie must not ride along on later calls (a
        # policy that allows no domain; httpx has no switch for its jar).
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
    )


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    system: str,
    deadline: float,
    classify: Callable[[httpx.Response], bool] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request and return a 2xx response, or raise a classified error.

    ``deadline`` bounds the whole call, body included: httpx's timeouts are per phase,
    so a server dripping a byte every few seconds would otherwise hold a worker for
    ever, and in-process transports enforce no timeout at all. ``system`` names the
    remote side in error messages ("Poster answered 503"). ``classify`` runs first on
    every answer, 2xx included: it may raise what the remote system's own rules say (a
    REST POS's manifest), or return True for an answer that is fine as it is (a lookup's
    404 "none"); anything else gets :func:`raise_for_status`.
    """
    try:
        with anyio.fail_after(deadline):
            response = await client.request(method, url, **kwargs)
    except TimeoutError as exc:
        raise TransientError(f"{system} did not answer within {deadline:g} s") from exc
    except httpx.TimeoutException as exc:
        raise TransientError(f"{system} timed out: {type(exc).__name__}") from exc
    except httpx.TransportError as exc:
        raise TransientError(f"{system} unreachable: {type(exc).__name__}: {exc}") from exc
    if classify is not None and classify(response):
        return response
    raise_for_status(response, system=system)
    return response


def raise_for_status(response: httpx.Response, *, system: str) -> None:
    """Classify a non-2xx answer: 429/5xx (and 408) are transient, other 4xx permanent."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status in (408, 429) or status >= 500:
        raise TransientError(
            f"{system} answered HTTP {status}",
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )
    if 300 <= status < 400:
        raise PermanentError(
            "unexpected_redirect",
            f"{system} answered HTTP {status} (redirects are not followed); check the base URL",
        )
    if status in (401, 403):
        raise PermanentError("reauth_required", f"{system} refused the credentials (HTTP {status})")
    raise PermanentError("http_error", f"{system} answered HTTP {status}")


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """An HTTP ``Retry-After`` value (seconds or an HTTP date) as seconds from now.

    >>> retry_after_seconds("30")
    30.0
    >>> moment = datetime(2015, 10, 21, 7, 27, tzinfo=UTC)
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=moment)
    60.0
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)

"""What every connector shares: the one hardened HTTP client and failure classification.

All outbound HTTP goes through :func:`make_http_client` (as in Saleor's webhook code,
one place decides timeouts, connection limits, redirects and the User-Agent) and
:func:`send`, which turns whatever can go wrong on the wire into the two exceptions of
the ports: :class:`~orderbridge.ports.TransientError` for what a later attempt may fix
(timeouts, dropped connections, 5xx, 429 with its ``Retry-After``) and
:class:`~orderbridge.ports.PermanentError` for what it will not (4xx, a redirect). A
connector then only adds what its remote system says in the body.

**The lean lane.** A POS call is the worker's one outbound request per order, and it runs
on the event loop. Through ``httpx.AsyncClient.request`` it paid ~100 µs of CPU for
httpx's client layer above the aiohttp transport — the URL parsed and merged three
times, the auth and redirect generators, cookie extraction, a wrapped body stream —
none of which the hub uses (no auth, redirects refused, no cookies kept; round 5 of
docs/benchmarks.md). So :func:`send` hands the plainest calls — a constant path under
the client's base URL, a query from ``params``, a ``json=`` body, nothing else — to
the client's aiohttp transport itself (:meth:`AiohttpTransport.exchange`), with the
same headers, query encoding (httpx's ``QueryParams``), JSON encoding, per-phase
timeouts, SSRF checks, refusal of redirects and error classes. Anything else (other
arguments, a test's transport, a path that httpx would normalise) goes the httpx way.
The answer is the same ``httpx.Response``, without a ``request`` attached.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING, Any, NamedTuple

import httpx

from orderbridge import __version__
from orderbridge.ports import PermanentError, TransientError

if TYPE_CHECKING:
    from orderbridge.connectors.http_aiohttp import AiohttpTransport

USER_AGENT = f"orderbridge/{__version__} (+https://github.com/orderbridge/orderbridge)"
DEFAULT_TIMEOUT_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 5.0
MAX_CONNECTIONS = 20
MAX_KEEPALIVE = 10
# Retry-After hints beyond this are treated as this: a remote system asking for a day's
# pause should not park an order for a day without an operator noticing.
MAX_RETRY_AFTER_SECONDS = 3600.0


class HubClient(httpx.AsyncClient):
    """The client :func:`make_http_client` makes: an ``httpx.AsyncClient`` that keeps
    its aiohttp transport at hand (``lean``; None for a test's transport), for
    :func:`send`'s lean lane."""

    def __init__(self, *, lean: AiohttpTransport | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lean = lean
        # What the lean lane sends with every call of this client, built once: the base
        # URL's text, the headers, the per-phase timeouts (see :meth:`lean_parts`).
        self._lean_parts: tuple[object, object, object, _LeanParts] | None = None
        self._last_query: tuple[tuple[tuple[str, str], ...], str] | None = None

    def lean_parts(self) -> _LeanParts:
        """The base URL (no trailing ``/``), headers and timeouts the lean lane sends,
        built on first use and again whenever the client's ``base_url``, ``headers``
        or ``timeout`` is set anew (the hub sets them once, at construction)."""
        base, headers, timeout = self.base_url, self.headers, self.timeout
        kept = self._lean_parts
        if kept is None or kept[0] is not base or kept[1] is not headers or kept[2] is not timeout:
            parts = _LeanParts(
                str(base).removesuffix("/"), tuple(headers.multi_items()), timeout.as_dict()
            )
            kept = self._lean_parts = (base, headers, timeout, parts)
        return kept[3]

    def query(self, params: dict[str, Any]) -> str:
        """``params`` encoded as httpx encodes them; the last one of text values only
        kept (a POS client sends the same token, and usually nothing else, on every
        call; a number or a list is encoded afresh: ``1 == True`` but not as text)."""
        if not all(type(value) is str for value in params.values()):
            return str(httpx.QueryParams(params))
        key = tuple(params.items())
        last = self._last_query
        if last is not None and last[0] == key:
            return last[1]
        query = str(httpx.QueryParams(params))
        self._last_query = (key, query)
        return query


class _LeanParts(NamedTuple):
    target: str
    headers: tuple[tuple[str, str], ...]
    timeouts: dict[str, float | None]


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
    from orderbridge.connectors.http_aiohttp import AiohttpTransport  # lazy: idle RSS

    if transport is None:
        transport = AiohttpTransport(limit=MAX_CONNECTIONS)
    return HubClient(
        lean=transport if isinstance(transport, AiohttpTransport) else None,
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
    lean = _lean_transport(client, method, url, kwargs)
    try:
        async with asyncio.timeout(deadline):
            if lean is not None:
                assert isinstance(client, HubClient)  # only its clients have a lean lane
                response = await _send_lean(lean, client, method, url, **kwargs)
            else:
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


# A path the lean lane sends as it is: relative, no query, no percent-escapes, no dot
# segments or empty ones (httpx would normalise those; they go its way).
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*")
_LEAN_ARGUMENTS = frozenset({"params", "json"})


def _lean_transport(
    client: httpx.AsyncClient, method: str, url: str, kwargs: dict[str, Any]
) -> AiohttpTransport | None:
    """The aiohttp transport to send this call on directly, or None (module docstring)."""
    lean = client.lean if isinstance(client, HubClient) else None
    if (
        lean is None
        or client.is_closed  # httpx's way says so with its own error
        or not kwargs.keys() <= _LEAN_ARGUMENTS
        or (kwargs.get("json") is None and method != "GET")  # httpx's empty-body headers
        or client.base_url.query
        or not _PLAIN_PATH.fullmatch(url)
    ):
        return None
    return lean


async def _send_lean(
    lean: AiohttpTransport,
    client: HubClient,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    json: Any = None,
) -> httpx.Response:
    """What ``client.request(method, path, params=…, json=…)`` sends, on ``lean``."""
    from multidict import CIMultiDict
    from yarl import URL

    # httpx's join: the base's path (it makes it end with "/") + the path's remainder
    parts = client.lean_parts()
    target = parts.target + path
    query = client.query(params) if params else ""
    headers = CIMultiDict(parts.headers)
    body = b""
    if json is not None:  # as httpx encodes ``json=``
        body = jsonlib.dumps(
            json, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        ).encode("utf-8")
        headers.setdefault("Content-Type", "application/json")  # unless the client sets one
    return await lean.exchange(
        method.upper(),
        URL(f"{target}?{query}" if query else target, encoded=True),
        headers=headers,
        body=body,
        timeouts=parts.timeouts,
        request=None,
    )


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

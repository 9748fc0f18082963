"""What routes get: the hub's parts (``WebContext``) and the authenticated caller.

Every storefront and admin route runs for one tenant, the one whose API key came in
``Authorization: Bearer …``; what belongs to another tenant answers 404, exactly as
what does not exist. Each key's requests are rate-limited (``storage.rate_limits``):
past its rate, 429 ``rate_limited`` with ``Retry-After``.

Keys have a scope. ``admin`` (``AdminCaller``) may do everything of its tenant.
``storefront`` (``AnyCaller`` routes) is publishable — a website ships it to every
browser — so it reads locations and menus and places, reads and cancels only the
orders and reservations it placed (``Caller.owns``); anything else answers 403
``insufficient_scope``, and another key's order 404 like a missing one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import anyio.to_thread
import httpx
from fastapi import Depends, Request
from prometheus_client import CollectorRegistry
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.config import Settings
from orderbridge.ports import UnitOfWork
from orderbridge.security import CredentialCipher
from orderbridge.services.setup import SetupParts
from orderbridge.storage.api_keys import ApiKeyCache, Caller
from orderbridge.storage.rate_limits import MemoryRateLimits, RateLimits
from orderbridge.web.errors import ApiError


@dataclass
class WebContext:
    """The parts of the hub the HTTP layer uses; built by ``bootstrap``."""

    settings: Settings
    sessions: sessionmaker[Session]
    uow: Callable[[], UnitOfWork]
    cipher: CredentialCipher
    clock: Callable[[], datetime]
    registry: CollectorRegistry
    # Sessions for pure reads (on SQLite a deferred BEGIN: no wait for the writer).
    readers: sessionmaker[Session] | None = None
    # Units of work for pure reads, on ``readers`` (None: ``uow``).
    read_uow: Callable[[], UnitOfWork] | None = None
    # Threads for the sync routes (None: anyio's 40). On SQLite writes go one at a time,
    # so a few threads queue requests instead of crowding the writer lock and the GIL.
    api_threads: int | None = None
    # Where Poster calls made by routes (the OAuth callback) go; None: the network.
    pos_transport: httpx.AsyncBaseTransport | None = None
    demo_api_key: str | None = None
    # Per-key request rates (``storage.rate_limits``); None: unlimited.
    rate_limits: RateLimits | None = None
    # Connecting systems (``services.setup``): the admin API's connection routes.
    setup: SetupParts | None = None


async def context(request: Request) -> WebContext:
    # async: a plain attribute read, not worth a hop to the thread pool per request
    ctx: WebContext = request.app.state.context
    return ctx


Context = Annotated[WebContext, Depends(context)]


def _bearer(header: str) -> str:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401,
            "unauthorized",
            "send the API key as Authorization: Bearer <key>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return token.strip()


async def caller(request: Request) -> Caller:
    """The tenant behind the request's API key (any scope): :func:`authenticate`."""
    state = request.app.state
    return await authenticate(
        request.headers.get("authorization", ""), state.api_keys, state.context.rate_limits
    )


async def authenticate(authorization: str, keys: ApiKeyCache, limits: RateLimits | None) -> Caller:
    """The caller whose key ``authorization`` (the header's value) carries, within its
    rate; else :class:`ApiError` 401 or 429. Routes get it as :data:`AnyCaller`; the
    direct lane (``web.direct``), which has no dependencies, calls it itself.

    Async, so no hop to the thread pool: a key seen in the last few seconds is answered
    from the app's :class:`~orderbridge.storage.api_keys.ApiKeyCache` (revocations
    committed in this process apply at once, those of other processes within
    ``DEFAULT_TTL_SECONDS``, 5 s); any other key is read from the table in a thread.
    """
    token = _bearer(authorization)
    digest = keys.digest(token)
    found = keys.get(digest)
    if found is None:
        found = await anyio.to_thread.run_sync(keys.load, digest)
    if found is None:
        raise ApiError(
            401,
            "unauthorized",
            "unknown or revoked API key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    await _within_rate(limits, found.key_id)
    return found


INSUFFICIENT_SCOPE = "insufficient_scope"


def insufficient_scope() -> ApiError:
    """What a storefront key gets for anything beyond its scope."""
    return ApiError(
        403, INSUFFICIENT_SCOPE, "this needs an admin API key; a storefront key cannot do it"
    )


async def _within_rate(limits: RateLimits | None, key_id: str) -> None:
    """Take one request from the key's bucket, or answer 429 with ``Retry-After``."""
    if limits is None:
        return
    if isinstance(limits, MemoryRateLimits):
        wait = limits.take(key_id)
    else:  # a statement on the shared table, off the event loop
        wait = await anyio.to_thread.run_sync(limits.take, key_id)
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        raise ApiError(
            429,
            "rate_limited",
            f"too many requests for this API key; retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
        )


async def admin_caller(who: Annotated[Caller, Depends(caller)]) -> Caller:
    """The caller, who must hold an admin key (else 403 ``insufficient_scope``)."""
    if not who.is_admin:
        raise insufficient_scope()
    return who


def api_key_cache(ctx: WebContext) -> ApiKeyCache:
    """The API-key cache of an app over ``ctx``, emptied by this process's revocations."""
    keys = ApiKeyCache(ctx.readers or ctx.sessions)
    keys.watch(ctx.sessions)
    return keys


AnyCaller = Annotated[Caller, Depends(caller)]
AdminCaller = Annotated[Caller, Depends(admin_caller)]

"""The SSRF guard for URLs that users give the hub (webhook endpoints, POS base URLs).

A URL must be http(s) and every address its host resolves to must be *globally
routable* — not loopback, private (RFC 1918, unique-local), shared (100.64.0.0/10,
where some clouds keep their metadata service: 100.100.100.200), link-local (cloud
metadata at 169.254.169.254), multicast, reserved, documentation or unspecified —
unless the deployment allows private addresses for local development
(``ORDERBRIDGE_ALLOW_PRIVATE_URLS``). IPv6 forms that carry an IPv4 address are judged
by that address too: IPv4-mapped (``::ffff:127.0.0.1``), 6to4 (``2002:7f00:1::``), NAT64
(``64:ff9b::7f00:1``) and Teredo.

Checking a name and then letting the HTTP client resolve it again leaves a window: a
hostile DNS server answers the check with a public address and the connection with
``127.0.0.1`` (DNS rebinding). So the check is also made where the connection is
opened: ``pinned.PinnedResolver`` is the resolver of :func:`pinned_transport`'s aiohttp
connector; it resolves the host once, refuses unless every address is allowed, and
aiohttp connects to one of exactly those addresses (a literal IP host, which aiohttp
never resolves, is judged by its ``refuse_literal`` before the
request). TLS still verifies the certificate against the host name (aiohttp passes
the URL's host as the server name), and redirects are never followed
(``connectors._base.make_http_client``). :func:`check_url` checks a URL when it is
registered, to answer the person registering it with a clear 422.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpcore
import httpx

from orderbridge.connectors._base import MAX_CONNECTIONS

if TYPE_CHECKING:
    from orderbridge.connectors.http_aiohttp import AiohttpTransport

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""``host, port`` → the addresses it resolves to (tests inject their own)."""

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeUrl(ValueError):
    """The URL may not be called; ``code`` says why, for the API's 4xx answer."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _embedded(ip: IpAddress) -> list[IpAddress]:
    """The IPv4 addresses an IPv6 address carries (mapped, 6to4, NAT64, Teredo)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found: list[IpAddress] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def is_public(address: str) -> bool:
    """Whether ``address`` is globally routable, and so is any IPv4 address it carries."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # a zone id (fe80::1%eth0) goes
    return all(each.is_global and not each.is_multicast for each in (ip, *_embedded(ip)))


def check_shape(url: str) -> tuple[str, int]:
    """Host and port of an http(s) URL, or ``UnsafeUrl``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl("invalid_url_scheme", "the URL must start with http:// or https://")
    if not parts.hostname:
        raise UnsafeUrl("invalid_url", "the URL has no host")
    if parts.username or parts.password:
        raise UnsafeUrl("invalid_url", "credentials in the URL are not allowed")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeUrl("invalid_url", "the URL's port is not a number") from None
    return parts.hostname, port


async def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses, as the system's resolver gives them."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def allowed_addresses(
    host: str, port: int, *, allow_private: bool, resolve: Resolver = system_resolver
) -> list[str]:
    """Resolve ``host`` once; its addresses if every one may be called, else ``UnsafeUrl``."""
    try:
        addresses = list(dict.fromkeys(await resolve(host, port)))
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl("unresolvable_host", f"{host} does not resolve") from None
    if not addresses:
        raise UnsafeUrl("unresolvable_host", f"{host} does not resolve")
    if not allow_private and not all(is_public(a) for a in addresses):
        raise UnsafeUrl(
            "private_address",
            f"{host} resolves to a loopback, private, shared or link-local address",
        )
    return addresses


async def check_url(url: str, *, allow_private: bool, resolve: Resolver = system_resolver) -> None:
    """Raise ``UnsafeUrl`` unless ``url`` may be called from this deployment."""
    host, port = check_shape(url)
    if not allow_private:
        await allowed_addresses(host, port, allow_private=False, resolve=resolve)


class RefusedAddress(httpcore.ConnectError):
    """The guard refused the address a connection would have gone to. The transport
    raises it as the cause of an ``httpx.ConnectError``, with ``code`` kept in the
    message's first word."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def refused_code(error: httpx.HTTPError) -> str | None:
    """The guard's code if ``error`` is a connection the guard refused, else None."""
    cause = error.__cause__
    return cause.code if isinstance(cause, RefusedAddress) else None


def pinned_transport(
    *,
    allow_private: bool,
    resolve: Resolver = system_resolver,
    limit: int = MAX_CONNECTIONS,
) -> AiohttpTransport:
    """An httpx transport (on aiohttp) whose every connection goes through the guard:
    ``pinned.PinnedResolver`` for names, its ``refuse_literal`` for IP hosts.
    aiohttp is imported here, by the first client built, not by importing this module
    (the web layer imports it for :func:`check_url`; idle RSS)."""
    from orderbridge.connectors.http_aiohttp import AiohttpTransport
    from orderbridge.connectors.storefront.pinned import PinnedResolver

    guard = PinnedResolver(allow_private=allow_private, resolve=resolve)
    return AiohttpTransport(limit=limit, resolver=lambda: guard, refuse_host=guard.refuse_literal)

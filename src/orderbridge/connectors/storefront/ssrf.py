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
opened: :class:`PinnedBackend` is the network layer of :func:`pinned_transport`; it
resolves the host once, refuses unless every address is allowed, and connects to one
of exactly those addresses. TLS still verifies the certificate against the host name
(httpcore passes the URL's host as the server name), and redirects are never followed
(``connectors._base.make_http_client``). :func:`check_url` checks a URL when it is
registered, to answer the person registering it with a clear 422.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

import httpcore
import httpx

from orderbridge.connectors._base import MAX_CONNECTIONS, MAX_KEEPALIVE

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


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network layer with the guard at connect: the address checked is the
    address connected to (see the module docstring)."""

    def __init__(
        self,
        *,
        allow_private: bool,
        resolve: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.resolve = resolve
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await allowed_addresses(
                host, port, allow_private=self.allow_private, resolve=self.resolve
            )
        except UnsafeUrl as unsafe:
            raise RefusedAddress(unsafe.code, str(unsafe)) from None
        failure: Exception | None = None
        for address in addresses:  # the checked ones, in the resolver's order
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise RefusedAddress("invalid_url", "unix sockets are not called")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class RefusedAddress(httpcore.ConnectError):
    """The guard refused the address a connection would have gone to. An
    ``httpcore.ConnectError``, so httpx raises it as ``httpx.ConnectError``, with
    ``code`` kept in the message's first word."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def refused_code(error: httpx.HTTPError) -> str | None:
    """The guard's code if ``error`` is a connection the guard refused, else None."""
    cause = error.__cause__
    return cause.code if isinstance(cause, RefusedAddress) else None


class _PinnedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, backend: PinnedBackend, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx builds its pool without a way to name the network backend: rebuild it
        # with the same settings and the pinned one.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def pinned_transport(
    *,
    allow_private: bool,
    resolve: Resolver = system_resolver,
    limits: httpx.Limits | None = None,
) -> httpx.AsyncBaseTransport:
    """An httpx transport whose every connection goes through :class:`PinnedBackend`."""
    backend = PinnedBackend(allow_private=allow_private, resolve=resolve)
    default = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_KEEPALIVE)
    return _PinnedTransport(backend, limits or default)

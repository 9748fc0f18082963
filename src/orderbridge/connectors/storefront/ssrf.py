"""The SSRF guard for URLs that users give the hub (webhook endpoints, POS base URLs).

A URL must be http(s) and every address its host resolves to must be public: no
loopback, private (RFC 1918, unique-local), link-local (cloud metadata lives at
169.254.169.254), multicast, reserved or unspecified addresses — unless the deployment
allows private addresses for local development (``ORDERBRIDGE_ALLOW_PRIVATE_URLS``).
The check runs when a URL is registered and again before each delivery, since DNS
answers change; redirects are never followed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeUrl(ValueError):
    """The URL may not be called; ``code`` says why, for the API's 4xx answer."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


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


async def check_url(url: str, *, allow_private: bool) -> None:
    """Raise ``UnsafeUrl`` unless ``url`` may be called from this deployment."""
    host, port = check_shape(url)
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UnsafeUrl("unresolvable_host", f"{host} does not resolve") from None
    addresses = {str(info[4][0]) for info in infos}
    if not addresses or not all(_public(a) for a in addresses):
        raise UnsafeUrl(
            "private_address",
            f"{host} resolves to a loopback, private or link-local address",
        )

"""The SSRF guard at connect, for the aiohttp transport (``connectors.http_aiohttp``).

Kept apart from ``ssrf`` so that importing the guard's checks (the web layer does, for
every URL it registers) does not import aiohttp; ``ssrf.pinned_transport`` imports
this module when it builds the first pinned client.
"""

from __future__ import annotations

import ipaddress
import socket

from aiohttp.abc import AbstractResolver, ResolveResult

from orderbridge.connectors.storefront.ssrf import (
    RefusedAddress,
    Resolver,
    UnsafeUrl,
    allowed_addresses,
    is_public,
    system_resolver,
)


class PinnedResolver(AbstractResolver):
    """aiohttp's resolver with the guard at connect: the addresses it returns are the
    ones it checked, and aiohttp connects to one of exactly those (see the module
    docstring). aiohttp caches them for its DNS cache's 10 s, checked as they are."""

    def __init__(self, *, allow_private: bool, resolve: Resolver = system_resolver) -> None:
        self.allow_private = allow_private
        self.resolve_host = resolve

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            addresses = await allowed_addresses(
                host, port, allow_private=self.allow_private, resolve=self.resolve_host
            )
        except UnsafeUrl as unsafe:
            raise RefusedAddress(unsafe.code, str(unsafe)) from None
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses  # the checked ones, in the resolver's order
        ]

    async def close(self) -> None:
        return None

    def refuse_literal(self, host: str) -> None:
        """Refuse a literal IP host that may not be called: aiohttp connects to those
        without asking a resolver."""
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return  # a name: the resolver judges it at connect
        if not self.allow_private and not is_public(host):
            raise RefusedAddress(
                "private_address", f"{host} is a loopback, private, shared or link-local address"
            )

"""Which kinds of connection an operator can set up, and with what: part of the
composition root.

Every kind in the connector registry can be connected through the admin API, the CLI
and the dashboard. A kind that brings its own ``ConnectionSetup`` (Poster: the token's
shape and its account; Wix: the key and the business location) is used as is; any
other (a generic REST POS, say) gets :class:`RegistrySetup`: the registry's settings
check, and — for a POS — its places read with ``fetch_locations()`` before anything is
stored. The SSRF guard for the URLs a connection calls is the storefront channel's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from orderbridge import connectors
from orderbridge.connectors import BuildContext, ConnectorEntry
from orderbridge.connectors._lazy import OnFirstLookup
from orderbridge.connectors.storefront.ssrf import UnsafeUrl, check_url
from orderbridge.ports import ConnectionRecord, PosSystem
from orderbridge.services.connection_setup import ConnectionSetup, PreparedConnection
from orderbridge.services.errors import Invalid
from orderbridge.services.setup import UrlCheck, describe_places, read_places


class RegistrySetup:
    """Connecting a kind with no setup of its own: the registry's checks only."""

    secret_field = "credentials"  # noqa: S105 (a field's name, not a secret)

    def __init__(self, entry: ConnectorEntry, new_pos: Callable[[ConnectionRecord], PosSystem]):
        self._entry = entry
        self._new_pos = new_pos
        self.kind: str = entry.kind
        self.role: str = entry.role

    def prepare(
        self, credentials: Mapping[str, Any], settings: Mapping[str, Any]
    ) -> PreparedConnection:
        try:
            self._entry.validate(settings, credentials)
        except ValueError as error:
            raise Invalid("invalid_value", str(error), field="settings") from None
        base_url = settings.get("base_url")
        calls = (("settings.base_url", base_url),) if isinstance(base_url, str) else ()
        return PreparedConnection(
            kind=self.kind,
            role=self.role,
            name=self._entry.title,
            credentials=dict(credentials),
            settings=dict(settings),
            given=frozenset(settings),
            calls=calls,
        )

    async def identify(self, prepared: PreparedConnection) -> PreparedConnection:
        return prepared  # the POS's places, read next, are the proof the credentials work

    async def probe(self, connection: ConnectionRecord) -> str:
        if self.role != "pos":
            return f"{self.kind} has no test call; its connection is stored as given"
        return describe_places(self.kind, await read_places(self._new_pos, connection))


def connection_setups(
    context: Callable[[str], BuildContext], new_pos: Callable[[ConnectionRecord], PosSystem]
) -> Mapping[str, ConnectionSetup]:
    """Connection kind → its setup, for every kind the registry knows; each built on its
    first lookup, so the registry imports a kind's package only when it is connected
    or listed (connectors/__init__.py)."""

    def setup_of(kind: str) -> ConnectionSetup:
        entry = connectors.CONNECTORS[kind]
        built = entry.setup(context(entry.role)) if entry.setup is not None else None
        return built if built is not None else RegistrySetup(entry, new_pos)

    return OnFirstLookup(connectors.CONNECTORS, setup_of)


def url_check(*, allow_private: bool) -> UrlCheck:
    """The SSRF guard as ``services.setup`` asks it: None, or (code, why)."""

    async def problem(url: str) -> tuple[str, str] | None:
        try:
            await check_url(url, allow_private=allow_private)
        except UnsafeUrl as unsafe:
            return unsafe.code, str(unsafe)
        return None

    return problem

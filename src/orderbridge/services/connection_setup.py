"""How a kind of connection is set up: the port each connector kind implements.

Connecting a system is three steps, and only the last writes anything:

1. ``prepare`` checks what the operator typed, offline: the credential and setting
   names the kind knows (an unknown one is an error naming it, never ignored), their
   shapes (a Poster token is ``123456:0123abcd…``), and fills defaults.
2. ``identify`` asks the system who the credentials belong to (Poster's account
   login, the Wix site's business location), once the URLs it will call
   (``PreparedConnection.calls``) passed the deployment's SSRF guard. It raises the
   ports' ``PermanentError`` when the system refuses the credentials and
   ``TransientError`` when it cannot be reached.
3. The use case (``services.setup``) reads a POS's places with
   ``PosSystem.fetch_locations()`` and stores the connection, its locations and their
   links in one transaction.

``probe`` is the "test" button: one harmless call, answered with what the system said.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from orderbridge.ports import ConnectionRecord
from orderbridge.services.errors import Invalid


@dataclass(frozen=True)
class PreparedConnection:
    """A connection ready to store: checked credentials and settings, and who it is.

    ``external_account`` routes inbound webhooks (Poster's account login); ``link_id``
    is, for a channel, the id of its place the served location is linked by (the Wix
    business location).
    """

    kind: str
    role: str
    name: str
    credentials: dict[str, Any]
    settings: dict[str, Any]
    external_account: str | None = None
    link_id: str | None = None
    # Settings the operator named (the rest are defaults): ``identify`` fills only gaps.
    given: frozenset[str] = field(default_factory=frozenset)
    # The URLs the connection will call, by the field that sets them: checked against
    # the SSRF guard before anything is called.
    calls: tuple[tuple[str, str], ...] = ()


class ConnectionSetup(Protocol):
    """What a connector kind offers for being connected (see the module docstring)."""

    kind: str
    role: str  # "pos" | "channel"
    # Where the secret the system checks is given ("credentials.token"): refusals name it.
    secret_field: str

    def prepare(
        self, credentials: Mapping[str, Any], settings: Mapping[str, Any]
    ) -> PreparedConnection:
        """Check names and shapes offline; raise ``Invalid`` naming the field."""
        ...

    async def identify(self, prepared: PreparedConnection) -> PreparedConnection:
        """Ask the system who the credentials belong to; fill what the operator left out."""
        ...

    async def probe(self, connection: ConnectionRecord) -> str:
        """One harmless call; what the system answered, in a sentence."""
        ...


def only_known(values: Mapping[str, Any], known: frozenset[str], where: str) -> None:
    """Refuse any name not in ``known``, naming it and the nearest known name."""
    import difflib

    for name in values:
        if name not in known:
            near = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise Invalid(
                "unknown_field",
                f"{name!r} is not a {where} of this kind{hint}",
                field=f"{where}.{name}",
            )


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], values: Mapping[str, Any], credential_names: frozenset[str]) -> M:
    """``model`` of ``values``; its first problem as ``Invalid`` naming the field
    (``credentials.x`` or ``settings.x``)."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        where = "credentials" if name in credential_names else "settings"
        raise Invalid("invalid_value", f"{name}: {first['msg']}", field=f"{where}.{name}") from None

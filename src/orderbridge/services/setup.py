"""Connecting POS systems and channels: add, change, test, sync and remove connections.

One set of use cases behind the admin API, the CLI (``orderbridge connections …``) and
the dashboard. Adding a connection checks everything before it writes anything: the
kind's ``prepare`` (names, shapes), ``identify`` (the system confirms the credentials)
and, for a POS, ``PosSystem.fetch_locations()`` (its places). A token the system
refuses, an unreachable system or a bad setting answers an error and stores nothing;
what passes is stored in one transaction (``ConnectionStore.add``) with a hub
location per place of a POS (or a link to one the operator named) and their menu
imports queued.

Replacing the credentials of a connection parked as ``needs_reauth`` makes it active
again and releases what was parked: the jobs that died of the refused credentials go
back to the queue, and orders that failed for it are replayed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from orderbridge.domain.orders import OrderStatus
from orderbridge.ports import (
    ConnectionRecord,
    PermanentError,
    PosLocationInfo,
    PosSystem,
    TransientError,
    UnitOfWork,
)
from orderbridge.services.connection_setup import ConnectionSetup, PreparedConnection
from orderbridge.services.errors import Conflict, Invalid, Unavailable
from orderbridge.services.orders import SUBMIT_ORDER

REAUTH = "reauth_required"
T = TypeVar("T")


@dataclass(frozen=True)
class NewConnection:
    """What an operator asks to connect.

    A channel serves one hub location (``location_id``). A POS gets a hub location per
    place it has, created unless ``locations`` maps the place's id to an existing one.
    """

    tenant_id: str
    kind: str
    credentials: Mapping[str, Any]
    settings: Mapping[str, Any]
    name: str | None = None
    location_id: str | None = None
    locations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkedLocation:
    """A hub location and the place of the connected system it is."""

    location_id: str
    name: str
    external_id: str
    created: bool = False


@dataclass(frozen=True)
class ConnectionView:
    """A connection as operators see it: never its credentials, only their names."""

    id: str
    tenant_id: str
    kind: str
    role: str
    name: str
    status: str
    status_reason: str
    external_account: str | None
    settings: dict[str, Any]
    credential_names: tuple[str, ...]
    locations: tuple[LinkedLocation, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ParkedJob:
    """A dead job that died of refused credentials."""

    id: int
    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Probe:
    """What a test call found: ``ok`` and what the system said (or why it failed)."""

    ok: bool
    said: str
    code: str = ""


class ConnectionStore(Protocol):
    """Where connections live (``storage.admin_connections``); every call is one
    transaction, and every ``tenant_id`` call answers ``NotFound`` for another
    tenant's connection."""

    def add(
        self,
        request: NewConnection,
        prepared: PreparedConnection,
        places: Sequence[PosLocationInfo],
    ) -> tuple[ConnectionView, list[LinkedLocation]]: ...

    def record(self, tenant_id: str, connection_id: str) -> ConnectionRecord: ...

    def view(self, tenant_id: str, connection_id: str) -> ConnectionView: ...

    def views(self, tenant_id: str) -> list[ConnectionView]: ...

    def change(
        self,
        tenant_id: str,
        connection_id: str,
        *,
        name: str | None,
        prepared: PreparedConnection | None,
    ) -> ConnectionView: ...

    def remove(self, tenant_id: str, connection_id: str) -> None: ...

    def queue_menu_jobs(self, tenant_id: str, connection_id: str) -> list[str]:
        """Queue the publication of each served location's menu (a channel)."""
        ...


class ParkedJobs(Protocol):
    """The dead letters that died of a connection's refused credentials
    (``messaging.parked``), and sending them back to the queue."""

    def parked(self, connection_id: str) -> list[ParkedJob]: ...

    def retry(self, job_ids: Sequence[int]) -> int: ...


Setups = Mapping[str, ConnectionSetup]
NewPos = Callable[[ConnectionRecord], PosSystem]
"""A fresh (uncached) connector for a connection; the caller closes it."""
UrlCheck = Callable[[str], Awaitable[tuple[str, str] | None]]
"""The deployment's SSRF guard: None when a URL may be called, else (code, why)."""


@dataclass(frozen=True)
class SetupParts:
    """What these use cases need, wired once by the composition root for the admin API,
    the CLI and the dashboard alike."""

    setups: Setups
    new_pos: NewPos
    store: ConnectionStore
    parked: ParkedJobs
    check_url: UrlCheck
    uow: Callable[[], UnitOfWork]
    import_menu: Callable[[str], Awaitable[dict[str, Any]]]
    clock: Callable[[], datetime]


def setup_for(setups: Setups, kind: str) -> ConnectionSetup:
    found = setups.get(kind)
    if found is None:
        known = ", ".join(sorted(setups))
        raise Invalid("unknown_kind", f"no connection kind {kind!r} (known: {known})", field="kind")
    return found


def record_of(prepared: PreparedConnection, *, tenant_id: str, id: str = "new") -> ConnectionRecord:
    """The connection ``prepared`` would be, for calling its system before it is stored."""
    return ConnectionRecord(
        id=id,
        tenant_id=tenant_id,
        kind=prepared.kind,
        role=prepared.role,
        name=prepared.name,
        settings=dict(prepared.settings),
        credentials=dict(prepared.credentials),
        external_account=prepared.external_account,
        status="active",
    )


async def asking(kind: str, secret_field: str, call: Awaitable[T]) -> T:
    """Await a call to the system, turning its refusals into the API's errors."""
    try:
        return await call
    except PermanentError as error:
        if error.code == REAUTH:
            raise Invalid(
                "credentials_refused",
                f"{kind} refused the credentials ({error.reason}); nothing was saved",
                field=secret_field,
            ) from None
        raise Invalid(
            "refused", f"{kind} refused: {error.code}: {error.reason}; nothing was saved"
        ) from None
    except TransientError as error:
        raise Unavailable(
            "unreachable", f"{kind} did not answer ({error}); nothing was saved, try again"
        ) from None


async def guarded(prepared: PreparedConnection, check_url: UrlCheck) -> None:
    """Refuse a URL the connection would call that the SSRF guard does not allow."""
    for field_name, url in prepared.calls:
        problem = await check_url(url)
        if problem is not None:
            raise Invalid(problem[0], problem[1], field=field_name)


async def read_places(new_pos: NewPos, connection: ConnectionRecord) -> list[PosLocationInfo]:
    """``fetch_locations()`` on a fresh connector, closed afterwards."""
    pos = new_pos(connection)
    try:
        return list(await pos.fetch_locations())
    finally:
        closer = getattr(pos, "aclose", None)
        if closer is not None:
            await closer()


async def checked(
    setup: ConnectionSetup, prepared: PreparedConnection, *, tenant_id: str, parts: SetupParts
) -> tuple[PreparedConnection, list[PosLocationInfo]]:
    """``prepared`` once the system confirmed it (and, for a POS, its places)."""
    await guarded(prepared, parts.check_url)
    secret = setup.secret_field
    prepared = await asking(prepared.kind, secret, setup.identify(prepared))
    if prepared.role != "pos":
        return prepared, []
    record = record_of(prepared, tenant_id=tenant_id)
    return prepared, await asking(prepared.kind, secret, read_places(parts.new_pos, record))


async def add_connection(
    request: NewConnection, *, parts: SetupParts
) -> tuple[ConnectionView, list[LinkedLocation]]:
    """Check, identify and store a new connection (see the module docstring)."""
    setup = setup_for(parts.setups, request.kind)
    prepared = setup.prepare(request.credentials, request.settings)
    if request.locations and prepared.role != "pos":
        raise Invalid("invalid_field", "only a POS links places to locations", field="locations")
    prepared, places = await checked(setup, prepared, tenant_id=request.tenant_id, parts=parts)
    if request.name:
        prepared = replace(prepared, name=request.name)
    return parts.store.add(request, prepared, places)


async def change_connection(
    tenant_id: str,
    connection_id: str,
    *,
    name: str | None = None,
    credentials: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
    parts: SetupParts,
) -> tuple[ConnectionView, int]:
    """Rename a connection or replace credentials (and change settings); the answer says
    how many parked jobs went back to the queue.

    ``credentials`` and ``settings`` change the names they give and keep the others (a
    new Poster ``token`` keeps the stored ``application_secret``; a name given as null
    or ``""`` is removed). New credentials are checked with the system first (a
    refused token changes nothing); once stored the connection is active again
    (``needs_reauth`` cleared).
    """
    store = parts.store
    current = store.record(tenant_id, connection_id)
    if credentials is None and settings is None:
        return store.change(tenant_id, connection_id, name=name, prepared=None), 0
    setup = setup_for(parts.setups, current.kind)
    merged = {**current.settings, **(settings or {})}
    secrets = {**current.credentials, **(credentials or {})}
    prepared = setup.prepare(
        {key: value for key, value in secrets.items() if value not in (None, "")}, merged
    )
    prepared, _ = await checked(setup, prepared, tenant_id=tenant_id, parts=parts)
    if current.external_account and prepared.external_account != current.external_account:
        raise Conflict(
            "other_account",
            f"these credentials are {current.kind} account {prepared.external_account}, "
            f"not {current.external_account}: add it as a new connection",
            field=setup.secret_field,
        )
    view = store.change(tenant_id, connection_id, name=name, prepared=prepared)
    return view, release_parked(connection_id, parts=parts)


def release_parked(connection_id: str, *, parts: SetupParts) -> int:
    """Send back to the queue what died of the connection's refused credentials.

    An order whose submission failed for it (the dead submit failed the order) goes
    back to ``received`` first, as an operator's replay would, so the retried job
    submits it; one still ``received`` is simply submitted by the retried job.
    """
    parked = parts.parked.parked(connection_id)
    if not parked:
        return 0
    now = parts.clock()
    with parts.uow() as tx:
        for job in parked:
            if job.kind != SUBMIT_ORDER:
                continue
            stored = tx.get_order(str(job.payload.get("order_id", "")))
            if stored is not None and stored.order.status is OrderStatus.FAILED:
                stored.order.replay(now, "the connection's credentials were replaced")
                tx.save_order(stored.order)
        tx.commit()
    return parts.parked.retry([job.id for job in parked])


async def probe_connection(tenant_id: str, connection_id: str, *, parts: SetupParts) -> Probe:
    """One harmless call with the stored credentials (a POS: its places); what the
    system said, refusals included. Changes nothing."""
    record = parts.store.record(tenant_id, connection_id)
    try:
        if record.role == "pos":
            places = await read_places(parts.new_pos, record)
            return Probe(True, describe_places(record.kind, places))
        return Probe(True, await setup_for(parts.setups, record.kind).probe(record))
    except PermanentError as error:
        return Probe(False, f"{record.kind} refused: {error.reason}", error.code)
    except TransientError as error:
        return Probe(False, f"{record.kind} did not answer: {error}", "unreachable")


def describe_places(kind: str, places: Sequence[PosLocationInfo]) -> str:
    """``"poster answered: 2 places — Podil (1), Pechersk (2)"``."""
    listed = ", ".join(f"{p.name} ({p.external_id})" for p in places)
    count = f"{len(places)} place{'' if len(places) == 1 else 's'}"
    return f"{kind} answered: {count}" + (f" — {listed}" if listed else "")


async def sync_connection(
    tenant_id: str, connection_id: str, *, parts: SetupParts
) -> dict[str, Any]:
    """Menus now: a POS imports each of its locations' menus (and publishes what
    changed); a channel gets each served location's menu published (queued)."""
    view = parts.store.view(tenant_id, connection_id)
    if view.role != "pos":
        return {"queued": parts.store.queue_menu_jobs(tenant_id, connection_id)}
    results: dict[str, Any] = {}
    for linked in view.locations:
        try:
            results[linked.location_id] = await parts.import_menu(linked.location_id)
        except PermanentError as error:
            results[linked.location_id] = {"error": error.code, "reason": error.reason}
        except TransientError as error:
            results[linked.location_id] = {"error": "unreachable", "reason": str(error)}
    return {"locations": results}

"""Connections in the database: ``services.setup.ConnectionStore`` on SQLAlchemy.

Each method is one transaction. Adding a connection stores, together or not at all:
the connection (credentials encrypted), a hub location per place of a POS (or the
link to one the operator named), the links, and the first menu jobs. The checks that
need the database are made here, inside that transaction: an account connected
already (to this tenant or another), a location that has a POS already, a channel
linked twice to one location.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.ports import ConnectionRecord, Job, PosLocationInfo
from orderbridge.security import CredentialCipher, DecryptionError
from orderbridge.services.connection_setup import PreparedConnection
from orderbridge.services.errors import Conflict, Invalid, NotFound
from orderbridge.services.menus import IMPORT_MENU, PUBLISH_MENU
from orderbridge.services.setup import ConnectionView, LinkedLocation, NewConnection
from orderbridge.storage import admin, decrypted
from orderbridge.storage import tables as t
from orderbridge.storage.config_rows import connection_record
from orderbridge.storage.types import utcnow
from orderbridge.storage.uow import JobQueue

UNREADABLE = "(not readable with this secret key)"


class SqlConnectionStore:
    """The connection store of one database (the hub's session factory and cipher)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        cipher: CredentialCipher,
        *,
        queue: JobQueue,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._queue = queue
        self._clock = clock

    def _now(self) -> datetime:
        return self._clock()

    # Reading -------------------------------------------------------------------------

    def record(self, tenant_id: str, connection_id: str) -> ConnectionRecord:
        with self._sessions() as session:
            return connection_record(_owned(session, tenant_id, connection_id), self._cipher)

    def view(self, tenant_id: str, connection_id: str) -> ConnectionView:
        with self._sessions() as session:
            return self._view(session, _owned(session, tenant_id, connection_id))

    def views(self, tenant_id: str) -> list[ConnectionView]:
        with self._sessions() as session:
            return [self._view(session, row) for row in admin.connections(session, tenant_id)]

    def _view(self, session: Session, row: t.Connection) -> ConnectionView:
        linked = session.execute(
            select(t.LocationLink.location_id, t.Location.name, t.LocationLink.external_id)
            .join(t.Location, t.Location.id == t.LocationLink.location_id)
            .where(t.LocationLink.connection_id == row.id)
            .order_by(t.LocationLink.external_id, t.LocationLink.location_id)
        ).all()
        try:
            names = tuple(sorted(decrypted.decrypt(self._cipher, row.id, row.credentials)))
        except DecryptionError:  # the page still shows the rest; `orderbridge check` says why
            names = (UNREADABLE,)
        return ConnectionView(
            id=row.id,
            tenant_id=row.tenant_id,
            kind=row.kind,
            role=row.role,
            name=row.name,
            status=row.status,
            status_reason=row.status_reason,
            external_account=row.external_account,
            settings=dict(row.settings),
            credential_names=names,
            locations=tuple(LinkedLocation(i, n, e) for i, n, e in linked),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    # Adding --------------------------------------------------------------------------

    def add(
        self,
        request: NewConnection,
        prepared: PreparedConnection,
        places: Sequence[PosLocationInfo],
    ) -> tuple[ConnectionView, list[LinkedLocation]]:
        with self._sessions() as session, session.begin():
            admin.get_tenant(session, request.tenant_id)
            self._refuse_taken_account(session, request.tenant_id, prepared)
            if prepared.role == "channel":
                location = self._channel_location(session, request, prepared)
            else:
                wanted = self._pos_links(session, request, places)
            connection_id = admin.create_connection(
                session,
                self._cipher,
                request.tenant_id,
                kind=prepared.kind,
                role=prepared.role,
                name=prepared.name,
                credentials=prepared.credentials,
                settings=prepared.settings,
                external_account=prepared.external_account,
            )
            if prepared.role == "channel":
                linked = [self._link_channel(session, connection_id, location, prepared)]
            else:
                linked = [
                    self._link_place(session, request, connection_id, p, wanted) for p in places
                ]
            row = session.get(t.Connection, connection_id)
            assert row is not None
            return self._view(session, row), linked

    def _refuse_taken_account(
        self, session: Session, tenant_id: str, prepared: PreparedConnection
    ) -> None:
        if not prepared.external_account:
            return
        taken = session.scalars(
            select(t.Connection).where(
                t.Connection.kind == prepared.kind,
                t.Connection.external_account == prepared.external_account,
            )
        ).first()
        if taken is None:
            return
        if taken.tenant_id != tenant_id:
            raise Conflict(
                "account_taken",
                f"{prepared.kind} account {prepared.external_account} is connected to "
                "another tenant",
                field="credentials",
            )
        raise Conflict(
            "duplicate_connection",
            f"{prepared.kind} account {prepared.external_account} is connected already "
            f"({taken.id}); replace its credentials instead",
            field="credentials",
        )

    def _channel_location(
        self, session: Session, request: NewConnection, prepared: PreparedConnection
    ) -> t.Location:
        if not request.location_id:
            raise Invalid(
                "missing_field", "a channel serves one hub location: name it", field="location_id"
            )
        location = _location(session, request.tenant_id, request.location_id, "location_id")
        same_kind = session.scalar(
            select(t.Connection.id)
            .join(t.LocationLink, t.LocationLink.connection_id == t.Connection.id)
            .where(t.LocationLink.location_id == location.id, t.Connection.kind == prepared.kind)
        )
        if same_kind is not None:
            raise Conflict(
                "duplicate_link",
                f"location {location.id} is served by {prepared.kind} connection {same_kind}",
                field="location_id",
            )
        return location

    def _pos_links(
        self, session: Session, request: NewConnection, places: Sequence[PosLocationInfo]
    ) -> dict[str, t.Location]:
        """The existing locations the operator linked to places, checked."""
        known = {p.external_id for p in places}
        wanted: dict[str, t.Location] = {}
        for place_id, location_id in request.locations.items():
            field = f"locations.{place_id}"
            if place_id not in known:
                listed = ", ".join(sorted(known)) or "none"
                raise Invalid(
                    "unknown_place",
                    f"the POS has no place {place_id} (it has: {listed})",
                    field=field,
                )
            location = _location(session, request.tenant_id, location_id, field)
            if any(chosen.id == location.id for chosen in wanted.values()):
                raise Invalid(
                    "duplicate_link", f"location {location_id} is named twice", field=field
                )
            if _pos_of(session, location.id) is not None:
                raise Conflict(
                    "duplicate_link",
                    f"location {location_id} has a POS connection already",
                    field=field,
                )
            wanted[place_id] = location
        return wanted

    def _link_place(
        self,
        session: Session,
        request: NewConnection,
        connection_id: str,
        place: PosLocationInfo,
        wanted: dict[str, t.Location],
    ) -> LinkedLocation:
        location = wanted.get(place.external_id)
        created = location is None
        if location is None:
            if not place.currency:
                raise Invalid(
                    "no_currency",
                    f"the POS did not tell the currency of place {place.external_id}",
                    field="kind",
                )
            location_id = admin.create_location(
                session,
                request.tenant_id,
                name=place.name or f"Place {place.external_id}",
                timezone=place.timezone or "UTC",
                currency=place.currency,
            )
            name = place.name
        else:
            location_id, name = location.id, location.name
        admin.link_location(session, location_id, connection_id, place.external_id)
        job = Job(IMPORT_MENU, {"location_id": location_id}, key=f"menu:{location_id}")
        self._queue.enqueue(session, job, run_after=None, now=self._now())
        return LinkedLocation(location_id, name, place.external_id, created)

    def _link_channel(
        self,
        session: Session,
        connection_id: str,
        location: t.Location,
        prepared: PreparedConnection,
    ) -> LinkedLocation:
        external_id = prepared.link_id or location.id
        admin.link_location(session, location.id, connection_id, external_id)
        if session.get(t.MenuSnapshot, location.id) is not None:
            self._publish(session, connection_id, location.id)
        return LinkedLocation(location.id, location.name, external_id)

    # Changing ------------------------------------------------------------------------

    def change(
        self,
        tenant_id: str,
        connection_id: str,
        *,
        name: str | None,
        prepared: PreparedConnection | None,
    ) -> ConnectionView:
        with self._sessions() as session, session.begin():
            row = _owned(session, tenant_id, connection_id)
            if name is not None:
                row.name = name
            if prepared is not None:
                row.settings = dict(prepared.settings)
                admin.update_connection_credentials(
                    session, self._cipher, connection_id, prepared.credentials
                )
            row.updated_at = self._now()
            session.flush()
            return self._view(session, row)

    def _publish(self, session: Session, connection_id: str, location_id: str) -> None:
        job = Job(
            PUBLISH_MENU,
            {"location_id": location_id, "connection_id": connection_id},
            key=f"publish:{connection_id}:{location_id}",
            connection_id=connection_id,
        )
        self._queue.enqueue(session, job, run_after=None, now=self._now())

    def remove(self, tenant_id: str, connection_id: str) -> None:
        with self._sessions() as session, session.begin():
            session.delete(_owned(session, tenant_id, connection_id))

    def queue_menu_jobs(self, tenant_id: str, connection_id: str) -> list[str]:
        with self._sessions() as session, session.begin():
            _owned(session, tenant_id, connection_id)
            location_ids = session.scalars(
                select(t.LocationLink.location_id)
                .join(t.MenuSnapshot, t.MenuSnapshot.location_id == t.LocationLink.location_id)
                .where(t.LocationLink.connection_id == connection_id)
                .order_by(t.LocationLink.location_id)
            ).all()
            for location_id in location_ids:
                self._publish(session, connection_id, location_id)
            return list(location_ids)


def _owned(session: Session, tenant_id: str, connection_id: str) -> t.Connection:
    row = session.get(t.Connection, connection_id)
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("unknown_connection", f"no connection {connection_id}", field="id")
    return row


def _location(session: Session, tenant_id: str, location_id: str, field: str) -> t.Location:
    row = session.get(t.Location, location_id)
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("unknown_location", f"no location {location_id}", field=field)
    return row


def _pos_of(session: Session, location_id: str) -> str | None:
    found: str | None = session.scalar(
        select(t.Connection.id)
        .join(t.LocationLink, t.LocationLink.connection_id == t.Connection.id)
        .where(t.LocationLink.location_id == location_id, t.Connection.role == "pos")
    )
    return found

"""What ``/health``, ``/health/ready`` and ``/metrics`` read about the deployment.

The database answers and is migrated to the code's head revision (readiness); every
connection's status (``needs_reauth`` when its credentials were refused) and whether
its circuit is open. Circuits live in the workers' memory, so they are read from what
the workers record: an open ``connection.breaker_open`` incident is an open circuit,
whichever process (API or worker) answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orderbridge.sql.availability import unavailable
from orderbridge.storage import revisions
from orderbridge.storage import tables as t
from orderbridge.storage.alert_tables import OPEN, Incident

BREAKER_OPEN = "connection.breaker_open"


@dataclass(frozen=True)
class ConnectionState:
    """One connection as health sees it: no name, no tenant, no credentials."""

    id: str
    kind: str
    status: str
    breaker_open: bool

    @property
    def needs_reauth(self) -> bool:
        return self.status == "needs_reauth"

    @property
    def degraded(self) -> bool:
        return self.needs_reauth or self.breaker_open


def code_revision() -> str | None:
    """The migration head this code expects (read from the package once)."""
    return revisions.head_revision()


def database_revision(session: Session) -> str | None:
    """The revision the database is at (``None``: never migrated)."""
    return revisions.database_revision(session.connection())


def connection_states(session: Session) -> list[ConnectionState]:
    """Every connection, with its circuit as the workers last recorded it."""
    open_circuits = set(
        session.scalars(
            select(Incident.subject_id).where(
                Incident.kind == BREAKER_OPEN, Incident.status == OPEN
            )
        )
    )
    rows = session.execute(
        select(t.Connection.id, t.Connection.kind, t.Connection.status).order_by(t.Connection.id)
    )
    return [
        ConnectionState(id=id, kind=kind, status=status, breaker_open=id in open_circuits)
        for id, kind, status in rows
    ]


def open_incident_counts(session: Session) -> dict[str, int]:
    """Open incidents per kind, all tenants together."""
    rows = session.execute(
        select(Incident.kind, func.count()).where(Incident.status == OPEN).group_by(Incident.kind)
    )
    return {kind: int(n) for kind, n in rows}


class ConnectionHealthCollector(Collector):
    """Prometheus gauges read from the database at each scrape, so every process that
    serves ``/metrics`` tells the same truth:

    * ``orderbridge_connection_needs_reauth{connection_id, kind}``: 1 while the
      connection's credentials are refused, else 0;
    * ``orderbridge_connection_breaker_open{connection_id, kind}``: 1 while a worker's
      circuit for it is open, else 0;
    * ``orderbridge_incidents_open{kind}``: open incidents (all tenants).
    """

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._last: tuple[list[ConnectionState], dict[str, int]] = ([], {})

    def _read(self) -> tuple[list[ConnectionState], dict[str, int]]:
        """What the database says now; while it is away, the last figures read (the
        queue depth's ``orderbridge_outbox_jobs_stale`` says the database is away)."""
        try:
            with self._session_factory() as session:
                self._last = (list(connection_states(session)), open_incident_counts(session))
        except Exception as exc:
            if not unavailable(exc):
                raise
        return self._last

    def describe(self) -> Iterator[Metric]:
        yield from self._families()

    def collect(self) -> Iterator[Metric]:
        reauth, breaker, incidents = self._families()
        states, counts = self._read()
        for state in states:
            reauth.add_metric([state.id, state.kind], int(state.needs_reauth))
            breaker.add_metric([state.id, state.kind], int(state.breaker_open))
        for kind, n in sorted(counts.items()):
            incidents.add_metric([kind], n)
        yield from (reauth, breaker, incidents)

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, GaugeMetricFamily, GaugeMetricFamily]:
        labels = ["connection_id", "kind"]
        return (
            GaugeMetricFamily(
                "orderbridge_connection_needs_reauth",
                "1 while the connection's credentials are refused.",
                labels=labels,
            ),
            GaugeMetricFamily(
                "orderbridge_connection_breaker_open",
                "1 while a worker's circuit breaker for the connection is open.",
                labels=labels,
            ),
            GaugeMetricFamily(
                "orderbridge_incidents_open", "Open incidents, by kind.", labels=["kind"]
            ),
        )

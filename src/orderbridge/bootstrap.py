"""The composition root: settings in, a wired hub out. Nothing happens at import time.

``Hub`` owns the engine, the session factory, the credential cipher, the connector
registry (one connector per connection, reused so HTTP connections are pooled), the
outbox job handlers and the metrics registry. ``orderbridge serve``, ``worker`` and
``demo`` build one with :func:`build_hub`; tests build one per database.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import json
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIServer

import httpx
from prometheus_client import CollectorRegistry, start_http_server
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from orderbridge import connectors
from orderbridge.bootstrap_alerts import Alerting
from orderbridge.bootstrap_jobs import HOUSEKEEPING, job_handlers
from orderbridge.bootstrap_setup import connection_setups, url_check
from orderbridge.bootstrap_wix import WixChannels
from orderbridge.config import Settings
from orderbridge.connectors import BuildContext
from orderbridge.connectors._base import make_http_client
from orderbridge.connectors.storefront.ssrf import pinned_transport
from orderbridge.messaging.breaker import CircuitBreaker, RateLimiter
from orderbridge.messaging.listen import listen_for_jobs
from orderbridge.messaging.metrics import (
    MessagingMetrics,
    QueueDepthCollector,
    register_process_metrics,
)
from orderbridge.messaging.parked import SqlParkedJobs
from orderbridge.messaging.pressure import INTAKE, BurstPolicy
from orderbridge.messaging.queue import SqlJobQueue
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.messaging.wakeup import Wakeup, notify_on_commit
from orderbridge.messaging.worker import Handler, Worker
from orderbridge.ports import ConnectionRecord, PosSystem
from orderbridge.security import CredentialCipher
from orderbridge.services import menus, sweep, watch
from orderbridge.services.setup import SetupParts
from orderbridge.storage import tables as t
from orderbridge.storage.admin_connections import SqlConnectionStore
from orderbridge.storage.db import make_engine, read_only, session_factory
from orderbridge.storage.health import ConnectionHealthCollector
from orderbridge.storage.rate_limits import Rate, RateLimits, rate_limits_for
from orderbridge.storage.types import utcnow
from orderbridge.storage.uow import SqlUnitOfWork
from orderbridge.web.metrics import HubMetrics

if TYPE_CHECKING:
    from fastapi import FastAPI


_RETIRING: set[asyncio.Task[None]] = set()  # close_later tasks, kept from the GC


async def _close(connector: PosSystem) -> None:
    closer = getattr(connector, "aclose", None)
    if closer is not None:
        await closer()


@dataclass
class Hub:
    """Everything the API and the workers share in one process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cipher: CredentialCipher
    clock: Callable[[], datetime] = utcnow
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    pos_transport: httpx.AsyncBaseTransport | None = None
    webhook_transport: httpx.AsyncBaseTransport | None = None
    channel_transport: httpx.AsyncBaseTransport | None = None  # Wix calls (tests)
    wix: WixChannels | None = None
    # connection id → (fingerprint, the record last asked with, its connector)
    _connectors: dict[str, tuple[str, ConnectionRecord, PosSystem]] = field(default_factory=dict)
    _retired: list[PosSystem] = field(default_factory=list)  # rebuilt, closed soon
    _http: httpx.AsyncClient | None = None
    # The outbox and inbox the units of work write to (storage does not import messaging).
    queue: SqlJobQueue = field(default_factory=SqlJobQueue)
    metrics: MessagingMetrics = field(init=False)
    hub_metrics: HubMetrics = field(init=False)
    # Commits of this process that enqueue jobs wake its workers at once.
    wakeup: Wakeup = field(init=False)
    # Sessions for pure reads (SQLite: a deferred BEGIN, beside the writer).
    readers: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.readers = session_factory(read_only(self.engine))
        self.wakeup = Wakeup()
        notify_on_commit(self.sessions, self.wakeup)
        self.metrics = MessagingMetrics(self.registry)
        self.hub_metrics = HubMetrics(self.registry)
        self.registry.register(QueueDepthCollector(self.sessions))
        self.registry.register(ConnectionHealthCollector(self.readers))
        register_process_metrics(self.registry)

    def app(self, *, demo_api_key: str | None = None) -> FastAPI:
        """The HTTP application of this hub (``demo_api_key`` turns on ``/shop``).

        The web app and FastAPI are imported here, not at the top: ``orderbridge
        worker`` never builds one and so never pays for them (docs/benchmarks.md,
        "Idle RSS")."""
        from orderbridge.web.app import create_app
        from orderbridge.web.deps import WebContext

        context = WebContext(
            settings=self.settings,
            sessions=self.sessions,
            uow=self.uow,
            cipher=self.cipher,
            clock=self.clock,
            registry=self.registry,
            readers=self.readers,
            read_uow=self.read_uow,
            api_threads=self.settings.api_threads or (8 if self.on_sqlite else None),
            demo_api_key=demo_api_key,
            pos_transport=self.pos_transport,
            rate_limits=self.rate_limits(),
            setup=self.setup_parts(),
        )
        return create_app(context, self.hub_metrics)

    def setup_parts(self) -> SetupParts:
        """What connecting systems needs (``services.setup``)."""
        return SetupParts(
            setups=connection_setups(self._setup_context, self.new_pos),
            new_pos=self.new_pos,
            store=SqlConnectionStore(
                self.sessions, self.cipher, queue=self.queue, clock=self.clock
            ),
            parked=SqlParkedJobs(self.sessions, self.clock),
            check_url=url_check(allow_private=self.settings.allow_private_urls),
            uow=self.uow,
            import_menu=lambda location_id: menus.import_menu(
                location_id, uow=self.uow, pos_for=self.pos_for, clock=self.clock
            ),
            clock=self.clock,
        )

    def rate_limits(self) -> RateLimits | None:
        """Per-key request rates: shared on PostgreSQL, in memory on SQLite; None if off."""
        per_second = self.settings.rate_limit_per_second
        if per_second <= 0:
            return None
        return rate_limits_for(self.engine, Rate(per_second, self.settings.rate_limit_burst))

    @property
    def on_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def uow(self) -> SqlUnitOfWork:
        """A new unit of work (use it in a ``with`` block)."""
        return SqlUnitOfWork(self.sessions, self.cipher, self.clock, queue=self.queue)

    def read_uow(self) -> SqlUnitOfWork:
        """A new unit of work for pure reads (on SQLite: no wait for the writer)."""
        return SqlUnitOfWork(self.readers, self.cipher, self.clock, queue=self.queue)

    # Connectors --------------------------------------------------------------------

    def pos_for(self, connection: ConnectionRecord) -> PosSystem:
        """The connector of a POS connection (the registry builds it by the connection's
        kind), rebuilt when its settings or credentials change.

        Called once per order on the event loop: the record it was last asked with is
        kept, and a record that is that one (the orders of a claim's batch share one)
        or equal to it answers at once; only another record is fingerprinted."""
        cached = self._connectors.get(connection.id)
        if cached is not None and (cached[1] is connection or cached[1] == connection):
            return cached[2]
        fingerprint = hashlib.sha256(
            json.dumps([connection.settings, connection.credentials], sort_keys=True).encode()
        ).hexdigest()
        if cached is not None and cached[0] == fingerprint:
            self._connectors[connection.id] = (fingerprint, connection, cached[2])
            return cached[2]
        connector = self.new_pos(connection)
        self._connectors[connection.id] = (fingerprint, connection, connector)
        if cached is not None:  # settings changed: the old one's client gets closed
            self._retire(cached[2])
        return connector

    def _retire(self, connector: PosSystem) -> None:
        """Close a replaced connector's client once calls already under way on it have
        had their deadline (at once when no loop runs; the rest at :meth:`aclose`)."""
        self._retired.append(connector)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        grace = 2 * self.settings.poster_timeout_seconds + 1

        async def close_later() -> None:
            await asyncio.sleep(grace)
            if connector in self._retired:
                self._retired.remove(connector)
                await _close(connector)

        task = loop.create_task(close_later())
        _RETIRING.add(task)
        task.add_done_callback(_RETIRING.discard)

    def new_pos(self, connection: ConnectionRecord) -> PosSystem:
        """A new connector for a POS connection (the registry builds it by kind), not kept:
        the caller closes it. Its calls to the network go through the SSRF guard at
        connect (a POS base URL is the tenant's to choose: ``ssrf.pinned_transport``)."""
        return connectors.build_pos(connection, self.guarded_context("pos"))

    def guarded_context(self, role: str) -> BuildContext:
        """:meth:`build_context`, with the SSRF guard at connect unless a transport is
        injected (tests): for connectors whose base URL a tenant chose — a POS connection,
        and every connection while it is being set up (its test call, its identification)."""
        context = self.build_context(role)
        if context.transport is not None:
            return context
        pinned = pinned_transport(allow_private=self.settings.allow_private_urls)
        return dataclasses.replace(context, transport=pinned)

    def _setup_context(self, role: str) -> BuildContext:
        """:meth:`guarded_context` for the setups, which are built with the app: their
        guard (and aiohttp with it) is made on their first call, not at start-up."""
        context = self.build_context(role)
        if context.transport is not None:
            return context
        allow_private = self.settings.allow_private_urls
        guard = _OnFirstCall(lambda: pinned_transport(allow_private=allow_private))
        return dataclasses.replace(context, transport=guard)

    def build_context(self, role: str) -> BuildContext:
        """What connector factories of ``role`` get: the transport, timeouts, SSRF rule."""
        return BuildContext(
            transport=self.pos_transport if role == "pos" else self.channel_transport,
            timeout_seconds=self.settings.poster_timeout_seconds,
            allow_private_urls=self.settings.allow_private_urls,
        )

    def http(self) -> httpx.AsyncClient:
        """The hardened client for outbound webhooks: timeouts, no redirects, and the
        SSRF guard at connect (the address checked is the address connected to)."""
        if self._http is None:
            self._http = make_http_client(
                base_url="",
                timeout=self.settings.http_timeout_seconds,
                transport=self.webhook_transport
                or pinned_transport(allow_private=self.settings.allow_private_urls),
            )
        return self._http

    async def aclose(self) -> None:
        retired, self._retired = self._retired, []
        for connector in [*retired, *(each for *_, each in self._connectors.values())]:
            await _close(connector)
        self._connectors.clear()
        if self.wix is not None:
            await self.wix.aclose()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def serve_metrics(self, host: str, port: int) -> WSGIServer:
        """Serve this hub's ``/metrics`` from a background thread (``orderbridge worker
        --metrics-port``: a worker has no HTTP app of its own). Port 0 picks a free
        one (``server.server_port``); ``server.shutdown()`` stops it."""
        server, _thread = start_http_server(port, addr=host, registry=self.registry)
        return server

    # Jobs --------------------------------------------------------------------------

    def handlers(self) -> Mapping[str, Handler]:
        """Outbox job kind → handler (``bootstrap_jobs``)."""
        return job_handlers(self)

    def worker(self, *, concurrency: int | None = None, worker_id: str | None = None) -> Worker:
        return Worker(
            self.sessions,
            self.handlers(),
            worker_id=worker_id,
            concurrency=concurrency or self.settings.worker_concurrency,
            lease_seconds=self.settings.lease_seconds,
            poll_interval=self.settings.poll_interval_seconds,
            gather_seconds=self.settings.worker_gather_seconds,
            clock=self.clock,
            retry_policy=self.retry_policy,
            breaker=CircuitBreaker(
                failure_rate=self.settings.breaker_failure_rate,
                minimum_calls=self.settings.breaker_minimum_calls,
                window_seconds=self.settings.breaker_window_seconds,
                cooldown_seconds=self.settings.breaker_cooldown_seconds,
                half_open_calls=self.settings.breaker_half_open_calls,
            ),
            rate_limiter=RateLimiter(
                rate_per_second=self.settings.pos_rate_per_second,
                burst=self.settings.pos_rate_burst,
            ),
            metrics=self.metrics,
            wakeup=self.wakeup,
            # The idle probe reads without SQLite's writer lock (messaging/worker_db.py).
            read_session_factory=self.readers,
            # Stored POS webhooks mostly queue other jobs (the registry says which).
            unguarded_kinds=connectors.unguarded_events(),
            # A dead job fails its order (etc.) in the transaction that buries it.
            on_dead=Alerting(self).on_dead,
            on_breaker=Alerting(self).on_breaker,
            # Orders waiting for their 201 in this process go first (messaging/pressure.py).
            burst=BurstPolicy(
                INTAKE,
                threshold=self.settings.worker_burst_in_flight,
                slots=self.settings.worker_burst_slots,
                longest=self.settings.worker_burst_longest_seconds,
            ),
        )

    # Schedules ---------------------------------------------------------------------

    def enqueue_once(self, kind: str, payload: dict[str, Any], *, key: str) -> bool:
        """Queue a scheduled job unless one of its kind and key is already waiting."""
        with self.uow() as tx:
            waiting = tx.session.scalar(
                select(func.count())
                .select_from(OutboxJob)
                .where(
                    OutboxJob.kind == kind,
                    OutboxJob.key == key,
                    OutboxJob.status.in_([JobStatus.PENDING.value, JobStatus.RUNNING.value]),
                )
            )
            if waiting:
                return False
            tx.enqueue(kind, payload, key=key)
            tx.commit()
        return True

    async def run_schedules(self) -> None:
        """Queue the sweep, the full menu reconcile, the housekeeping and the incident
        watch on their intervals, forever (each job at most once at a time, whatever
        the processes)."""
        schedule: list[tuple[float, Callable[[], object]]] = [
            (
                self.settings.reconcile_interval_seconds,
                lambda: self.enqueue_once(sweep.SWEEP, {}, key="sweep"),
            ),
            (self.settings.menu_reconcile_interval_seconds, self.schedule_menu_imports),
            (
                self.settings.housekeeping_interval_seconds,
                lambda: self.enqueue_once(HOUSEKEEPING, {}, key="housekeeping"),
            ),
            (
                self.settings.reconcile_interval_seconds,
                lambda: self.enqueue_once(watch.WATCH, {}, key="incidents.scan"),
            ),
        ]
        loop = asyncio.get_running_loop()
        due = [loop.time()] * len(schedule)
        while True:
            for n, (every, queue) in enumerate(schedule):
                if loop.time() >= due[n]:
                    queue()
                    due[n] = loop.time() + every
            await asyncio.sleep(max(0.0, min(due) - loop.time()))

    def schedule_menu_imports(self) -> int:
        """A menu import per location that has a POS."""
        with self.sessions() as session:
            ids = session.scalars(
                select(t.LocationLink.location_id)
                .join(t.Connection, t.Connection.id == t.LocationLink.connection_id)
                .where(t.Connection.role == "pos")
            ).all()
        return sum(
            self.enqueue_once(menus.IMPORT_MENU, {"location_id": i}, key=f"menu:{i}") for i in ids
        )

    def listeners(self) -> list[Coroutine[Any, Any, None]]:
        """What wakes this process's workers for jobs other processes commit: on
        PostgreSQL, ``LISTEN orderbridge_jobs``; on SQLite nothing (workers poll)."""
        if self.engine.dialect.name != "postgresql":
            return []
        return [listen_for_jobs(self.engine.url, self.wakeup)]

    @contextlib.asynccontextmanager
    async def running_workers(self, *, schedules: bool = True) -> AsyncIterator[Worker]:
        """A worker (and the schedules) running in the background for the block."""
        worker = self.worker()
        tasks = [asyncio.create_task(worker.run())]
        if schedules:
            tasks.append(asyncio.create_task(self.run_schedules()))
        tasks.extend(asyncio.create_task(job) for job in self.listeners())
        try:
            yield worker
        finally:
            worker.stop()
            for task in tasks[1:]:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task


def build_hub(settings: Settings, **overrides: Any) -> Hub:
    """Build the hub for ``settings`` (engine, sessions, cipher …)."""
    engine = make_engine(settings.database_url)
    cipher = CredentialCipher(
        settings.secret_key.get_secret_value(),
        [k.get_secret_value() for k in settings.old_secret_keys],
    )
    overrides.setdefault(
        "retry_policy",
        RetryPolicy(
            base_seconds=settings.retry_base_seconds,
            cap_seconds=settings.retry_cap_seconds,
            max_attempts=settings.retry_max_attempts,
        ),
    )
    return Hub(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        cipher=cipher,
        **overrides,
    )


class _OnFirstCall(httpx.AsyncBaseTransport):
    """A transport built by ``build`` when the first request is sent (idle memory)."""

    def __init__(self, build: Callable[[], httpx.AsyncBaseTransport]) -> None:
        self._build = build
        self._built: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._built is None:
            self._built = self._build()
        return await self._built.handle_async_request(request)

    async def aclose(self) -> None:
        if self._built is not None:
            await self._built.aclose()

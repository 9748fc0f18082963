"""Prometheus metrics of the messaging layer.

Importing this module registers nothing. :class:`MessagingMetrics` creates its
collectors on the registry it is given (the composition root passes the one
``/metrics`` serves; tests pass a fresh ``CollectorRegistry``), and
:class:`QueueDepthCollector` reads the queue depth from the database at scrape time,
so the gauge is right whichever process did the work.

Exposed series:

* ``orderbridge_job_attempts_total{kind, outcome}``: tries by outcome.
* ``orderbridge_job_duration_seconds{kind}``: how long each try ran.
* ``orderbridge_job_latency_seconds{kind}``: from enqueue to success.
* ``orderbridge_outbox_jobs{kind, status}``: jobs per status right now — or, while
  the database does not answer, the last figures read, with
* ``orderbridge_outbox_jobs_stale``: 1 while those figures are the last known ones
  (the database is unavailable), else 0. ``/metrics`` keeps answering during an outage.

:func:`register_process_metrics` adds what every process exposes whatever it runs:
``process_*`` (CPU, memory, open files), ``python_*`` (version, GC) and
``orderbridge_build_info{version}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orderbridge import __version__
from orderbridge.messaging.tables import OutboxJob
from orderbridge.sql.availability import unavailable

_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)


class MessagingMetrics:
    """Counters and histograms the worker updates as it runs jobs."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        registry = registry if registry is not None else CollectorRegistry()
        self.registry = registry
        self.attempts = Counter(
            "orderbridge_job_attempts",
            "Tries of outbox jobs, by kind and outcome.",
            ["kind", "outcome"],
            registry=registry,
        )
        self.duration = Histogram(
            "orderbridge_job_duration_seconds",
            "How long one try of a job ran.",
            ["kind"],
            registry=registry,
        )
        self.latency = Histogram(
            "orderbridge_job_latency_seconds",
            "Time from enqueue to success.",
            ["kind"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        # The labelled children, looked up once per label values: ``labels()`` takes
        # the metric's lock and builds a key on every call (a few µs each, three per
        # job), and a job's kinds and outcomes are a handful of strings.
        self._attempts: dict[tuple[str, str], Counter] = {}
        self._durations: dict[str, Histogram] = {}
        self._latencies: dict[str, Histogram] = {}

    def observe_attempt(self, kind: str, outcome: str, duration_seconds: float) -> None:
        """Count one finished try and its duration."""
        attempts = self._attempts.get((kind, outcome))
        if attempts is None:
            attempts = self._attempts[(kind, outcome)] = self.attempts.labels(
                kind=kind, outcome=outcome
            )
        attempts.inc()
        duration = self._durations.get(kind)
        if duration is None:
            duration = self._durations[kind] = self.duration.labels(kind=kind)
        duration.observe(duration_seconds)

    def observe_success(self, kind: str, created_at: datetime, now: datetime) -> None:
        """Record the end-to-end latency of a job that just succeeded."""
        latency = self._latencies.get(kind)
        if latency is None:
            latency = self._latencies[kind] = self.latency.labels(kind=kind)
        latency.observe(max(0.0, (now - created_at).total_seconds()))


def queue_depth(session: Session) -> dict[tuple[str, str], int]:
    """Jobs per ``(kind, status)`` right now, for gauges and the dashboard."""
    rows = session.execute(
        select(OutboxJob.kind, OutboxJob.status, func.count()).group_by(
            OutboxJob.kind, OutboxJob.status
        )
    )
    return {(kind, status): int(count) for kind, status, count in rows}


class QueueDepthCollector(Collector):
    """A Prometheus collector that counts outbox jobs per kind and status on each scrape.

    Register it once per process that serves ``/metrics``:
    ``registry.register(QueueDepthCollector(sessions))``. When the database is
    unavailable the scrape still succeeds: the last figures read, marked stale.
    """

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._last: dict[tuple[str, str], int] = {}

    def describe(self) -> Iterator[Metric]:
        # Lets the registry learn the metrics' names without querying the database.
        yield self._family()
        yield self._stale_family()

    def collect(self) -> Iterator[Metric]:
        stale = 0
        try:
            with self._session_factory() as session:
                self._last = queue_depth(session)
        except Exception as exc:
            if not unavailable(exc):
                raise
            stale = 1  # the engine's watch logged the outage; keep the last figures
        gauge = self._family()
        for (kind, status), count in sorted(self._last.items()):
            gauge.add_metric([kind, status], count)
        yield gauge
        flag = self._stale_family()
        flag.add_metric([], stale)
        yield flag

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "orderbridge_outbox_jobs", "Outbox jobs per kind and status.", labels=["kind", "status"]
        )

    @staticmethod
    def _stale_family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "orderbridge_outbox_jobs_stale",
            "1 while orderbridge_outbox_jobs shows the last figures read, the database "
            "being unavailable; else 0.",
        )


def register_process_metrics(registry: CollectorRegistry) -> None:
    """Register the process, Python runtime and build metrics on ``registry``.

    prometheus_client puts these on its global registry by default; the hub serves its
    own registry (one per hub, so tests never share series), so they are added here.
    """
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    Info("orderbridge_build", "The orderbridge version this process runs.", registry=registry).info(
        {"version": __version__}
    )

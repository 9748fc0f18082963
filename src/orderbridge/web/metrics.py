"""The hub's own Prometheus metrics (messaging has its own in ``messaging.metrics``).

Names follow Prometheus' conventions: an ``orderbridge_`` prefix, base units in the
name (``_seconds``), ``_total`` on counters (``prometheus_client`` adds it to the
samples), and labels of bounded cardinality — HTTP requests are labelled by their
route *template* (``/api/v1/orders/{order_id}``), never by the path itself.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class HubMetrics:
    """Ingest rate, order latency and HTTP requests, registered on the hub's registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.ingested = Counter(
            "orderbridge_ingested",
            "Inbound orders, reservations and webhooks, by source and outcome "
            "(stored, duplicate, rejected …).",
            ["source", "outcome"],
            registry=registry,
        )
        self.order_latency = Histogram(
            "orderbridge_order_to_pos_seconds",
            "From an order's arrival at the hub to its creation at the POS.",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.http_requests = Counter(
            "orderbridge_http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.http_duration = Histogram(
            "orderbridge_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by method and route template.",
            ["method", "route"],
            buckets=HTTP_BUCKETS,
            registry=registry,
        )

    def count_ingested(self, source: str, outcome: str) -> None:
        """Count one inbound order, reservation or webhook."""
        self.ingested.labels(source, outcome).inc()

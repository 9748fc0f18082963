"""The hub's own Prometheus metrics (messaging has its own in ``messaging.metrics``)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


class HubMetrics:
    """Ingest rate and order latency, registered on the hub's registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.ingested = Counter(
            "orderbridge_ingested_total",
            "Inbound orders, reservations and webhooks committed, by source and outcome.",
            ["source", "outcome"],
            registry=registry,
        )
        self.order_latency = Histogram(
            "orderbridge_order_to_pos_seconds",
            "From an order's arrival at the hub to its creation at the POS.",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )

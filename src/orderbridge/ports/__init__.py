"""The ports: what the services need from the outside world, as ``typing.Protocol``s.

POS connectors satisfy ``PosSystem`` (tests with a small hand-written fake). A channel
connector (Wix) is driven by its own jobs, wired in ``bootstrap_wix``: what a channel
offers differs too much between channels for one port to say it usefully. Wire types
never cross a port: connectors take and return domain objects and the few plain
records below. Failures cross as the two exceptions of
``TransientError`` (retry later) and ``PermanentError`` (stop; a person must fix
something), defined here so that services and connectors share them; the worker in
``orderbridge.messaging`` decides retries from the class alone.
"""

from __future__ import annotations

from orderbridge.ports.errors import (
    Clock,
    DuplicateKey,
    PermanentError,
    TransientError,
)
from orderbridge.ports.pos import (
    AnnotatesChecks,
    Capabilities,
    KeepsProductExtras,
    LocationBinding,
    PosItem,
    PosLocationInfo,
    PosOrderRef,
    PosOrderState,
    PosSystem,
    PosTable,
)
from orderbridge.ports.records import (
    ConnectionRecord,
    EndpointRecord,
    Incident,
    Job,
    LocationRecord,
    OrderFingerprint,
    OrderToSubmit,
    StoredOrder,
    StoredReservation,
    WaitingOrder,
)
from orderbridge.ports.stores import (
    IncidentStore,
    IncidentWatch,
    MappingStore,
    UnitOfWork,
)

__all__ = [
    "AnnotatesChecks",
    "Capabilities",
    "Clock",
    "ConnectionRecord",
    "DuplicateKey",
    "EndpointRecord",
    "Incident",
    "IncidentStore",
    "IncidentWatch",
    "Job",
    "KeepsProductExtras",
    "LocationBinding",
    "LocationRecord",
    "MappingStore",
    "OrderFingerprint",
    "OrderToSubmit",
    "PermanentError",
    "PosItem",
    "PosLocationInfo",
    "PosOrderRef",
    "PosOrderState",
    "PosSystem",
    "PosTable",
    "StoredOrder",
    "StoredReservation",
    "TransientError",
    "UnitOfWork",
    "WaitingOrder",
]

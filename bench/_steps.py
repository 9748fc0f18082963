"""CPU per step of placing an order, on each step's own thread clock (``--steps``).

cProfile times every Python call and so inflates code made of many small calls
(SQLAlchemy's execution, pydantic's validators) several times over; a micro-benchmark
of one step in a tight loop runs with warm caches and deflates it. This clock wraps
only a dozen steps of the real path — the loop's side of the POST and the group
commit's batch — and adds each call's ``time.thread_time_ns`` (the calling thread's
CPU: waits for the GIL or the disk are not counted), at ~1 µs per wrapped call.
Steps nest (``_place_once`` holds ``judge``, ``add_order`` …), so the rows do not
add up to the total.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from orderbridge.services import orders as order_service
from orderbridge.storage.uow import SqlUnitOfWork
from orderbridge.web import order_intake
from orderbridge.web.routes import place_order

# (where the name is looked up when called, the name, the row's label)
STEPS: list[tuple[Any, str, str]] = [
    (order_intake.OrderIntake, "_place_batch", "batch: the whole transaction"),
    (order_intake, "_place_once", "batch: one placement"),
    (order_intake, "order_in_to_draft", "batch: body → draft"),
    (order_intake, "draft_hash", "batch: the draft's fingerprint"),
    (SqlUnitOfWork, "order_fingerprints", "batch: the repeat look-up"),
    (order_service.intake, "judge", "batch: validate and price"),
    (order_service.intake, "build_order", "batch: build the order"),
    (order_service, "new_id", "batch: the order id"),
    (order_service.intake, "queue", "batch: its jobs (notify, submit)"),
    (order_service.intake.notify, "order_event_jobs", "batch: … the notification's jobs"),
    (SqlUnitOfWork, "enqueue_many", "batch: … the jobs' insert"),
    (SqlUnitOfWork, "add_order", "batch: order + timeline rows"),
    (SqlUnitOfWork, "commit", "batch: part flushes + the commit"),
    (place_order, "body_value", "loop: JSON body"),
    (place_order, "validated", "loop: validation (OrderIn, the key)"),
    (place_order, "order_to_out", "loop: the 201's model"),
]


class StepClock:
    """Thread CPU per step while :meth:`running`; :meth:`rows` per placed order."""

    def __init__(self) -> None:
        self.spent: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

    def _wrap(self, function: Callable[..., Any], label: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.thread_time_ns()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[label] += time.thread_time_ns() - began
                self.calls[label] += 1

        return timed

    @contextmanager
    def running(self) -> Iterator[None]:
        # A method may be inherited (a mixin's): then the wrapper is removed, not replaced.
        originals = [(owner, name, vars(owner).get(name)) for owner, name, _ in STEPS]
        try:
            for owner, name, label in STEPS:
                setattr(owner, name, self._wrap(getattr(owner, name), label))
            yield
        finally:
            for owner, name, original in originals:
                if original is None:
                    delattr(owner, name)
                else:
                    setattr(owner, name, original)

    def rows(self, orders: int) -> list[str]:
        return [
            f"  {spent / 1e3 / max(orders, 1):7.1f} µs  {self.calls[label] / orders:5.2f}×  {label}"
            for _, _, label in STEPS
            if (spent := self.spent[label])
        ]

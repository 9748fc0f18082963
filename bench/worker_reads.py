"""Benchmark: the worker's reads of an order it submits, old shape against new, in-process.

Before the POS call the worker reads the order and its location's POS binding; after
it, the save needed the order again. Round 4 reads the order and binding in one
statement (``UnitOfWork.orders_to_submit``, ``storage/worker_rows.py``), the reads of
jobs that start together in one transaction, and the save
resumes that read (``resume_order``) instead of reading again. This bench places
``--orders`` orders through the hub's ASGI app (``bench/cost_model.py``'s set-up,
SQLite file, demo tenant), leaves them unsubmitted, and times on this thread
(``time.thread_time``: CPU, not wall time, so other processes on the machine inflate it
less), in alternating rounds:

* *separate*: ``get_order`` + ``pos_binding``, a read transaction per order (round 3's
  read before the call);
* *one read*: ``orders_to_submit`` of one order, a read transaction per order;
* *together*: ``orders_to_submit`` of 16 orders at once, one read transaction (a
  backlog's claim: the worker gathers the reads of the jobs it starts together);
* *save's read*: ``get_order`` again in a write unit of work (what the save did);
* *resumed*: ``resume_order`` in a write unit of work (what it does now).

Prints µs per order (median and best of the rounds) and one JSON object last. Runnable
alone::

    uv run python bench/worker_reads.py [--orders 200] [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _root import stack
from cost_model import Counts, build
from orderbridge.bootstrap import Hub


def _separate(hub: Hub, ids: list[str]) -> None:
    for order_id in ids:
        with hub.read_uow() as tx:
            stored = tx.get_order(order_id)
            assert stored is not None
            assert tx.pos_binding(stored.order.location_id) is not None


def _one_read(hub: Hub, ids: list[str]) -> None:
    for order_id in ids:
        with hub.read_uow() as tx:
            [read] = tx.orders_to_submit([order_id])
            assert read is not None and read.binding is not None


def _together(hub: Hub, ids: list[str]) -> None:
    for at in range(0, len(ids), TOGETHER):
        with hub.read_uow() as tx:
            reads = tx.orders_to_submit(ids[at : at + TOGETHER])
            assert all(read is not None and read.binding is not None for read in reads)


def _save_reads(hub: Hub, ids: list[str]) -> None:
    with hub.uow() as tx:  # inside the settle's transaction: no transaction per order
        for order_id in ids:
            assert tx.get_order(order_id) is not None


def _resumed(hub: Hub, ids: list[str]) -> None:
    with hub.read_uow() as tx:  # the reads the save resumes (not timed)
        reads = [tx.orders_to_submit([order_id])[0] for order_id in ids]
    started = time.thread_time()
    with hub.uow() as tx:
        for read in reads:
            assert read is not None
            tx.resume_order(read)
    _RESUMED.append(time.thread_time() - started)


_RESUMED: list[float] = []
Way = Callable[[Hub, list[str]], None]
TOGETHER = 16  # bench/e2e_orders.py's worker concurrency: a backlog's claims are this big
WAYS: dict[str, Way] = {
    "separate": _separate,
    "one read": _one_read,
    "together": _together,
    "save's read": _save_reads,
}


async def _place(orders: int, folder: Path) -> tuple[Hub, list[str]]:
    hub, client = build(folder, Counts(), None)
    await hub.worker().run_until_idle()  # the menu imports the seed queued
    lines = {
        location: stack.simple_lines(
            (await client.get(f"/api/v1/locations/{location}/menu")).json()
        )
        for location in stack.LOCATIONS
    }
    ids = []
    for n in range(orders):
        body = stack.order_body(n, lines, "reads")
        answer = await client.post(
            "/api/v1/orders", json=body, headers={"idempotency-key": f"reads-{n}"}
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    await client.aclose()
    return hub, ids


def measure(orders: int, rounds: int, folder: Path) -> dict[str, dict[str, float]]:
    hub, ids = asyncio.run(_place(orders, folder))
    spent: dict[str, list[float]] = {name: [] for name in WAYS}
    try:
        for way in WAYS.values():  # warm: statement caches, decoded documents
            way(hub, ids)
        _resumed(hub, ids)
        _RESUMED.clear()
        for _ in range(rounds):
            for name, way in WAYS.items():
                started = time.thread_time()
                way(hub, ids)
                spent[name].append(time.thread_time() - started)
            _resumed(hub, ids)
        spent["resumed"] = list(_RESUMED)
    finally:
        hub.engine.dispose()
    return {
        name: {
            "median_us": round(statistics.median(times) * 1e6 / orders, 1),
            "best_us": round(min(times) * 1e6 / orders, 1),
        }
        for name, times in spent.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="orderbridge-reads-") as tmp:
        result = measure(args.orders, args.rounds, Path(tmp))
    for name, figures in result.items():
        print(
            f"{name:<12} median {figures['median_us']:8.1f} µs   best {figures['best_us']:8.1f} µs"
        )
    print(json.dumps({"benchmark": "worker_reads", "orders": args.orders, "ways": result}))


if __name__ == "__main__":
    main()

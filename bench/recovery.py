"""Benchmark: recovery after ``kill -9`` with an empty POS and with a long history.

After a crash, every order whose create may have reached Poster is looked up by its
marker before it is created again (``connectors/poster/lookup.py``). What that costs
must not grow with what the account already holds. Two runs of the same scenario,
real processes on 127.0.0.1 (the Poster sandbox and ``orderbridge serve`` with its
worker, SQLite, the default lease of 30 s): the sandbox starts empty, or with
``--history`` orders of the hub's own application already there, spread over the day
before (a busy account: 50,000 orders a day), each with another order's marker.
Orders are posted open-loop at ``--rate`` for ``--seconds``; ``serve`` is killed with
SIGKILL after ``--kill-after`` seconds and started again at once; the load generator
sends unanswered POSTs again (same Idempotency-Key). Measured from the restart until
every order is submitted: ``serve``'s and the sandbox's CPU per order, ``serve``'s peak
RSS, the orders retaken after the crash (the ones looked up), the look-up calls
Poster answered, lost and doubled orders. Runnable alone::

    uv run python bench/recovery.py [--history 50000] [--rate 100] [--seconds 10]
        [--kill-after 5]

Then, against the same running sandbox, the look-up alone: ``--keys`` orders looked up
at once by the connector, and by the look-up it replaced, with the hub's CPU for each.

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from _peer import load_average, rss_mib
from _root import cpu_seconds, stack
from e2e_orders import demo_serve, steady_load
from orderbridge.connectors.poster.connector import PosterConnector
from orderbridge.connectors.poster.settings import PosterSettings
from orderbridge.ports import LocationBinding
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import (
    DEMO_ACCOUNT,
    DEMO_TOKEN,
    OAUTH_APP_SECRET,
    demo_world,
)
from orderbridge.sandboxes.poster.state import IncomingOrder, IncomingOrderProduct


def seed_history(state: Path, count: int) -> None:
    """A sandbox state file: the demo café with ``count`` orders created through the
    personal token (the hub's), evenly over the 24 hours that end 10 minutes ago."""
    world = demo_world(app_secret=OAUTH_APP_SECRET)
    account = world.accounts[DEMO_ACCOUNT]
    zone = ZoneInfo(account.settings.timezone)
    end = datetime.now(UTC) - timedelta(minutes=10)
    product_id = next(iter(account.products))
    for n in range(count):
        at = (end - timedelta(days=1) * (1 - n / max(count, 1))).astimezone(zone)
        stamp = at.strftime("%Y-%m-%d %H:%M:%S")
        order_id = account.next_id("incoming_order")
        line = IncomingOrderProduct(
            io_product_id=account.next_id("incoming_order_product"),
            product_id=product_id,
            incoming_order_id=order_id,
            created_at=stamp,
        )
        account.incoming_orders[order_id] = IncomingOrder(
            incoming_order_id=order_id,
            spot_id=1 + n % 2,
            status=1,
            phone="+380670000000",
            comment=f"history [ob:ord_history_{n}]",
            created_at=stamp,
            updated_at=stamp,
            products=[line],
            application_id=None,
        )
    PosterSandbox(world, state_file=state).save()


async def lookup_cost(poster_url: str, keys: int) -> dict[str, Any]:
    """``keys`` uncertain orders looked up at once by the connector (none is there: the
    whole window is read), and the same with the look-up this replaced — one
    ``getOwnIncomingOrders`` per order from three hours back — for comparison. CPU of
    this process (the hub's side: the calls and parsing the answers)."""
    connector = PosterConnector.from_settings(
        PosterSettings(
            account=DEMO_ACCOUNT,
            base_url=poster_url,
            token=SecretStr(DEMO_TOKEN),
            timeout_seconds=60,
        )
    )
    location = LocationBinding("loc_podil", "1", "UAH", "Europe/Kyiv")
    since = datetime.now(UTC) - timedelta(minutes=1)
    try:
        started = time.process_time()
        await asyncio.gather(
            *(
                connector.find_order(location=location, key=f"missing_{n}", since=since)
                for n in range(keys)
            )
        )
        bounded = time.process_time() - started
        stats = connector.order_lookup.stats
        started = time.process_time()
        read_before = 0
        date_from = (since - timedelta(hours=3)).astimezone(ZoneInfo("Europe/Kyiv"))
        for _ in range(keys):
            found = await connector.client.get_own_incoming_orders(
                date_from=date_from.strftime("%Y-%m-%d %H:%M:%S")
            )
            read_before += len(found)
        unbounded = time.process_time() - started
    finally:
        await connector.aclose()
    return {
        "keys": keys,
        "bounded_cpu_ms_per_order": round(bounded * 1000 / keys, 2),
        "bounded_calls": stats.pages,
        "bounded_orders_read": stats.orders_read,
        "unbounded_cpu_ms_per_order": round(unbounded * 1000 / keys, 2),
        "unbounded_calls": keys,
        "unbounded_orders_read": read_before,
    }


def run(history: int, args: argparse.Namespace) -> dict[str, Any]:
    """One kill-and-recover run with ``history`` orders already at the sandbox."""
    with tempfile.TemporaryDirectory(prefix="orderbridge-recovery-") as tmp:
        folder = Path(tmp)
        seed_history(folder / "poster-state.json", history)
        with demo_serve(folder) as (db_url, running):
            assert running.sandbox is not None
            lines = stack.menu_lines(running.hub_url)
            load_before = load_average()
            marks: dict[str, float] = {}

            def kill_and_restart() -> None:
                assert running.api is not None and running.sandbox is not None
                os.killpg(running.api.pid, signal.SIGKILL)
                running.api.wait()
                marks["sandbox_cpu"] = cpu_seconds(running.sandbox.pid)
                marks["killed"] = time.perf_counter()
                marks["killed_wall"] = time.time()
                running.start_api()
                assert running.api is not None
                marks["serve_cpu_up"] = cpu_seconds(running.api.pid)  # started, answering

            async def load() -> tuple[dict[str, float], list[float], int]:
                async def killer() -> None:
                    await asyncio.sleep(args.kill_after)
                    await asyncio.to_thread(kill_and_restart)

                posted, _ = await asyncio.gather(
                    steady_load(
                        [running.hub_url], lines, args.rate, args.seconds, retry_seconds=90
                    ),
                    killer(),
                )
                return posted

            sent, _latency, failures = asyncio.run(load())
            stack.wait_until_submitted(running, set(sent), timeout=180)
            recovered = time.perf_counter()
            assert running.api is not None
            serve_cpu = cpu_seconds(running.api.pid) - marks["serve_cpu_up"]
            sandbox_cpu = cpu_seconds(running.sandbox.pid) - marks["sandbox_cpu"]
            peak_rss = rss_mib(running.api.pid)
            markers = stack.pos_markers(running.poster_url)
            retaken = stack.db_rows(
                db_url,
                "SELECT count(*) FROM outbox_jobs WHERE kind = 'order.submit' "
                "AND total_attempts > 1",
            )[0][0]
            history_rows = stack.timelines(db_url)
            direct = asyncio.run(lookup_cost(running.poster_url, args.keys))
    submitted_after = 0
    found_again = 0
    for entries in history_rows.values():
        for at, _status, event in entries:
            if event == "order.submitted" and at.timestamp() >= marks["killed_wall"]:
                submitted_after += 1
            found_again += event == "pos.found"
    lost = [o for o in sent if markers[o] == 0]
    doubled = [o for o, n in markers.items() if n > 1 and not o.startswith("ord_history_")]
    orders = max(submitted_after, 1)
    return {
        "history": history,
        "load_average_before": load_before,
        "orders": len(sent),
        "post_failures": failures,
        "submitted_after_restart": submitted_after,
        "retaken_after_crash": retaken,
        "found_at_pos_by_lookup": found_again,
        "recovery_seconds": round(recovered - marks["killed"], 1),
        "serve_cpu_ms_per_order": round(serve_cpu * 1000 / orders, 2),
        "sandbox_cpu_ms_per_order": round(sandbox_cpu * 1000 / orders, 2),
        "serve_peak_rss_mib": peak_rss,
        "lost": len(lost),
        "doubled": len(doubled),
        "lookup": direct,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=50_000, help="orders already at Poster")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--kill-after", type=float, default=5.0)
    parser.add_argument("--keys", type=int, default=16, help="orders looked up at once")
    args = parser.parse_args()
    results = [run(0, args), run(args.history, args)]
    for r in results:
        print(
            f"history {r['history']:>6} (load {r['load_average_before']}): {r['orders']} orders, "
            f"{r['submitted_after_restart']} submitted after the restart, "
            f"{r['retaken_after_crash']} retaken (looked up, {r['found_at_pos_by_lookup']} found "
            f"there); recovered in "
            f"{r['recovery_seconds']} s; serve {r['serve_cpu_ms_per_order']} ms CPU/order, "
            f"sandbox {r['sandbox_cpu_ms_per_order']} ms; serve peak RSS "
            f"{r['serve_peak_rss_mib']} MiB; lost {r['lost']}, doubled {r['doubled']}"
        )
        look = r["lookup"]
        print(
            f"    look-up of {look['keys']} missing orders at once: "
            f"{look['bounded_cpu_ms_per_order']} ms CPU/order, {look['bounded_calls']} calls, "
            f"{look['bounded_orders_read']} orders read; the unbounded one it replaced: "
            f"{look['unbounded_cpu_ms_per_order']} ms CPU/order, {look['unbounded_calls']} "
            f"calls, {look['unbounded_orders_read']} orders read"
        )
    empty, full = results
    ratio = round(full["serve_cpu_ms_per_order"] / max(empty["serve_cpu_ms_per_order"], 1e-9), 2)
    print(json.dumps({"benchmark": "recovery", "runs": results, "serve_cpu_ratio": ratio}))


if __name__ == "__main__":
    main()

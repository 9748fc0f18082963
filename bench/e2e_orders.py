"""Benchmark: storefront order → created at the Poster sandbox, at a steady rate.

Real processes on 127.0.0.1: the Poster sandbox and ``orderbridge serve`` running the
API and a worker in one process (the demo's setup); or, with ``--workers N``,
``orderbridge serve --no-workers`` and N ``orderbridge worker`` processes; ``--apis M``
runs M API processes, posted to round-robin as a load balancer would. SQLite by
default; ``--database postgresql`` uses ``ORDERBRIDGE_TEST_POSTGRES_URL`` or starts a
throwaway cluster (as the tests do). Orders are posted to
``POST /api/v1/orders`` open-loop (order ``i`` leaves at ``t0 + i / rate``, whatever the
answers), then the run waits until every order is ``submitted``. The latency of an
order is from the moment its POST was sent to the ``order.submitted`` entry of its
timeline, which the worker writes once Poster has answered createIncomingOrder (same
machine, same clock). 0 lost: every 201'd order reached the sandbox, exactly once.
Runnable alone::

    uv run python bench/e2e_orders.py [--rate 100] [--seconds 60] [--workers 0]
        [--apis 1] [--database sqlite|postgresql] [--poll 0.2] [--concurrency N]
        [--profile FILE] [--acks-only] [--threads] [--loop-cpu FILE]

``--acks-only`` measures the acknowledgement capacity alone: ``serve --no-workers``
(a worker process imports the menus, then stops), the same open-loop POSTs, and no
submission: 201s per second, ack p50/p99 and ``serve``'s CPU per 201, and every
201'd order checked in the database (the queue absorbs the burst).

``--threads`` adds ``serve``'s CPU per order by thread: the event loop's (the main
thread) and the others' (placing's batches and the worker's transactions run on the
executor threads). ``--loop-cpu FILE`` profiles the loop thread's CPU with cProfile on
the thread's CPU clock over the same window (``bench/_profile.py``; it slows the loop,
so read shares from it and the loop's CPU per order from a ``--threads`` run) and prints
where the loop's CPU goes, per order.

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import _profile
from _load import LeanClient, fan_out, steady_load
from _root import cpu_seconds, postgres, stack, tree_cpu_seconds
from orderbridge.config import Settings
from orderbridge.storage.migrate import upgrade

__all__ = ["LeanClient", "database", "demo_serve", "hub_env", "steady_load"]

# The hub's default: the benchmarks measure `serve` as it ships.
DEFAULT_CONCURRENCY: int = Settings.model_fields["worker_concurrency"].default


def hub_env(*, poll: float, concurrency: int, pos_rate: float) -> dict[str, str]:
    """The hub's settings for the benchmarks: the defaults' lease and retry schedule
    (not the reliability tests' short ones), ``poll``, ``concurrency`` jobs at once and
    a POS call limit of ``pos_rate`` per second and worker."""
    return {
        "ORDERBRIDGE_LEASE_SECONDS": "30",
        "ORDERBRIDGE_POLL_INTERVAL_SECONDS": str(poll),
        "ORDERBRIDGE_WORKER_CONCURRENCY": str(concurrency),
        "ORDERBRIDGE_RETRY_BASE_SECONDS": "5",
        "ORDERBRIDGE_RETRY_CAP_SECONDS": "900",
        "ORDERBRIDGE_RETRY_MAX_ATTEMPTS": "12",
        "ORDERBRIDGE_POS_RATE_PER_SECOND": str(pos_rate),
        "ORDERBRIDGE_RATE_LIMIT_PER_SECOND": "0",  # one key posts every order
        "ORDERBRIDGE_POS_RATE_BURST": str(max(20, int(pos_rate))),
        "ORDERBRIDGE_BREAKER_COOLDOWN_SECONDS": "30",
    }


def submitted_latency(sent: dict[str, float], db_url: str) -> dict[str, float]:
    """Per order of ``sent``, seconds from its POST to its ``order.submitted`` entry
    (written once the POS answered the create); orders not submitted are left out."""
    latency: dict[str, float] = {}
    for order, entries in stack.timelines(db_url).items():
        if order not in sent:
            continue
        for at, _status, event in entries:
            if event == "order.submitted":
                latency[order] = at.timestamp() - sent[order]
                break
    return latency


@contextlib.contextmanager
def database(kind: str, folder: Path) -> Iterator[tuple[str, int | None]]:
    """A migrated, empty database of ``kind`` and, for a PostgreSQL cluster started
    here, its postmaster's pid; a PostgreSQL database is dropped at the end."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'orderbridge.db'}"
        upgrade(url)
        yield url, None
        return
    with (
        postgres.postgres_server() as (admin_url, cluster),
        postgres.fresh_database(admin_url, "orderbridge_e2e") as url,
    ):
        postmaster = None
        if cluster is not None:
            postmaster = int((cluster / "data" / "postmaster.pid").read_text().split()[0])
        yield url, postmaster


@contextlib.contextmanager
def demo_serve(folder: Path) -> Iterator[tuple[str, stack.Stack]]:
    """A migrated SQLite database, the Poster sandbox, and one ``orderbridge serve``
    running the API and a worker (the demo's setup) with the benchmarks' settings;
    the database URL and the running stack."""
    env = hub_env(poll=0.2, concurrency=DEFAULT_CONCURRENCY, pos_rate=1000.0)
    with (
        database("sqlite", folder) as (db_url, _postmaster),
        stack.hub_stack(
            db_url, folder, workers=0, api_worker=True, poster_timeout=10, **env
        ) as running,
    ):
        yield db_url, running


def acks_only(args: argparse.Namespace) -> None:
    """``--acks-only``: 201s per second from one ``serve --no-workers`` (see the module
    docstring); prints the figures, then one JSON object."""
    env = hub_env(poll=args.poll, concurrency=args.concurrency, pos_rate=args.pos_rate)
    load_before = os.getloadavg()[0]
    with (
        tempfile.TemporaryDirectory(prefix="orderbridge-bench-") as tmp,
        database(args.database, Path(tmp)) as (db_url, _postmaster),
        stack.hub_stack(db_url, Path(tmp), workers=1, poster_timeout=10, **env) as running,
    ):
        for worker in running.workers:  # it imported the menus; nothing is submitted now
            worker.terminate()
            worker.wait(timeout=30)
        lines = stack.menu_lines(running.hub_url)
        api = running.api
        assert api is not None
        cpu_before = cpu_seconds(api.pid)
        threads_before = _profile.thread_cpu(api.pid)
        spy = _profile.record(api.pid, args.profile, args.seconds) if args.profile else None
        load = fan_out(running.hub_url, lines, args.rate, args.seconds, args.senders)
        sent, post_latency, failures = load.sent, load.post_latency, load.failures
        posting = load.sender_wall
        cpu = cpu_seconds(api.pid) - cpu_before
        by_thread = _profile.thread_cpu_per_order(api.pid, threads_before, len(sent))
        if spy is not None:
            spy.wait(timeout=120)
        stored = stack.hub_statuses(db_url)
    missing = [order for order in sent if order not in stored]
    figures = {
        "benchmark": "e2e_orders_acks",
        "database": args.database,
        "rate_per_second": args.rate,
        "seconds": args.seconds,
        "load_average_before": round(load_before, 2),
        "orders_sent": int(args.rate * args.seconds),
        "acked": len(sent),
        "post_failures": failures,
        "acks_per_second": round(len(sent) / posting, 1),
        "post_p50_ms": ms(statistics.median(post_latency)) if post_latency else None,
        "post_p99_ms": ms(percentile(post_latency, 99)),
        "serve_cpu_ms_per_ack": round(cpu * 1000 / max(len(sent), 1), 3),
        "acked_missing_in_database": len(missing),
        "serve_cpu_ms_per_ack_by_thread": by_thread,
        "senders": args.senders,
        # Each sender's CPU per POST it sent, and the share of a core it used: a sender
        # near 1.0 could not keep up, and the figures above measure it, not serve.
        "sender_cpu_ms_per_post": round(
            sum(load.sender_cpu) * 1000 / max(len(sent) + failures, 1), 3
        ),
        "sender_core_share": [round(c / max(posting, 1e-9), 2) for c in load.sender_cpu],
        "load_average_after": round(os.getloadavg()[0], 2),
    }
    print(
        f"{len(sent)} of {figures['orders_sent']} POSTs answered 201 in {posting:.1f} s "
        f"({figures['acks_per_second']}/s), {failures} failures, load before {load_before:.2f}"
    )
    print(f"POST → 201: p50 {figures['post_p50_ms']} ms, p99 {figures['post_p99_ms']} ms")
    print(
        f"serve CPU per 201: {figures['serve_cpu_ms_per_ack']} ms ({by_thread}); "
        f"missing {len(missing)}"
    )
    print(
        f"{args.senders} sender(s): {figures['sender_cpu_ms_per_post']} ms CPU per POST, "
        f"share of a core each {figures['sender_core_share']}"
    )
    print_profile(args.profile)
    print(json.dumps(figures))


def print_profile(raw: Path | None) -> None:
    """The py-spy profile's shares per function, if one was recorded."""
    if raw is None:
        return
    samples, ranked = _profile.summary(raw)
    print(f"py-spy: {samples} samples of the API process; share self / total:")
    for name, own, total in ranked:
        print(f"  {own:6.1%} {total:6.1%}  {name}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def ms(value: float) -> float:
    return round(value * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="orders per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to post")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="separate orderbridge worker processes (0: the worker runs inside serve)",
    )
    parser.add_argument("--apis", type=int, default=1, help="API processes (orderbridge serve)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--poll", type=float, default=0.2, help="worker poll interval, s")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help="jobs per worker at once (default: the hub's)",
    )
    parser.add_argument(
        "--pos-rate", type=float, default=1000.0, help="per-worker POS call limit per second"
    )
    parser.add_argument(
        "--profile", type=Path, help="sample the (first) API process with py-spy into this file"
    )
    parser.add_argument(
        "--acks-only",
        action="store_true",
        help="serve --no-workers: the 201 capacity alone, nothing submitted",
    )
    parser.add_argument(
        "--senders",
        type=int,
        default=1,
        help="--acks-only: sender processes sharing the load (bench/_load.py)",
    )
    parser.add_argument(
        "--threads", action="store_true", help="serve's CPU per order: loop thread, the rest"
    )
    parser.add_argument(
        "--loop-cpu", type=Path, help="CPU-clock cProfile of serve's event-loop thread, to FILE"
    )
    args = parser.parse_args()
    if args.loop_cpu:
        args.loop_cpu = args.loop_cpu.resolve()
        args.loop_cpu.unlink(missing_ok=True)
        toggles = str(Path(__file__).resolve().parent / "_toggles")
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (toggles, os.environ.get("PYTHONPATH")) if p
        )
        os.environ[_profile.LOOP_CPU_ENV] = str(args.loop_cpu)
    if args.acks_only:
        acks_only(args)
        return

    env = hub_env(poll=args.poll, concurrency=args.concurrency, pos_rate=args.pos_rate)
    with (
        tempfile.TemporaryDirectory(prefix="orderbridge-bench-") as tmp,
        database(args.database, Path(tmp)) as (db_url, postmaster),
    ):
        folder = Path(tmp)
        with stack.hub_stack(
            db_url,
            folder,
            workers=args.workers,
            api_worker=args.workers == 0,
            poster_timeout=10,
            **env,
        ) as running:
            hub_urls = [running.hub_url]
            hub_urls += [running.start_extra_api() for _ in range(args.apis - 1)]
            lines = stack.menu_lines(running.hub_url)
            print(
                f"hub {', '.join(hub_urls)}, sandbox {running.poster_url}, "
                f"{args.workers or 'in-process'} worker(s), "
                f"poll {args.poll} s, concurrency {args.concurrency}, {args.database}"
            )
            processes = {"api": running.api, "sandbox": running.sandbox}
            processes.update({f"api{i}": p for i, p in enumerate(running.extra_apis, 2)})
            processes.update({f"worker{i}": w for i, w in enumerate(running.workers, 1)})
            cpu_before = {name: cpu_seconds(p.pid) for name, p in processes.items() if p}
            pg_before = tree_cpu_seconds(postmaster) if postmaster else 0.0
            spy = (
                _profile.record(running.api.pid, args.profile, args.seconds)
                if (args.profile and running.api)
                else None
            )
            api_pid = running.api.pid if running.api else 0
            threads_before = _profile.thread_cpu(api_pid) if api_pid else {}
            if args.loop_cpu and api_pid:
                os.kill(api_pid, signal.SIGUSR1)
            began = time.perf_counter()
            load_cpu = time.process_time()
            sent, post_latency, failures = asyncio.run(
                steady_load(hub_urls, lines, args.rate, args.seconds)
            )
            posting = time.perf_counter() - began
            cpu_load = time.process_time() - load_cpu
            if spy is not None:
                spy.wait(timeout=120)
            statuses = stack.wait_until_submitted(running, set(sent), timeout=120)
            drained = time.perf_counter() - began
            if args.loop_cpu and api_pid:
                os.kill(api_pid, signal.SIGUSR2)
            by_thread = (
                _profile.thread_cpu_per_order(api_pid, threads_before, len(sent))
                if api_pid and (args.threads or args.loop_cpu)
                else None
            )
            cpu = {
                name: cpu_seconds(p.pid) - cpu_before[name] for name, p in processes.items() if p
            }
            cpu["load generator"] = cpu_load
            if postmaster:
                cpu["postgresql"] = tree_cpu_seconds(postmaster) - pg_before
            if args.loop_cpu:
                wait_for_file(args.loop_cpu)
            markers = stack.pos_markers(running.poster_url)
            submitted = submitted_latency(sent, db_url)

    latency = [submitted[o] for o in sent]
    lost = [o for o in sent if statuses.get(o) not in stack.PAST_RECEIVED or markers[o] == 0]
    doubled = [o for o, n in markers.items() if n > 1]
    figures = {
        "benchmark": "e2e_orders",
        "database": args.database,
        "api_processes": args.apis,
        "rate_per_second": args.rate,
        "seconds": args.seconds,
        "workers": args.workers,
        "poll_interval_seconds": args.poll,
        "worker_concurrency": args.concurrency,
        "orders_sent": int(args.rate * args.seconds),
        "orders_created": len(sent),
        "post_failures": failures,
        "posting_seconds": round(posting, 1),
        "achieved_rate": round(len(sent) / posting, 1),
        "drained_seconds": round(drained, 1),
        "post_p50_ms": ms(statistics.median(post_latency)),
        "post_p99_ms": ms(percentile(post_latency, 99)),
        "pos_p50_ms": ms(statistics.median(latency)),
        "pos_p90_ms": ms(percentile(latency, 90)),
        "pos_p99_ms": ms(percentile(latency, 99)),
        "pos_max_ms": ms(max(latency)),
        "lost": len(lost),
        "duplicated_at_pos": len(doubled),
        "goal_p99_under_250ms": percentile(latency, 99) < 0.25,
        # CPU time each process spent from the first POST until every order was
        # submitted, per 201'd order (idle polling included).
        "cpu_ms_per_order": {
            name: round(seconds * 1000 / max(len(sent), 1), 2) for name, seconds in cpu.items()
        },
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if by_thread is not None:
        figures["api_cpu_ms_per_order_by_thread"] = by_thread
    print(
        f"{figures['orders_created']} orders in {posting:.1f} s "
        f"({figures['achieved_rate']}/s), all submitted after {drained:.1f} s"
    )
    print(f"POST → 201:        p50 {figures['post_p50_ms']} ms, p99 {figures['post_p99_ms']} ms")
    print(
        f"POST → at the POS: p50 {figures['pos_p50_ms']} ms, p90 {figures['pos_p90_ms']} ms, "
        f"p99 {figures['pos_p99_ms']} ms, max {figures['pos_max_ms']} ms"
    )
    print(f"lost {len(lost)}, duplicated at the POS {len(doubled)}, POST failures {failures}")
    print(
        "CPU per order: "
        + ", ".join(f"{name} {value} ms" for name, value in figures["cpu_ms_per_order"].items())
    )
    if by_thread is not None:
        print(f"serve CPU per order by thread: {by_thread}")
    print_profile(args.profile)
    if args.loop_cpu:
        print("\n".join(_profile.loop_cpu_summary(args.loop_cpu, len(sent))))
    print(json.dumps(figures))


def wait_for_file(path: Path, timeout: float = 30.0) -> None:
    """Until ``path`` exists and has stopped growing (the hub writes it on SIGUSR2)."""
    deadline = time.monotonic() + timeout
    size = -1
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size == size > 0:
            return
        size = path.stat().st_size if path.exists() else -1
        time.sleep(0.2)
    raise TimeoutError(f"the loop's profile was not written to {path}")


if __name__ == "__main__":
    main()

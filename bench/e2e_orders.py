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
from typing import Any

import httpx

import _profile
from _root import cpu_seconds, postgres, stack, tree_cpu_seconds
from orderbridge.config import Settings
from orderbridge.storage.migrate import upgrade

# The hub's default: the benchmarks measure `serve` as it ships.
DEFAULT_CONCURRENCY: int = Settings.model_fields["worker_concurrency"].default


class LeanClient:
    """HTTP/1.1 POSTs over reused keep-alive connections on asyncio streams.

    httpx costs ~2 ms of CPU per request, which at 100/s is a fifth of a core taken
    from the servers under test on this two-core machine; this costs a tenth of that.
    A connection is taken from the idle pool (or opened) per request and given back
    once its answer is read, so requests never queue behind each other.
    """

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parsed = httpx.URL(url)
        self.host, self.port = parsed.host, parsed.port or 80
        self.head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.head}{extra}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        while self.idle:
            # The server closes keep-alive connections idle for a few seconds; a request
            # sent on one just closed gets no answer at all and goes again on the next
            # (as httpx does; the Idempotency-Key makes a repeat harmless anyway).
            reader, writer = self.idle.pop()
            with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
                return await self._exchange(reader, writer, request)
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return await self._exchange(reader, writer, request)

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
    ) -> tuple[int, bytes]:
        writer.write(request)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            length = 0
            for line in lines[1:]:
                if line[:15].lower() == "content-length:":
                    length = int(line[15:])
            payload = await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        self.idle.append((reader, writer))
        return int(lines[0].split(" ")[1]), payload

    def close(self) -> None:
        for _reader, writer in self.idle:
            writer.close()


async def steady_load(
    hub_urls: list[str],
    lines: dict[str, Any],
    rate: float,
    seconds: float,
    *,
    retry_seconds: float = 0.0,
    acked: dict[str, float] | None = None,
    tag: str = "bench",
    lag: list[float] | None = None,
) -> tuple[dict[str, float], list[float], int]:
    """POST ``rate * seconds`` orders open-loop, round-robin over ``hub_urls`` (as a
    load balancer would); (order id → send time, POST latencies, failures).

    With ``retry_seconds`` a POST that fails (no answer, or a 5xx) is sent again with
    the same Idempotency-Key every 0.2 s for that long, as a storefront would while
    the server restarts; its latency counts from the first send. ``acked`` collects
    each acknowledged order's POST latency by its id. ``tag`` starts every channel
    order id (a warm-up posts under another tag, so its ids never meet the run's).
    ``lag`` collects how late each POST left against its schedule (whether the load
    generator kept up).
    """
    total = int(rate * seconds)
    sent: dict[str, float] = {}
    post_latency: list[float] = []
    failures = 0
    clients = [LeanClient(url, stack.auth()) for url in hub_urls]

    async def one(n: int) -> None:
        nonlocal failures
        body = json.dumps(stack.order_body(n, lines, tag)).encode()
        started_wall = time.time()
        started = time.perf_counter()
        if lag is not None:
            lag.append(started - (t0 + n / rate))
        give_up = started + retry_seconds
        while True:
            try:
                status, answer = await asyncio.wait_for(
                    clients[n % len(clients)].post(
                        "/api/v1/orders", body, {"idempotency-key": f"{tag}-{n}"}
                    ),
                    60,
                )
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                status, answer = 0, f"{type(exc).__name__} {exc}".encode()
            # A repeat of a POST that was stored answers 200 with the same order.
            if status == 201 or (status == 200 and give_up > started):
                break
            if 0 < status < 500 or time.perf_counter() > give_up:
                failures += 1
                print(f"POST {n} answered {status or 'nothing'}: {answer[:300]!r}")
                return
            await asyncio.sleep(0.2)
        post_latency.append(time.perf_counter() - started)
        order_id = json.loads(answer)["id"]
        sent[order_id] = started_wall
        if acked is not None:
            acked[order_id] = post_latency[-1]

    t0 = time.perf_counter()
    tasks = []
    for n in range(total):
        delay = t0 + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    for client in clients:
        client.close()
    return sent, post_latency, failures


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
        spy = _profile.record(api.pid, args.profile, args.seconds) if args.profile else None
        began = time.perf_counter()
        sent, post_latency, failures = asyncio.run(
            steady_load([running.hub_url], lines, args.rate, args.seconds)
        )
        posting = time.perf_counter() - began
        cpu = cpu_seconds(api.pid) - cpu_before
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
    }
    print(
        f"{len(sent)} of {figures['orders_sent']} POSTs answered 201 in {posting:.1f} s "
        f"({figures['acks_per_second']}/s), {failures} failures, load before {load_before:.2f}"
    )
    print(f"POST → 201: p50 {figures['post_p50_ms']} ms, p99 {figures['post_p99_ms']} ms")
    print(f"serve CPU per 201: {figures['serve_cpu_ms_per_ack']} ms; missing {len(missing)}")
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

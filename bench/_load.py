"""The benchmarks' load generator: storefront orders POSTed open-loop at a steady rate.

Order ``n`` leaves at ``t0 + n / rate`` whatever the answers (open loop: a slow server
meets a growing queue, as it would from real storefronts). Each order's body and
request bytes are built before ``t0``, so the sending itself is only the exchange.

One sender is one process's event loop. At a few hundred orders per second that is
plenty; at thousands, one Python process cannot send and read as fast as ``serve``
answers (round 7: ~0.5 ms of the sender's CPU per POST, the same as ``serve``'s per
201), and a bench would measure its own sender. :func:`fan_out` splits the orders
over several sender processes (order ``n`` goes from sender ``n % senders``, at the
same time as it would from one) and reports their CPU, so a run can show that the
senders kept up: each sender's CPU must stay well under one core.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from _root import stack


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

    def request(self, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        """The whole request's bytes (built ahead of the run by :func:`steady_load`)."""
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        return (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.head}{extra}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        return await self.send(self.request(path, body, headers))

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """``request``'s status and body, on an idle connection or a new one."""
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
    share: tuple[int, int] = (0, 1),
    start_at: float | None = None,
    lag: list[float] | None = None,
) -> tuple[dict[str, float], list[float], int]:
    """POST ``rate * seconds`` orders open-loop, round-robin over ``hub_urls`` (as a
    load balancer would); (order id → send time, POST latencies, failures).

    With ``retry_seconds`` a POST that fails (no answer, or a 5xx) is sent again with
    the same Idempotency-Key every 0.2 s for that long, as a storefront would while
    the server restarts; its latency counts from the first send. ``acked`` collects
    each acknowledged order's POST latency by its id. ``tag`` starts every channel
    order id (a warm-up posts under another tag, so its ids never meet the run's).
    ``share`` ``(k, senders)`` sends only the orders ``n`` with ``n % senders == k``
    (:func:`fan_out`); ``start_at`` is ``t0`` on the wall clock (default: now).
    ``lag`` collects how late each POST left against its schedule (whether the load
    generator kept up).
    """
    total = int(rate * seconds)
    sent: dict[str, float] = {}
    post_latency: list[float] = []
    failures = 0
    clients = [LeanClient(url, stack.auth()) for url in hub_urls]
    mine, senders = share
    requests = {
        n: clients[n % len(clients)].request(
            "/api/v1/orders",
            json.dumps(stack.order_body(n, lines, tag)).encode(),
            {"idempotency-key": f"{tag}-{n}"},
        )
        for n in range(mine, total, senders)
    }

    async def one(n: int) -> None:
        nonlocal failures
        started_wall = time.time()
        started = time.perf_counter()
        if lag is not None:
            lag.append(started - (t0 + n / rate))
        give_up = started + retry_seconds
        while True:
            try:
                status, answer = await asyncio.wait_for(
                    clients[n % len(clients)].send(requests[n]), 60
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

    t0 = time.perf_counter() + (0.0 if start_at is None else max(0.0, start_at - time.time()))
    tasks = []
    for n in requests:
        delay = t0 + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    for client in clients:
        client.close()
    return sent, post_latency, failures


@dataclass
class Sent:
    """What :func:`fan_out`'s senders did, together."""

    sent: dict[str, float] = field(default_factory=dict)
    post_latency: list[float] = field(default_factory=list)
    failures: int = 0
    sender_cpu: list[float] = field(default_factory=list)  # seconds, per sender, sending only
    sender_wall: float = 0.0  # seconds the longest sender was sending
    lag: list[float] = field(default_factory=list)  # seconds each POST left late


def _sender(
    url: str,
    lines: dict[str, Any],
    rate: float,
    seconds: float,
    share: tuple[int, int],
    start_at: float,
    tag: str,
    out: Any,
) -> None:
    # Building the requests (before ``start_at``) is not sending: the CPU counts from
    # the first moment the loop runs at or after ``start_at`` (the building is done
    # before steady_load's first await).
    began: list[tuple[float, float]] = []
    lag: list[float] = []

    async def run() -> tuple[dict[str, float], list[float], int]:
        asyncio.get_running_loop().call_later(
            max(0.0, start_at - time.time()),
            lambda: began.append((time.process_time(), time.time())),
        )
        return await steady_load(
            [url], lines, rate, seconds, tag=tag, share=share, start_at=start_at, lag=lag
        )

    with contextlib.suppress(ImportError):  # the hub's own loop, if installed: cheaper
        import uvloop

        uvloop.install()
    result = asyncio.run(run())
    cpu, wall = began[0]
    out.send((*result, time.process_time() - cpu, time.time() - wall, lag))
    out.close()


def fan_out(
    url: str,
    lines: dict[str, Any],
    rate: float,
    seconds: float,
    senders: int,
    *,
    tag: str = "bench",
) -> Sent:
    """The orders of :func:`steady_load` (one URL, channel order ids starting with
    ``tag``), sent by ``senders`` processes that start together; their answers, how
    late each left, and each sender's CPU while it sent."""
    context = multiprocessing.get_context("fork")
    start_at = time.time() + 1.0 + 0.00002 * rate * seconds  # time to build the requests
    pipes, processes = [], []
    for k in range(senders):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_sender, args=(url, lines, rate, seconds, (k, senders), start_at, tag, send)
        )
        process.start()
        send.close()
        pipes.append(receive)
        processes.append(process)
    together = Sent()
    for receive, process in zip(pipes, processes, strict=True):
        sent, latency, failures, cpu, wall, lag = receive.recv()
        process.join()
        together.sent.update(sent)
        together.post_latency += latency
        together.failures += failures
        together.sender_cpu.append(cpu)
        together.sender_wall = max(together.sender_wall, wall)
        together.lag += lag
    return together

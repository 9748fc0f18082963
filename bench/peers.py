"""Benchmark: ``orderbridge serve`` side by side with Node-RED's synchronous forward.

Node-RED is what a small restaurant or an integrator would reach for instead: an
HTTP-in node, a function that maps the order, an HTTP request to the POS, and the
POS's answer sent back. This benchmark installs Node-RED 4 with npm into a temporary
folder (``node-red@4``, run with the machine's Node 20), starts that flow against a
Poster sandbox of its own, and sends it the same open-loop load as ``orderbridge
serve`` (the demo's one-process setup: SQLite, the API and a worker, default lease and
retry schedule) with a Poster sandbox of its own — one rate after the other, both
peers in the same run, everything on 127.0.0.1.

Per rate and peer: ack (POST → answer) p99, at-POS p99 (orderbridge: POST → the
order's ``order.submitted`` entry, written once Poster answered the create; Node-RED
answers only after Poster did, so its at-POS time is at most its ack time and is
counted as that), CPU per order of each process (from ``/proc``), peak RSS. A rate is
*held* when every POST was acknowledged, ack p99 < 250 ms, every acknowledged order
reached the POS exactly once within 5 s, and at-POS p99 < 250 ms. Each peer's sweep
stops at its first rate not held (``--all-rates`` goes on). Then a kill test per peer
at ``--kill-rate``: ``kill -9`` after ``--kill-after`` seconds, started again at once,
the load generator sending each unanswered POST again (same Idempotency-Key) as a
storefront would; afterwards, acknowledged orders missing at the POS (*lost*) and
orders there twice (*doubled*).

Between the sweep and the kill tests, the acknowledgement phase (``--no-acks`` skips
it) measures the issue's other goal: the hub's 201 capacity against five times the
rate Node-RED held. Per rate of ``--ack-rates`` (``--ack-seconds`` each) a fresh
``serve`` started as in the sweep — its worker running, as shipped: the queue absorbs
the burst while the worker forwards, and the worker's CPU competes with the 201s —
gets open-loop POSTs from several sender processes (``bench/_load.py``); every 201'd
order is looked up in the database, and the run waits for the worker to catch up and
counts lost and doubled orders at the POS. The rule for a rate acknowledged in full
and the sweep's stop is ``bench/_ack_rule.py``'s. Runnable alone::

    uv run python bench/peers.py [--rates 50 100 200 400 800] [--seconds 20]
        [--warm-up 3] [--kill-rate 100] [--kill-after 10] [--node-red-dir DIR] [--all-rates]
        [--ack-rates 500 1000 2000 4000 8000] [--ack-seconds 5] [--ack-senders N]
        [--no-kill | --no-sweep | --no-acks]

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import _ack_rule
import _load
from _nodered import NodeRed, install_node_red
from _peer import DRAIN_SECONDS, Peer, load_average, rss_mib, warm_up
from _root import cpu_seconds, stack
from e2e_orders import demo_serve, ms, percentile, steady_load, submitted_latency

HELD_P99 = 0.25  # seconds: ack p99 and at-POS p99
HELD_MAX = 5.0  # seconds: every acknowledged order at the POS within this
# After a kill nothing is judged before everything drained (lost means never arrives):
# this is only the safety net of a peer that never catches up.
KILL_DRAIN_SECONDS = 900.0
# The acknowledgement phase's backlog (up to rate × seconds orders) drains at the
# worker's forward rate, a few hundred a second: this bounds the wait for it.
ACK_DRAIN_SECONDS = 180.0


def load_phase(
    peer: Peer,
    lines: dict[str, Any],
    rate: float,
    seconds: float,
    *,
    kill_after: float | None = None,
    warm_up_seconds: float = 0.0,
) -> dict[str, Any]:
    """Post the load at ``peer`` (killing and restarting it after ``kill_after`` s),
    wait until every acknowledged order is at the POS or the drain time is over.

    Idle RSS is read as the peer started, before :func:`warm_up`."""
    idle_rss = {name: rss_mib(pid, "VmRSS") for name, pid in peer.processes.items()}
    warm_up(peer, lines, warm_up_seconds)
    load_before = load_average()
    cpu_before = {name: cpu_seconds(pid) for name, pid in peer.processes.items()}

    acked: dict[str, float] = {}
    pids = dict(peer.processes)

    async def run() -> tuple[dict[str, float], list[float], int]:
        retry = 60.0 if kill_after else 0.0
        load = steady_load([peer.url], lines, rate, seconds, retry_seconds=retry, acked=acked)
        if kill_after is None:
            return await load

        async def killer() -> None:
            await asyncio.sleep(kill_after)
            await asyncio.to_thread(peer.restart)

        results = await asyncio.gather(load, killer())
        return results[0]

    began = time.perf_counter()
    sent, post_latency, failures = asyncio.run(run())
    posted = time.perf_counter()
    sent_at_end = time.time()
    latency: dict[str, float] = {}
    while True:
        latency = peer.at_pos(sent, acked)
        drain = KILL_DRAIN_SECONDS if kill_after else DRAIN_SECONDS
        if len(latency) == len(sent) or time.time() > sent_at_end + drain:
            break
        time.sleep(0.25)
    drained = time.perf_counter()
    # A process killed and started again is not measured (its first life's CPU is gone).
    same = {name: pid for name, pid in peer.processes.items() if pids[name] == pid}
    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in same.items()}
    peak_rss = {name: rss_mib(pid) for name, pid in same.items()}
    markers = stack.pos_markers(peer.poster_url)
    at_pos = list(latency.values())
    ack_p99 = percentile(post_latency, 99)
    pos_p99 = percentile(at_pos, 99) if at_pos else float("inf")
    # An order not at the POS yet when the drain time ran out is late, not lost: only a
    # run that drained can say what was lost.
    drained_all = len(latency) == len(sent)
    lost = [o for o in sent if markers[o] == 0] if drained_all else []
    doubled = [o for o, n in markers.items() if n > 1]
    late = len(sent) - len(at_pos)
    held = (
        failures == 0
        and late == 0
        and not lost
        and not doubled
        and ack_p99 < HELD_P99
        and pos_p99 < HELD_P99
        and max(at_pos, default=0.0) < HELD_MAX
    )
    return {
        "rate": rate,
        "load_average_before": load_before,
        "orders_sent": int(rate * seconds),
        "acknowledged": len(sent),
        "failures": failures,
        "achieved_rate": round(len(sent) / max(posted - began, 1e-9), 1),
        "ack_p50_ms": ms(percentile(post_latency, 50)),
        "ack_p99_ms": ms(ack_p99),
        "at_pos_p50_ms": ms(percentile(at_pos, 50)) if at_pos else None,
        "at_pos_p99_ms": ms(pos_p99) if at_pos else None,
        "at_pos_max_ms": ms(max(at_pos)) if at_pos else None,
        "not_at_pos_after_drain": late,
        "drain_seconds": round(drained - posted, 1),
        "lost": len(lost) if drained_all else None,
        "doubled": len(doubled),
        "cpu_ms_per_order": {n: round(s * 1000 / max(len(sent), 1), 2) for n, s in cpu.items()},
        "idle_rss_mib": idle_rss,
        "peak_rss_mib": peak_rss,
        "held": held,
    }


def ack_phase(
    peer: Peer,
    lines: dict[str, Any],
    rate: float,
    seconds: float,
    *,
    senders: int,
    warm_up_seconds: float = 0.0,
) -> dict[str, Any]:
    """Post ``rate`` orders a second for ``seconds`` at ``peer`` from ``senders``
    processes; its 201s, their CPU, every 201'd order looked up where the peer stores
    it, then the wait until the worker has forwarded them all (see the module docstring).
    """
    warm_up(peer, lines, warm_up_seconds)
    load_before = load_average()
    serve = peer.processes["serve"]
    cpu_before = cpu_seconds(serve)
    posted = _load.fan_out(peer.url, lines, rate, seconds, senders, tag=f"ack{rate:.0f}")
    answered = time.time()
    cpu = cpu_seconds(serve) - cpu_before
    load_after = load_average()
    stored = peer.stored()
    missing = sum(1 for order in posted.sent if order not in stored)
    while True:
        arrived = peer.at_pos(posted.sent, {})
        caught_up = len(arrived) == len(posted.sent)
        if caught_up or time.time() > answered + ACK_DRAIN_SECONDS:
            break
        time.sleep(1.0)  # reading every timeline is work the worker competes with
    markers = stack.pos_markers(peer.poster_url)
    acked = len(posted.sent)
    phase: dict[str, Any] = {
        "rate": rate,
        "seconds": seconds,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "orders_sent": int(rate / senders * seconds) * senders,
        "acknowledged": acked,
        "failures": posted.failures,
        "acks_per_second": round(acked / max(posted.sender_wall, 1e-9), 1),
        "ack_p50_ms": ms(percentile(posted.post_latency, 50)),
        "ack_p99_ms": ms(percentile(posted.post_latency, 99)),
        "serve_cpu_ms_per_201": round(cpu * 1000 / max(acked, 1), 3),
        "missing_in_database": missing,
        "senders": senders,
        "sender_lag_p99_ms": ms(percentile(posted.lag, 99)) if posted.lag else None,
        "sender_lag_max_ms": ms(max(posted.lag)) if posted.lag else None,
        "sender_cpu_share": [
            round(c / max(posted.sender_wall, 1e-9), 2) for c in posted.sender_cpu
        ],
        "caught_up_seconds": round(time.time() - answered, 1) if caught_up else None,
        "lost": sum(1 for o in posted.sent if markers[o] == 0) if caught_up else None,
        "doubled": sum(1 for n in markers.values() if n > 1),
    }
    phase["sender_kept_up"] = _ack_rule.sender_kept_up(phase)
    phase["held"] = _ack_rule.ack_held(phase)
    return phase


def show_acks(phase: dict[str, Any]) -> None:
    print(
        f"{'acks':>11} {phase['rate']:>5.0f}/s (load {phase['load_average_before']} → "
        f"{phase['load_average_after']}): {phase['acknowledged']}/{phase['orders_sent']} "
        f"201s ({phase['acks_per_second']}/s), {phase['failures']} failures, ack p50 "
        f"{phase['ack_p50_ms']} / p99 {phase['ack_p99_ms']} ms, serve CPU per 201 "
        f"{phase['serve_cpu_ms_per_201']} ms, missing in the database "
        f"{phase['missing_in_database']}; {phase['senders']} sender(s), lag p99 "
        f"{phase['sender_lag_p99_ms']} ms, CPU share {phase['sender_cpu_share']} → "
        f"{'generator kept up' if phase['sender_kept_up'] else 'GENERATOR LATE'}; "
        f"worker caught up after {phase['caught_up_seconds']} s, lost {phase['lost']}, "
        f"doubled {phase['doubled']} → {'in full' if phase['held'] else 'NOT in full'}",
        flush=True,
    )


@contextlib.contextmanager
def orderbridge_peer(folder: Path) -> Iterator[tuple[Peer, dict[str, Any]]]:
    """``orderbridge serve`` (API + worker, SQLite) and its Poster sandbox; the peer and
    the menu's order lines."""
    with demo_serve(folder) as (db_url, running):
        assert running.api is not None and running.sandbox is not None

        def at_pos(sent: dict[str, float], _acked: dict[str, float]) -> dict[str, float]:
            return submitted_latency(sent, db_url)

        def restart() -> None:
            assert running.api is not None
            os.killpg(running.api.pid, signal.SIGKILL)
            running.api.wait()
            running.start_api()
            peer.processes["serve"] = running.api.pid

        peer = Peer(
            url=running.hub_url,
            poster_url=running.poster_url,
            processes={"serve": running.api.pid, "sandbox": running.sandbox.pid},
            at_pos=at_pos,
            restart=restart,
            stored=lambda: stack.hub_statuses(db_url).keys(),
        )
        yield peer, stack.menu_lines(running.hub_url)


@contextlib.contextmanager
def node_red_peer(red: Path, folder: Path) -> Iterator[Peer]:
    """Node-RED running the flow and a Poster sandbox of its own (no webhooks)."""
    sandbox = stack.Stack(db_url="", folder=folder, env={}, sandbox_webhooks=False)
    node = NodeRed(red, folder / "node-red", sandbox.poster_url)
    try:
        sandbox.start_sandbox()
        node.start()
        assert sandbox.sandbox is not None and node.process is not None

        def at_pos(sent: dict[str, float], acked: dict[str, float]) -> dict[str, float]:
            # Answered only after Poster created the order: at the POS by the answer.
            return {order: acked[order] for order in sent if order in acked}

        def restart() -> None:
            node.kill()
            node.start()
            assert node.process is not None
            peer.processes["node-red"] = node.process.pid

        peer = Peer(
            url=node.url,
            poster_url=sandbox.poster_url,
            processes={"node-red": node.process.pid, "sandbox": sandbox.sandbox.pid},
            at_pos=at_pos,
            restart=restart,
        )
        yield peer
    finally:
        node.stop()
        sandbox.close()


def held_rate(phases: list[dict[str, Any]]) -> float:
    """The highest rate held, counting only rates held from the lowest one up."""
    best = 0.0
    for phase in sorted(phases, key=lambda p: p["rate"]):
        if not phase["held"]:
            break
        best = phase["rate"]
    return best


def show(peer: str, phase: dict[str, Any]) -> None:
    cpu = ", ".join(f"{n} {v} ms" for n, v in phase["cpu_ms_per_order"].items())
    rss = ", ".join(f"{n} {v} MiB" for n, v in phase["peak_rss_mib"].items())
    print(
        f"{peer:>11} {phase['rate']:>5.0f}/s (load {phase['load_average_before']}): "
        f"{phase['acknowledged']}/{phase['orders_sent']} acked, ack p99 {phase['ack_p99_ms']} ms, "
        f"at POS p99 {phase['at_pos_p99_ms']} ms (max {phase['at_pos_max_ms']}, "
        f"{phase['not_at_pos_after_drain']} not there), lost {phase['lost']}, doubled "
        f"{phase['doubled']}; CPU/order {cpu}; peak RSS {rss} → "
        f"{'held' if phase['held'] else 'NOT held'}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[50, 100, 200, 400, 800])
    parser.add_argument("--seconds", type=float, default=20.0, help="posting time per rate")
    parser.add_argument(
        "--warm-up", type=float, default=3.0, help="seconds of 20/s before each phase (0: none)"
    )
    parser.add_argument("--kill-rate", type=float, default=100.0)
    parser.add_argument("--kill-after", type=float, default=10.0, help="kill -9 after, s")
    parser.add_argument("--node-red-dir", type=Path, help="reuse this npm folder (else a temp one)")
    parser.add_argument("--all-rates", action="store_true", help="go on past a rate not held")
    parser.add_argument("--no-kill", action="store_true", help="skip the kill tests")
    parser.add_argument("--no-sweep", action="store_true", help="no rate sweep")
    parser.add_argument("--no-acks", action="store_true", help="skip the acknowledgement phase")
    parser.add_argument(
        "--ack-rates", type=float, nargs="+", default=[500.0, 1000.0, 2000.0, 4000.0, 8000.0]
    )
    parser.add_argument("--ack-seconds", type=float, default=5.0, help="posting time per rate")
    parser.add_argument(
        "--ack-senders",
        type=int,
        default=0,
        help="sender processes (0: one per 1,000/s, at least 2)",
    )
    args = parser.parse_args()
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise SystemExit("peers.py needs node (20) and npm on PATH")

    phases: dict[str, list[dict[str, Any]]] = {"orderbridge": [], "node_red": []}
    kills: dict[str, dict[str, Any]] = {}
    acks: list[dict[str, Any]] = []
    print(f"load average at start: {os.getloadavg()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="orderbridge-peers-") as tmp:
        folder = Path(tmp)
        red = install_node_red(args.node_red_dir or folder / "npm")
        lines: dict[str, Any] | None = None
        going = {"orderbridge": True, "node_red": True}
        warm = args.warm_up

        def hub(rate: float, kill_after: float | None = None) -> dict[str, Any]:
            nonlocal lines
            where = Path(tempfile.mkdtemp(dir=folder, prefix="hub-"))
            with orderbridge_peer(where) as (peer, menu_lines):
                lines = menu_lines
                return load_phase(
                    peer, lines, rate, args.seconds, kill_after=kill_after, warm_up_seconds=warm
                )

        def node(rate: float, kill_after: float | None = None) -> dict[str, Any]:
            assert lines is not None
            where = Path(tempfile.mkdtemp(dir=folder, prefix="node-red-"))
            with node_red_peer(red, where) as peer:
                return load_phase(
                    peer, lines, rate, args.seconds, kill_after=kill_after, warm_up_seconds=warm
                )

        # Peers alternate rate by rate, so a change in the machine's load hits both.
        for rate in [] if args.no_sweep else sorted(args.rates):
            for name, run in (("orderbridge", hub), ("node_red", node)):
                if not going[name] and not args.all_rates:
                    continue
                if lines is None and name == "node_red":
                    hub_lines_only = Path(tempfile.mkdtemp(dir=folder, prefix="menu-"))
                    with orderbridge_peer(hub_lines_only) as (_peer, menu_lines):
                        lines = menu_lines
                phase = run(rate)
                phases[name].append(phase)
                show(name, phase)
                going[name] = going[name] and phase["held"]
        for rate in [] if args.no_acks else sorted(args.ack_rates):
            where = Path(tempfile.mkdtemp(dir=folder, prefix="acks-"))
            with orderbridge_peer(where) as (peer, menu_lines):
                lines = menu_lines
                phase = ack_phase(
                    peer,
                    lines,
                    rate,
                    args.ack_seconds,
                    senders=args.ack_senders or _ack_rule.senders_for(rate),
                    warm_up_seconds=warm,
                )
            acks.append(phase)
            show_acks(phase)
            if not phase["held"]:
                break
        if not args.no_kill:
            for name, run in (("orderbridge", hub), ("node_red", node)):
                if lines is None and name == "node_red":
                    raise SystemExit("the kill tests need orderbridge's run first")
                phase = run(args.kill_rate, args.kill_after)
                kills[name] = phase
                show(f"{name} kill", phase)

    summary: dict[str, Any] = {"benchmark": "peers", "load_average_end": load_average()}
    for name, own in phases.items():
        held = held_rate(own)
        at_held = next((p for p in own if p["rate"] == held), None)
        main_process = "serve" if name == "orderbridge" else "node-red"
        summary[name] = {
            "held_rate": held,
            "cpu_ms_per_order": at_held["cpu_ms_per_order"].get(main_process) if at_held else None,
            "sandbox_cpu_ms_per_order": at_held["cpu_ms_per_order"].get("sandbox")
            if at_held
            else None,
            "peak_rss_mib": max(
                (p["peak_rss_mib"].get(main_process, 0.0) for p in own), default=None
            ),
            "idle_rss_mib": own[0]["idle_rss_mib"].get(main_process) if own else None,
            "max_ack_rate": max(
                (
                    p["achieved_rate"]
                    for p in own
                    if p["failures"] == 0 and p["ack_p99_ms"] < HELD_P99 * 1000
                ),
                default=0.0,
            ),
            "lost": kills[name]["lost"] if name in kills else None,
            "doubled": kills[name]["doubled"] if name in kills else None,
            "kill_acknowledged": kills[name]["acknowledged"] if name in kills else None,
            "phases": own,
            "kill": kills.get(name),
        }
    capacity = _ack_rule.ack_capacity(acks)
    at_capacity = next((p for p in acks if p["rate"] == capacity), None)
    summary["orderbridge"]["ack_capacity"] = capacity if acks else None
    summary["orderbridge"]["ack_cpu_ms_per_201"] = (
        at_capacity["serve_cpu_ms_per_201"] if at_capacity else None
    )
    summary["orderbridge"]["ack_phases"] = acks
    node_held = summary["node_red"]["held_rate"]
    summary["ratio"] = (
        round(summary["orderbridge"]["held_rate"] / node_held, 2) if node_held else None
    )
    summary["ack_ratio"] = _ack_rule.ack_ratio(capacity, node_held) if acks else None
    print(
        f"held: orderbridge {summary['orderbridge']['held_rate']}/s, Node-RED {node_held}/s, "
        f"ratio {summary['ratio']}; kill test lost/doubled: orderbridge "
        f"{summary['orderbridge']['lost']}/{summary['orderbridge']['doubled']}, Node-RED "
        f"{summary['node_red']['lost']}/{summary['node_red']['doubled']}; acknowledged "
        f"in full: orderbridge {summary['orderbridge']['ack_capacity']}/s "
        f"({summary['orderbridge']['ack_cpu_ms_per_201']} ms of serve CPU per 201), "
        f"ack_ratio {summary['ack_ratio']} (goal ≥ 5)"
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

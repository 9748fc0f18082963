"""``orderbridge serve`` and ``orderbridge worker``: the long-running commands, and
their options declared once.

They live apart from ``cli.py`` so that a ``serve`` or ``worker`` started the usual
way never imports Typer, Click and the set-up and sandbox commands (~3 MiB of
resident memory the process would keep for its whole life; docs/benchmarks.md,
"Idle RSS … (round 6, rss2)"): ``orderbridge.entry`` parses their plain command
lines with :func:`parse` and calls :func:`serve` or :func:`worker` directly; every
other command line (``--help``, ``--debug``, a typo, any other command) goes to the
Typer app in ``cli.py``, which declares the same two commands from the same
:class:`Option` objects below, so help, defaults and errors stay Typer's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from orderbridge.bootstrap import Hub

T = TypeVar("T")
Kind = Literal["text", "number", "switch"]


@dataclass(frozen=True)
class Option(Generic[T]):
    """One option of ``serve`` or ``worker``: its name(s), default and help line.

    ``names`` is what Typer is given: ``"--port"``, or ``"--workers/--no-workers"``
    for an on/off pair. ``kind`` says how :func:`parse` reads its value: ``text``
    (any word), ``number`` (digits), ``switch`` (no value; the names turn it on or off).
    """

    param: str
    names: str
    kind: Kind
    default: T
    help: str

    def flags(self) -> dict[str, bool]:
        """A switch's spellings and what each one sets."""
        on, _, off = self.names.partition("/")
        return {on: True, **({off: False} if off else {})}


DEV = Option(
    "dev",
    "--dev",
    "switch",
    False,
    "A development machine: accept the public development secret key.",
)
HOST = Option("host", "--host", "text", "127.0.0.1", "Address to bind.")
PORT = Option("port", "--port", "number", 8000, "Port to bind.")
WORKERS = Option(
    "workers", "--workers/--no-workers", "switch", True, "Also run a worker in this process."
)
CONCURRENCY: Option[int | None] = Option(
    "concurrency", "--concurrency", "number", None, "Jobs run at once."
)
SCHEDULES = Option(
    "schedules", "--schedules/--no-schedules", "switch", True, "Also queue the sweeps on schedule."
)
METRICS_PORT: Option[int | None] = Option(
    "metrics_port", "--metrics-port", "number", None, "Serve Prometheus /metrics on this port."
)
METRICS_HOST = Option(
    "metrics_host", "--metrics-host", "text", "127.0.0.1", "Address the metrics port binds."
)

SERVE_OPTIONS: tuple[Option[Any], ...] = (HOST, PORT, WORKERS, DEV)
WORKER_OPTIONS: tuple[Option[Any], ...] = (CONCURRENCY, SCHEDULES, METRICS_PORT, METRICS_HOST, DEV)

_DIGITS = re.compile(r"[0-9]+")


def parse_options(words: Sequence[str], options: Sequence[Option[Any]]) -> dict[str, Any] | None:
    """The values ``words`` give ``options`` (defaults for the rest), or None for anything
    but the plain forms — ``--name value``, ``--name=value``, a switch's spellings — so
    that Typer reads it (and explains what is wrong with it) instead."""
    values = {option.param: option.default for option in options}
    by_name: dict[str, tuple[Option[Any], bool | None]] = {}
    for option in options:
        if option.kind == "switch":
            by_name.update((name, (option, on)) for name, on in option.flags().items())
        else:
            by_name[option.names] = (option, None)
    pending = list(words)
    while pending:
        word = pending.pop(0)
        name, has_value, value = word.partition("=")
        found = by_name.get(name)
        if found is None:
            return None
        option, switched = found
        if switched is not None:
            if has_value:
                return None
            values[option.param] = switched
            continue
        if not has_value:
            if not pending:
                return None
            value = pending.pop(0)
        if value.startswith("-") or (option.kind == "number" and not _DIGITS.fullmatch(value)):
            return None
        values[option.param] = int(value) if option.kind == "number" else value
    return values


def parse(argv: Sequence[str]) -> Callable[[], None] | None:
    """``serve`` or ``worker`` with their values bound, for a plain command line
    (the words after ``orderbridge``); None for every other one."""
    commands: dict[str, tuple[Callable[..., None], Sequence[Option[Any]]]] = {
        "serve": (serve, SERVE_OPTIONS),
        "worker": (worker, WORKER_OPTIONS),
    }
    if not argv or argv[0] not in commands:
        return None
    run, options = commands[argv[0]]
    values = parse_options(argv[1:], options)
    if values is None:
        return None
    return lambda: run(**values)


def build_hub() -> Hub:
    """The hub of this deployment, from its settings, with logging configured."""
    from orderbridge.bootstrap import build_hub as build
    from orderbridge.config import load_settings
    from orderbridge.log import configure_logging

    settings = load_settings()
    configure_logging(settings.log_level, json=settings.log_json, access_log=settings.access_log)
    return build(settings)


def _kinds_in_use(hub: Hub) -> list[str]:
    """The kinds of the deployment's connections (what the warm-up imports early)."""
    from sqlalchemy import select

    from orderbridge.storage.tables import Connection

    with hub.sessions() as session:
        return list(session.scalars(select(Connection.kind).distinct()))


def serve(*, host: str, port: int, workers: bool, dev: bool) -> None:
    """Serve the API (and, by default, a worker with the schedules)."""
    from orderbridge import runloop, warmup

    runloop.limit_malloc_arenas()  # before any thread starts (runloop.py)
    runloop.import_lean()  # before anything imports httpx, structlog or uvicorn
    runloop.import_uvicorn()  # uvicorn without its command line (runloop.py)
    import uvicorn

    from orderbridge.commands.preflight import ready_to_serve

    hub = build_hub()
    ready_to_serve(hub, dev=dev)
    level = hub.settings.log_level.lower()
    # uvicorn's records go through the hub's logging (JSON when asked); the hub writes
    # its own access log (web/observe.py).
    config = uvicorn.Config(
        hub.app(), host=host, port=port, log_level=level, log_config=None, access_log=False
    )
    server = uvicorn.Server(config)

    async def main() -> None:
        if workers:
            async with hub.running_workers():
                await server.serve()
        else:
            await server.serve()
        await hub.aclose()

    warm = (*warmup.SERVE, *warmup.for_kinds(_kinds_in_use(hub), web=True))
    runloop.run(main(), warm=warm)


def worker(
    *,
    concurrency: int | None,
    schedules: bool,
    metrics_port: int | None,
    metrics_host: str,
    dev: bool,
) -> None:
    """Run a worker only (scale out: any number, on any machines, one PostgreSQL)."""
    import asyncio
    import signal

    from orderbridge import runloop, warmup

    runloop.limit_malloc_arenas()  # before any thread starts (runloop.py)
    runloop.import_lean()  # before anything imports httpx or structlog
    from orderbridge.commands.preflight import ready_to_serve

    hub = build_hub()
    ready_to_serve(hub, dev=dev)
    if metrics_port is not None:
        hub.serve_metrics(metrics_host, metrics_port)

    async def main() -> None:
        runner = hub.worker(concurrency=concurrency)
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, runner.stop)
        loop.add_signal_handler(signal.SIGINT, runner.stop)
        tasks = [asyncio.create_task(runner.run())]
        if schedules:
            tasks.append(asyncio.create_task(hub.run_schedules()))
        tasks.extend(asyncio.create_task(job) for job in hub.listeners())
        await tasks[0]
        for task in tasks[1:]:
            task.cancel()
        await hub.aclose()

    warm = (*warmup.POS_CALLS, *warmup.for_kinds(_kinds_in_use(hub), web=False))
    runloop.run(main(), warm=warm)

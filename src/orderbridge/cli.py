"""The ``orderbridge`` command line.

Every failure is one line on stderr with a non-zero exit code (``commands.errors``);
``orderbridge --debug …`` shows the traceback instead.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orderbridge.commands import connections as connection_commands
from orderbridge.commands import keys as key_commands
from orderbridge.commands import locations as location_commands
from orderbridge.commands import running
from orderbridge.commands import sandboxes as sandbox_commands
from orderbridge.commands import tenants as tenant_commands
from orderbridge.commands.check import check as check_command
from orderbridge.commands.errors import explain

if TYPE_CHECKING:
    from orderbridge.bootstrap import Hub

app = typer.Typer(no_args_is_help=True, help="orderbridge: online orders ⇄ restaurant POS.")
app.add_typer(sandbox_commands.app, name="sandbox")
db_app = typer.Typer(no_args_is_help=True, help="The database.")
app.add_typer(db_app, name="db")
orders_app = typer.Typer(no_args_is_help=True, help="Orders.")
app.add_typer(orders_app, name="orders")
deadletters_app = typer.Typer(no_args_is_help=True, help="Jobs that gave up.")
app.add_typer(deadletters_app, name="deadletters")
menu_app = typer.Typer(no_args_is_help=True, help="Menus.")
app.add_typer(menu_app, name="menu")
secrets_app = typer.Typer(no_args_is_help=True, help="Secrets stored encrypted.")
app.add_typer(secrets_app, name="secrets")


app.add_typer(tenant_commands.app, name="tenants")
app.add_typer(key_commands.app, name="keys")
app.add_typer(connection_commands.app, name="connections")
app.add_typer(location_commands.app, name="locations")
app.command("check")(check_command)


def _version(shown: bool) -> None:
    if shown:
        from orderbridge import __version__

        typer.echo(f"orderbridge {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback instead of a one-line error.")
    ] = False,
) -> None:
    """orderbridge: online orders ⇄ restaurant POS."""


manifest_app = typer.Typer(no_args_is_help=True, help="REST POS manifests (docs/rest-pos.md).")
app.add_typer(manifest_app, name="manifest")


@app.command("demo")
def demo(
    port: Annotated[int, typer.Option(help="Port of the hub (API, shop, dashboard).")] = 8000,
    poster_port: Annotated[int, typer.Option(help="Port of the Poster sandbox.")] = 8010,
    wix_port: Annotated[int, typer.Option(help="Port of the Wix sandbox.")] = 8020,
    pos: Annotated[
        str, typer.Option(help="The café's POS: poster, or rest (Countertop via its manifest).")
    ] = "poster",
    pos_port: Annotated[
        int | None, typer.Option(help="Port of the POS sandbox (default 8010, rest 8030).")
    ] = None,
    api_key: Annotated[str | None, typer.Option(help="The demo storefront API key.")] = None,
    db: Annotated[Path, typer.Option(help="SQLite file of the demo.")] = Path(
        "orderbridge-demo.db"
    ),
    showcase: Annotated[
        bool, typer.Option(help="Snoozes, busy mode, a pre-order, a pause that ends by itself.")
    ] = False,
    database_url: Annotated[
        str | None, typer.Option(help="A database instead of --db (e.g. postgresql+psycopg://…).")
    ] = None,
) -> None:
    """Run everything on this machine: hub, worker, a POS sandbox, Wix, the demo shop."""
    from orderbridge.demo import DEMO_API_KEY, POS_CHOICES, DemoPorts, run_demo
    from orderbridge.log import configure_logging

    if pos not in POS_CHOICES:
        typer.echo(f"--pos must be one of: {', '.join(POS_CHOICES)}", err=True)
        raise typer.Exit(2)
    configure_logging("WARNING")
    ports = DemoPorts(hub=port, poster=poster_port, wix=wix_port)
    if pos_port is not None:
        ports = replace(ports, **{"rest" if pos == "rest" else "poster": pos_port})
    run_demo(
        ports=ports,
        db=db.resolve(),
        api_key=api_key or DEMO_API_KEY,
        pos=pos,
        showcase=showcase,
        database_url=database_url,
    )


def _option(option: running.Option[Any]) -> Any:
    """The Typer option of one of ``serve``'s or ``worker``'s options
    (declared once, in ``commands.running``, which runs them without Typer)."""
    return typer.Option(option.names, help=option.help)


@app.command("serve")
def serve(
    host: Annotated[str, _option(running.HOST)] = running.HOST.default,
    port: Annotated[int, _option(running.PORT)] = running.PORT.default,
    workers: Annotated[bool, _option(running.WORKERS)] = running.WORKERS.default,
    dev: Annotated[bool, _option(running.DEV)] = running.DEV.default,
) -> None:
    """Serve the API (and, by default, a worker with the schedules)."""
    running.serve(host=host, port=port, workers=workers, dev=dev)


@app.command("worker")
def worker(
    concurrency: Annotated[int | None, _option(running.CONCURRENCY)] = running.CONCURRENCY.default,
    schedules: Annotated[bool, _option(running.SCHEDULES)] = running.SCHEDULES.default,
    metrics_port: Annotated[
        int | None, _option(running.METRICS_PORT)
    ] = running.METRICS_PORT.default,
    metrics_host: Annotated[str, _option(running.METRICS_HOST)] = running.METRICS_HOST.default,
    dev: Annotated[bool, _option(running.DEV)] = running.DEV.default,
) -> None:
    """Run a worker only (scale out: any number, on any machines, one PostgreSQL)."""
    running.worker(
        concurrency=concurrency,
        schedules=schedules,
        metrics_port=metrics_port,
        metrics_host=metrics_host,
        dev=dev,
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to this version's schema."""
    from orderbridge.config import load_settings
    from orderbridge.storage.migrate import current_revision, upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    typer.echo(f"database at revision {current_revision(settings.database_url)}")


@orders_app.command("replay")
def orders_replay(order_id: str) -> None:
    """Send a failed (or stuck) order to the POS again, after its cause was fixed."""
    from orderbridge.services.errors import ServiceError
    from orderbridge.services.orders import replay_order

    hub = _hub()
    with hub.uow() as tx:
        try:
            stored = replay_order(tx, order_id=order_id, now=hub.clock())
        except ServiceError as error:
            typer.echo(f"{error.code}: {error.message}", err=True)
            raise typer.Exit(1) from None
    typer.echo(f"order {stored.order.id} is {stored.order.status.value}; queued for the POS")


@deadletters_app.command("list")
def deadletters_list(
    kind: Annotated[str | None, typer.Option(help="Only jobs of this kind.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
) -> None:
    """Jobs that ran out of attempts or failed for good."""
    from rich.console import Console
    from rich.table import Table

    from orderbridge.messaging import deadletters

    hub = _hub()
    with hub.sessions() as session:
        rows = deadletters.list_dead(session, deadletters.DeadLetterFilter(kind=kind), limit=limit)
    table = Table("id", "kind", "key", "attempts", "died", "last error")
    for row in rows:
        table.add_row(
            str(row.id),
            row.kind,
            row.key or "",
            str(row.attempts),
            row.died_at.isoformat(timespec="seconds"),
            (row.last_error or "")[:80],
        )
    Console().print(table)


@deadletters_app.command("retry")
def deadletters_retry(
    job_id: Annotated[int | None, typer.Argument(help="The dead job; omit with --all.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Retry every dead job.")] = False,
) -> None:
    """Give dead jobs another full set of attempts."""
    from orderbridge.messaging import deadletters

    if job_id is None and not all_:
        typer.echo("name a job id, or pass --all", err=True)
        raise typer.Exit(2)
    hub = _hub()
    with hub.sessions() as session, session.begin():
        if all_:
            count = deadletters.retry_all(session)
        else:
            assert job_id is not None
            count = int(deadletters.retry_dead(session, job_id))
    if not count:
        typer.echo("nothing to retry", err=True)
        raise typer.Exit(1)
    typer.echo(f"{count} job(s) queued again")


@menu_app.command("sync")
def menu_sync(location_id: str) -> None:
    """Import the location's menu from its POS now and publish what changed."""
    import asyncio

    from orderbridge.services.errors import NotFound
    from orderbridge.services.menus import import_menu

    hub = _hub()
    with hub.uow() as tx:
        if tx.get_location(location_id) is None:
            raise NotFound("unknown_location", f"no location {location_id}", field="location")
        if tx.pos_binding(location_id) is None:
            raise NotFound("no_pos_connection", f"location {location_id} has no POS connection")

    async def main() -> dict[str, object]:
        try:
            return await import_menu(location_id, uow=hub.uow, pos_for=hub.pos_for, clock=hub.clock)
        finally:
            await hub.aclose()

    typer.echo(asyncio.run(main()))


@secrets_app.command("rotate")
def secrets_rotate() -> None:
    """Re-encrypt every stored secret under ORDERBRIDGE_SECRET_KEY (keep the former key
    in ORDERBRIDGE_OLD_SECRET_KEYS until this reports every row done)."""
    from orderbridge.storage.secrets import rotate_secrets

    hub = _hub()
    try:
        report = rotate_secrets(hub.sessions, hub.cipher)
    finally:
        hub.engine.dispose()
    for table, count in report.rotated.items():
        typer.echo(f"{table}: {count} re-encrypted")
    for table, ids in report.unreadable.items():
        if ids:
            listed = ", ".join(ids[:20]) + (" …" if len(ids) > 20 else "")
            typer.echo(f"{table}: {len(ids)} not readable with any configured key: {listed}")
    if not report.complete:
        typer.echo("keep ORDERBRIDGE_OLD_SECRET_KEYS until these rows are fixed", err=True)
        raise typer.Exit(1)
    typer.echo("every stored secret is under the current key; the old ones may go")


@manifest_app.command("check")
def manifest_check(
    file: Annotated[Path, typer.Argument(help="The manifest (TOML) to check.")],
) -> None:
    """Check a REST POS manifest offline: its schema, paths, templates and URLs."""
    from orderbridge.connectors.rest_pos.connector import capabilities
    from orderbridge.connectors.rest_pos.loading import ManifestError, load_file

    try:
        manifest = load_file(file)
    except ManifestError as error:
        for line in error.lines():
            typer.echo(line, err=True)
        raise typer.Exit(1) from None
    can = capabilities(manifest)
    names = [name.replace("_", " ") for name, on in vars(can).items() if on]
    typer.echo(f"{file}: ok — {manifest.name}: {', '.join(names)}")


@manifest_app.command("schema")
def manifest_schema() -> None:
    """Print the published JSON Schema of manifests."""
    import json

    from orderbridge.connectors.rest_pos.manifest import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


def _hub() -> Hub:
    return running.build_hub()


def main() -> None:
    """The ``orderbridge`` command: failures as one line (``--debug``: a traceback)."""
    run(app)


def run(typer_app: typer.Typer) -> None:
    """Run ``typer_app`` on ``sys.argv`` as :func:`main` runs the hub's."""
    try:
        typer_app()
    except Exception as error:
        if "--debug" in sys.argv[1:]:
            raise
        message, code = explain(error)
        typer.echo(message, err=True)
        raise SystemExit(code) from None

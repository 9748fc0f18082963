"""``orderbridge connections add|list|update|test|sync|remove|install-link``: the admin API's
connection calls from the server's shell (``services.setup``, same checks, same
answers)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from orderbridge.commands.common import JsonOption, echo_json, fail, hub

if TYPE_CHECKING:
    from orderbridge.bootstrap import Hub
    from orderbridge.services.setup import ConnectionView, LinkedLocation

T = TypeVar("T")
app = typer.Typer(no_args_is_help=True, help="Connections to a POS (Poster) or a channel (Wix).")

CredentialOption = typer.Option(
    "--credential",
    help="NAME=VALUE (repeatable); VALUE @FILE reads a file (a PEM key).",
)
SettingOption = typer.Option("--setting", help="NAME=VALUE (repeatable), e.g. base_url=…")


def pairs(values: list[str] | None, what: str) -> dict[str, str]:
    """``["a=1", "b=@key.pem"]`` → ``{"a": "1", "b": <the file's text>}``."""
    found: dict[str, str] = {}
    for value in values or []:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            fail(f"invalid_{what}: {value!r} is not NAME=VALUE")
        if text.startswith("@"):
            path = Path(text[1:])
            if not path.is_file():
                fail(f"invalid_{what}: no file {path}")
            text = path.read_text(encoding="utf-8")
        found[name.strip()] = text
    return found


def run(ob: Hub, call: Awaitable[T]) -> T:
    """Await ``call`` on an event loop of its own, then close the hub's clients; a
    refusal ends the command with its one line."""
    from orderbridge.services.errors import ServiceError

    async def main() -> T:
        try:
            return await call
        finally:
            await ob.aclose()

    try:
        return asyncio.run(main())
    except ServiceError as error:
        fail(f"{error.code}: {error.message}" + (f" ({error.field})" if error.field else ""))


def tenant_of(ob: Hub, connection_id: str) -> str:
    from orderbridge.storage import tables as t

    with ob.sessions() as session:
        row = session.get(t.Connection, connection_id)
    if row is None:
        fail(f"unknown_connection: no connection {connection_id}")
    return row.tenant_id


def described(view: ConnectionView, linked: list[LinkedLocation] | None = None) -> dict[str, Any]:
    locations = linked if linked is not None else list(view.locations)
    return {
        "id": view.id,
        "tenant_id": view.tenant_id,
        "kind": view.kind,
        "role": view.role,
        "name": view.name,
        "status": view.status,
        "status_reason": view.status_reason,
        "external_account": view.external_account,
        "settings": view.settings,
        "credentials": list(view.credential_names),
        "locations": [
            {
                "location_id": x.location_id,
                "name": x.name,
                "external_id": x.external_id,
                "created": x.created,
            }
            for x in locations
        ],
    }


def show(entry: dict[str, Any]) -> None:
    state = entry["status"] + (f" ({entry['status_reason']})" if entry["status_reason"] else "")
    typer.echo(f"{entry['id']}  {entry['kind']}  {entry['name']}  {state}")
    for x in entry["locations"]:
        note = "  (created)" if x["created"] else ""
        typer.echo(f"  location {x['location_id']}  {x['name']}  ← {x['external_id']}{note}")


@app.command("add")
def add(
    tenant: Annotated[str, typer.Argument(help="The tenant's id.")],
    kind: Annotated[
        str,
        typer.Argument(
            help="poster (a POS), wix (a channel), or any other kind the hub has a "
            "connector for (an unknown one is refused with the list)."
        ),
    ],
    token: Annotated[str | None, typer.Option(help="Poster: the access token.")] = None,
    base_url: Annotated[
        str | None, typer.Option(help="The system's API (a sandbox's, say).")
    ] = None,
    credential: Annotated[list[str] | None, CredentialOption] = None,
    setting: Annotated[list[str] | None, SettingOption] = None,
    location: Annotated[str | None, typer.Option(help="A channel: the location it serves.")] = None,
    link: Annotated[
        list[str] | None,
        typer.Option(help="A POS: PLACE=LOCATION links a place to an existing location."),
    ] = None,
    name: Annotated[str | None, typer.Option(help="What to call the connection.")] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Connect a system: checked with it first; a POS brings a location per place."""
    from orderbridge.services import setup as service

    credentials = pairs(credential, "credential")
    if token is not None:
        credentials["token"] = token
    settings = pairs(setting, "setting")
    if base_url is not None:
        settings["base_url"] = base_url
    request = service.NewConnection(
        tenant_id=tenant,
        kind=kind,
        credentials=credentials,
        settings=settings,
        name=name,
        location_id=location,
        locations=pairs(link, "link"),
    )
    with hub() as ob:
        p = ob.setup_parts()
        view, linked = run(ob, service.add_connection(request, parts=p))
    entry = described(view, linked)
    if as_json:
        echo_json(entry)
        return
    show(entry)


@app.command("list")
def list_(
    tenant: Annotated[str, typer.Argument(help="The tenant's id.")],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """The tenant's connections, their status and their locations."""
    from orderbridge.services.errors import ServiceError
    from orderbridge.storage import admin

    with hub() as ob:
        with ob.sessions() as session:
            try:
                admin.get_tenant(session, tenant)
            except ServiceError as error:
                fail(f"{error.code}: {error.message}")
        entries = [described(v) for v in ob.setup_parts().store.views(tenant)]
    if as_json:
        echo_json({"connections": entries})
        return
    if not entries:
        typer.echo(f"no connections yet: orderbridge connections add {tenant} poster --token …")
    for entry in entries:
        show(entry)


@app.command("update")
def update(
    connection_id: Annotated[str, typer.Argument(help="The connection's id.")],
    token: Annotated[str | None, typer.Option(help="Poster: the new access token.")] = None,
    credential: Annotated[list[str] | None, CredentialOption] = None,
    setting: Annotated[list[str] | None, SettingOption] = None,
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Rename, or replace the credentials (tried first; clears needs_reauth and sends
    what was parked back to the queue)."""
    from orderbridge.services import setup as service

    credentials = pairs(credential, "credential")
    if token is not None:
        credentials["token"] = token
    settings = pairs(setting, "setting")
    with hub() as ob:
        p = ob.setup_parts()
        view, released = run(
            ob,
            service.change_connection(
                tenant_of(ob, connection_id),
                connection_id,
                name=name,
                credentials=credentials or None,
                settings=settings or None,
                parts=p,
            ),
        )
    entry = described(view) | {"released": released}
    if as_json:
        echo_json(entry)
        return
    show(entry)
    if released:
        typer.echo(f"{released} parked job(s) queued again")


@app.command("test")
def test(
    connection_id: Annotated[str, typer.Argument(help="The connection's id.")],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """One harmless call with the stored credentials: what the system said (exit 1 when
    it refused or did not answer)."""
    from orderbridge.services import setup as service

    with hub() as ob:
        p = ob.setup_parts()
        found = run(
            ob,
            service.probe_connection(
                tenant_of(ob, connection_id),
                connection_id,
                parts=p,
            ),
        )
    if as_json:
        echo_json({"ok": found.ok, "said": found.said, "code": found.code})
        if not found.ok:
            raise typer.Exit(1)
        return
    if not found.ok:
        fail(f"{found.code}: {found.said}")
    typer.echo(found.said)


@app.command("sync")
def sync(
    connection_id: Annotated[str, typer.Argument(help="The connection's id.")],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Menus now: a POS imports its locations' menus; a channel publishes them."""
    from orderbridge.services import setup as service

    with hub() as ob:
        p = ob.setup_parts()
        result = run(
            ob,
            service.sync_connection(
                tenant_of(ob, connection_id),
                connection_id,
                parts=p,
            ),
        )
    if as_json:
        echo_json(result)
    else:
        for location_id, outcome in result.get("locations", {}).items():
            typer.echo(f"{location_id}: {outcome}")
        for location_id in result.get("queued", []):
            typer.echo(f"{location_id}: publication queued")
    failed = [x for x in result.get("locations", {}).values() if "error" in x]
    if failed:
        fail(f"{failed[0]['error']}: {failed[0]['reason']}")


@app.command("remove")
def remove(connection_id: Annotated[str, typer.Argument(help="The connection's id.")]) -> None:
    """Disconnect (its locations, menus and orders stay)."""
    from orderbridge.services.errors import ServiceError

    with hub() as ob:
        try:
            ob.setup_parts().store.remove(tenant_of(ob, connection_id), connection_id)
        except ServiceError as error:
            fail(f"{error.code}: {error.message}")
    typer.echo(f"connection {connection_id} removed")


@app.command("install-link")
def install_link(
    tenant: Annotated[str, typer.Argument(help="The tenant's id.")],
    minutes: Annotated[int, typer.Option(min=1, max=24 * 60, help="How long the link works.")] = 30,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """A signed link that starts the Poster install (OAuth) for the tenant: give it to
    the restaurant's owner. It expires, and it is no API key."""
    from datetime import timedelta

    from orderbridge.connectors.poster.install_link import create_install_link
    from orderbridge.services.errors import ServiceError
    from orderbridge.storage import admin

    with hub() as ob:
        settings = ob.settings
        if settings.poster_application_id is None or settings.poster_application_secret is None:
            fail(
                "marketplace_disabled: set ORDERBRIDGE_POSTER_APPLICATION_ID and "
                "ORDERBRIDGE_POSTER_APPLICATION_SECRET first"
            )
        with ob.sessions() as session:
            try:
                admin.get_tenant(session, tenant)
            except ServiceError as error:
                fail(f"{error.code}: {error.message}")
        link = create_install_link(
            tenant,
            base_url=settings.base_url,
            secret_key=settings.secret_key.get_secret_value(),
            now=ob.clock(),
            ttl=timedelta(minutes=minutes),
        )
    if as_json:
        echo_json({"url": link.url, "expires_at": link.expires_at.isoformat()})
        return
    typer.echo(link.url)
    typer.echo(f"works until {link.expires_at.isoformat()}", err=True)

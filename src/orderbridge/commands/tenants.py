"""``orderbridge tenants create|list``."""

from __future__ import annotations

from typing import Annotated

import typer

from orderbridge.commands.common import JsonOption, echo_json, fail, hub

app = typer.Typer(no_args_is_help=True, help="Tenants: one restaurant business each.")


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The tenant's name (the restaurant or brand).")],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Create a tenant and print its first admin key (shown once: store it now)."""
    from orderbridge.services.errors import ServiceError
    from orderbridge.storage import admin

    with hub() as ob:
        try:
            with ob.sessions() as session, session.begin():
                tenant_id = admin.create_tenant(session, name)
                issued = admin.issue_api_key(session, tenant_id, name="first admin", scope="admin")
        except ServiceError as error:
            fail(f"{error.code}: {error.message}")
    if as_json:
        echo_json({"tenant_id": tenant_id, "admin_key": issued.key})
        return
    typer.echo(f"tenant {tenant_id} created")
    typer.echo(f"admin key (shown once, store it now): {issued.key}")


@app.command("list")
def list_(as_json: Annotated[bool, JsonOption] = False) -> None:
    """Every tenant of this deployment."""
    from orderbridge.storage import admin

    with hub() as ob, ob.sessions() as session:
        listed = admin.tenant_summaries(session)
    if as_json:
        echo_json({"tenants": listed})
        return
    if not listed:
        typer.echo("no tenants yet: orderbridge tenants create NAME")
        return
    for entry in listed:
        typer.echo(
            f"{entry['id']}  {entry['name']}  ({entry['locations']} locations, "
            f"{entry['active_keys']} active keys, since {entry['created_at']})"
        )

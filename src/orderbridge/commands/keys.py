"""``orderbridge keys create|list|revoke``."""

from __future__ import annotations

from typing import Annotated

import typer

from orderbridge.commands.common import JsonOption, echo_json, fail, hub

app = typer.Typer(no_args_is_help=True, help="API keys: admin (everything) or storefront.")


@app.command("create")
def create(
    tenant: Annotated[str, typer.Argument(help="The tenant's id (orderbridge tenants list).")],
    scope: Annotated[
        str, typer.Option(help="admin: everything of the tenant; storefront: publishable.")
    ] = "storefront",
    name: Annotated[str, typer.Option(help="What the key is for.")] = "default",
    inherit: Annotated[
        str | None,
        typer.Option(help="A storefront key whose orders the new one reads too (rotation)."),
    ] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Issue an API key and print it (shown once: it is stored only hashed)."""
    from orderbridge.services.errors import ServiceError
    from orderbridge.storage import admin

    with hub() as ob:
        try:
            with ob.sessions() as session, session.begin():
                issued = admin.issue_api_key(
                    session, tenant, name=name, scope=scope, inherit=inherit
                )
        except ServiceError as error:
            fail(f"{error.code}: {error.message}")
    if as_json:
        echo_json({"id": issued.id, "key": issued.key, "scope": scope, "tenant_id": tenant})
        return
    typer.echo(f"{scope} key {issued.id} for {tenant} (shown once, store it now):")
    typer.echo(issued.key)


@app.command("list")
def list_(
    tenant: Annotated[str, typer.Argument(help="The tenant's id.")],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """The tenant's keys (their first characters only), revoked ones marked."""
    from orderbridge.services.errors import ServiceError
    from orderbridge.storage import admin

    with hub() as ob, ob.sessions() as session:
        try:
            admin.get_tenant(session, tenant)
        except ServiceError as error:
            fail(f"{error.code}: {error.message}")
        listed = [
            {
                "id": row.id,
                "name": row.name,
                "scope": row.scope,
                "hint": row.hint,
                "created_at": row.created_at.isoformat(timespec="seconds"),
                "revoked_at": row.revoked_at.isoformat(timespec="seconds")
                if row.revoked_at
                else None,
            }
            for row in admin.api_keys(session, tenant)
        ]
    if as_json:
        echo_json({"keys": listed})
        return
    for entry in listed:
        state = f"revoked {entry['revoked_at']}" if entry["revoked_at"] else "active"
        typer.echo(
            f"{entry['id']}  {entry['scope']:<10}  {entry['hint']}  {entry['name']}  ({state})"
        )


@app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id (keys list).")]) -> None:
    """Revoke a key; running servers refuse it within 5 seconds."""
    from orderbridge.services.errors import ServiceError
    from orderbridge.storage import admin

    with hub() as ob:
        try:
            with ob.sessions() as session, session.begin():
                admin.revoke_api_key(session, key_id)
        except ServiceError as error:
            fail(f"{error.code}: {error.message}")
    typer.echo(f"key {key_id} revoked")

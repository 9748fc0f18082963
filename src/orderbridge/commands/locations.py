"""``orderbridge locations list|add|update|hours``: the admin API's locations from the
server's shell (``storage.admin_locations``: same checks, same refusals).

Connecting a POS makes a location per place; ``add`` is for a POS that does not say
its places' currency (link the place when connecting: ``connections add … --link
PLACE=LOCATION``). ``hours`` shows, replaces (``--set FILE``, the body of
``PUT /api/v1/admin/locations/{id}/hours``) or removes (``--clear``) the opening hours,
through the same checks and service as the API and the dashboard.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orderbridge.commands.common import JsonOption, echo_json, fail, hub

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from orderbridge.storage import tables as t

app = typer.Typer(no_args_is_help=True, help="Locations: name, timezone, price policy.")
PolicyOption = typer.Option(
    "--price-policy", help="menu: the menu's prices are charged; strict: other prices refuse."
)


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    """A refusal of the checks ends the command with its one line."""
    from orderbridge.services.errors import ServiceError

    try:
        yield
    except ServiceError as error:
        fail(f"{error.code}: {error.message}" + (f" ({error.field})" if error.field else ""))


def described(session: Session, row: t.Location) -> dict[str, Any]:
    from orderbridge.storage import admin_locations as store

    links = store.links_by_location(session, row.tenant_id).get(row.id, [])
    return {
        "id": row.id,
        "tenant_id": row.tenant_id,
        "name": row.name,
        "timezone": row.timezone,
        "currency": row.currency,
        "price_policy": row.price_policy,
        "stuck_after_minutes": row.stuck_after_minutes,
        "links": [vars(link) for link in links],
    }


def show(entry: dict[str, Any]) -> None:
    linked = ", ".join(f"{x['kind']} {x['external_id']}" for x in entry["links"]) or "no links"
    typer.echo(
        f"{entry['id']}  {entry['name']}  {entry['timezone']}  {entry['currency']}  "
        f"prices: {entry['price_policy']}  ({linked})"
    )


@app.command("list")
def list_(
    tenant: Annotated[str, typer.Argument(help="The tenant's id.")],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """The tenant's locations and what each is linked to."""
    from sqlalchemy import select

    from orderbridge.storage import admin
    from orderbridge.storage import tables as t

    with hub() as ob, ob.sessions() as session, refusals():
        admin.get_tenant(session, tenant)
        rows = session.scalars(
            select(t.Location).where(t.Location.tenant_id == tenant).order_by(t.Location.name)
        ).all()
        listed = [described(session, row) for row in rows]
    if as_json:
        echo_json({"locations": listed})
        return
    for entry in listed:
        show(entry)


@app.command("add")
def add(
    tenant: Annotated[str, typer.Argument(help="The tenant's id.")],
    name: Annotated[str, typer.Argument(help="What guests and operators call it.")],
    timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. Europe/Kyiv.")],
    currency: Annotated[str, typer.Option(help="ISO 4217 code, e.g. UAH.")],
    price_policy: Annotated[str, PolicyOption] = "menu",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Make a location by hand (for a POS that does not say its places' currency)."""
    from orderbridge.storage import admin_locations as store
    from orderbridge.storage import tables as t

    with hub() as ob, ob.sessions() as session, refusals():
        with session.begin():
            location_id = store.add_location(
                session,
                tenant,
                name=name,
                timezone=timezone,
                currency=currency.upper(),
                price_policy=price_policy,
            )
        row = session.get(t.Location, location_id)
        assert row is not None
        entry = described(session, row)
    if as_json:
        echo_json(entry)
        return
    show(entry)


@app.command("update")
def update(
    location_id: Annotated[str, typer.Argument(help="The location's id (locations list).")],
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA time zone.")] = None,
    price_policy: Annotated[str | None, PolicyOption] = None,
    stuck_after_minutes: Annotated[
        int | None,
        typer.Option(help="Minutes an order may wait for the POS before order.stuck (0: never)."),
    ] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Change what is given; the rest stays."""
    from orderbridge.storage import admin_locations as store
    from orderbridge.storage import tables as t

    with hub() as ob, ob.sessions() as session, refusals():
        found = session.get(t.Location, location_id)
        if found is None:
            fail(f"unknown_location: no location {location_id}")
        tenant = found.tenant_id
        session.rollback()
        with session.begin():
            row = store.update_location(
                session,
                tenant,
                location_id,
                name=name,
                timezone=timezone,
                price_policy=price_policy,
                stuck_after_minutes=stuck_after_minutes,
            )
            entry = described(session, row)
    if as_json:
        echo_json(entry)
        return
    show(entry)


def _read_hours(source: str) -> Any:
    """The hours file's schedule (``-``: standard input), or the command's one-line end."""
    import json
    import sys
    from pathlib import Path

    from pydantic import ValidationError

    from orderbridge.web.convert_hours import hours_to_schedule
    from orderbridge.web.schemas.location_ops import HoursIO

    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        body = HoursIO.model_validate(json.loads(text))
    except OSError as error:
        fail(f"unreadable: {source}: {error.strerror or error}")
    except json.JSONDecodeError as error:
        fail(f"malformed_json: {error.msg} at line {error.lineno} column {error.colno}")
    except ValidationError as invalid:
        first = invalid.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        fail(f"invalid_hours: {first['msg']} ({where})")
    schedule, problems = hours_to_schedule(body)
    if problems:
        fail(f"invalid_hours: {problems[0].message} ({problems[0].field})")
    return schedule


@app.command("hours")
def hours(
    location_id: Annotated[str, typer.Argument(help="The location's id (locations list).")],
    set_from: Annotated[
        str | None,
        typer.Option(
            "--set",
            help="A JSON file of weekly hours and exceptions, as PUT …/hours takes them "
            "('-': standard input).",
        ),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="No opening hours: open around the clock.")
    ] = False,
) -> None:
    """Print the location's opening hours as JSON (null: open around the clock); with
    --set or --clear, change them first (storefronts and channels are told)."""
    from orderbridge.services import locations as location_service
    from orderbridge.storage import tables as t
    from orderbridge.web.convert_hours import schedule_to_hours

    if set_from is not None and clear:
        fail("invalid_value: --set and --clear do not go together")
    schedule = _read_hours(set_from) if set_from is not None else None
    with hub() as ob, refusals():
        with ob.sessions() as session:
            found = session.get(t.Location, location_id)
            if found is None:
                fail(f"unknown_location: no location {location_id}")
            tenant = found.tenant_id
        with ob.uow() as tx:
            if set_from is not None or clear:
                record = location_service.replace_hours(
                    tx, tenant_id=tenant, location_id=location_id, schedule=schedule, now=ob.clock()
                )
            else:
                record = location_service.get_location(
                    tx, tenant_id=tenant, location_id=location_id
                )
    shown = schedule_to_hours(record.location.schedule)
    echo_json(shown.model_dump(mode="json") if shown is not None else None)

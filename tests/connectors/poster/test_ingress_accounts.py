"""``/webhooks/poster`` for a deployment serving many Poster accounts: routing by
``account`` (or ``account_number``), unconnected accounts, installs and removals, and
repeated bodies."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from orderbridge.bootstrap import Hub
from orderbridge.messaging.tables import OutboxJob
from tests.connectors.poster.install_support import (
    HUB,
    install,
    make_hub,
    poster_connections,
    signed,
)

pytestmark = pytest.mark.anyio


async def test_webhooks_route_to_the_installed_account(
    hub: Hub, client: httpx.AsyncClient, poster: httpx.AsyncBaseTransport
) -> None:
    # Before the install: a genuine event of an unconnected account is accepted, dropped.
    early = signed(
        "dev-example", "861052", "application", "added", json.dumps({"access_token": "x"})
    )
    answer = await client.post("/webhooks/poster", json=early)
    assert answer.json() == {"status": "accept"}
    forged = {**early, "verify": "0" * 32}
    assert (await client.post("/webhooks/poster", json=forged)).status_code == 401
    assert poster_connections(hub) == []

    assert (await install(client, poster, "dev-example")).status_code == 200
    [connection] = poster_connections(hub)
    by_login = await client.post(
        "/webhooks/poster", json=signed("dev-example", "861052", "product", "changed")
    )
    by_number = await client.post(
        "/webhooks/poster", json=signed("renamed", "861052", "dish", "changed")
    )
    assert by_login.json() == by_number.json() == {"status": "accept"}
    with hub.sessions() as session:
        jobs = session.scalars(select(OutboxJob).where(OutboxJob.kind == "inbox.poster")).all()
    assert {(j.payload["object"], j.connection_id) for j in jobs} == {
        ("product", connection.id),
        ("dish", connection.id),
    }

    removed = await client.post(
        "/webhooks/poster", json=signed("dev-example", "861052", "application", "removed")
    )
    assert removed.json() == {"status": "accept"}
    [after] = poster_connections(hub)
    assert after.status == "disabled"


async def test_unconnected_accounts_are_404_without_a_deployment_application(
    tmp_path: Path, poster: httpx.AsyncBaseTransport
) -> None:
    hub = make_hub(tmp_path, poster, poster_application_secret=None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hub.app()), base_url=HUB) as c:
        answer = await c.post(
            "/webhooks/poster", json=signed("dev-example", "861052", "product", "changed")
        )
    assert answer.status_code == 404


async def test_a_repeated_menu_webhook_runs_again_once_the_first_run_has_started(
    hub: Hub, client: httpx.AsyncClient, poster: httpx.AsyncBaseTransport
) -> None:
    """Two price edits within one second sign identical bodies; the second must still
    cause a read of the product after it, unless a refresh is still waiting to run."""
    assert (await install(client, poster, "dev-example")).status_code == 200
    product = signed("dev-example", "861052", "product", "changed")
    order = signed("dev-example", "861052", "incoming_order", "changed")

    def queued(obj: str) -> list[str]:
        with hub.sessions() as session:
            rows = session.scalars(select(OutboxJob).where(OutboxJob.kind == "inbox.poster"))
            return [j.status for j in rows if j.payload["object"] == obj]

    for body in (product, product, order, order):
        assert (await client.post("/webhooks/poster", json=body)).json() == {"status": "accept"}
    assert queued("product") == ["pending"]  # the waiting refresh will read the news
    assert queued("incoming_order") == ["pending"]

    with hub.sessions() as session, session.begin():
        for job in session.scalars(select(OutboxJob).where(OutboxJob.kind == "inbox.poster")):
            job.status = "running"  # a worker has taken them and may have read already
    for body in (product, order):
        assert (await client.post("/webhooks/poster", json=body)).json() == {"status": "accept"}
    assert sorted(queued("product")) == ["pending", "running"]
    assert queued("incoming_order") == ["running"]  # orders: the sweep re-reads them

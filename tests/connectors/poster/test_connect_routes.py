"""The marketplace install flow in-process: the hub's /connect/poster routes and the
Poster sandbox's OAuth, each an ASGI app behind ``httpx.ASGITransport``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from orderbridge.bootstrap import Hub
from orderbridge.connectors.poster.oauth import sign_state, state_key
from orderbridge.messaging.tables import OutboxJob
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import OAUTH_APP_ID, OAUTH_APP_SECRET
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.storage.types import utcnow
from tests.connectors.poster.install_support import (
    ADMIN_KEY,
    CALLBACK,
    HUB,
    POSTER,
    SECRET_KEY,
    STOREFRONT_KEY,
    install,
    issue_code,
    make_hub,
    poster_connections,
)

pytestmark = pytest.mark.anyio


async def test_start_redirects_to_poster_consent_with_a_signed_state(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.get("/connect/poster", headers={"authorization": f"Bearer {ADMIN_KEY}"})
    assert answer.status_code == 302
    target = urlsplit(answer.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{POSTER}/api/auth"
    query = parse_qs(target.query)
    assert query["application_id"] == [str(OAUTH_APP_ID)]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["response_type"] == ["code"]
    assert answer.cookies["ob_poster_state"] == query["state"][0]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 401, "unauthorized"),
        ({"api_key": "ob_nobody"}, 401, "unauthorized"),
        ({"api_key": STOREFRONT_KEY}, 403, "insufficient_scope"),
        ({"api_key": ADMIN_KEY, "tenant": "ten_b"}, 404, "unknown_tenant"),
    ],
)
async def test_start_needs_the_tenants_admin_key(
    client: httpx.AsyncClient, params: dict[str, str], status: int, code: str
) -> None:
    answer = await client.get("/connect/poster", params=params)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code


async def test_start_without_a_configured_application_is_404(
    tmp_path: Path, poster: httpx.AsyncBaseTransport
) -> None:
    hub = make_hub(tmp_path, poster, poster_application_id=None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hub.app()), base_url=HUB) as c:
        answer = await c.get("/connect/poster", params={"api_key": ADMIN_KEY})
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "marketplace_disabled"


async def test_install_connects_the_account_with_a_location_per_spot(
    hub: Hub, client: httpx.AsyncClient, poster: httpx.AsyncBaseTransport
) -> None:
    page = await install(client, poster, "dev-example")
    assert page.status_code == 200, page.text
    assert "dev-example" in page.text and "connected" in page.text
    [connection] = poster_connections(hub)
    assert (connection.tenant_id, connection.role) == ("ten_a", "pos")
    assert connection.external_account == "dev-example"
    assert connection.settings == {
        "account": "dev-example",
        "account_number": "861052",
        "base_url": POSTER,
        "application_id": OAUTH_APP_ID,
    }
    credentials = hub.cipher.decrypt(connection.credentials)
    assert credentials["token"].startswith("861052:")
    assert credentials["application_secret"] == OAUTH_APP_SECRET
    with hub.sessions() as session:
        links = session.execute(
            select(
                t.LocationLink.external_id,
                t.Location.name,
                t.Location.currency,
                t.Location.timezone,
            )
            .join(t.Location, t.Location.id == t.LocationLink.location_id)
            .where(t.LocationLink.connection_id == connection.id)
            .order_by(t.LocationLink.external_id)
        ).all()
        imports = session.scalars(
            select(OutboxJob.key).where(OutboxJob.kind == "menu.import")
        ).all()
    assert [tuple(row) for row in links] == [
        ("1", "Бріош на Подолі", "UAH", "Europe/Kyiv"),
        ("2", "Brioche Pechersk", "UAH", "Europe/Kyiv"),
    ]
    assert len(imports) == 2


async def test_installing_again_replaces_the_token_and_keeps_the_locations(
    hub: Hub,
    client: httpx.AsyncClient,
    poster: httpx.AsyncBaseTransport,
    oauth_sandbox: PosterSandbox,
) -> None:
    assert (await install(client, poster, "dev-example")).status_code == 200
    [before] = poster_connections(hub)
    with hub.sessions() as session, session.begin():
        session.get(t.Connection, before.id).status = "needs_reauth"  # type: ignore[union-attr]
    oauth_sandbox.world.accounts["dev-example"].installations.clear()  # a fresh token next time
    again = await install(client, poster, "dev-example")
    assert again.status_code == 200 and "already linked" in again.text
    [after] = poster_connections(hub)
    assert after.id == before.id and after.status == "active"
    assert (
        hub.cipher.decrypt(after.credentials)["token"]
        != hub.cipher.decrypt(before.credentials)["token"]
    )
    with hub.sessions() as session:
        assert len(session.scalars(select(t.Location)).all()) == 2


async def test_an_account_of_another_tenant_is_refused(
    hub: Hub, client: httpx.AsyncClient, poster: httpx.AsyncBaseTransport
) -> None:
    with hub.sessions() as session, session.begin():
        admin.create_connection(
            session,
            hub.cipher,
            "ten_b",
            kind="poster",
            role="pos",
            name="theirs",
            credentials={"token": "x"},
            settings={"account": "dev-example"},
            external_account="dev-example",
        )
    page = await install(client, poster, "dev-example")
    assert page.status_code == 409
    assert "account_taken" in page.text


@pytest.mark.parametrize("tamper", ["forged", "expired", "missing", "garbage"])
async def test_callback_refuses_a_bad_state(
    hub: Hub, client: httpx.AsyncClient, tamper: str
) -> None:
    key = state_key(SECRET_KEY)
    states = {
        "forged": sign_state("ten_a", key=state_key("another key"), now=utcnow()),
        "expired": sign_state("ten_a", key=key, now=utcnow() - timedelta(hours=1)),
        "missing": "",
        "garbage": "not.a-state",
    }
    answer = await client.get(
        "/connect/poster/callback",
        params={
            "code": "3e4f2ac6df7fa92660fa251528460575",
            "account": "dev-example",
            "state": states[tamper],
        },
    )
    assert answer.status_code == 400
    assert ("expired_state" if tamper == "expired" else "invalid_state") in answer.text
    assert poster_connections(hub) == []


async def test_a_state_handed_back_in_the_query_needs_no_cookie(
    hub: Hub, client: httpx.AsyncClient, poster: httpx.AsyncBaseTransport
) -> None:
    state = sign_state("ten_a", key=state_key(SECRET_KEY), now=utcnow())
    code = await issue_code(poster, "dev-example")
    answer = await client.get(
        "/connect/poster/callback",
        params={"code": code, "account": "dev-example", "state": state},
    )
    assert answer.status_code == 200, answer.text
    assert [c.external_account for c in poster_connections(hub)] == ["dev-example"]


async def test_a_state_works_once(
    hub: Hub, client: httpx.AsyncClient, poster: httpx.AsyncBaseTransport
) -> None:
    """A replayed callback (same state, even with a fresh code) installs nothing more."""
    state = sign_state("ten_a", key=state_key(SECRET_KEY), now=utcnow())
    answers = []
    for _ in range(2):
        code = await issue_code(poster, "dev-example")
        answers.append(
            await client.get(
                "/connect/poster/callback",
                params={"code": code, "account": "dev-example", "state": state},
            )
        )
    assert [a.status_code for a in answers] == [200, 409]
    assert "state_used" in answers[1].text
    assert [c.external_account for c in poster_connections(hub)] == ["dev-example"]


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("unknown code", 400, "not_found"),
        ("wrong secret", 400, "invalid_application"),
        ("poster down", 502, "poster_down"),
    ],
)
async def test_code_exchange_errors_show_a_reason_and_connect_nothing(
    tmp_path: Path, poster: httpx.AsyncBaseTransport, case: str, status: int, code: str
) -> None:
    transport: httpx.AsyncBaseTransport = poster
    overrides: dict[str, Any] = {}
    if case == "wrong secret":
        overrides["poster_application_secret"] = SecretStr("not-the-secret")
    if case == "poster down":

        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        transport = httpx.MockTransport(refuse)
    hub = make_hub(tmp_path, transport, **overrides)
    state = sign_state("ten_a", key=state_key(SECRET_KEY), now=utcnow())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hub.app()), base_url=HUB) as c:
        if case == "unknown code":
            params = {"code": "0" * 32}
        else:
            params = {"code": await issue_code(poster, "dev-example")}
        answer = await c.get(
            "/connect/poster/callback", params={**params, "account": "dev-example", "state": state}
        )
    assert answer.status_code == status, answer.text
    assert code in answer.text
    assert poster_connections(hub) == []

"""The marketplace install flow in-process: the hub's /connect/poster routes and the
Poster sandbox's OAuth, each an ASGI app behind ``httpx.ASGITransport``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from orderbridge.bootstrap import Hub
from orderbridge.connectors.poster.install_link import create_install_link
from orderbridge.connectors.poster.oauth import sign_state, state_key, verify_state
from orderbridge.log import configure_logging
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
    consent,
    install,
    install_link,
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
    ("params", "headers", "status", "code"),
    [
        ({}, {}, 401, "unauthorized"),
        ({}, {"authorization": "Bearer ob_nobody"}, 401, "unauthorized"),
        ({}, {"authorization": f"Bearer {STOREFRONT_KEY}"}, 403, "insufficient_scope"),
        ({"tenant": "ten_b"}, {"authorization": f"Bearer {ADMIN_KEY}"}, 404, "unknown_tenant"),
        ({"link": "garbage"}, {}, 401, "invalid_link"),
        ({"link": "x" * 5000}, {}, 401, "invalid_link"),
    ],
)
async def test_start_needs_an_install_link_or_the_tenants_admin_key(
    client: httpx.AsyncClient,
    params: dict[str, str],
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    answer = await client.get("/connect/poster", params=params, headers=headers)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code


@pytest.mark.parametrize("key", [ADMIN_KEY, "ob_nobody"])
async def test_an_api_key_in_the_url_is_refused_and_says_what_to_do(
    client: httpx.AsyncClient, key: str
) -> None:
    """Even a valid admin key: the URL is in the access log and the browser's history."""
    answer = await client.get("/connect/poster", params={"api_key": key})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert (error["code"], error["field"]) == ("credential_in_url", "api_key")
    assert "install-links" in error["message"] and "install-link TENANT" in error["message"]
    assert "location" not in answer.headers


async def test_an_admin_makes_an_install_link_that_starts_the_install(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    before = utcnow()
    made = await client.post(
        "/api/v1/admin/connections/poster/install-links",
        headers={"authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert made.status_code == 201, made.text
    body = made.json()
    url = urlsplit(body["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{HUB}/connect/poster"
    assert parse_qs(url.query)["link"][0].count(".") == 1  # payload.signature
    assert ADMIN_KEY not in body["url"] and "ten_a" not in body["url"]
    expires = datetime.fromisoformat(body["expires_at"])
    assert before + timedelta(minutes=29) < expires <= utcnow() + timedelta(minutes=30)
    started = await client.get(body["url"])
    assert started.status_code == 302
    target = parse_qs(urlsplit(started.headers["location"]).query)
    assert verify_state(target["state"][0], key=state_key(SECRET_KEY), now=utcnow()) == "ten_a"
    # The link names its tenant: another tenant's name in the query is refused.
    other = await client.get(body["url"] + "&tenant=ten_b")
    assert other.json()["error"]["code"] == "unknown_tenant"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthorized"),
        ({"authorization": f"Bearer {STOREFRONT_KEY}"}, 403, "insufficient_scope"),
    ],
)
async def test_only_an_admin_key_makes_install_links(
    client: httpx.AsyncClient, headers: dict[str, str], status: int, code: str
) -> None:
    made = await client.post("/api/v1/admin/connections/poster/install-links", headers=headers)
    assert made.status_code == status
    assert made.json()["error"]["code"] == code


async def test_an_expired_or_foreign_token_is_not_an_install_link(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    old = create_install_link(
        "ten_a", base_url=HUB, secret_key=SECRET_KEY, now=utcnow() - timedelta(minutes=31)
    )
    expired = await client.get(old.url)
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "expired_link"
    # An OAuth state (same shape, another purpose) and another hub's link are refused.
    state = sign_state("ten_a", key=state_key(SECRET_KEY), now=utcnow())
    elsewhere = create_install_link("ten_a", base_url=HUB, secret_key="other", now=utcnow())
    for url in (f"{HUB}/connect/poster?link={state}", elsewhere.url):
        answer = await client.get(url)
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "invalid_link"


async def test_start_without_a_configured_application_is_404(
    tmp_path: Path, poster: httpx.AsyncBaseTransport
) -> None:
    hub = make_hub(tmp_path, poster, poster_application_id=None)
    bearer = {"authorization": f"Bearer {ADMIN_KEY}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hub.app()), base_url=HUB) as c:
        answer = await c.get("/connect/poster", headers=bearer)
        made = await c.post("/api/v1/admin/connections/poster/install-links", headers=bearer)
    assert answer.status_code == made.status_code == 404
    assert answer.json()["error"]["code"] == made.json()["error"]["code"] == "marketplace_disabled"


async def test_no_link_code_or_state_reaches_the_access_log(
    client: httpx.AsyncClient,
    poster: httpx.AsyncBaseTransport,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The whole install through the link, with JSON access logs on: every request is
    logged by its path alone; the link's token, Poster's code and the state are not."""
    configure_logging("INFO", json=True)
    try:
        capsys.readouterr()
        link = await install_link(client)
        started = await client.get(link)
        back = await consent(poster, started.headers["location"], "dev-example")
        finished = await client.get(back)
        assert finished.status_code == 200, finished.text
        written = capsys.readouterr().err
    finally:
        configure_logging("INFO", json=False, access_log=False)
    access = [
        line
        for line in map(json.loads, filter(str.strip, written.splitlines()))
        if line.get("logger") == "orderbridge.access"
    ]
    assert [(a["method"], a["path"]) for a in access] == [
        ("POST", "/api/v1/admin/connections/poster/install-links"),
        ("GET", "/connect/poster"),
        ("GET", "/connect/poster/callback"),
    ]
    state = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
    code = parse_qs(urlsplit(back).query)["code"][0]
    secrets = [parse_qs(urlsplit(link).query)["link"][0], code, state]
    assert all(secret not in written for secret in secrets)
    assert ADMIN_KEY not in written


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

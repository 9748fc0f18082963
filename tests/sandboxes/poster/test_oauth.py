"""OAuth install flow and the management-console variant, as the reference describes."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.state import Application
from tests.sandboxes.poster.worlds import APP_ID, APP_SECRET, REDIRECT, tiny_world


@pytest.fixture
def sandbox() -> PosterSandbox:
    world = tiny_world()
    world.applications[41] = Application(application_id=41, application_secret="123123")
    return PosterSandbox(world)


@pytest.fixture
def client(sandbox: PosterSandbox) -> TestClient:
    return TestClient(create_app(sandbox), follow_redirects=False)


def _authorize(client: TestClient, account: str = "dev-example") -> str:
    page = client.get(
        "/api/auth",
        params={
            "application_id": APP_ID,
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "account": account,
        },
    )
    assert page.status_code == 200
    assert "Allow" in page.text
    answer = client.post(
        "/api/auth",
        data={"application_id": str(APP_ID), "redirect_uri": REDIRECT, "account": account},
    )
    assert answer.status_code == 302
    target = urlsplit(answer.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == REDIRECT
    query = parse_qs(target.query)
    assert query["account"] == [account]
    assert len(query["code"][0]) == 32
    return query["code"][0]


def test_full_oauth_flow_installs_the_application_and_its_token_works(
    client: TestClient, sandbox: PosterSandbox
) -> None:
    code = _authorize(client)
    answer = client.post(
        "/api/v2/auth/access_token",
        data={
            "application_id": str(APP_ID),
            "application_secret": APP_SECRET,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
            "code": code,
        },
    )
    body = answer.json()
    assert body["account_number"] == "861052"
    assert body["access_token"].startswith("861052:")
    assert set(body) >= {"access_token", "account_number", "user", "ownerInfo", "tariff"}
    assert set(body["user"]) == {"id", "name", "email", "role_id"}
    assert APP_ID in sandbox.world.accounts["dev-example"].installations
    spots = client.get("/api/access.getSpots", params={"token": body["access_token"]}).json()
    assert spots["response"][0]["spot_id"] == "1"


def test_a_code_works_once(client: TestClient) -> None:
    code = _authorize(client)
    form = {
        "application_id": str(APP_ID),
        "application_secret": APP_SECRET,
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
        "code": code,
    }
    assert "access_token" in client.post("/api/v2/auth/access_token", data=form).json()
    again = client.post("/api/v2/auth/access_token", data=form).json()
    assert again["error"] == 32


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"application_id": "999"}, 143, "application_id"),
        ({"application_secret": "nope"}, 142, "application_secret"),
        ({"redirect_uri": "http://evil.test/"}, 34, "redirect_uri"),
        ({"code": "0" * 32}, 32, "code"),
        ({"code": ""}, 34, "code"),
    ],
)
def test_token_exchange_checks_every_field(
    client: TestClient, change: dict[str, str], error: int, field: str
) -> None:
    code = _authorize(client)
    form = {
        "application_id": str(APP_ID),
        "application_secret": APP_SECRET,
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
        "code": code,
    } | change
    body = client.post("/api/v2/auth/access_token", data=form).json()
    assert body["error"] == error
    assert body["field"] == field
    assert isinstance(body["message"], str)


def test_consent_page_refuses_a_foreign_redirect_uri(client: TestClient) -> None:
    body = client.get(
        "/api/auth", params={"application_id": APP_ID, "redirect_uri": "http://evil.test/"}
    ).json()
    assert body["error"] == 34


def test_consent_page_takes_the_account_from_the_subdomain(client: TestClient) -> None:
    page = client.get(
        "/api/auth",
        params={"application_id": APP_ID, "redirect_uri": REDIRECT},
        headers={"host": "dev-example.localhost:8010"},
    )
    assert '<option value="dev-example" selected>' in page.text


def test_manage_checks_the_md5_verify_and_answers_the_token(
    client: TestClient, sandbox: PosterSandbox
) -> None:
    code = "74367937cf906c097931a3888adf7a84"
    sandbox.world.auth_codes[code] = ("dev-example", 41, "")
    auth = {"application_id": "41", "application_secret": "123123", "code": code}
    auth["verify"] = hashlib.md5(":".join(auth.values()).encode()).hexdigest()
    bad = client.post("/api/v2/auth/manage", data=auth | {"verify": "0" * 32}).json()
    assert bad == {"error": 142, "message": "Verify code is not correct", "field": "verify"}
    body = client.post("/api/v2/auth/manage", data=auth).json()
    assert body["account_number"] == "861052"
    assert body["access_token"].startswith("861052:")


def test_install_fires_the_application_webhook_with_the_token(
    client: TestClient, sandbox: PosterSandbox
) -> None:
    events: list[object] = []
    code = _authorize(client)

    class Sink:
        def publish(self, event: object) -> None:
            events.append(event)

    sandbox.sink = Sink()
    body = client.post(
        "/api/v2/auth/access_token",
        data={
            "application_id": str(APP_ID),
            "application_secret": APP_SECRET,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
            "code": code,
        },
    ).json()
    (event,) = events
    assert event.object == "application"  # type: ignore[attr-defined]
    assert event.action == "added"  # type: ignore[attr-defined]
    assert body["access_token"] in event.data  # type: ignore[attr-defined]
    assert event.application_id == APP_ID  # type: ignore[attr-defined]


def test_uninstall_revokes_the_token_and_fires_removed(
    client: TestClient, sandbox: PosterSandbox
) -> None:
    token = client.post(
        f"/_sandbox/applications/{APP_ID}/install", params={"account": "dev-example"}
    ).json()["access_token"]
    assert "response" in client.get("/api/access.getSpots", params={"token": token}).json()
    removed = client.post(
        f"/_sandbox/applications/{APP_ID}/uninstall", params={"account": "dev-example"}
    )
    assert removed.json() == {"removed": True}
    assert client.get("/api/access.getSpots", params={"token": token}).json() == {
        "error": {"code": 11, "message": "Invalid access_token"}
    }

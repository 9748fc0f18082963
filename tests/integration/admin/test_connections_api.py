"""``/api/v1/admin/connections``: a new tenant connects its Poster (personal token) and
its Wix site with the admin API only, against the sandboxes."""

from __future__ import annotations

from typing import Any

import pytest

from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.services.menus import IMPORT_MENU, PUBLISH_MENU
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from tests.integration.admin.setup_support import (
    CONNECTIONS,
    OTHER,
    POSTER,
    REFUSED_TOKEN,
    TENANT,
    Setup,
)
from tests.integration.support.api import error_of

SPOTS = [("1", "Бріош на Подолі"), ("2", "Brioche Pechersk")]


def _add_poster(setup: Setup, **changes: Any) -> dict[str, Any]:
    answer = setup.admin.post(CONNECTIONS, json=setup.poster_body(**changes))
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_poster_token_brings_a_location_per_spot(setup: Setup) -> None:
    added = _add_poster(setup)
    assert added["kind"] == "poster" and added["role"] == "pos" and added["status"] == "active"
    assert added["credentials"] == ["token"]
    assert added["settings"]["account_number"] == "687409"
    # The login comes from settings.getAllSettings (COMPANY_ID): webhooks name it.
    assert added["external_account"] == "api-demo" and added["name"] == "Poster api-demo"
    assert added["settings"]["base_url"] == POSTER
    assert added["webhook_url"] == "http://hub.test/webhooks/poster"
    spots = [(x["external_id"], x["name"], x["created"]) for x in added["locations"]]
    assert spots == [(spot, name, True) for spot, name in SPOTS]
    assert setup.jobs(IMPORT_MENU) == 2
    listed = setup.admin.get(CONNECTIONS).json()["connections"]
    assert [c["id"] for c in listed] == [added["id"]]
    assert "687409:4164553abf6a031302898da7800b59fb" not in str(listed)
    locations = setup.admin.get("/api/v1/admin/locations").json()["locations"]
    assert sorted((x["name"], x["currency"], x["timezone"]) for x in locations) == sorted(
        (name, "UAH", "Europe/Kyiv") for _, name in SPOTS
    )
    assert all(x["links"][0]["connection_id"] == added["id"] for x in locations)


def test_the_account_login_given_is_the_webhook_account(setup: Setup) -> None:
    added = _add_poster(setup, settings={"base_url": POSTER, "account": "api-demo"})
    assert added["external_account"] == "api-demo" and added["name"] == "Poster api-demo"


def test_a_token_poster_refuses_creates_nothing(setup: Setup) -> None:
    answer = setup.admin.post(
        CONNECTIONS, json=setup.poster_body(credentials={"token": REFUSED_TOKEN})
    )
    assert error_of(answer) == (422, "credentials_refused", "credentials.token")
    assert setup.count(t.Connection) == setup.count(t.Location) == 0
    assert setup.jobs(IMPORT_MENU) == 0


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"kind": "square"}, (422, "unknown_kind", "kind")),
        ({"credentials": {}}, (422, "invalid_token", "credentials.token")),
        ({"credentials": {"token": "hunter2"}}, (422, "invalid_token", "credentials.token")),
        (
            {"credentials": {"token": "687409:4164553abf6a031302898da7800b59fb", "pasword": "x"}},
            (422, "unknown_field", "credentials.pasword"),
        ),
        (
            {"settings": {"base_url": POSTER, "acount": "x"}},
            (422, "unknown_field", "settings.acount"),
        ),
        (
            {"settings": {"base_url": "ftp://poster.test"}},
            (422, "invalid_value", "settings.base_url"),
        ),
        (
            {"settings": {"base_url": POSTER, "account_number": "1"}},
            (422, "invalid_value", "settings.account_number"),
        ),
        (
            {"settings": {"base_url": POSTER, "price_policy": "cheap"}},
            (422, "invalid_value", "settings.price_policy"),
        ),
        ({"credentials": "token"}, (422, "invalid_type", "credentials")),
        ({"locations": {"9": "loc_x"}}, (422, "unknown_place", "locations.9")),
    ],
)
def test_bad_connections_are_4xx_with_a_field(
    setup: Setup, changes: dict[str, Any], expected: tuple[int, str, str]
) -> None:
    answer = setup.admin.post(CONNECTIONS, json=setup.poster_body(**changes))
    assert error_of(answer) == expected
    assert setup.count(t.Connection) == setup.count(t.Location) == 0


def test_a_misspelt_setting_names_the_nearest_one(setup: Setup) -> None:
    answer = setup.admin.post(
        CONNECTIONS, json=setup.poster_body(settings={"base_url": POSTER, "acount": "x"})
    )
    assert "'account'" in answer.json()["error"]["message"]


def test_an_account_is_connected_once(setup: Setup) -> None:
    first = _add_poster(setup)
    again = setup.admin.post(CONNECTIONS, json=setup.poster_body())
    assert error_of(again) == (409, "duplicate_connection", "credentials")
    assert first["id"] in again.json()["error"]["message"]
    theirs = setup.other_admin.post(CONNECTIONS, json=setup.poster_body())
    assert error_of(theirs) == (409, "account_taken", "credentials")
    assert setup.count(t.Connection) == 1 and setup.count(t.Location) == 2


def test_a_spot_can_link_an_existing_location(setup: Setup) -> None:
    with setup.hub.sessions() as session, session.begin():
        kept = admin.create_location(
            session, TENANT, name="Podil (ours)", timezone="Europe/Kyiv", currency="UAH"
        )
        theirs = admin.create_location(
            session, OTHER, name="Elsewhere", timezone="UTC", currency="UAH"
        )
    foreign = setup.admin.post(CONNECTIONS, json=setup.poster_body(locations={"1": theirs}))
    assert error_of(foreign) == (404, "unknown_location", "locations.1")
    twice = setup.admin.post(CONNECTIONS, json=setup.poster_body(locations={"1": kept, "2": kept}))
    assert error_of(twice) == (422, "duplicate_link", "locations.2")
    added = _add_poster(setup, locations={"1": kept})
    linked = [
        (x["external_id"], x["location_id"] == kept, x["created"]) for x in added["locations"]
    ]
    assert linked == [("1", True, False), ("2", False, True)]
    assert setup.count(t.Location, t.Location.tenant_id == TENANT) == 2


def test_test_says_what_poster_answered_and_changes_nothing(setup: Setup) -> None:
    added = _add_poster(setup)
    ok = setup.admin.post(f"{CONNECTIONS}/{added['id']}/test").json()
    assert ok["ok"] is True and ok["code"] == ""
    assert "2 places" in ok["said"] and "Brioche Pechersk (2)" in ok["said"]
    setup.revoke()
    refused = setup.admin.post(f"{CONNECTIONS}/{added['id']}/test").json()
    assert refused["ok"] is False and refused["code"] == "reauth_required"
    assert setup.admin.get(f"{CONNECTIONS}/{added['id']}").json()["status"] == "active"


def test_new_credentials_clear_needs_reauth_and_release_parked_jobs(setup: Setup) -> None:
    added = _add_poster(setup)
    connection_id = added["id"]
    with setup.hub.uow() as tx:
        tx.set_connection_status(connection_id, "needs_reauth", "Poster error 11")
        tx.enqueue("order.submit", {"order_id": "ord_x"}, key="ord_x", connection_id=connection_id)
        tx.enqueue("menu.import", {"location_id": "x"}, key="other", connection_id=connection_id)
        tx.commit()
    with setup.hub.sessions() as session, session.begin():
        for job in session.query(OutboxJob).filter(OutboxJob.connection_id == connection_id):
            job.status = JobStatus.DEAD.value
            job.last_error = (
                "reauth_required: Poster error 11" if job.key == "ord_x" else "unknown_product: x"
            )
    setup.revoke()
    refused = setup.admin.patch(
        f"{CONNECTIONS}/{connection_id}", json={"credentials": {"token": REFUSED_TOKEN}}
    )
    assert error_of(refused) == (422, "credentials_refused", "credentials.token")
    assert setup.admin.get(f"{CONNECTIONS}/{connection_id}").json()["status"] == "needs_reauth"
    setup.restore()
    changed = setup.admin.patch(
        f"{CONNECTIONS}/{connection_id}",
        json={"credentials": {"token": "687409:4164553abf6a031302898da7800b59fb"}},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["status"], body["status_reason"], body["released"]) == ("active", "", 1)
    with setup.hub.sessions() as session:
        states = dict(
            session.query(OutboxJob.key, OutboxJob.status).filter(
                OutboxJob.connection_id == connection_id
            )
        )
    assert states == {"ord_x": "pending", "other": "dead"}


def test_renaming_and_other_tenants_connections(setup: Setup) -> None:
    added = _add_poster(setup)
    path = f"{CONNECTIONS}/{added['id']}"
    renamed = setup.admin.patch(path, json={"name": "Poster (Podil & Pechersk)"})
    assert renamed.json()["name"] == "Poster (Podil & Pechersk)" and renamed.json()["released"] == 0
    for answer in [
        setup.other_admin.get(path),
        setup.other_admin.patch(path, json={"name": "mine"}),
        setup.other_admin.post(f"{path}/test"),
        setup.other_admin.post(f"{path}/sync"),
        setup.other_admin.delete(path),
    ]:
        assert error_of(answer) == (404, "unknown_connection", "id")
    assert setup.admin.get(path).status_code == 200


def test_sync_imports_the_menus_now(setup: Setup) -> None:
    added = _add_poster(setup)
    synced = setup.admin.post(f"{CONNECTIONS}/{added['id']}/sync")
    assert synced.status_code == 200, synced.text
    results = synced.json()["locations"]
    assert len(results) == 2 and all(r["changed"] is True for r in results.values())
    for location_id in results:
        menu = setup.storefront.get(f"/api/v1/locations/{location_id}/menu")
        assert menu.status_code == 200 and menu.json()["categories"]
    again = setup.admin.post(f"{CONNECTIONS}/{added['id']}/sync").json()["locations"]
    assert all(r["changed"] is False for r in again.values())


def test_removing_keeps_the_locations(setup: Setup) -> None:
    added = _add_poster(setup)
    path = f"{CONNECTIONS}/{added['id']}"
    assert setup.admin.delete(path).status_code == 204
    assert error_of(setup.admin.get(path)) == (404, "unknown_connection", "id")
    assert error_of(setup.admin.delete(path)) == (404, "unknown_connection", "id")
    assert setup.count(t.Location) == 2 and setup.count(t.LocationLink) == 0
    assert _add_poster(setup)["id"] != added["id"]


def test_a_wix_site_serves_one_location(setup: Setup) -> None:
    podil = _add_poster(setup)["locations"][0]["location_id"]
    setup.admin.post(
        f"{CONNECTIONS}/{setup.admin.get(CONNECTIONS).json()['connections'][0]['id']}/sync"
    )
    added = setup.admin.post(CONNECTIONS, json=setup.wix_body(podil))
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["role"] == "channel" and body["credentials"] == ["access_token", "public_key_pem"]
    assert body["settings"]["business_location_id"] == "7d9f0a1b-3c4d-4e5f-8a6b-9c0d1e2f3a4b"
    assert body["webhook_url"] == f"http://hub.test/webhooks/wix/{body['id']}"
    assert [x["location_id"] for x in body["locations"]] == [podil]
    assert setup.jobs(PUBLISH_MENU) == 1
    probe = setup.admin.post(f"{CONNECTIONS}/{body['id']}/test").json()
    assert probe["ok"] is True and "1 business location" in probe["said"]
    twice = setup.admin.post(CONNECTIONS, json=setup.wix_body(podil))
    assert error_of(twice) == (409, "duplicate_link", "location_id")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"location_id": None}, (422, "missing_field", "location_id")),
        ({"location_id": "loc_nope"}, (404, "unknown_location", "location_id")),
        (
            {"credentials": {"access_token": "x", "public_key_pem": "not a key"}},
            (422, "invalid_public_key", "credentials.public_key_pem"),
        ),
        (
            {"settings": {"base_url": "http://wix.test", "business_location_id": "nope"}},
            (422, "unknown_business_location", "settings.business_location_id"),
        ),
        ({"locations": {"1": "x"}}, (422, "invalid_field", "locations")),
    ],
)
def test_bad_wix_connections_are_4xx(
    setup: Setup, changes: dict[str, Any], expected: tuple[int, str, str]
) -> None:
    podil = _add_poster(setup)["locations"][0]["location_id"]
    answer = setup.admin.post(CONNECTIONS, json=setup.wix_body(podil) | changes)
    assert error_of(answer) == expected
    assert setup.count(t.Connection, t.Connection.kind == "wix") == 0


def test_a_refused_wix_token_creates_nothing(setup: Setup) -> None:
    podil = _add_poster(setup)["locations"][0]["location_id"]
    body = setup.wix_body(podil)
    body["credentials"]["access_token"] = "OauthNG.JWS.someone-else"
    answer = setup.admin.post(CONNECTIONS, json=body)
    assert error_of(answer) == (422, "credentials_refused", "credentials.access_token")


def test_a_storefront_key_cannot_connect_anything(setup: Setup) -> None:
    for method, path in [
        ("GET", CONNECTIONS),
        ("POST", CONNECTIONS),
        ("GET", "/api/v1/admin/locations"),
        ("PATCH", "/api/v1/admin/locations/x"),
    ]:
        answer = setup.storefront.request(method, path, json={})
        assert error_of(answer)[:2] == (403, "insufficient_scope"), path

"""``/api/v1/admin/alerts`` and ``/api/v1/admin/incidents``: destinations behind the SSRF
guard, signed Slack-compatible alerts, and the incidents they report; on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from orderbridge.ports import PermanentError
from orderbridge.services.alerts import DELIVER_ALERT
from orderbridge.services.incidents import raise_incident
from tests.integration.support.api import bearer, error_of
from tests.integration.support.receiver import Delivery
from tests.integration.support.world import TENANT, World, build_world, jobs
from tests.unit.web.bodies import order_body

ALERTS = "/api/v1/admin/alerts"
INCIDENTS = "/api/v1/admin/incidents"
SLACK_LIKE = "http://ops.test/services/T000/B000/XXXX"

pytestmark = pytest.mark.anyio


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    built = build_world(db_url)
    yield built
    built.close()


@pytest.fixture
def operator(world: World) -> TestClient:
    return TestClient(world.hub.app(), headers=bearer(world.admin_key))


@pytest.fixture
def client(world: World) -> TestClient:
    return TestClient(world.hub.app(), headers=bearer(world.api_key))


def _alerts(world: World) -> list[Delivery]:
    return [d for d in world.receiver.deliveries if d.path != "/hooks/orderbridge"]


def test_a_destination_is_created_listed_and_deleted(operator: TestClient) -> None:
    made = operator.post(ALERTS, json={"url": SLACK_LIKE, "description": "#kitchen-ops"})
    assert made.status_code == 201
    body = made.json()
    assert body["secret"].startswith("whsec_")
    assert (body["url"], body["events"], body["description"]) == (SLACK_LIKE, ["*"], "#kitchen-ops")
    listed = operator.get(ALERTS).json()
    assert [d["id"] for d in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert operator.delete(f"{ALERTS}/{body['id']}").status_code == 204
    assert operator.get(ALERTS).json() == []
    assert error_of(operator.delete(f"{ALERTS}/{body['id']}")) == (
        404,
        "unknown_alert_destination",
        "id",
    )


def test_another_tenant_and_a_storefront_key_cannot_touch_destinations(
    world: World, operator: TestClient, client: TestClient
) -> None:
    made = operator.post(ALERTS, json={"url": SLACK_LIKE, "events": ["order.failed"]}).json()
    other = TestClient(world.hub.app(), headers=bearer(world.other_key))
    assert other.get(ALERTS).status_code == 403  # a storefront key of another tenant
    assert client.post(ALERTS, json={"url": SLACK_LIKE}).status_code == 403
    assert client.get(INCIDENTS).status_code == 403
    assert client.delete(f"{ALERTS}/{made['id']}").status_code == 403
    assert [d["id"] for d in operator.get(ALERTS).json()] == [made["id"]]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"url": "ftp://ops.test/h"}, "invalid_url", "url"),
        ({"url": "http://user:pw@ops.test/h"}, "invalid_url", "url"),
        ({"url": ""}, "value_out_of_range", "url"),
        ({"url": SLACK_LIKE, "events": []}, "value_out_of_range", "events"),
        ({"url": SLACK_LIKE, "events": ["order.eaten"]}, "invalid_value", "events[0]"),
        ({"url": SLACK_LIKE, "channel": "#ops"}, "unknown_field", "channel"),
        ({}, "missing_field", "url"),
    ],
)
def test_malformed_destinations_are_422_and_store_nothing(
    operator: TestClient, body: dict[str, object], code: str, field: str
) -> None:
    answer = operator.post(ALERTS, json=body)
    assert error_of(answer) == (422, code, field)
    assert operator.get(ALERTS).json() == []


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9000/alerts", "http://169.254.169.254/latest", "http://10.1.2.3/x"],
)
def test_private_addresses_are_refused_when_the_guard_is_closed(db_url: str, url: str) -> None:
    world = build_world(db_url, allow_private_urls=False)
    try:
        operator = TestClient(world.hub.app(), headers=bearer(world.admin_key))
        assert error_of(operator.post(ALERTS, json={"url": url})) == (
            422,
            "private_address",
            "url",
        )
        assert operator.get(ALERTS).json() == []
    finally:
        world.close()


async def test_a_failed_order_alerts_once_signed_with_a_slack_text(
    world: World, operator: TestClient, client: TestClient
) -> None:
    secret = operator.post(ALERTS, json={"url": SLACK_LIKE, "events": ["order.failed"]}).json()[
        "secret"
    ]
    world.pos.refuse = PermanentError("unknown_product", "product 42 is not on the menu")
    order_id = client.post("/api/v1/orders", json=order_body()).json()["id"]
    await world.hub.worker().run_until_idle()
    [alert] = _alerts(world)
    assert alert.path == "/services/T000/B000/XXXX"
    assert alert.signed_by(secret, at=world.clock())
    message = alert.message
    assert message["type"] == "order.failed"
    assert message["text"].startswith("[orderbridge] ")
    assert "product 42 is not on the menu" in message["text"]
    assert (message["data"]["state"], message["data"]["order_id"]) == ("open", order_id)
    text = alert.body.decode()
    assert "+380" not in text and "@" not in text  # no customer contacts
    incidents = operator.get(INCIDENTS).json()["incidents"]
    assert [(i["kind"], i["subject_id"], i["status"]) for i in incidents] == [
        ("order.failed", order_id, "open")
    ]
    operator.post(f"/api/v1/admin/orders/{order_id}/replay")
    world.pos.refuse = None
    await world.hub.worker().run_until_idle()
    states = [d.message["data"]["state"] for d in _alerts(world)]
    assert states == ["open", "cleared"]
    assert operator.get(INCIDENTS).json()["incidents"] == []
    cleared = operator.get(INCIDENTS, params={"status": "cleared"}).json()["incidents"]
    assert [i["subject_id"] for i in cleared] == [order_id]
    assert len(operator.get(INCIDENTS, params={"status": "all"}).json()["incidents"]) == 1


def test_incident_listing_refuses_an_unknown_status(operator: TestClient) -> None:
    answer = operator.get(INCIDENTS, params={"status": "closed"})
    assert error_of(answer)[:2] == (422, "invalid_value")


async def test_a_test_alert_reaches_the_destination(world: World, operator: TestClient) -> None:
    made = operator.post(ALERTS, json={"url": SLACK_LIKE}).json()
    queued = operator.post(f"{ALERTS}/{made['id']}/test")
    assert queued.status_code == 202
    await world.hub.worker().run_until_idle()
    [alert] = _alerts(world)
    assert alert.message["type"] == "alert.test"
    assert alert.signed_by(made["secret"], at=world.clock())
    [job] = jobs(world.hub, DELIVER_ALERT)
    assert (job.status, job.result) == ("succeeded", {"status": 204})
    missing = operator.post(f"{ALERTS}/alr_nope/test")
    assert error_of(missing) == (404, "unknown_alert_destination", "id")


async def test_a_deleted_destination_gets_nothing_more(world: World, operator: TestClient) -> None:
    made = operator.post(ALERTS, json={"url": SLACK_LIKE}).json()
    with world.hub.uow() as tx:  # an alert is queued …
        raise_incident(
            tx, tenant_id=TENANT, kind="job.dead", subject_id="9", detail="", now=world.clock()
        )
        tx.commit()
    operator.delete(f"{ALERTS}/{made['id']}")  # … and its destination removed
    await world.hub.worker().run_until_idle()
    assert _alerts(world) == []
    [job] = jobs(world.hub, DELIVER_ALERT)
    assert job.result == {"skipped": "destination_removed"}

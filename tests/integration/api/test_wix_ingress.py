"""``POST /webhooks/wix/{connection}``: verify the JWT, store once, acknowledge, and make
one hub order per Wix order. Orders are real checkouts at the Wix sandbox (in-process),
whose menu the connector published; every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from orderbridge.connectors.wix import refs as r
from orderbridge.connectors.wix.events import WIX_EVENT
from orderbridge.connectors.wix.mapping import item_key
from orderbridge.domain.orders import OrderStatus
from orderbridge.messaging.tables import InboxEvent, JobStatus, OutboxJob
from orderbridge.sandboxes.wix.checkout import checkout
from orderbridge.sandboxes.wix.events import (
    EVENT_TYPES,
    WixEvent,
    generate_private_key_pem,
    order_event,
    sign,
)
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import OPERATION_ID
from orderbridge.services.notify import DELIVER_WEBHOOK
from orderbridge.services.orders import SUBMIT_ORDER, replay_order
from orderbridge.storage.channel_refs import SqlChannelRefs
from tests.integration.support.api import error_of
from tests.integration.support.wix import WIX, build_wix_world, run_jobs
from tests.integration.support.world import LOCATION, TENANT, World, count, jobs
from tests.sandboxes.wix.payloads import wix_payload
from tests.sandboxes.wix.support import NOW, fresh_world

HOOK = f"/webhooks/wix/{WIX}"
STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e"


@pytest.fixture
def sandbox() -> WixSandbox:
    return WixSandbox(fresh_world(), clock=lambda: NOW)


@pytest.fixture
def world(db_url: str, sandbox: WixSandbox) -> Iterator[World]:
    """The café with a Wix connection whose menu was published to the sandbox."""
    built = build_wix_world(db_url, sandbox)
    yield built
    built.close()


@pytest.fixture
def wix(world: World) -> TestClient:
    """Wix's side: no API key, only the JWT."""
    return TestClient(world.hub.app())


def _wix_id(world: World, kind: str, local: str) -> str:
    found = SqlChannelRefs(world.hub.sessions, WIX).get(kind, local)
    assert found is not None
    return found.external_id


def _checkout(sandbox: WixSandbox, items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return checkout(
        sandbox,
        {
            "operationId": OPERATION_ID,
            "items": items,
            "buyer": {"firstName": "Олена", "lastName": "Коваль", "phone": "+380671234567"},
            **extra,
        },
    )


def _jwt(sandbox: WixSandbox, slug: str, order: dict[str, Any], *, key: str | None = None) -> str:
    site = sandbox.world.site
    return sign(
        order_event(slug, order, NOW),
        instance_id=site.instance_id,
        app_id=site.app_id,
        key_pem=key or sandbox.world.private_key_pem,
        now=datetime.now(UTC),
    )


def _post(wix: TestClient, token: str) -> httpx.Response:
    return wix.post(HOOK, content=token, headers={"content-type": "text/plain"})


def _run_jobs(world: World) -> None:
    asyncio.run(world.hub.worker().run_until_idle())


def _hub_orders(world: World) -> list[Any]:
    with world.hub.uow() as tx:
        return [tx.find_order(TENANT, "wix", o) for o in _wix_order_ids(world)]


def _wix_order_ids(world: World) -> list[str]:
    return [str(j.payload["event"]["entityId"]) for j in jobs(world.hub, WIX_EVENT)]


def _latte_line(world: World) -> dict[str, Any]:
    return {
        "catalogItemId": _wix_id(world, r.ITEM, item_key(LOCATION, "latte")),
        "quantity": 2,
        "options": {
            "variantId": _wix_id(world, r.VARIANT, f"{LOCATION}/latte/latte-l"),
            "modifierIds": [_wix_id(world, r.MODIFIER, f"{LOCATION}/latte/vanilla")],
        },
    }


def test_a_bad_signature_is_401_and_nothing_is_stored(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    order = _checkout(sandbox, [_latte_line(world)])
    forged = _jwt(sandbox, "created", order, key=generate_private_key_pem())
    for body in (forged, "garbage", ""):
        answer = _post(wix, body)
        assert answer.status_code == 401, answer.text
    assert count(world.hub, InboxEvent) == 0 and count(world.hub, OutboxJob) == 0


def test_created_then_approved_make_one_order_sent_to_the_pos(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    order = _checkout(sandbox, [_latte_line(world)])
    assert _post(wix, _jwt(sandbox, "created", order)).status_code == 200
    assert _post(wix, _jwt(sandbox, "approved", order)).status_code == 200
    run_jobs(world)
    with world.hub.uow() as tx:
        stored = tx.find_order(TENANT, "wix", order["id"])
    assert stored is not None
    hub_order = stored.order
    (line,) = hub_order.lines
    assert (line.item_id, line.variant_id, line.quantity) == ("latte", "latte-l", 2)
    assert [m.modifier_id for m in line.modifiers] == ["vanilla"]
    refs = hub_order.external_refs
    assert refs["wix_order_id"] == order["id"] and refs["channel_connection_id"] == WIX
    assert order["lineItems"][0]["id"] in refs["wix_line_items"]
    assert len(jobs(world.hub, SUBMIT_ORDER)) == 1
    assert hub_order.status is OrderStatus.SUBMITTED


def test_duplicates_and_out_of_order_resends_change_nothing(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    order = _checkout(sandbox, [_latte_line(world)])
    approved, created = _jwt(sandbox, "approved", order), _jwt(sandbox, "created", order)
    for token in (approved, approved, created, approved, created):
        answer = _post(wix, token)
        assert answer.status_code == 200, answer.text
    assert count(world.hub, InboxEvent) == 2
    assert [a.json()["duplicate"] for a in (_post(wix, approved),)] == [True]
    run_jobs(world)
    assert len(jobs(world.hub, SUBMIT_ORDER)) == 1
    with world.hub.uow() as tx:
        assert tx.find_order(TENANT, "wix", order["id"]) is not None


def test_non_restaurant_line_items_are_ignored(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    mug = {
        "productName": {"original": "Чашка"},
        "quantity": 1,
        "price": {"amount": "250"},
        "catalogReference": {"catalogItemId": "mug", "appId": STORES_APP_ID},
    }
    order = _checkout(sandbox, [_latte_line(world)], extraLineItems=[mug])
    _post(wix, _jwt(sandbox, "approved", order))
    run_jobs(world)
    with world.hub.uow() as tx:
        stored = tx.find_order(TENANT, "wix", order["id"])
    assert stored is not None
    assert [line.item_id for line in stored.order.lines] == ["latte"]
    assert "mug" not in stored.order.external_refs["wix_line_items"]


def test_an_unknown_item_fails_the_order_with_its_reason(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    order = _checkout(sandbox, [_latte_line(world)])
    order["lineItems"][0]["catalogReference"]["catalogItemId"] = "not-on-the-hub-menu"
    answer = _post(wix, _jwt(sandbox, "approved", order))
    assert answer.status_code == 200
    run_jobs(world)
    with world.hub.uow() as tx:
        stored = tx.find_order(TENANT, "wix", order["id"])
    assert stored is not None
    assert stored.order.status is OrderStatus.FAILED
    reason = next(e.detail for e in stored.order.timeline if e.event == "order.failed")
    assert "unknown_item" in reason and "not-on-the-hub-menu" in reason
    assert jobs(world.hub, SUBMIT_ORDER) == []


def test_an_order_failed_at_intake_raises_its_incident_and_a_replay_clears_it(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    """A marketplace's order that cannot go to the POS reaches a person like a dead
    submit does: the ``order.failed`` incident, with the first problem's code."""
    order = _checkout(sandbox, [_latte_line(world)])
    order["lineItems"][0]["catalogReference"]["catalogItemId"] = "not-on-the-hub-menu"
    _post(wix, _jwt(sandbox, "approved", order))
    _run_jobs(world)
    with world.hub.uow() as tx:
        stored = tx.find_order(TENANT, "wix", order["id"])
        assert stored is not None
        [incident] = tx.open_incidents(kind="order.failed", limit=10)
    told = [j.payload["message"] for j in jobs(world.hub, DELIVER_WEBHOOK)]
    [failed] = [m["data"] for m in told if m["type"] == "order.failed"]
    assert failed["code"] == "unknown_item" and "not-on-the-hub-menu" in failed["reason"]
    assert (incident.subject_id, incident.tenant_id) == (stored.order.id, TENANT)
    assert incident.detail.startswith("unknown_item at items[0]")  # the code said once
    assert incident.data["channel_order_id"] == order["id"]
    [timeline] = [e.detail for e in stored.order.timeline if e.event == "order.failed"]
    assert timeline == incident.detail
    with world.hub.uow() as tx:
        replay_order(tx, order_id=stored.order.id, now=world.clock())
    with world.hub.uow() as tx:
        assert tx.open_incidents(kind="order.failed", limit=10) == []


def test_an_unknown_connection_is_404(wix: TestClient, sandbox: WixSandbox) -> None:
    answer = wix.post("/webhooks/wix/nope", content="x")
    assert answer.status_code == 404


# Wix's documented shapes through the real ingress -------------------------------------


def _documented(world: World, slug: str = "approved") -> dict[str, Any]:
    """Our fixture of Wix's documented event, its lines pointed at the café's published
    Wix menu: a latte with the documented ``modifierGroups`` and a croissant, all-zero
    variant ids, a phone typed without a country code, a delivery ``addressLine``."""
    name = {"approved": "event_order_approved", "canceled": "event_order_canceled"}[slug]
    event: dict[str, Any] = wix_payload(name)
    order = event["actionEvent"]["body"]["order"]
    latte, croissant = order["lineItems"]
    latte["catalogReference"]["catalogItemId"] = _wix_id(world, r.ITEM, item_key(LOCATION, "latte"))
    latte["modifierGroups"][0]["modifiers"][0]["id"] = _wix_id(
        world, r.MODIFIER, f"{LOCATION}/latte/vanilla"
    )
    latte["catalogReference"]["options"]["variantId"] = _wix_id(
        world, r.VARIANT, f"{LOCATION}/latte/latte-l"
    )
    croissant["catalogReference"]["catalogItemId"] = _wix_id(
        world, r.ITEM, item_key(LOCATION, "croissant")
    )
    order["lineItems"][0]["catalogReference"]["options"]["operationId"] = OPERATION_ID
    return event


def _signed_event(sandbox: WixSandbox, event: dict[str, Any]) -> str:
    slug = event["slug"]
    return sign(
        WixEvent(EVENT_TYPES[slug], event),
        instance_id=sandbox.world.site.instance_id,
        app_id=sandbox.world.site.app_id,
        key_pem=sandbox.world.private_key_pem,
        now=datetime.now(UTC),
    )


def _order_of(event: dict[str, Any]) -> dict[str, Any]:
    order: dict[str, Any] = event["actionEvent"]["body"]["order"]
    return order


def test_the_documented_order_approved_reaches_the_pos_whole(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    """All-zero variant ids, modifierGroups, a local phone, an addressLine delivery."""
    event = _documented(world)
    order = _order_of(event)
    order["lineItems"][1]["catalogReference"]["options"]["variantId"] = (
        "00000000-0000-0000-0000-000000000000"
    )
    assert _post(wix, _signed_event(sandbox, event)).status_code == 200
    run_jobs(world)
    with world.hub.uow() as tx:
        stored = tx.find_order(TENANT, "wix", order["id"])
    assert stored is not None
    hub_order = stored.order
    assert hub_order.status is OrderStatus.SUBMITTED, hub_order.timeline
    latte, croissant = hub_order.lines
    assert (latte.item_id, latte.variant_id, [m.modifier_id for m in latte.modifiers]) == (
        "latte",
        "latte-l",
        ["vanilla"],
    )
    assert (croissant.item_id, croissant.variant_id) == ("croissant", None)
    assert hub_order.customer.phone == "+380671234567"  # "0671234567" read in UA
    address = hub_order.fulfilment.address
    assert address is not None and address.line1 == "вулиця Сагайдачного, 25"
    assert (address.line2, address.city, address.postcode) == ("кв. 7", "Київ", "04070")
    assert hub_order.payment is not None and hub_order.payment.amount.amount == 29500
    assert len(world.pos.orders) == 1


def test_totals_only_in_the_deprecated_total_price_are_read(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    event = _documented(world)
    summary = _order_of(event)["priceSummary"]
    summary["totalPrice"] = summary.pop("total")
    _post(wix, _signed_event(sandbox, event))
    run_jobs(world)
    with world.hub.uow() as tx:
        stored = tx.find_order(TENANT, "wix", _order_of(event)["id"])
    assert stored is not None and stored.order.payment is not None
    assert stored.order.payment.amount.amount == 29500


def test_a_foreign_currency_order_fails_permanently_and_is_never_repriced(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    event = _documented(world)
    _order_of(event)["currency"] = "USD"
    assert _post(wix, _signed_event(sandbox, event)).status_code == 200
    run_jobs(world)
    (job,) = jobs(world.hub, WIX_EVENT)
    assert job.status == JobStatus.DEAD and job.attempts == 1
    assert job.last_error is not None and job.last_error.startswith("currency_mismatch")
    with world.hub.uow() as tx:
        assert tx.find_order(TENANT, "wix", _order_of(event)["id"]) is None
    assert world.pos.orders == []


@pytest.mark.parametrize(
    "change",
    [
        {"quantity": -5},
        {"quantity": 10**12},
    ],
)
def test_a_signed_order_with_an_impossible_quantity_is_dead_at_once(
    world: World, wix: TestClient, sandbox: WixSandbox, change: dict[str, Any]
) -> None:
    """#15: permanent at once with a reason, not retried as transient."""
    event = _documented(world)
    _order_of(event)["lineItems"][0].update(change)
    _post(wix, _signed_event(sandbox, event))
    with capture_logs() as logged:
        run_jobs(world)
    (job,) = jobs(world.hub, WIX_EVENT)
    assert (job.status, job.attempts) == (JobStatus.DEAD, 1)
    assert job.last_error is not None and "invalid_order" in job.last_error
    assert "lineItems.0.quantity" in job.last_error
    (line,) = [e for e in logged if e["event"] == "wix event refused"]
    assert line["code"] == "invalid_order" and line["wix_order_id"] == _order_of(event)["id"]
    assert "0671234567" not in str(logged)  # no phone in the logs


def test_line_items_that_are_no_list_are_dead_at_once(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    event = _documented(world)
    _order_of(event)["lineItems"] = "nope"
    _post(wix, _signed_event(sandbox, event))
    run_jobs(world)
    (job,) = jobs(world.hub, WIX_EVENT)
    assert (job.status, job.attempts) == (JobStatus.DEAD, 1)
    assert job.last_error is not None and "invalid_order: lineItems" in job.last_error


def test_a_phone_that_cannot_be_made_fails_the_order_naming_the_field(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    event = _documented(world)
    order = _order_of(event)
    order["billingInfo"]["contactDetails"]["phone"] = "12"
    order["shippingInfo"]["logistics"]["shippingDestination"]["contactDetails"]["phone"] = ""
    _post(wix, _signed_event(sandbox, event))
    run_jobs(world)
    with world.hub.uow() as tx:
        stored = tx.find_order(TENANT, "wix", order["id"])
    assert stored is not None and stored.order.status is OrderStatus.FAILED
    reason = next(e.detail for e in stored.order.timeline if e.event == "order.failed")
    assert "phone_required at billingInfo.contactDetails.phone" in reason
    assert jobs(world.hub, SUBMIT_ORDER) == [] and world.pos.orders == []


def test_the_documented_order_canceled_cancels_the_hub_order(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    approved = _documented(world)
    _post(wix, _signed_event(sandbox, approved))
    run_jobs(world)
    canceled = _documented(world, "canceled")
    assert _post(wix, _signed_event(sandbox, canceled)).status_code == 200
    run_jobs(world)
    with world.hub.uow() as tx:
        stored = tx.find_order(TENANT, "wix", _order_of(approved)["id"])
    # The POS has the order and cannot cancel it by API: the cancel waits for the
    # cashier (issue 10's "cancel reaches the cashier"), canceled when the POS confirms.
    assert stored is not None and stored.order.status is OrderStatus.CANCEL_REQUESTED
    assert "order.cancel_needs_cashier" in [e.event for e in stored.order.timeline]


# Hostile bodies (#15): 4xx, nothing stored ------------------------------------------


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_jwt_whose_header_nests_deeply_is_401(world: World, wix: TestClient) -> None:
    """PyJWT parses the header before it checks anything: a RecursionError, not a 500."""
    deep = "[" * 30_000 + "]" * 30_000
    answer = _post(wix, f"{_b64(deep)}.{_b64('{}')}.c2ln")
    assert error_of(answer)[:2] == (401, "invalid_signature")
    assert count(world.hub, InboxEvent) == 0 and count(world.hub, OutboxJob) == 0


@pytest.mark.parametrize("hostile", ["overlong id", "nul", "nested", "overlong entity"])
def test_a_signed_event_wix_would_never_send_is_400(
    world: World, wix: TestClient, sandbox: WixSandbox, hostile: str
) -> None:
    event = _documented(world)
    if hostile == "overlong id":
        event["id"] = "e" * 400  # would overflow the inbox key (a 500 on PostgreSQL)
    elif hostile == "overlong entity":
        event["entityId"] = "o" * 400  # would overflow the job key
    elif hostile == "nul":
        _order_of(event)["buyerNote"] = "ring\x00twice"  # PostgreSQL stores no NUL
    else:
        deep: Any = "deep"
        for _ in range(40):  # deeper than any real payload (safejson.MAX_DEPTH)
            deep = [deep]
        _order_of(event)["buyerNote"] = deep
    answer = _post(wix, _signed_event(sandbox, event))
    assert error_of(answer)[:2] == (400, "invalid_webhook")
    assert count(world.hub, InboxEvent) == 0 and count(world.hub, OutboxJob) == 0

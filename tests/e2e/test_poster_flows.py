"""Issue 4's "done when", end to end: ``orderbridge demo`` as a real process (the hub on
one port, the Poster sandbox on another) driven over HTTP as a shop, a cashier and a
restaurant owner would.

The main demo runs its reconciliation sweep only every ten minutes, so every status
change seen here travelled by webhook; the sweep's own test starts a demo whose sweep
runs every two seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from orderbridge.storage import admin
from orderbridge.storage.db import make_engine, session_factory
from tests.e2e.poster_demo import (
    ADMIN_KEY,
    DEMO_TOKEN,
    PODIL,
    POSTER_TIMEOUT,
    Demo,
    place_order,
    running_demo,
)
from tests.patience import wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    with running_demo(tmp_path_factory.mktemp("demo"), reconcile_seconds=600) as running:
        yield running


@pytest.fixture(autouse=True)
def no_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts and ends with the sandbox's fault knobs off."""
    yield
    if "demo" in request.fixturenames:
        demo: Demo = request.getfixturevalue("demo")
        demo.sandbox("/_sandbox/faults?replace=1", json={})


def _when(value: dict[str, Any], test: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
    return value if test(value) else None


def _item(menu: dict[str, Any], item_id: str) -> dict[str, Any]:
    found = [i for c in menu["categories"] for i in c["items"] if i["id"] == item_id]
    assert len(found) == 1, f"item {item_id} appears {len(found)} times"
    return found[0]


def test_a_prepaid_order_with_a_variant_and_modifiers_reaches_the_register(demo: Demo) -> None:
    order_id = place_order(demo, "web-2001")
    demo.wait_status(order_id, "submitted")
    [incoming] = demo.at_register(order_id)
    assert incoming["spot_id"] == 1 and incoming["status_name"] == "new"
    lines = [
        (p["product_id"], p["modificator_id"], p["modification"], p["count"])
        for p in incoming["products"]
    ]
    assert lines == [
        (192, 154, None, 1),
        (172, None, [{"m": 63, "a": 1}, {"m": 59, "a": 2}], 1),
    ]
    assert incoming["payment"] == {"type": 1, "sum": 53000, "currency": "UAH"}
    assert incoming["total"] == 53000  # the spot's prices: nothing left to pay
    assert incoming["phone"] == "380671234567" and incoming["customer"] == "Олена Коваленко"
    assert incoming["service_mode"] == 2
    comment = incoming["comment"]
    assert "web-2001" in comment and "no onions" in comment and "ring twice" in comment
    assert comment.rstrip().endswith(f"[ob:{order_id}]")


def test_the_cashier_accepts_then_closes_the_check_and_declines_another(demo: Demo) -> None:
    kept = place_order(demo, "web-2002")
    refused = place_order(demo, "web-2003", paid=False)
    demo.wait_status(kept, "submitted")
    demo.wait_status(refused, "submitted")
    [first] = demo.at_register(kept)
    [second] = demo.at_register(refused)

    demo.sandbox(f"/_sandbox/incoming-orders/{first['incoming_order_id']}/accept", json={})
    demo.wait_status(kept, "accepted")
    demo.sandbox(f"/_sandbox/incoming-orders/{second['incoming_order_id']}/decline", json={})
    demo.wait_status(refused, "declined")

    [check] = demo.at_register(kept)
    assert check["transaction_id"]
    closed = demo.sandbox(f"/_sandbox/transactions/{check['transaction_id']}/close", json={})
    assert closed["transaction"]["payed_sum"] == 0  # prepaid: the cashier took nothing
    done = demo.wait_status(kept, "completed")
    assert [e["status"] for e in done["timeline"] if e["event"].startswith("order.")] == [
        "received",
        "submitted",
        "accepted",
        "completed",
    ]


def test_a_price_change_at_poster_reaches_the_storefront_menu(demo: Demo) -> None:
    before = demo.menu()
    assert _item(before, "114")["price"] != 6700
    demo.sandbox("/_sandbox/products/114", json={"spot_id": 1, "price": 6700})
    demo.sandbox(
        "/_sandbox/products/192", json={"spot_id": 1, "price": 28900, "modificator_id": 154}
    )

    def changed() -> dict[str, Any] | None:
        menu = demo.menu()
        pizza = {v["id"]: v["price"] for v in _item(menu, "192")["variants"]}
        return menu if _item(menu, "114")["price"] == 6700 and pizza["154"] == 28900 else None

    after = wait_for(changed, timeout=10, what="new prices on the storefront menu")
    assert after["version"] != before["version"]
    # The other spot has its own prices and heard nothing.
    assert _item(demo.menu("loc_pechersk"), "114")["price"] != 6700


def test_duplicated_and_reordered_webhooks_change_nothing(demo: Demo) -> None:
    demo.faults(webhook_duplicate_rate=1.0, webhook_reorder=True)
    order_id = place_order(demo, "web-2004")
    demo.wait_status(order_id, "submitted")
    [incoming] = demo.at_register(order_id)
    demo.sandbox(f"/_sandbox/incoming-orders/{incoming['incoming_order_id']}/accept", json={})
    [accepted] = demo.at_register(order_id)
    demo.sandbox(f"/_sandbox/transactions/{accepted['transaction_id']}/close", json={})
    done = demo.wait_status(order_id, "completed")

    moves = [e["status"] for e in done["timeline"] if e["event"].startswith("order.")]
    assert moves == ["received", "submitted", "accepted", "completed"]
    assert len(demo.at_register(order_id)) == 1
    deliveries = demo.sandbox("/_sandbox/webhooks?object=incoming_order")["deliveries"]
    mine = [d for d in deliveries if d["object_id"] == incoming["incoming_order_id"]]
    assert any(d["duplicate"] for d in mine)
    assert {d["outcome"] for d in mine} == {"accepted"}


@pytest.mark.parametrize(
    ("fault", "knobs"),
    [
        ("rate limit (error 700)", {"rate_limit_calls": 1, "rate_limit_window_seconds": 2}),
        ("HTTP 503", {"next_5xx": 2}),
        # Held longer than the demo's POS call timeout (POSTER_TIMEOUT), so the call
        # times out although Poster created the order.
        ("created but no answer", {"next_hang": 1, "hang_seconds": 2 * POSTER_TIMEOUT}),
    ],
)
def test_transient_failures_end_with_exactly_one_order_at_poster(
    demo: Demo, fault: str, knobs: dict[str, Any]
) -> None:
    before = demo.attempts("order.submit")
    demo.faults(methods=["incomingOrders.createIncomingOrder"], **knobs)
    # Two orders at once: under the rate limit the second one is the one refused.
    orders = [place_order(demo, f"web-fault-{fault[:4]}-{n}") for n in (1, 2)]
    found_again = 0
    for order_id in orders:
        done = demo.wait_status(order_id, "submitted", timeout=40)
        assert len(demo.at_register(order_id)) == 1, fault
        found_again += "pos.found" in [e["event"] for e in done["timeline"]]
    # The order whose answer was lost was found at Poster, not created again. (Under
    # other faults a call may time out too on a starved machine: then its order is
    # found again as well, which is right; the one-order-at-Poster check above is the
    # contract either way.)
    if fault == "created but no answer":
        assert found_again >= 1
    after = demo.attempts("order.submit")
    retried = sum(after.values()) - sum(before.values())
    assert retried > len(orders), f"{fault}: the fault never struck ({before} → {after})"


def test_a_revoked_token_parks_the_connection_until_reauthorised(demo: Demo) -> None:
    demo.sandbox("/_sandbox/tokens/revoke", json={"token": DEMO_TOKEN})
    try:
        order_id = place_order(demo, "web-2005")
        health = wait_for(
            lambda: _when(demo.health(), lambda h: h["status"] == "degraded"),
            what="health degraded",
        )
        assert health["connections"].get("needs_reauth") == 1
        waiting = wait_for(
            lambda: _when(
                demo.order(order_id),
                lambda o: "pos.reauth_required" in [e["event"] for e in o["timeline"]],
            ),
            what="the order records the refusal",
        )
        assert waiting["status"] == "received"
        assert demo.at_register(order_id) == []

        # The owner re-authorises through the marketplace flow; the token is replaced.
        page = demo.connect_poster("api-demo")
        assert page.status_code == 200, page.text
        assert "already linked" in page.text
        assert demo.health()["status"] == "ok"
        replayed = demo.api(f"/api/v1/admin/orders/{order_id}/replay", key=ADMIN_KEY, json={})
        assert replayed.status_code == 200, replayed.text
        demo.wait_status(order_id, "submitted")
        assert len(demo.at_register(order_id)) == 1
    finally:
        demo.sandbox("/_sandbox/tokens/restore", json={"token": DEMO_TOKEN})


def _second_tenant(demo: Demo) -> tuple[str, str]:
    """A second restaurant group on the same deployment, as an operator would add it."""
    engine = make_engine(f"sqlite:///{demo.db}")
    try:
        with session_factory(engine)() as session, session.begin():
            tenant = admin.create_tenant(session, "Second group")
            admin_key = admin.issue_api_key(session, tenant, scope="admin").key
            storefront = admin.issue_api_key(session, tenant).key
    finally:
        engine.dispose()
    return admin_key, storefront


def test_a_marketplace_install_connects_a_second_account_whose_webhooks_route_to_it(
    demo: Demo,
) -> None:
    admin_key, shop_key = _second_tenant(demo)
    page = demo.connect_poster("dev-example", admin_key=admin_key)
    assert page.status_code == 200, page.text
    assert "dev-example" in page.text

    locations = demo.api("/api/v1/locations", key=shop_key).json()["locations"]
    assert sorted(loc["name"] for loc in locations) == ["Brioche Pechersk", "Бріош на Подолі"]
    podil = next(loc["id"] for loc in locations if loc["name"] == "Бріош на Подолі")
    assert podil != PODIL
    wait_for(lambda: demo.api(f"/api/v1/locations/{podil}/menu", key=shop_key).status_code == 200)
    assert demo.api(f"/api/v1/locations/{PODIL}/menu", key=shop_key).status_code == 404

    # dev-example's product webhook reaches the second tenant's menu, not the first's.
    demo.sandbox("/_sandbox/products/113?account=dev-example", json={"spot_id": 1, "price": 5100})
    wait_for(
        lambda: _item(demo.menu(podil, key=shop_key), "113")["price"] == 5100,
        timeout=10,
        what="dev-example's new price",
    )
    assert _item(demo.menu(), "113")["price"] != 5100

    # An order there goes to dev-example's register; its cashier's accept comes back.
    order_id = place_order(demo, "mk-1", location=podil, key=shop_key)
    demo.wait_status(order_id, "submitted", key=shop_key)
    assert demo.at_register(order_id) == []
    [incoming] = demo.at_register(order_id, account="dev-example")
    demo.sandbox(
        f"/_sandbox/incoming-orders/{incoming['incoming_order_id']}/accept?account=dev-example",
        json={},
    )
    demo.wait_status(order_id, "accepted", key=shop_key)

    # Removing the application at Poster disables that connection only.
    demo.sandbox("/_sandbox/applications/76/uninstall?account=dev-example", json={})
    connections = wait_for(
        lambda: _when(demo.health()["connections"], lambda c: c.get("disabled") == 1),
        what="the connection disabled",
    )
    assert connections.get("active") == 2  # the demo's own Poster and Wix connections


def test_the_sweep_repairs_a_status_whose_webhook_was_dropped(tmp_path: Path) -> None:
    with running_demo(tmp_path / "sweeping", reconcile_seconds=2) as demo:
        order_id = place_order(demo, "web-3001")
        demo.wait_status(order_id, "submitted")
        demo.faults(webhook_drop_rate=1.0)
        [incoming] = demo.at_register(order_id)
        demo.sandbox(f"/_sandbox/incoming-orders/{incoming['incoming_order_id']}/accept", json={})
        done = demo.wait_status(order_id, "accepted", timeout=30)
        assert done["status"] == "accepted"
        dropped = demo.sandbox("/_sandbox/webhooks?object=incoming_order")["deliveries"]
        changed = [
            d
            for d in dropped
            if d["object_id"] == incoming["incoming_order_id"] and d["action"] == "changed"
        ]
        assert changed and {d["outcome"] for d in changed} == {"dropped"}

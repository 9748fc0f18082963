"""The dashboard's snoozes, busy mode, reservations and order money, on both databases."""

from __future__ import annotations

from datetime import timedelta

from orderbridge.domain.customers import Customer
from orderbridge.domain.reservations import Reservation, ReservationKey
from tests.integration.dashboard.conftest import (
    LOCATION,
    STOREFRONT_KEY,
    Dashboard,
)
from tests.unit.domain import cafe


def _bearer() -> dict[str, str]:
    return {"Authorization": f"Bearer {STOREFRONT_KEY}"}


def _available(dash: Dashboard, item_id: str) -> bool:
    menu = dash.client.get(f"/api/v1/locations/{LOCATION}/menu", headers=_bearer()).json()
    [item] = [i for c in menu["categories"] for i in c["items"] if i["id"] == item_id]
    return bool(item["available"])


def test_snooze_from_the_menu_page_shows_the_time_left_and_ends_early(dash: Dashboard) -> None:
    dash.login()
    form = {
        "csrf": dash.csrf("/admin/menu"),
        "location": LOCATION,
        "target": "item",
        "target_id": "croissant",
        "until": "60",
    }
    answer = dash.client.post("/admin/menu/snoozes", data=form)
    assert answer.status_code == 303 and "done=snoozed" in answer.headers["location"]
    assert not _available(dash, "croissant")
    page = dash.client.get(answer.headers["location"]).text
    assert 'data-snooze="croissant"' in page and "1 h 0 min left" in page
    dash.clock.advance(25 * 60)
    assert "35 min left" in dash.client.get(f"/admin/menu?location={LOCATION}").text

    with dash.hub.uow() as tx:
        [snooze] = tx.snoozes(LOCATION)
    end = dash.client.post(
        f"/admin/menu/snoozes/{snooze.id}/end",
        data={"csrf": dash.csrf("/admin/menu"), "location": LOCATION},
    )
    assert "done=unsnoozed" in end.headers["location"]
    assert _available(dash, "croissant")
    assert "Nothing is snoozed" in dash.client.get(f"/admin/menu?location={LOCATION}").text


def test_a_snooze_of_something_unknown_is_refused_on_the_page(dash: Dashboard) -> None:
    dash.login()
    form = {
        "csrf": dash.csrf("/admin/menu"),
        "location": LOCATION,
        "target": "item",
        "target_id": "pizza",
        "until": "30",
    }
    answer = dash.client.post("/admin/menu/snoozes", data=form)
    assert "error=snooze_invalid" in answer.headers["location"]
    with dash.hub.uow() as tx:
        assert list(tx.snoozes(LOCATION)) == []


def test_busy_mode_from_the_overview_then_ended(dash: Dashboard) -> None:
    dash.login()
    form = {"csrf": dash.csrf(), "extra_minutes": "30", "duration": "60"}
    answer = dash.client.post(f"/admin/locations/{LOCATION}/busy", data=form)
    assert "done=busy_on" in answer.headers["location"]
    page = dash.client.get("/admin").text
    assert "+30 min until 13:00" in page and "End busy mode" in page
    location = dash.client.get(f"/api/v1/locations/{LOCATION}", headers=_bearer()).json()
    assert location["busy"]["extra_minutes"] == 30

    answer = dash.client.post(f"/admin/locations/{LOCATION}/busy/end", data={"csrf": dash.csrf()})
    assert "done=busy_off" in answer.headers["location"]
    assert (
        dash.client.get(f"/api/v1/locations/{LOCATION}", headers=_bearer()).json()["busy"] is None
    )


def test_an_expired_pause_offers_pause_not_resume(dash: Dashboard) -> None:
    dash.login()
    form = {"csrf": dash.csrf(), "minutes": "15", "reason": ""}
    dash.client.post(f"/admin/locations/{LOCATION}/pause", data=form)
    assert ">Resume<" in dash.client.get("/admin").text
    dash.clock.advance(16 * 60)  # its end job has not run yet; the page knows anyway
    page = dash.client.get("/admin").text
    assert 'data-status="open"' in page and ">Resume<" not in page


def test_the_reservations_page_lists_bookings_and_tells_one_story(dash: Dashboard) -> None:
    dash.login()
    booking = Reservation.receive(
        id="res_1",
        key=ReservationKey("storefront", "table-77"),
        location_id=LOCATION,
        time=cafe.NOW + timedelta(days=1, hours=7),
        duration=timedelta(minutes=90),
        guests=4,
        customer=Customer(name="Андрій", phone="+380677654321"),
        at=cafe.NOW,
        table="3",
    )
    with dash.hub.uow() as tx:
        tx.add_reservation(booking, tenant_id="ten_cafe", request_hash="h")
        tx.commit()
    page = dash.client.get("/admin/reservations").text
    assert "table-77" in page and "Mon 23 Nov 19:00" in page and "+380677654321" not in page
    assert "Андрій" in page and 'data-status="received"' in page
    detail = dash.client.get("/admin/reservations/res_1").text
    assert "reservation.received" in detail and "90 min" in detail
    assert dash.client.get("/admin/reservations/nope").status_code == 404
    assert "No reservations match" in dash.client.get("/admin/reservations?status=confirmed").text


def test_an_orders_page_shows_its_discounts_and_charges(dash: Dashboard) -> None:
    dash.login()
    order_id = dash.place(
        "web-money",
        discounts=[{"amount": 500, "code": "HI"}],
        charges=[{"type": "delivery_fee", "amount": 3000}],
        payment={"status": "unpaid"},
    )
    page = dash.client.get(f"/admin/orders/{order_id}").text
    assert "Subtotal" in page and "205.00 UAH" in page
    assert "Discount (HI)" in page and "-5.00 UAH" in page
    assert "Delivery fee" in page and "30.00 UAH" in page
    assert "230.00 UAH" in page  # 205 − 5 + 30

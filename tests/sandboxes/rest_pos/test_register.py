"""The register page: what a cashier sees, and each form doing what its button says."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.sandboxes.rest_pos.support import Countertop, countertop, ticket_body


@pytest.fixture
def pos() -> Iterator[Countertop]:
    with countertop() as running:
        yield running


def test_the_page_shows_tickets_bookings_and_the_menu(pos: Countertop) -> None:
    ticket = pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body()).json()["ticket"]
    page = pos.client.get("/register?store=st_podil").text
    assert f'id="ticket-{ticket["id"]}"' in page and "Пепероні" in page and "344.00" in page
    assert 'id="product-PZ-PEP"' in page and 'Online orders: <b id="online-state">on</b>' in page
    assert "Brioche Pechersk" in page


def test_accepting_at_the_register_moves_the_ticket(pos: Countertop) -> None:
    ticket = pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body()).json()["ticket"]
    answer = pos.client.post(
        f"/register/tickets/{ticket['id']}/accept?store=st_podil", follow_redirects=False
    )
    assert answer.status_code == 303 and "Ticket+1001%3A+accepted" in answer.headers["location"]
    assert pos.sandbox.world.tickets[ticket["id"]].status == "accepted"
    refused = pos.client.post(f"/register/tickets/{ticket['id']}/decline?store=st_podil")
    assert "is accepted" in refused.text  # the banner says why


def test_editing_a_price_and_the_online_switch(pos: Countertop) -> None:
    form = {"price": "49.50", "available": "true"}
    pos.client.post("/register/products/DS-CRS?store=st_podil", data=form)
    product = pos.sandbox.world.stores["st_podil"].products["DS-CRS"]
    assert (product.price, product.soldOut) == ("49.50", False)
    pos.client.post("/register/products/DS-CRS?store=st_podil", data={"price": "49.50"})
    assert product.soldOut  # the unticked box takes it off sale
    bad = pos.client.post("/register/products/DS-CRS?store=st_podil", data={"price": "cheap"})
    assert "a number like 189.00" in bad.text
    pos.client.post("/register/availability?store=st_podil", data={"online": "false"})
    assert not pos.sandbox.world.stores["st_podil"].online
    pos.settle()
    kinds = [json.loads(body)["type"] for _, body in pos.receiver.received]
    assert kinds == ["product.updated", "product.updated", "store.availability_changed"]


def test_the_hours_form_shows_and_replaces_the_stores_hours(pos: Countertop) -> None:
    page = pos.client.get("/register?store=st_podil").text
    assert 'name="MON-opens" value="08:00"' in page and 'name="SUN-closes" value="23:00"' in page
    form = {"MON-opens": "09:00", "MON-closes": "14:00", "SAT-opens": "18:00"}
    form["SAT-closes"] = "02:00"
    saved = pos.client.post("/register/hours?store=st_podil", data=form)
    assert "Opening hours saved" in saved.text
    hours = pos.sandbox.world.stores["st_podil"].openingHours
    assert [(h.day, h.opens, h.closes) for h in hours] == [
        ("MON", "09:00", "14:00"),
        ("SAT", "18:00", "02:00"),
    ]
    bad = pos.client.post("/register/hours?store=st_podil", data={"TUE-opens": "nine"})
    assert "TUE: hours are like 09:00 and 22:00" in bad.text
    assert len(pos.sandbox.world.stores["st_podil"].openingHours) == 2  # unchanged
    pos.settle()
    kinds = [json.loads(body)["type"] for _, body in pos.receiver.received]
    assert kinds == ["store.hours_changed"]

"""Example requests and answers shown in the OpenAPI document (``/docs``, ``/redoc``).

Taken from a real run of ``orderbridge demo`` (its café "Бріош", location
``loc_podil``), so a storefront developer sees exactly what the hub sends, and the
examples work against the demo as they stand. ``tests/unit/web/test_openapi_examples.py`` parses
each one with the route's own model and checks it comes back unchanged, so an example
cannot drift from the schema: when a schema gains a field, that test names the example
to update.
"""

from __future__ import annotations

from typing import Any

ORDER_IN: dict[str, Any] = {
    "location_id": "loc_podil",
    "channel_order_id": "web-2001",
    "items": [
        {"item_id": "192", "variant_id": "154", "quantity": 1, "modifiers": []},
        {
            "item_id": "172",
            "quantity": 1,
            "modifiers": [
                {"modifier_id": "63", "quantity": 1},
                {"modifier_id": "59", "quantity": 2},
            ],
            "note": "no onions",
        },
    ],
    "customer": {"name": "Олена Коваленко", "phone": "+380671234567", "email": "olena@example.com"},
    "fulfillment": {"type": "pickup"},
    "payment": {"status": "paid", "amount": 53000, "currency": "UAH"},
    "note": "ring twice",
}

ORDER_DELIVERY_IN: dict[str, Any] = {
    "location_id": "loc_podil",
    "channel_order_id": "web-2002",
    "items": [{"item_id": "192", "variant_id": "154", "quantity": 1}],
    "customer": {"name": "Андрій", "phone": "+380677654321"},
    "fulfillment": {
        "type": "delivery",
        "address": {
            "line1": "вул. Сагайдачного, 25",
            "city": "Київ",
            "lat": 50.4633,
            "lng": 30.5205,
        },
    },
    "payment": {"status": "unpaid", "amount": 27500, "currency": "UAH"},
    "note": "call at the door",
}

ORDER_OUT: dict[str, Any] = {
    "id": "ord_vzkcchnkmy9wk98y",
    "status": "received",
    "location_id": "loc_podil",
    "channel": "storefront",
    "channel_order_id": "web-2001",
    "created_at": "2026-12-06T16:41:26.327854Z",
    "updated_at": "2026-12-06T16:41:26.331674Z",
    "items": [
        {
            "item_id": "192",
            "variant_id": "154",
            "name": "Pepperoni, Ø35 см",
            "quantity": 1,
            "unit_price": 27500,
            "modifiers": [],
            "note": "",
            "total": 27500,
            "discounts": [],
        },
        {
            "item_id": "172",
            "variant_id": None,
            "name": "Cheeseburger",
            "quantity": 1,
            "unit_price": 19500,
            "modifiers": [
                {
                    "modifier_id": "63",
                    "group_id": "16",
                    "name": "Овочі гриль",
                    "quantity": 1,
                    "unit_price": 3000,
                },
                {
                    "modifier_id": "59",
                    "group_id": "15",
                    "name": "BBQ",
                    "quantity": 2,
                    "unit_price": 1500,
                },
            ],
            "note": "no onions",
            "total": 25500,
            "discounts": [],
        },
    ],
    "customer": {"name": "Олена Коваленко", "phone": "+380671234567", "email": "olena@example.com"},
    "fulfillment": {
        "type": "pickup",
        "time": None,
        "address": None,
        "table": None,
        "promised_at": "2026-12-06T17:01:26.327854Z",
        "send_at": None,
    },
    "payment": {"status": "paid", "amount": 53000, "currency": "UAH"},
    "note": "ring twice",
    "totals": {
        "subtotal": 53000,
        "discounts": 0,
        "charges": 0,
        "total": 53000,
        "paid": 53000,
        "due": 0,
        "currency": "UAH",
    },
    "timeline": [
        {
            "at": "2026-12-06T16:41:26.327854Z",
            "status": "received",
            "event": "order.received",
            "detail": "from storefront",
        }
    ],
    "discounts": [],
    "charges": [],
}

RESERVATION_IN: dict[str, Any] = {
    "location_id": "loc_podil",
    "channel_reservation_id": "res-77",
    "time": "2027-02-14T19:30:00+02:00",
    "duration_minutes": 90,
    "guests": 4,
    "customer": {"name": "Андрій", "phone": "+380677654321"},
    "note": "window, please",
}

RESERVATION_OUT: dict[str, Any] = {
    "id": "res_kd8wmqybm3xr694x",
    "status": "received",
    "location_id": "loc_podil",
    "channel": "storefront",
    "channel_reservation_id": "res-77",
    "time": "2027-02-14T19:30:00+02:00",
    "duration_minutes": 90,
    "guests": 4,
    "table_id": None,
    "customer": {"name": "Андрій", "phone": "+380677654321", "email": None},
    "note": "window, please",
    "created_at": "2026-12-06T16:40:51.936526Z",
    "updated_at": "2026-12-06T16:40:51.937597Z",
    "timeline": [
        {
            "at": "2026-12-06T16:40:51.936526Z",
            "status": "received",
            "event": "reservation.received",
            "detail": "from storefront",
        }
    ],
}

_PHOTO = "http://127.0.0.1:8010/upload/pos_cdb_687409/menu/product_1403095344_192_original.jpg"

MENU_OUT: dict[str, Any] = {
    "location_id": "loc_podil",
    "currency": "UAH",
    "version": "0042e49771808fb65279",
    "categories": [
        {
            "id": "33",
            "name": "Другі страви",
            "items": [
                {
                    "id": "172",
                    "name": "Cheeseburger",
                    "description": "",
                    "photo_url": None,
                    "price": 19500,
                    "available": True,
                    "variants": [],
                    "modifier_groups": [
                        {
                            "id": "15",
                            "name": "Соус",
                            "min": 0,
                            "max": 2,
                            "modifiers": [
                                {"id": "59", "name": "BBQ", "price": 1500, "available": True},
                                {"id": "60", "name": "Сирний", "price": 1500, "available": True},
                            ],
                        },
                        {
                            "id": "16",
                            "name": "Гарнір",
                            "min": 1,
                            "max": 1,
                            "modifiers": [
                                {"id": "62", "name": "Рис басматі", "price": 0, "available": True},
                                {
                                    "id": "63",
                                    "name": "Овочі гриль",
                                    "price": 3000,
                                    "available": True,
                                },
                            ],
                        },
                    ],
                }
            ],
        },
        {
            "id": "34",
            "name": "Піца",
            "items": [
                {
                    "id": "192",
                    "name": "Pepperoni",
                    "description": "",
                    "photo_url": _PHOTO,
                    "price": 19500,
                    "available": True,
                    "variants": [
                        {"id": "153", "name": "Ø25 см", "price": 19500, "available": True},
                        {"id": "154", "name": "Ø35 см", "price": 27500, "available": False},
                    ],
                    "modifier_groups": [],
                }
            ],
        },
    ],
}

POSTER_WEBHOOK: dict[str, Any] = {
    "account": "mycafe",
    "account_number": "12345",
    "object": "incoming_order",
    "object_id": 4821,
    "action": "changed",
    "time": "1763815800",
    "verify": "f6a1c3d0a5f0e2b4c6d8e0f1a3b5c7d9",
    "data": '{"type":1}',
}

# (media type, model name or None, example name → (summary, value)) per operation.
REQUEST_EXAMPLES: dict[tuple[str, str], dict[str, tuple[str, dict[str, Any]]]] = {
    ("post", "/api/v1/orders"): {
        "pickup": ("A prepaid pickup order", ORDER_IN),
        "delivery": ("An unpaid delivery order", ORDER_DELIVERY_IN),
    },
    ("post", "/api/v1/reservations"): {"table": ("A table for four", RESERVATION_IN)},
    ("post", "/api/v1/locations/{location_id}/status"): {
        "pause": (
            "Pause until a moment",
            {"action": "pause", "until": "2026-11-22T19:00:00+02:00", "reason": "kitchen full"},
        ),
        "resume": ("Resume taking orders", {"action": "resume"}),
    },
}

RESPONSE_EXAMPLES: dict[tuple[str, str, str], dict[str, Any]] = {
    ("post", "/api/v1/orders", "201"): ORDER_OUT,
    ("get", "/api/v1/orders/{order_id}", "200"): ORDER_OUT,
    ("post", "/api/v1/reservations", "201"): RESERVATION_OUT,
    ("get", "/api/v1/reservations/{reservation_id}", "200"): RESERVATION_OUT,
    ("get", "/api/v1/locations/{location_id}/menu", "200"): MENU_OUT,
}

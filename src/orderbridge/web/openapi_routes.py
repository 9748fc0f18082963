"""What the OpenAPI document says per route that FastAPI cannot see (``web/openapi.py``
applies it): tag descriptions, the errors routes answer beyond those their shape implies,
routes that check keys themselves or answer HTML, and the links between operations.

Add a route's conflicts here when it raises a 409 (or another status its shape does
not imply); the schemathesis run (``tests/e2e/test_api_contract.py``) fails on any
answer the document does not describe.
"""

from __future__ import annotations

from dataclasses import dataclass

TAGS = [
    {"name": "locations", "description": "Restaurants of the key's tenant, pause and resume."},
    {"name": "menu", "description": "The published menu of a location, with its ETag."},
    {"name": "orders", "description": "Place, read and cancel orders (`Idempotency-Key`)."},
    {"name": "reservations", "description": "Place, read and cancel table reservations."},
    {"name": "webhooks", "description": "Where the hub sends signed order events."},
    {
        "name": "webhooks (inbound)",
        "description": "What POS systems and marketplaces call. Signed by the sender; no key.",
    },
    {"name": "operations", "description": "Health, metrics, dead letters, replays (admin)."},
    {"name": "connect", "description": "Connecting a Poster account through OAuth."},
]


@dataclass(frozen=True)
class ErrorCase:
    """One error an operation may answer: status, machine code and an example message."""

    status: int
    code: str
    message: str
    field: str | None = None


UNAUTHORIZED = ErrorCase(401, "unauthorized", "send the API key as Authorization: Bearer <key>")
FORBIDDEN = ErrorCase(403, "forbidden", "this needs an admin API key")
BODY_ERRORS = (
    ErrorCase(400, "malformed_json", "body is not valid JSON: expected value"),
    ErrorCase(413, "payload_too_large", "the request body is larger than 1048576 bytes"),
    ErrorCase(415, "unsupported_media_type", "send the body as JSON"),
    ErrorCase(422, "missing_field", "location_id is required", "location_id"),
)
# What a path parameter names, as the 404 says it.
UNKNOWN = {
    "order_id": "unknown_order",
    "reservation_id": "unknown_reservation",
    "location_id": "unknown_location",
    "endpoint_id": "unknown_endpoint",
    "job_id": "unknown_deadletter",
    "connection": "unknown_connection",
}

CONFLICTS: dict[tuple[str, str], tuple[ErrorCase, ...]] = {
    ("post", "/api/v1/orders"): (
        ErrorCase(404, "unknown_location", "no such location", "location_id"),
        ErrorCase(409, "idempotency_conflict", "the key was used for a different order"),
        ErrorCase(409, "location_paused", "the location is not taking orders", "location_id"),
        ErrorCase(422, "unknown_item", "no item latte-xl on the menu", "items[0].item_id"),
    ),
    ("post", "/api/v1/orders/{order_id}/cancel"): (
        ErrorCase(409, "not_cancelable", "a completed order cannot be canceled"),
    ),
    ("post", "/api/v1/reservations"): (
        ErrorCase(404, "unknown_location", "no such location", "location_id"),
        ErrorCase(409, "reservation_in_past", "the reservation time has passed", "time"),
        ErrorCase(422, "invalid_phone", "not a phone number", "customer.phone"),
    ),
    ("post", "/api/v1/reservations/{reservation_id}/cancel"): (
        ErrorCase(409, "not_cancelable", "a completed reservation cannot be canceled"),
    ),
    ("post", "/api/v1/locations/{location_id}/status"): (
        ErrorCase(409, "conflict", "the location was changed meanwhile"),
    ),
    ("post", "/api/v1/admin/orders/{order_id}/replay"): (
        ErrorCase(409, "not_replayable", "an order that is completed is not replayed"),
    ),
    ("get", "/connect/poster"): (
        UNAUTHORIZED,
        FORBIDDEN,
        ErrorCase(404, "marketplace_disabled", "no Poster application is configured"),
        ErrorCase(404, "unknown_tenant", "no such tenant", "tenant"),
    ),
}
# Routes that check the API key themselves (not through ``web.deps.caller``).
OWN_KEY_CHECK = {("get", "/connect/poster")}
# Routes that answer an HTML page, whatever the outcome: status → what it means.
HTML_PAGES: dict[tuple[str, str], dict[int, str]] = {
    ("get", "/connect/poster/callback"): {
        200: "The account is connected; the page lists its locations.",
        400: "The state or the code is missing, invalid or expired, or Poster refused.",
        404: "This hub has no Poster application configured.",
        409: "The account belongs to another tenant, or the link was already used.",
        502: "Poster did not answer the code exchange; try again.",
    },
}
# Operations whose answers name what other operations take (OpenAPI links, which
# stateful tests follow): source → link name → (target method, path, parameter).
LINKS: dict[tuple[str, str, str], dict[str, tuple[str, str, str]]] = {
    ("post", "/api/v1/orders", "201"): {
        "ReadOrder": ("get", "/api/v1/orders/{order_id}", "order_id"),
        "CancelOrder": ("post", "/api/v1/orders/{order_id}/cancel", "order_id"),
        "ReplayOrder": ("post", "/api/v1/admin/orders/{order_id}/replay", "order_id"),
    },
    ("post", "/api/v1/reservations", "201"): {
        "ReadReservation": ("get", "/api/v1/reservations/{reservation_id}", "reservation_id"),
        "CancelReservation": (
            "post",
            "/api/v1/reservations/{reservation_id}/cancel",
            "reservation_id",
        ),
    },
    ("post", "/api/v1/webhooks", "201"): {
        "RotateSecret": ("post", "/api/v1/webhooks/{endpoint_id}/rotate-secret", "endpoint_id"),
        "DeleteEndpoint": ("delete", "/api/v1/webhooks/{endpoint_id}", "endpoint_id"),
    },
}

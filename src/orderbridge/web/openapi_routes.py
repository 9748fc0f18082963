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
    {
        "name": "menu mapping",
        "description": "Channels with their own menu, matched to the POS menu (admin).",
    },
    {
        "name": "admin",
        "description": "Set-up with an admin key: API keys, connections, locations.",
    },
]


@dataclass(frozen=True)
class ErrorCase:
    """One error an operation may answer: status, machine code and an example message."""

    status: int
    code: str
    message: str
    field: str | None = None


UNAUTHORIZED = ErrorCase(401, "unauthorized", "send the API key as Authorization: Bearer <key>")
FORBIDDEN = ErrorCase(
    403,
    "insufficient_scope",
    "this needs an admin API key; a storefront key cannot do it",
)
INVALID_PATH = ErrorCase(400, "invalid_path", "the path contains a control character")
INVALID_QUERY = ErrorCase(400, "invalid_query", "the query contains a NUL character")
RATE_LIMITED = ErrorCase(429, "rate_limited", "too many requests for this API key; retry in 1 s")
UNAVAILABLE = ErrorCase(503, "unavailable", "the database is unavailable; try again shortly")
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
    "channel": "unknown_channel",
    "channel_item_id": "unknown_channel_item",
    "connection_id": "unknown_connection",
    "key_id": "unknown_key",
    "destination_id": "unknown_alert_destination",
}
UNREACHABLE = ErrorCase(502, "unreachable", "poster did not answer (timeout); nothing was saved")
REFUSED = ErrorCase(
    422, "credentials_refused", "poster refused the credentials", "credentials.token"
)

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
    ("post", "/api/v1/admin/reservations/{reservation_id}/replay"): (
        ErrorCase(409, "not_replayable", "a reservation that is canceled is not replayed"),
    ),
    ("post", "/api/v1/admin/locations/{location_id}/channel-menus/{channel}/import"): (
        ErrorCase(422, "not_importable", "this channel's own menu is uploaded", "channel"),
    ),
    ("post", "/api/v1/admin/keys"): (
        ErrorCase(404, "unknown_key", "no API key key_0123", "inherit"),
        ErrorCase(422, "invalid_inherit", "only a storefront key inherits from one", "inherit"),
    ),
    ("delete", "/api/v1/admin/keys/{key_id}"): (
        ErrorCase(409, "already_revoked", "API key key_0123 is revoked already", "id"),
    ),
    ("post", "/api/v1/admin/connections"): (
        ErrorCase(404, "unknown_location", "no location loc_0123", "location_id"),
        ErrorCase(409, "duplicate_connection", "poster account cafe is connected already"),
        ErrorCase(409, "account_taken", "poster account cafe is connected to another tenant"),
        ErrorCase(409, "duplicate_link", "location loc_0123 has a POS connection already"),
        ErrorCase(422, "unknown_kind", "no connection kind 'square'", "kind"),
        REFUSED,
        UNREACHABLE,
    ),
    ("patch", "/api/v1/admin/connections/{connection_id}"): (
        ErrorCase(409, "other_account", "these credentials are another poster account"),
        REFUSED,
        UNREACHABLE,
    ),
    ("post", "/api/v1/admin/locations"): (
        ErrorCase(422, "invalid_timezone", "'Mars/Olympus' is not an IANA time zone", "timezone"),
    ),
    ("patch", "/api/v1/admin/locations/{location_id}"): (
        ErrorCase(422, "invalid_timezone", "'Mars/Olympus' is not an IANA time zone", "timezone"),
    ),
    ("get", "/connect/poster"): (
        ErrorCase(400, "credential_in_url", "API keys are not accepted in URLs", "api_key"),
        UNAUTHORIZED,
        ErrorCase(401, "expired_link", "the install link has expired", "link"),
        ErrorCase(401, "invalid_link", "the install link is not valid", "link"),
        FORBIDDEN,
        ErrorCase(404, "marketplace_disabled", "no Poster application is configured"),
        ErrorCase(404, "unknown_tenant", "no such tenant", "tenant"),
    ),
    ("post", "/api/v1/admin/connections/poster/install-links"): (
        ErrorCase(404, "marketplace_disabled", "no Poster application is configured"),
    ),
}
# Routes that check the API key themselves (not through ``web.deps.caller``).
OWN_KEY_CHECK = {("get", "/connect/poster")}
# Of those, routes a signed link opens without a key (``?link=…``): the key is optional.
KEY_OR_LINK = {("get", "/connect/poster")}
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
    ("post", "/api/v1/admin/keys", "201"): {
        "RevokeKey": ("delete", "/api/v1/admin/keys/{key_id}", "key_id"),
    },
    ("post", "/api/v1/admin/connections", "201"): {
        "ReadConnection": ("get", "/api/v1/admin/connections/{connection_id}", "connection_id"),
        "TestConnection": (
            "post",
            "/api/v1/admin/connections/{connection_id}/test",
            "connection_id",
        ),
    },
    ("post", "/api/v1/webhooks", "201"): {
        "RotateSecret": ("post", "/api/v1/webhooks/{endpoint_id}/rotate-secret", "endpoint_id"),
        "DeleteEndpoint": ("delete", "/api/v1/webhooks/{endpoint_id}", "endpoint_id"),
    },
}

"""A thin typed async client for the Wix REST APIs the connector uses.

One method per remote call, returning ``schemas`` models. Failures come back as the
ports' two exceptions: timeouts, dropped connections, 429 and 5xx are
``TransientError``; Wix's answers that no retry fixes are ``PermanentError`` with a
code from Wix's error body — a stale ``revision`` is :class:`RevisionConflict`
(carrying the current revision when Wix says it), an unknown id ``not_found``, an
entity in the wrong state (a canceled order) the ``applicationError`` code in lower
case, a refused token ``reauth_required``. The client knows nothing of the domain.
"""

from __future__ import annotations

from typing import Any

import anyio
import httpx
from pydantic import SecretStr

from orderbridge.connectors._base import make_http_client, raise_for_status
from orderbridge.connectors.wix.schemas import (
    WixEntity,
    WixLocation,
    WixOperation,
    WixOrder,
    WixOrderWithFulfillments,
)
from orderbridge.connectors.wix.settings import WixSettings
from orderbridge.ports import PermanentError, TransientError

SYSTEM = "Wix"
ORDERS = "/ecom/v1/orders"
FULFILLMENTS = "/ecom/v1/fulfillments"
OPERATIONS = "/restaurants-operations/v1/operations"
FULFILLMENT_METHODS = "/fulfillment-methods/v1/fulfillment-methods"
AVAILABILITY_EXCEPTIONS = "/restaurants-availability-exceptions/v1/availability-exceptions"


class MenuKind:
    """One Restaurants Menus API: its path and the names of its entity in bodies."""

    def __init__(self, path: str, singular: str) -> None:
        self.path = path
        self.singular = singular


MENU = MenuKind("/restaurants/menus-menu/v1/menus", "menu")
SECTION = MenuKind("/restaurants/menus-section/v1/sections", "section")
ITEM = MenuKind("/restaurants/menus-item/v1/items", "item")
VARIANT = MenuKind("/restaurants/item-variants/v1/variants", "variant")
MODIFIER_GROUP = MenuKind("/restaurants/item-modifier-group/v1/modifier-groups", "modifierGroup")
MODIFIER = MenuKind("/restaurants/item-modifiers/v1/modifiers", "modifier")


class RevisionConflict(PermanentError):
    """The update carried a stale ``revision``; re-read the entity and try again."""

    def __init__(self, reason: str, current_revision: str | None) -> None:
        super().__init__("revision_mismatch", reason)
        self.current_revision = current_revision


class WixClient:
    """Calls Wix's REST APIs with one app instance's access token."""

    def __init__(self, http: httpx.AsyncClient, *, token: SecretStr, deadline: float) -> None:
        self._http = http
        self._token = token
        self._deadline = deadline

    @classmethod
    def from_settings(
        cls, settings: WixSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> WixClient:
        """A client for ``settings``' site; ``transport`` is for tests."""
        http = make_http_client(
            base_url=settings.base_url, timeout=settings.timeout_seconds, transport=transport
        )
        return cls(http, token=settings.access_token, deadline=settings.timeout_seconds * 2)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Send one request and return its JSON, or raise a classified error."""
        headers = {"Authorization": self._token.get_secret_value()}
        try:
            with anyio.fail_after(self._deadline):
                response = await self._http.request(method, path, json=body, headers=headers)
        except TimeoutError as exc:
            raise TransientError(f"{SYSTEM} did not answer within {self._deadline:g} s") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"{SYSTEM} unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            _raise(response)
        return response.json() if response.content else {}

    # Locations and operations -------------------------------------------------------

    async def list_locations(self) -> list[WixLocation]:
        found = await self.call("GET", "/locations/v1/locations")
        return [WixLocation.model_validate(x) for x in found.get("locations", [])]

    async def get_operation(self, operation_id: str) -> WixOperation:
        found = await self.call("GET", f"{OPERATIONS}/{operation_id}")
        return WixOperation.model_validate(found["operation"])

    async def update_operation(self, operation_id: str, fields: dict[str, Any]) -> WixOperation:
        found = await self.call("PATCH", f"{OPERATIONS}/{operation_id}", {"operation": fields})
        return WixOperation.model_validate(found["operation"])

    # Opening hours: fulfillment methods' availability, availability exceptions ------

    async def get_fulfillment_method(self, method_id: str) -> dict[str, Any]:
        found = await self.call("GET", f"{FULFILLMENT_METHODS}/{method_id}")
        return dict(found["fulfillmentMethod"])

    async def update_fulfillment_method(
        self, method_id: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        body = {"fulfillmentMethod": fields}
        found = await self.call("PATCH", f"{FULFILLMENT_METHODS}/{method_id}", body)
        return dict(found["fulfillmentMethod"])

    async def query_availability_exceptions(self, operation_id: str) -> list[dict[str, Any]]:
        """The operation's availability exceptions (first 100: Wix's page size)."""
        query = {"filter": {"operationId": {"$eq": operation_id}}, "cursorPaging": {"limit": 100}}
        found = await self.call("POST", f"{AVAILABILITY_EXCEPTIONS}/query", {"query": query})
        return [dict(x) for x in found.get("availabilityExceptions", [])]

    async def create_availability_exception(self, exception: dict[str, Any]) -> dict[str, Any]:
        body = {"availabilityException": exception}
        found = await self.call("POST", AVAILABILITY_EXCEPTIONS, body)
        return dict(found["availabilityException"])

    async def delete_availability_exception(self, exception_id: str) -> None:
        await self.call("DELETE", f"{AVAILABILITY_EXCEPTIONS}/{exception_id}")

    # Orders and fulfilments ---------------------------------------------------------

    async def create_order(self, order: dict[str, Any]) -> WixOrder:
        found = await self.call("POST", ORDERS, {"order": order})
        return WixOrder.model_validate(found["order"])

    async def get_order(self, order_id: str) -> WixOrder:
        found = await self.call("GET", f"{ORDERS}/{order_id}")
        return WixOrder.model_validate(found["order"])

    async def cancel_order(self, order_id: str) -> WixOrder:
        found = await self.call("POST", f"{ORDERS}/{order_id}/cancel", {})
        return WixOrder.model_validate(found["order"])

    async def find_order_by_external_id(self, external_order_id: str) -> WixOrder | None:
        """Search Orders for the order whose ``channelInfo.externalOrderId`` is given.

        Search Orders hides ``INITIALIZED`` orders by default, so the filter names the
        statuses an imported order can have. (That ``channelInfo.externalOrderId`` is a
        supported filter field is *unconfirmed*; the sandbox supports it.)"""
        search = {
            "filter": {
                "channelInfo.externalOrderId": {"$eq": external_order_id},
                "status": {"$in": ["INITIALIZED", "APPROVED", "CANCELED"]},
            },
            "cursorPaging": {"limit": 1},
        }
        found = await self.call("POST", f"{ORDERS}/search", {"search": search})
        orders = found.get("orders") or []
        return WixOrder.model_validate(orders[0]) if orders else None

    async def create_fulfillment(self, order_id: str, fulfillment: dict[str, Any]) -> str:
        path = f"{FULFILLMENTS}/orders/{order_id}/create-fulfillment"
        found = await self.call("POST", path, {"fulfillment": fulfillment})
        return str(found["fulfillmentId"])

    async def update_fulfillment(
        self, order_id: str, fulfillment_id: str, fields: dict[str, Any]
    ) -> WixOrderWithFulfillments:
        path = f"{FULFILLMENTS}/{fulfillment_id}/orders/{order_id}"
        found = await self.call("PATCH", path, {"fulfillment": fields})
        return WixOrderWithFulfillments.model_validate(found["orderWithFulfillments"])

    async def list_fulfillments(self, order_id: str) -> WixOrderWithFulfillments:
        found = await self.call("GET", f"{FULFILLMENTS}/orders/{order_id}")
        return WixOrderWithFulfillments.model_validate(found["orderWithFulfillments"])

    # Menus (every Menus API has the same five calls) ----------------------------

    async def create_entity(self, kind: MenuKind, entity: dict[str, Any]) -> WixEntity:
        found = await self.call("POST", kind.path, {kind.singular: entity})
        return WixEntity.model_validate(found[kind.singular])

    async def get_entity(self, kind: MenuKind, entity_id: str) -> WixEntity:
        found = await self.call("GET", f"{kind.path}/{entity_id}")
        return WixEntity.model_validate(found[kind.singular])

    async def update_entity(
        self, kind: MenuKind, entity_id: str, revision: str, fields: dict[str, Any]
    ) -> WixEntity:
        body = {kind.singular: {**fields, "id": entity_id, "revision": revision}}
        found = await self.call("PATCH", f"{kind.path}/{entity_id}", body)
        return WixEntity.model_validate(found[kind.singular])

    async def delete_entity(self, kind: MenuKind, entity_id: str) -> None:
        await self.call("DELETE", f"{kind.path}/{entity_id}")


def _raise(response: httpx.Response) -> None:
    """Turn a Wix error answer into the ports' exceptions."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = {}
    details = body.get("details") if isinstance(body, dict) else None
    details = details if isinstance(details, dict) else {}
    app_error = details.get("applicationError") or {}
    message = str(body.get("message", "")) if isinstance(body, dict) else ""
    code = str(app_error.get("code", ""))
    if status == 409 or code == "REVISION_MISMATCH":
        current = (app_error.get("data") or {}).get("currentRevision")
        raise RevisionConflict(
            message or "stale revision", None if current is None else str(current)
        )
    if status == 404:
        raise PermanentError("not_found", message or f"{SYSTEM} answered 404")
    if status == 428 and code:
        raise PermanentError(code.lower(), message or code)
    if status == 400:
        violations = (details.get("validationError") or {}).get("fieldViolations") or []
        fields = ", ".join(f"{v.get('field')}: {v.get('description')}" for v in violations)
        raise PermanentError("invalid_request", fields or message or "Wix refused the request")
    raise_for_status(response, system=SYSTEM)
    raise PermanentError("http_error", f"{SYSTEM} answered HTTP {status}")  # pragma: no cover

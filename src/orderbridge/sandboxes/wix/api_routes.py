"""The Wix API routes: Locations, eCommerce orders and fulfilments, Restaurants menus
and operations, at the paths Wix's REST reference gives (``www.wixapis.com`` paths;
Create Order's is *unconfirmed* in our notes and follows eCommerce's pattern)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.wix import availability, fulfillments, menus, operations, orders
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.wire import Call, Handler, endpoint


def _menu_routes(sandbox: WixSandbox, api: menus.MenuApi) -> list[BaseRoute]:
    def create(call: Call) -> dict[str, Any]:
        return {api.singular: menus.create(sandbox, api, call.field(api.singular))}

    def get(call: Call) -> dict[str, Any]:
        return {api.singular: menus.get(sandbox, api, call.path["id"])}

    def listing(call: Call) -> dict[str, Any]:
        return menus.list_page(sandbox, api, call.query)

    def update(call: Call) -> dict[str, Any]:
        return {api.singular: menus.update(sandbox, api, call.path["id"], call.field(api.singular))}

    def delete(call: Call) -> dict[str, Any]:
        menus.delete(sandbox, api, call.path["id"])
        return {}

    def bulk(updating: bool) -> Handler:
        def run(call: Call) -> dict[str, Any]:
            return menus.bulk(
                sandbox,
                api,
                call.field(api.plural),
                updating=updating,
                return_entity=bool(call.body.get("returnEntity", False)),
            )

        return run

    one = f"{api.path}/{{id}}"
    bulk_base = f"{api.base}/bulk/{api.collection}"
    return [
        Route(api.path, endpoint(sandbox, create, write=True), methods=["POST"]),
        Route(api.path, endpoint(sandbox, listing, write=False), methods=["GET"]),
        Route(one, endpoint(sandbox, get, write=False), methods=["GET"]),
        Route(one, endpoint(sandbox, update, write=True), methods=["PATCH"]),
        Route(one, endpoint(sandbox, delete, write=True), methods=["DELETE"]),
        Route(f"{bulk_base}/create", endpoint(sandbox, bulk(False), write=True), methods=["POST"]),
        Route(f"{bulk_base}/update", endpoint(sandbox, bulk(True), write=True), methods=["POST"]),
    ]


def _order_routes(sandbox: WixSandbox) -> list[BaseRoute]:
    def create(call: Call) -> dict[str, Any]:
        order = orders.build_order(sandbox, call.field("order"))
        sandbox.publish(orders.place_order(sandbox, order))
        return {"order": order}

    def get(call: Call) -> dict[str, Any]:
        return {"order": orders.stored(sandbox, call.path["id"]).order}

    def search(call: Call) -> dict[str, Any]:
        return orders.search_orders(sandbox, call.field("search"))

    def cancel(call: Call) -> dict[str, Any]:
        order, events = orders.cancel_order(sandbox, call.path["id"], call.body)
        sandbox.publish(events)
        return {"order": order}

    def create_fulfillment(call: Call) -> dict[str, Any]:
        answer, events = fulfillments.create(
            sandbox, call.path["orderId"], call.field("fulfillment")
        )
        sandbox.publish(events)
        return answer

    def update_fulfillment(call: Call) -> dict[str, Any]:
        path = call.path
        answer, events = fulfillments.update(
            sandbox, path["orderId"], path["fulfillmentId"], call.field("fulfillment")
        )
        sandbox.publish(events)
        return answer

    def delete_fulfillment(call: Call) -> dict[str, Any]:
        answer, events = fulfillments.delete(
            sandbox, call.path["orderId"], call.path["fulfillmentId"]
        )
        sandbox.publish(events)
        return answer

    def list_fulfillments(call: Call) -> dict[str, Any]:
        return fulfillments.listing(sandbox, call.path["orderId"])

    one_fulfillment = "/ecom/v1/fulfillments/{fulfillmentId}/orders/{orderId}"
    return [
        Route("/ecom/v1/orders", endpoint(sandbox, create, write=True), methods=["POST"]),
        Route("/ecom/v1/orders/search", endpoint(sandbox, search, write=False), methods=["POST"]),
        Route("/ecom/v1/orders/{id}", endpoint(sandbox, get, write=False), methods=["GET"]),
        Route(
            "/ecom/v1/orders/{id}/cancel", endpoint(sandbox, cancel, write=True), methods=["POST"]
        ),
        Route(
            "/ecom/v1/fulfillments/orders/{orderId}/create-fulfillment",
            endpoint(sandbox, create_fulfillment, write=True),
            methods=["POST"],
        ),
        Route(
            "/ecom/v1/fulfillments/orders/{orderId}",
            endpoint(sandbox, list_fulfillments, write=False),
            methods=["GET"],
        ),
        Route(
            one_fulfillment,
            endpoint(sandbox, update_fulfillment, write=True),
            methods=["PATCH"],
        ),
        Route(
            one_fulfillment,
            endpoint(sandbox, delete_fulfillment, write=True),
            methods=["DELETE"],
        ),
    ]


def _operation_routes(sandbox: WixSandbox) -> list[BaseRoute]:
    def locations(call: Call) -> dict[str, Any]:
        archived = call.query.get("includeArchived", "false").lower() == "true"
        return operations.list_locations(sandbox, archived)

    def location(call: Call) -> dict[str, Any]:
        return operations.get_location(sandbox, call.path["id"])

    def listing(call: Call) -> dict[str, Any]:
        return operations.list_operations(sandbox)

    def get(call: Call) -> dict[str, Any]:
        return {"operation": operations.get_operation(sandbox, call.path["id"]).wire()}

    def update(call: Call) -> dict[str, Any]:
        updated = operations.update_operation(sandbox, call.path["id"], call.field("operation"))
        return {"operation": updated.wire()}

    base = "/restaurants-operations/v1/operations"
    return [
        Route("/locations/v1/locations", endpoint(sandbox, locations, write=False)),
        Route("/locations/v1/locations/{id}", endpoint(sandbox, location, write=False)),
        Route(base, endpoint(sandbox, listing, write=False), methods=["GET"]),
        Route(f"{base}/{{id}}", endpoint(sandbox, get, write=False), methods=["GET"]),
        Route(f"{base}/{{id}}", endpoint(sandbox, update, write=True), methods=["PATCH"]),
    ]


def _availability_routes(sandbox: WixSandbox) -> list[BaseRoute]:
    def methods(call: Call) -> dict[str, Any]:
        return availability.list_methods(sandbox)

    def method(call: Call) -> dict[str, Any]:
        return {"fulfillmentMethod": availability.get_method(sandbox, call.path["id"])}

    def update_method(call: Call) -> dict[str, Any]:
        given = call.field("fulfillmentMethod")
        return {"fulfillmentMethod": availability.update_method(sandbox, call.path["id"], given)}

    def create_exception(call: Call) -> dict[str, Any]:
        given = call.field("availabilityException")
        return {"availabilityException": availability.create_exception(sandbox, given)}

    def query_exceptions(call: Call) -> dict[str, Any]:
        return availability.query_exceptions(sandbox, call.field("query"))

    def delete_exception(call: Call) -> dict[str, Any]:
        availability.delete_exception(sandbox, call.path["id"])
        return {}

    one_method, exceptions = f"{availability.METHODS}/{{id}}", availability.EXCEPTIONS
    return [
        Route(availability.METHODS, endpoint(sandbox, methods, write=False), methods=["GET"]),
        Route(one_method, endpoint(sandbox, method, write=False), methods=["GET"]),
        Route(one_method, endpoint(sandbox, update_method, write=True), methods=["PATCH"]),
        Route(exceptions, endpoint(sandbox, create_exception, write=True), methods=["POST"]),
        Route(
            f"{exceptions}/query",
            endpoint(sandbox, query_exceptions, write=False),
            methods=["POST"],
        ),
        Route(
            f"{exceptions}/{{id}}",
            endpoint(sandbox, delete_exception, write=True),
            methods=["DELETE"],
        ),
    ]


def api_routes(sandbox: WixSandbox) -> list[BaseRoute]:
    """Every Wix API route the sandbox serves."""
    routes: list[BaseRoute] = []
    for api in menus.MENU_APIS:
        routes += _menu_routes(sandbox, api)
    routes += _order_routes(sandbox) + _operation_routes(sandbox)
    return routes + _availability_routes(sandbox)

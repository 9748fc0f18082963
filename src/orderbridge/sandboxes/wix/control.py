"""The sandbox's control API for tests and demos, under ``/_sandbox/``.

Not part of Wix: these are the knobs a test turns (faults, tokens, the webhook URL),
the windows it looks through (the event and delivery log, orders with their
fulfilments, the published menu), the public key a connector is configured with, and
the customer's checkout. Errors come in Wix's error shape, like the API's.
"""

from __future__ import annotations

import secrets
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.wix.checkout import checkout, published_menu
from orderbridge.sandboxes.wix.delivery import EventDispatcher
from orderbridge.sandboxes.wix.errors import WixError, invalid
from orderbridge.sandboxes.wix.faults import FaultConfig
from orderbridge.sandboxes.wix.orders import pay_order, stored
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import LOCATION_ID
from orderbridge.sandboxes.wix.state import AccessToken
from orderbridge.sandboxes.wix.wire import WixJSONResponse, json_body


def _guarded(handler: Any) -> Any:
    async def run(request: Request) -> Response:
        try:
            result: Response = await handler(request)
        except WixError as error:
            return WixJSONResponse(error.body(), status_code=error.status)
        return result

    return run


def control_routes(sandbox: WixSandbox, dispatcher: EventDispatcher) -> list[BaseRoute]:
    world = sandbox.world

    async def public_key(request: Request) -> Response:
        return PlainTextResponse(sandbox.public_key_pem, media_type="application/x-pem-file")

    async def instance(request: Request) -> Response:
        site = world.site
        return WixJSONResponse(
            {
                "instanceId": site.instance_id,
                "appId": site.app_id,
                "currency": site.currency,
                "webhookUrl": site.webhook_url,
                "accessTokens": [t.model_dump() for t in site.tokens],
                "locationIds": list(world.locations),
                "operationIds": list(world.operations),
                "publicKey": sandbox.public_key_pem,
            }
        )

    async def webhook(request: Request) -> Response:
        url = (await json_body(request)).get("url")
        if not isinstance(url, str):
            raise invalid("url", "must be a string (empty to stop deliveries)")
        world.site.webhook_url = url
        sandbox.dirty = True
        return WixJSONResponse({"webhookUrl": url})

    async def events(request: Request) -> Response:
        if request.method == "DELETE":
            dispatcher.log.clear()
            dispatcher.published.clear()
            return WixJSONResponse({"deleted": True})
        limit = request.query_params.get("limit", "1000")
        if not limit.isdigit():
            raise invalid("limit", "must be a whole number")
        event_id = request.query_params.get("eventId")
        published = [e for e in dispatcher.published if event_id in (None, e["event"]["id"])]
        return WixJSONResponse(
            {
                "events": published[-int(limit) :],
                "deliveries": dispatcher.entries(event_id=event_id, limit=int(limit)),
            }
        )

    async def place(request: Request) -> Response:
        order = checkout(sandbox, await json_body(request))
        return WixJSONResponse({"order": order}, status_code=201)

    async def order_list(request: Request) -> Response:
        return WixJSONResponse(
            {"orders": [record.model_dump() for record in world.orders.values()]}
        )

    async def order(request: Request) -> Response:
        record = stored(sandbox, request.path_params["id"])
        return WixJSONResponse({"order": record.order, "fulfillments": record.fulfillments})

    async def pay(request: Request) -> Response:
        order, events = pay_order(sandbox, request.path_params["id"])
        sandbox.publish(events)
        return WixJSONResponse({"order": order})

    async def menu(request: Request) -> Response:
        location_id = request.query_params.get("locationId", LOCATION_ID)
        return WixJSONResponse({"menus": published_menu(world, location_id)})

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            body = await json_body(request)
            unknown = set(body) - set(FaultConfig.model_fields)
            if unknown:
                raise invalid("body", f"unknown fault knobs: {sorted(unknown)}")
            base = (
                {}
                if request.query_params.get("replace") == "1"
                else sandbox.faults.config.model_dump()
            )
            try:
                config = FaultConfig.model_validate(base | body)
            except ValidationError as exc:
                raise invalid("body", exc.errors(include_url=False)[0]["msg"]) from None
            sandbox.faults.configure(config)
        return WixJSONResponse(sandbox.faults.config.model_dump())

    async def issue_token(request: Request) -> Response:
        body = await json_body(request)
        token = AccessToken(
            token=f"OauthNG.JWS.{secrets.token_urlsafe(24)}",
            read_only=bool(body.get("readOnly", False)),
        )
        world.site.tokens.append(token)
        sandbox.dirty = True
        return WixJSONResponse(token.model_dump(), status_code=201)

    async def revoke_token(request: Request) -> Response:
        value = (await json_body(request)).get("token")
        found = next((t for t in world.site.tokens if t.token == value), None)
        if found is None:
            raise invalid("token", "is not a token of this instance")
        found.revoked = True
        sandbox.dirty = True
        return WixJSONResponse({"revoked": value})

    async def save(request: Request) -> Response:
        if sandbox.state_file is None:
            raise WixError(409, "NO_STATE_FILE", "the sandbox was started without --state")
        sandbox.save()
        return WixJSONResponse({"saved": str(sandbox.state_file)})

    routes = [
        ("/_sandbox/public-key", public_key, ["GET"]),
        ("/_sandbox/instance", instance, ["GET"]),
        ("/_sandbox/webhook", webhook, ["POST"]),
        ("/_sandbox/events", events, ["GET", "DELETE"]),
        ("/_sandbox/checkout", place, ["POST"]),
        ("/_sandbox/orders", order_list, ["GET"]),
        ("/_sandbox/orders/{id}", order, ["GET"]),
        ("/_sandbox/orders/{id}/pay", pay, ["POST"]),
        ("/_sandbox/menu", menu, ["GET"]),
        ("/_sandbox/faults", faults, ["GET", "POST"]),
        ("/_sandbox/tokens", issue_token, ["POST"]),
        ("/_sandbox/tokens/revoke", revoke_token, ["POST"]),
        ("/_sandbox/state/save", save, ["POST"]),
    ]
    return [Route(path, _guarded(fn), methods=methods) for path, fn, methods in routes]

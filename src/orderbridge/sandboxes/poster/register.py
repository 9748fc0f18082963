"""The simulated register over HTTP: a JSON control API for tests and demos, and an
HTML page for people, both acting through ``cashier``.

Every action runs in ``sandbox.context(account)`` and is published with
``sandbox.commit(ctx)``, so the webhooks fire exactly as after an API call. Control
errors answer 4xx ``{"error": {"code", "message", "poster_code"}}``; the page shows them
in a banner after redirecting back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from orderbridge.sandboxes.poster import cashier
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.params import to_float, to_int
from orderbridge.sandboxes.poster.register_view import board, order_summary
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.state import Account

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
HTTP_STATUS = {32: 404, 404: 404, 153: 409}
ERROR_CODES = {32: "not_found", 404: "not_found", 153: "conflict"}


def _account(sandbox: PosterSandbox, request: Request) -> Account:
    login = request.query_params.get("account")
    if login is None:
        if not sandbox.world.accounts:
            raise PosterError(32, "The sandbox has no accounts", field="account")
        return next(iter(sandbox.world.accounts.values()))
    return sandbox.account(login)


def _error(error: PosterError) -> JSONResponse:
    body = {
        "error": {
            "code": ERROR_CODES.get(error.code, "invalid"),
            "message": error.message,
            "poster_code": error.code,
        }
    }
    return JSONResponse(body, status_code=HTTP_STATUS.get(error.code, 400))


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise PosterError(400, "The body must be JSON") from None
    if not isinstance(body, dict):
        raise PosterError(400, "The body must be a JSON object")
    return body


def _optional_int(body: dict[str, Any], key: str) -> int | None:
    value = body.get(key)
    return None if value in (None, "") else to_int(value, key)


def _optional_bool(body: dict[str, Any], key: str) -> bool | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return value.lower() in ("1", "true", "on", "yes")
    return bool(value)


def _act(
    sandbox: PosterSandbox, request: Request, action: str, target: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Run one register action on ``target`` and publish its webhooks."""
    account = _account(sandbox, request)
    ctx = sandbox.context(account)
    if action in ("accept", "decline"):
        order = account.incoming_orders.get(target)
        if order is None:
            raise PosterError(32, f"incoming_order_id {target} doesn't exist")
        if action == "accept":
            accept = cashier.accept_order if order.type == 1 else cashier.accept_reservation
            accept(ctx, target)
        else:
            decline = cashier.decline_order if order.type == 1 else cashier.decline_reservation
            decline(ctx, target)
        result: dict[str, Any] = {"incoming_order": order_summary(account, order)}
    elif action == "close":
        tx = cashier.close_transaction(
            ctx,
            target,
            payed_cash=_optional_int(body, "payed_cash"),
            payed_card=_optional_int(body, "payed_card") or 0,
            payed_cert=_optional_int(body, "payed_cert") or 0,
            reason=_optional_int(body, "reason"),
        )
        result = {"transaction": tx.model_dump(include=_TX_FIELDS)}
    else:  # product
        if body.get("spot_id") in (None, ""):
            raise PosterError(34, "Field spot_id is required", field="spot_id")
        stock = body.get("stock")
        cashier.edit_product(
            ctx,
            target,
            to_int(body["spot_id"], "spot_id"),
            price=_optional_int(body, "price"),
            visible=_optional_bool(body, "visible"),
            out=_optional_bool(body, "out"),
            stock=None if stock in (None, "") else to_float(stock, "stock"),
            modificator_id=_optional_int(body, "modificator_id"),
        )
        result = {"product_id": target}
    result["events"] = [f"{e.object}:{e.object_id}:{e.action}" for e in ctx.events]
    sandbox.commit(ctx)
    return result


_TX_FIELDS = {
    "transaction_id",
    "status",
    "sum",
    "prepaid",
    "payed_sum",
    "payed_cash",
    "payed_card",
    "payed_third_party",
    "pay_type",
    "date_close",
    "incoming_order_id",
}


def _control(sandbox: PosterSandbox, action: str) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            target = to_int(request.path_params["id"], "id")
            result = _act(sandbox, request, action, target, await _json_body(request))
        except PosterError as error:
            return _error(error)
        return JSONResponse(result)

    return endpoint


def _list_orders(sandbox: PosterSandbox) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            account = _account(sandbox, request)
        except PosterError as error:
            return _error(error)
        orders = sorted(account.incoming_orders.values(), key=lambda o: o.incoming_order_id)
        return JSONResponse({"incoming_orders": [order_summary(account, o) for o in orders]})

    return endpoint


def _page(sandbox: PosterSandbox) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            account = _account(sandbox, request)
        except PosterError as error:
            return _error(error)
        spot = request.query_params.get("spot")
        context = board(sandbox.world, account, spot)
        context["message"] = request.query_params.get("msg", "")
        context["failed"] = request.query_params.get("error", "")
        return TEMPLATES.TemplateResponse(request, "register.html", context)

    return endpoint


def _form(sandbox: PosterSandbox, action: str) -> Any:
    async def endpoint(request: Request) -> Response:
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        back = {"account": request.query_params.get("account", ""), "spot": fields.pop("spot", "")}
        try:
            if action == "close":
                # The page takes money in hryvnias; the register works in kopecks.
                for key in ("payed_cash", "payed_card"):
                    if fields.get(key):
                        fields[key] = str(round(float(fields[key].replace(",", ".")) * 100))
            body: dict[str, Any] = fields
            if action == "product":
                body = _changed_fields(sandbox, request, fields)
            target = to_int(request.path_params["id"], "id")
            _act(sandbox, request, action, target, body)
            back["msg"] = f"Done: {action} #{target}"
        except PosterError as error:
            back["error"] = error.message
        except ValueError:
            back["error"] = "Amounts must be numbers"
        query = urlencode({k: v for k, v in back.items() if v})
        return RedirectResponse(f"/register?{query}", status_code=303)

    return endpoint


def _changed_fields(
    sandbox: PosterSandbox, request: Request, fields: dict[str, str]
) -> dict[str, Any]:
    """The product form's fields that differ from what the product has now.

    The form always sends every field (unticked boxes send nothing at all), and the
    page shows prices in hryvnias; only real changes go on, so that saving one field
    does not announce changes to the others.
    """
    try:
        account = _account(sandbox, request)
        product_id = to_int(request.path_params["id"], "id")
        spot_id = to_int(fields.get("spot_id", ""), "spot_id")
    except PosterError:
        return fields  # _act reports the bad id
    current = board(sandbox.world, account, str(spot_id))["products"]
    now = next((p for p in current if p["product_id"] == product_id), None)
    if now is None:
        return fields
    changed: dict[str, Any] = {"spot_id": spot_id}
    if fields.get("price") and not now["has_modifications"]:
        price = round(float(fields["price"].replace(",", ".")) * 100)
        if price != now["price"]:
            changed["price"] = price
    for box in ("visible", "out"):
        ticked = bool(fields.get(box))
        if ticked != now[box]:
            changed[box] = ticked
    if fields.get("stock") not in (None, "") and float(fields["stock"]) != now["stock"]:
        changed["stock"] = fields["stock"]
    return changed


def register_routes(sandbox: PosterSandbox) -> list[Route]:
    """The control API under ``/_sandbox/`` and the register page under ``/register``."""
    routes = [
        Route("/_sandbox/incoming-orders", _list_orders(sandbox), methods=["GET"]),
        Route("/register", _page(sandbox), methods=["GET"]),
    ]
    for action, prefix, suffix in (
        ("accept", "incoming-orders", "/accept"),
        ("decline", "incoming-orders", "/decline"),
        ("close", "transactions", "/close"),
        ("product", "products", ""),
    ):
        path = f"{prefix}/{{id}}{suffix}"
        routes.append(Route(f"/_sandbox/{path}", _control(sandbox, action), methods=["POST"]))
        routes.append(Route(f"/register/{path}", _form(sandbox, action), methods=["POST"]))
    return routes

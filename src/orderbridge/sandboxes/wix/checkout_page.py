"""``GET /checkout``: a small page to place an order by hand from the published menu,
the way a customer would on the site's online-ordering page."""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.wix.checkout import checkout, published_menu
from orderbridge.sandboxes.wix.errors import WixError
from orderbridge.sandboxes.wix.sandbox import WixSandbox

STYLE = """
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
fieldset{margin:1rem 0;border:1px solid #ccc;border-radius:.5rem}
.item{display:flex;gap:1rem;align-items:baseline;padding:.3rem 0;flex-wrap:wrap}
.item b{flex:1}.error{color:#a00}.ok{color:#060}input[type=number]{width:4rem}
"""


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang=uk><meta charset=utf-8><title>{escape(title)}</title>"
        f"<style>{STYLE}</style><h1>{escape(title)}</h1>{body}</html>"
    )


def _item_row(item: dict[str, Any]) -> str:
    key = escape(item["id"])
    price = item["price"] or (item["variants"][0]["price"] if item["variants"] else "0")
    controls = [f"<input type=number min=0 value=0 name='qty:{key}' aria-label='кількість'>"]
    if item["variants"]:
        options = "".join(
            f"<option value='{escape(v['id'])}'>"
            f"{escape(v['name'])} — ₴{escape(v['price'])}</option>"
            for v in item["variants"]
        )
        controls.append(f"<select name='variant:{key}'>{options}</select>")
    for group in item["modifierGroups"]:
        for modifier in group["modifiers"]:
            controls.append(
                f"<label><input type=checkbox name='mod:{key}' value='{escape(modifier['id'])}'>"
                f"{escape(modifier['name'])} +₴{escape(modifier['charge'])}</label>"
            )
    stock = "" if item["inStock"] else " <i>(немає)</i>"
    name = f"<b>{escape(item['name'])}{stock}</b>"
    return f"<div class=item>{name} ₴{escape(price)} {''.join(controls)}</div>"


def _form(sandbox: WixSandbox, operation_id: str, error: str = "") -> HTMLResponse:
    operation = sandbox.world.operations[operation_id]
    menus = published_menu(sandbox.world, operation.business_location_id)
    sections = (
        "".join(
            f"<fieldset><legend>{escape(menu['name'])} · {escape(section['name'])}</legend>"
            + "".join(_item_row(item) for item in section["items"])
            + "</fieldset>"
            for menu in menus
            for section in menu["sections"]
        )
        or "<p>The menu is empty: publish one from the POS through the hub first.</p>"
    )
    status = operation.online_ordering_status
    notice = f"<p class=error>{escape(error)}</p>" if error else ""
    return _page(
        f"{sandbox.world.locations[operation.business_location_id].data['name']} — замовлення",
        f"{notice}<p>Online ordering: <b>{escape(status)}</b></p>"
        f"<form method=post><input type=hidden name=operationId value='{escape(operation_id)}'>"
        f"{sections}<fieldset><legend>Покупець</legend>"
        "<input name=firstName placeholder=Ім'я required>"
        " <input name=lastName placeholder=Прізвище>"
        " <input name=phone placeholder=Телефон required>"
        " <input name=email type=email placeholder=Email>"
        "<p><select name=paymentStatus><option>PAID</option><option>NOT_PAID</option></select>"
        " <input name=note placeholder=Коментар></p></fieldset>"
        "<button>Замовити</button></form>",
    )


def checkout_routes(sandbox: WixSandbox) -> list[BaseRoute]:
    def default_operation(request: Request) -> str:
        wanted = request.query_params.get("operationId")
        if wanted in sandbox.world.operations:
            return str(wanted)
        return next(op.id for op in sandbox.world.operations.values() if op.default)

    async def page(request: Request) -> Response:
        if request.method == "GET":
            return _form(sandbox, default_operation(request))
        form = await request.form()
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        operation_id = fields.get("operationId") or default_operation(request)
        items = []
        for key, value in fields.items():
            if key.startswith("qty:") and value.isdigit() and int(value) > 0:
                item_id = key.removeprefix("qty:")
                options: dict[str, Any] = {}
                if f"variant:{item_id}" in fields:
                    options["variantId"] = fields[f"variant:{item_id}"]
                modifier_ids = [v for k, v in form.multi_items() if k == f"mod:{item_id}"]
                if modifier_ids:
                    options["modifierIds"] = modifier_ids
                items.append({"catalogItemId": item_id, "quantity": int(value), "options": options})
        request_body = {
            "operationId": operation_id,
            "items": items,
            "buyer": {
                k: fields[k] for k in ("firstName", "lastName", "phone", "email") if fields.get(k)
            },
            "paymentStatus": fields.get("paymentStatus", "PAID"),
            "note": fields.get("note") or None,
        }
        try:
            order = checkout(sandbox, request_body)
        except WixError as error:
            return _form(sandbox, operation_id, error.description)
        total = order["priceSummary"]["total"]["formattedAmount"]
        return _page(
            f"Замовлення №{order['number']} прийнято",
            f"<p class=ok>Дякуємо! До сплати {escape(total)}.</p>"
            f"<p><a href='/_sandbox/orders/{escape(order['id'])}'>Order JSON</a> · "
            "<a href='/checkout'>Ще одне замовлення</a></p>",
        )

    return [Route("/checkout", page, methods=["GET", "POST"])]

"""What the register shows: orders, reservations, checks and products, per spot.

Plain dicts for the JSON control API and the Jinja2 page; money stays in kopecks here
and the template formats it.
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.menu_ops import in_stock_at
from orderbridge.sandboxes.poster.methods.order_lines import unit_price
from orderbridge.sandboxes.poster.state import Account, IncomingOrder, World

STATUS_NAMES = {0: "new", 1: "accepted", 7: "canceled"}
CHECK_STATUS_NAMES = {1: "open", 2: "closed", 3: "removed"}


def order_summary(account: Account, order: IncomingOrder) -> dict[str, Any]:
    """An order or a reservation with its lines priced and its check's state."""
    tx = account.transactions.get(order.transaction_id or 0)
    lines: list[dict[str, Any]] = []
    for line in order.products:
        product = account.products.get(line.product_id)
        price = unit_price(account, order.spot_id, line)
        lines.append(
            {
                "product_id": line.product_id,
                "name": product.product_name if product else f"#{line.product_id}",
                "modificator_id": line.modificator_id,
                "modification": line.modification,
                "count": line.count,
                "price": price,
                "sum": round(price * line.count),
            }
        )
    table = account.tables.get(order.table_id or 0)
    return {
        "incoming_order_id": order.incoming_order_id,
        "type": "order" if order.type == 1 else "reservation",
        "spot_id": order.spot_id,
        "status": order.status,
        "status_name": STATUS_NAMES.get(order.status, str(order.status)),
        "client_id": order.client_id,
        "customer": " ".join(p for p in (order.first_name, order.last_name) if p),
        "phone": order.phone,
        "comment": order.comment,
        "created_at": order.created_at,
        "products": lines,
        "total": sum(line["sum"] for line in lines) + (order.delivery_price or 0),
        "payment": order.payment.model_dump() if order.payment else None,
        # The promotions the order asked for (the JSON string Poster keeps), or None.
        "promotion": order.promotion,
        "service_mode": order.service_mode,
        "delivery_time": order.delivery_time,
        "table": table.table_num if table else None,
        "date_reservation": order.date_reservation,
        "duration": order.duration,
        "guests_count": order.guests_count,
        "transaction_id": order.transaction_id,
        "transaction_status": CHECK_STATUS_NAMES.get(tx.status) if tx else None,
    }


def board(world: World, account: Account, spot: str | None) -> dict[str, Any]:
    """The register page's context for one account and one spot (the first by default)."""
    spot_ids = sorted(account.spots)
    spot_id = int(spot) if spot and spot.isdigit() and int(spot) in account.spots else None
    if spot_id is None and spot_ids:
        spot_id = spot_ids[0]
    orders = [
        order_summary(account, o)
        for o in sorted(account.incoming_orders.values(), key=lambda o: -o.incoming_order_id)
        if o.spot_id == spot_id
    ]
    checks = [
        {
            "transaction_id": tx.transaction_id,
            "table": account.tables[tx.table_id].table_num if tx.table_id in account.tables else "",
            "incoming_order_id": tx.incoming_order_id,
            "sum": tx.sum,
            "prepaid": tx.prepaid,
            "to_pay": tx.sum - tx.prepaid,
        }
        for tx in sorted(account.transactions.values(), key=lambda t: t.transaction_id)
        if tx.spot_id == spot_id and tx.status == 1
    ]
    products = []
    storage = account.spots[spot_id].storage_id if spot_id in account.spots else 0
    for product in sorted(account.products.values(), key=lambda p: p.product_name):
        if product.deleted or spot_id not in product.spots:
            continue
        at_spot = product.spots[spot_id]
        products.append(
            {
                "product_id": product.product_id,
                "name": product.product_name,
                "price": at_spot.price,
                "visible": at_spot.visible,
                "out": not in_stock_at(product, storage),
                "stock": product.stock.get(storage),
                "has_modifications": bool(product.modifications),
            }
        )
    return {
        "accounts": sorted(world.accounts),
        "account": account.account,
        "spots": [(s, account.spots[s].spot_name) for s in spot_ids],
        "spot_id": spot_id,
        "orders": [o for o in orders if o["type"] == "order"],
        "reservations": [o for o in orders if o["type"] == "reservation"],
        "checks": checks,
        "products": products,
        "currency": account.settings.currency_symbol,
    }

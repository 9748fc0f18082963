"""What a cashier does at the register: accept or decline online orders and
reservations, close checks, change a product's price, visibility or stock.

Each function takes a ``CallContext`` (from ``PosterSandbox.context``), checks before it
writes, mutates the world and queues the webhooks real Poster sends for the same act;
the caller publishes them with ``PosterSandbox.commit``. Wrong-state actions (accepting
an order twice, closing a closed check) raise ``PosterError`` 153.
"""

from __future__ import annotations

from orderbridge.sandboxes.poster import checks, menu_ops
from orderbridge.sandboxes.poster.context import CallContext
from orderbridge.sandboxes.poster.errors import PosterError, not_found
from orderbridge.sandboxes.poster.methods.clients import add_client, find_client_by_phone
from orderbridge.sandboxes.poster.methods.order_lines import first_modification, unit_price
from orderbridge.sandboxes.poster.state import (
    Client,
    IncomingOrder,
    IncomingOrderProduct,
    Transaction,
)


def _incoming(ctx: CallContext, incoming_order_id: int, order_type: int) -> IncomingOrder:
    order = ctx.account.incoming_orders.get(incoming_order_id)
    if order is None or order.type != order_type:
        raise not_found("incoming_order_id", incoming_order_id)
    return order


def _attach_client(ctx: CallContext, order: IncomingOrder) -> None:
    """Give an order from an unknown phone its customer, as the register does on accept."""
    if order.client_id or not order.phone:
        return
    client = find_client_by_phone(ctx.account, order.phone)
    if client is None:
        client = add_client(
            ctx,
            Client(
                client_id=0,
                firstname=order.first_name or "",
                lastname=order.last_name or "",
                phone="+" + order.phone,
                phone_number=order.phone,
                email=order.email or "",
                sex=order.sex or 0,
                birthday=order.birthday or "",
                address=order.address or "",
            ),
        )
    order.client_id = client.client_id


def _open_check(ctx: CallContext, order: IncomingOrder) -> Transaction:
    tx = checks.open_check(
        ctx,
        spot_id=order.spot_id,
        table_id=order.table_id or 0,
        guests_count=order.guests_count or 1,
        tablet_id=_tablet(ctx, order.spot_id),
        client_id=order.client_id,
        transaction_comment=order.comment or "",
        service_mode=order.service_mode or 1,
        incoming_order_id=order.incoming_order_id,
        announce=False,
    )
    # Delivery is charged on the check, so a prepayment that covered it covers the check.
    delivery = order.delivery_price or 0
    for line in order.products:
        checks.add_line(
            ctx,
            tx,
            product_id=line.product_id,
            price=unit_price(ctx.account, order.spot_id, line),
            num=line.count,
            modification_id=_modification_id(ctx, order.spot_id, line),
            modification=line.modification,
            time=tx.date_start,
            extra=delivery,
        )
    tx.sum = sum(p.product_sum for p in tx.products) + delivery
    prepaid = order.payment.sum if order.payment and order.payment.type == 1 else 0
    tx.prepaid = min(prepaid, tx.sum)
    return tx


def _modification_id(ctx: CallContext, spot_id: int, line: IncomingOrderProduct) -> int:
    """The check line's modification: the one ordered; for a product with
    modifications ordered without one, its first shown at the spot; for a dish, the
    first modifier chosen (its ``modification_id`` in Poster's reports names its
    modifier set; 0 for none)."""
    if line.modificator_id:
        return line.modificator_id
    product = ctx.account.products.get(line.product_id)
    if product is not None and product.modifications:
        return first_modification(product, spot_id) or 0
    return line.modification[0]["m"] if line.modification else 0


def _tablet(ctx: CallContext, spot_id: int) -> int:
    """The spot's first live register (1 when it has none)."""
    for tablet in ctx.account.tablets.values():
        if tablet.spot_id == spot_id and not tablet.deleted:
            return tablet.tablet_id
    return 1


def _accept(ctx: CallContext, order: IncomingOrder) -> Transaction:
    if order.status != 0:
        raise checks.refuse(f"Incoming order {order.incoming_order_id} is not new")
    if order.spot_id not in ctx.account.spots:
        raise not_found("spot_id", order.spot_id)
    _attach_client(ctx, order)
    tx = _open_check(ctx, order)
    order.status = 1
    order.transaction_id = tx.transaction_id
    order.updated_at = ctx.now_str()
    ctx.emit("incoming_order", order.incoming_order_id, "changed")
    ctx.emit("transaction", tx.transaction_id, "added")
    return tx


def accept_order(ctx: CallContext, incoming_order_id: int) -> Transaction:
    """Accept a new online order: status 1 and a check with its products and prices.

    A customer known only by phone is created now (``client`` added). Emits
    ``incoming_order`` changed and ``transaction`` added.
    """
    return _accept(ctx, _incoming(ctx, incoming_order_id, 1))


def accept_reservation(ctx: CallContext, incoming_order_id: int) -> Transaction:
    """Accept a reservation: status 1 and an empty check opened at the reserved table.

    The reference's accepted reservation carries a ``transaction_id``, so accepting one
    opens the table's check, where the guests' order will go.
    """
    return _accept(ctx, _incoming(ctx, incoming_order_id, 2))


def _decline(ctx: CallContext, order: IncomingOrder) -> None:
    if order.status == 7:
        raise checks.refuse(f"Incoming order {order.incoming_order_id} is already canceled")
    tx = ctx.account.transactions.get(order.transaction_id or 0)
    if tx is not None and tx.status == checks.CLOSED:
        raise checks.refuse(f"Check {tx.transaction_id} is closed; it cannot be canceled")
    if tx is not None and tx.status == checks.OPEN:
        # Canceling an accepted order removes its open check.
        checks.remove(ctx, tx)
    order.status = 7
    order.updated_at = ctx.now_str()
    ctx.emit("incoming_order", order.incoming_order_id, "changed")


def decline_order(ctx: CallContext, incoming_order_id: int) -> None:
    """Decline (status 7) a new order, or cancel an accepted one and remove its check."""
    _decline(ctx, _incoming(ctx, incoming_order_id, 1))


def decline_reservation(ctx: CallContext, incoming_order_id: int) -> None:
    """Decline (status 7) a reservation, removing its check if one was opened."""
    _decline(ctx, _incoming(ctx, incoming_order_id, 2))


def close_transaction(
    ctx: CallContext,
    transaction_id: int,
    *,
    payed_cash: int | None = None,
    payed_card: int = 0,
    payed_cert: int = 0,
    reason: int | None = None,
) -> Transaction:
    """Close an open check (status 2) with the cashier's payments (``checks.close``)."""
    tx = checks.open_transaction(ctx, transaction_id)
    checks.close(
        ctx,
        tx,
        payed_cash=payed_cash,
        payed_card=payed_card,
        payed_cert=payed_cert,
        reason=reason,
    )
    return tx


def edit_product(
    ctx: CallContext,
    product_id: int,
    spot_id: int,
    *,
    price: int | None = None,
    visible: bool | None = None,
    out: bool | None = None,
    stock: float | None = None,
    modificator_id: int | None = None,
) -> None:
    """Change a product's price or visibility at a spot, mark it sold out or back, or
    set its stock in the spot's storage, as the manager does in the back office.

    Checks everything first (the menu operations each check only their own part), then
    applies the changes through ``menu_ops``, which announce ``product``/``dish`` and
    ``stock`` webhooks as Poster does.
    """
    product = ctx.account.products.get(product_id)
    if product is None or product.deleted:
        raise not_found("product_id", product_id)
    spot = ctx.account.spots.get(spot_id)
    if spot is None:
        raise not_found("spot_id", spot_id)
    if price is not None and price < 0:
        raise PosterError(400, "price must not be negative", field="price")
    if modificator_id is not None and all(
        m.modificator_id != modificator_id for m in product.modifications
    ):
        raise not_found("modificator_id", modificator_id)
    if price is not None and product.modifications and modificator_id is None:
        raise PosterError(
            34, "modificator_id is required to price a variant", field="modificator_id"
        )
    if price is not None:
        menu_ops.set_price(ctx, product_id, spot_id, price, modificator_id)
    if visible is not None:
        menu_ops.set_visible(ctx, product_id, spot_id, visible, modificator_id)
    if out is not None:
        menu_ops.set_out(ctx, product_id, out)
    if stock is not None:
        menu_ops.set_stock(ctx, product_id, spot.storage_id, stock)

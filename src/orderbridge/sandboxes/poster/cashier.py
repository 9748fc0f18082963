"""What a cashier does at the register: accept or decline online orders and
reservations, close checks, change a product's price, visibility or stock.

Each function takes a ``CallContext`` (from ``PosterSandbox.context``), checks before it
writes, mutates the world and queues the webhooks real Poster sends for the same act;
the caller publishes them with ``PosterSandbox.commit``. Wrong-state actions (accepting
an order twice, closing a closed check) raise ``PosterError`` 153.
"""

from __future__ import annotations

from orderbridge.sandboxes.poster import menu_ops
from orderbridge.sandboxes.poster.context import CallContext
from orderbridge.sandboxes.poster.errors import PosterError, not_found
from orderbridge.sandboxes.poster.methods.clients import add_client, find_client_by_phone
from orderbridge.sandboxes.poster.methods.order_lines import unit_price
from orderbridge.sandboxes.poster.methods.transactions import history_data
from orderbridge.sandboxes.poster.state import (
    Client,
    IncomingOrder,
    Transaction,
    TransactionProduct,
)

REASONS = (1, 2, 3)  # closed unpaid: the customer left, on the house, a waiter's error


def _now_ms(ctx: CallContext) -> int:
    return int(ctx.clock().timestamp() * 1000)


def _incoming(ctx: CallContext, incoming_order_id: int, order_type: int) -> IncomingOrder:
    order = ctx.account.incoming_orders.get(incoming_order_id)
    if order is None or order.type != order_type:
        raise not_found("incoming_order_id", incoming_order_id)
    return order


def _refuse(message: str) -> PosterError:
    return PosterError(153, message)


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
    now = _now_ms(ctx)
    lines = []
    for line in order.products:
        price = unit_price(ctx.account, order.spot_id, line)
        lines.append(
            TransactionProduct(
                product_id=line.product_id,
                modification_id=line.modificator_id or 0,
                num=line.count,
                price=price,
                product_sum=round(price * line.count),
                modification=line.modification,
                time=now,
            )
        )
    # Delivery is charged on the check, so a prepayment that covered it covers the check.
    total = sum(p.product_sum for p in lines) + (order.delivery_price or 0)
    prepaid = order.payment.sum if order.payment and order.payment.type == 1 else 0
    tx = Transaction(
        transaction_id=ctx.account.next_id("transaction"),
        spot_id=order.spot_id,
        table_id=order.table_id or 0,
        client_id=order.client_id,
        date_start=now,
        sum=total,
        prepaid=min(prepaid, total),
        transaction_comment=order.comment or "",
        service_mode=order.service_mode or 1,
        incoming_order_id=order.incoming_order_id,
        products=lines,
        guests_count=order.guests_count or 1,
    )
    ctx.account.transactions[tx.transaction_id] = tx
    return tx


def _accept(ctx: CallContext, order: IncomingOrder) -> Transaction:
    if order.status != 0:
        raise _refuse(f"Incoming order {order.incoming_order_id} is not new")
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
        raise _refuse(f"Incoming order {order.incoming_order_id} is already canceled")
    tx = ctx.account.transactions.get(order.transaction_id or 0)
    if tx is not None and tx.status == 2:
        raise _refuse(f"Check {tx.transaction_id} is closed; it cannot be canceled")
    if tx is not None and tx.status == 1:
        # Canceling an accepted order removes its open check.
        tx.status = 3
        ctx.emit("transaction", tx.transaction_id, "removed")
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
    """Close an open check (status 2) with the cashier's payments.

    What was prepaid online counts as a third-party payment, so the register asks only
    for the rest; with no payment given the rest is taken in cash. Cash beyond the rest
    is change and is not recorded. ``reason`` closes it unpaid (payments must be 0).
    Emits ``transaction`` changed (with the close history entry, as Poster does),
    ``incoming_order`` changed for an online order's check (Poster's guide: the webhook
    comes when the cashier closes the order) and ``client_payed_sum`` changed when a
    customer is on the check.
    """
    tx = ctx.account.transactions.get(transaction_id)
    if tx is None:
        raise not_found("transaction_id", transaction_id)
    if tx.status != 1:
        raise _refuse(f"Check {transaction_id} is not open")
    if min(payed_cash or 0, payed_card, payed_cert) < 0:
        raise PosterError(400, "Payments must not be negative")
    rest = tx.sum - tx.prepaid
    if reason is not None:
        if reason not in REASONS:
            raise PosterError(400, "reason must be 1, 2 or 3", field="reason")
        if payed_cash or payed_card or payed_cert:
            raise PosterError(400, "A check closed with a reason takes no payment")
        cash = 0
    else:
        if payed_card + payed_cert > rest:
            raise PosterError(400, f"Card and certificate exceed the {rest} left to pay")
        needed = rest - payed_card - payed_cert
        cash = needed if payed_cash is None else payed_cash
        if cash < needed:
            raise PosterError(400, f"Payments cover {cash + payed_card + payed_cert} of {rest}")
        cash = needed

    tx.payed_cash, tx.payed_card, tx.payed_cert = cash, payed_card, payed_cert
    tx.payed_third_party = tx.prepaid if reason is None else 0
    tx.payed_sum = cash + payed_card
    tx.reason = reason or 0
    kinds = [k for k, v in (("cash", cash), ("card", payed_card)) if v]
    if payed_cert or tx.payed_third_party:
        kinds.append("other")
    tx.pay_type = {(): 0, ("cash",): 1, ("card",): 2}.get(tuple(kinds), 3)
    for line in tx.products:
        line.payed_sum = 0 if reason is not None else line.product_sum
    tx.status = 2
    tx.date_close = max(_now_ms(ctx), tx.date_start)
    ctx.emit("transaction", tx.transaction_id, "changed", history_data(tx, "close"))
    order = ctx.account.incoming_orders.get(tx.incoming_order_id or 0)
    if order is not None:
        order.updated_at = ctx.now_str()
        ctx.emit("incoming_order", order.incoming_order_id, "changed")
    client = ctx.account.clients.get(tx.client_id)
    if client is not None:
        client.total_payed_sum += tx.payed_sum + tx.payed_third_party
        ctx.emit("client_payed_sum", client.client_id, "changed")
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
